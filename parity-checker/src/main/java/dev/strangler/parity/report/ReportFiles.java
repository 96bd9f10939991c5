package dev.strangler.parity.report;

import java.nio.file.Path;
import java.util.List;

/** Where {@link ReportWriter#write} put the three reports. */
public record ReportFiles(Path json, Path markdown, Path html) {

    public List<Path> all() {
        return List.of(json, markdown, html);
    }
}
