package dev.strangler.parity.report;

import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.report.view.ReportView;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.util.Locale;

/**
 * {@code report.html}: one self-contained page for someone who never saw the tool, rendered from the
 * {@link ReportView} by the jte templates in {@code src/main/jte/html} (compiled to Java at build time). No script, no
 * external resource (a Content-Security-Policy forbids both): inline style, inline SVG charts.
 *
 * <p>Why jte: it escapes every {@code ${...}} for where it lands (element text, attribute value), so there is no
 * escaping helper to pick per call site and forget; templates are compiled with the module, so a renamed view method
 * fails the build instead of a report; rendering is plain Java method calls (no reflection, no template parsing at run
 * time) with only the small jte-runtime on the classpath. Pebble would escape too, but resolves names reflectively at
 * run time and checks nothing at build time.
 */
public final class HtmlReportWriter {

    /** Characters of a sample value shown in its cell; the rest is behind "whole value". */
    public static final int SHOWN_VALUE = 160;
    /** Characters of a value the page holds at all (report.json has the rest). */
    public static final int WHOLE_VALUE = 10_000;
    public static final String WHOLE_VALUE_TEXT = String.format(Locale.US, "%,d", WHOLE_VALUE);

    private static final TemplateEngine TEMPLATES = TemplateEngine.createPrecompiled(null, ContentType.Html,
            HtmlReportWriter.class.getClassLoader(), "dev.strangler.parity.report.templates.html");

    public String render(ParityReport report) {
        return render(ReportView.of(report));
    }

    public String render(ReportView view) {
        StringOutput out = new StringOutput(32_768);
        TEMPLATES.render("report.jte", view, out);
        return out.toString();
    }
}
