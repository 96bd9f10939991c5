package dev.strangler.parity.report;

import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.report.view.ReportView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a run's three reports into one directory: {@value #JSON} (for machines, schema
 * {@value JsonReportWriter#SCHEMA_RESOURCE}), {@value #MARKDOWN} (for a ticket or pull request) and {@value #HTML}
 * (one self-contained page, for people).
 *
 * <p>All three are rendered from one {@link ReportView} before anything is written, so a rendering failure leaves the directory as it was. Each
 * file is then written to a temporary file beside it and moved over the old one atomically where the file system
 * can, so a reader never sees half a report. Between the three moves a reader may briefly find a new report.json
 * beside an old report.html.
 */
public final class ReportWriter {

    public static final String JSON = "report.json";
    public static final String MARKDOWN = "report.md";
    public static final String HTML = "report.html";

    private static final Logger LOG = LoggerFactory.getLogger(ReportWriter.class);

    private final JsonReportWriter json = new JsonReportWriter();
    private final MarkdownReportWriter markdown = new MarkdownReportWriter();
    private final HtmlReportWriter html = new HtmlReportWriter();

    /** Renders and writes the three reports, creating {@code outDir} if needed. */
    public ReportFiles write(ParityReport report, Path outDir) throws IOException {
        ReportView view = ReportView.of(report);
        String jsonText = json.render(view);
        String markdownText = markdown.render(view);
        String htmlText = html.render(view);
        Files.createDirectories(outDir);
        ReportFiles files = new ReportFiles(outDir.resolve(JSON), outDir.resolve(MARKDOWN), outDir.resolve(HTML));
        replace(files.json(), jsonText);
        replace(files.markdown(), markdownText);
        replace(files.html(), htmlText);
        LOG.info("Parity report {} ({}) written to {}", report.runId(), report.verdict().label(), outDir);
        return files;
    }

    /** Like {@link #write} for callers that cannot throw checked exceptions. */
    public ReportFiles writeUnchecked(ParityReport report, Path outDir) {
        try {
            return write(report, outDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the parity report to " + outDir, e);
        }
    }

    private static void replace(Path target, String content) throws IOException {
        // getBytes, not writeString: a lone surrogate in user data becomes '?' instead of failing the write
        AtomicFile.write(target, content.getBytes(StandardCharsets.UTF_8));
    }
}
