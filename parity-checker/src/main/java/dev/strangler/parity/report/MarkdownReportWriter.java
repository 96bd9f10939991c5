package dev.strangler.parity.report;

import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.report.view.ReportView;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;

/**
 * {@code report.md}: the report for a ticket or pull request (GitHub-flavoured Markdown), rendered from the
 * {@link ReportView} by the jte templates in {@code src/main/jte/markdown}. The verdict comes first; every value is
 * escaped by {@link MarkdownOutput}, so it renders as text, never as markup or HTML.
 */
public final class MarkdownReportWriter {

    /** Longest value (in characters) printed in a sample cell; longer ones are cut around their first difference. */
    public static final int MAX_VALUE = 120;
    /** Earlier runs listed (the most recent). */
    public static final int MAX_HISTORY = 10;

    private static final TemplateEngine TEMPLATES = TemplateEngine.createPrecompiled(null, ContentType.Plain,
            MarkdownReportWriter.class.getClassLoader(), "dev.strangler.parity.report.templates.markdown");

    public String render(ParityReport report) {
        return render(ReportView.of(report));
    }

    public String render(ReportView view) {
        MarkdownOutput out = new MarkdownOutput();
        TEMPLATES.render("report.jte", view, out);
        return out.toString();
    }
}
