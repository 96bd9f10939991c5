package dev.strangler.parity.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.parity.model.ParityReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ReportWriterTest {

    private final ReportWriter writer = new ReportWriter();

    @Test
    void writesAllThreeIntoANewDirectory(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("a/b/parity");
        ReportFiles files = writer.write(ReportFixtures.noGo(true), out);

        assertThat(files.all()).containsExactly(out.resolve("report.json"), out.resolve("report.md"),
                out.resolve("report.html"));
        for (Path p : files.all()) {
            assertThat(p).isRegularFile();
            assertThat(Files.size(p)).isPositive();
        }
        assertThat(new ObjectMapper().readTree(files.json().toFile()).get("verdict").asText()).isEqualTo("NO-GO");
        assertThat(Files.readString(files.markdown())).startsWith("**Verdict: NO-GO** (exit 1)");
        assertThat(Files.readString(files.html())).contains("🚀");
        try (Stream<Path> left = Files.list(out)) {
            assertThat(left).as("no temporary file left behind").hasSize(3);
        }
    }

    @Test
    void replacesAnEarlierReport(@TempDir Path tmp) throws IOException {
        writer.write(ReportFixtures.noGo(false), tmp);
        ReportFiles files = writer.write(ReportFixtures.go(false), tmp);
        assertThat(Files.readString(files.markdown())).startsWith("**Verdict: GO** (exit 0)");
        assertThat(Files.readString(files.html())).contains(">GO</h1>").doesNotContain(">NO-GO<");
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).hasSize(3);
        }
    }

    @Test
    void aLoneSurrogateDoesNotFailTheWrite(@TempDir Path tmp) throws IOException {
        ParityReport r = ReportFixtures.noCut();
        ParityReport odd = new ParityReport(r.schemaVersion(), r.runId(), r.startedAt(), r.finishedAt(), r.source(),
                r.slot(), r.topicPrefix(), r.cut(), r.verdict(), "broken \uD800 text", r.tables(), r.history());
        ReportFiles files = writer.write(odd, tmp);
        assertThat(Files.readString(files.html())).contains("broken <span class=\"esc\" title=\"lone surrogate\">\\uD800</span> text");
        assertThat(Files.readString(files.json())).contains("broken ? text");
    }

    /**
     * Writes every fixture under target/report-fixtures/NAME/ so a person (or a headless browser) can look at them.
     */
    @Test
    void writesTheFixturesForLookingAt() throws IOException {
        Path root = Path.of("target", "report-fixtures");
        for (Map.Entry<String, ParityReport> e : ReportFixtures.named().entrySet()) {
            ReportFiles files = writer.write(e.getValue(), root.resolve(e.getKey()));
            assertThat(files.html()).isRegularFile();
        }
    }
}
