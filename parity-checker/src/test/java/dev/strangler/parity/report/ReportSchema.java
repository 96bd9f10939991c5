package dev.strangler.parity.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.model.TableResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The shipped report.schema.json, for tests that validate reports: fixtures and reports of real runs. */
public final class ReportSchema {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Schema SCHEMA = load();

    private ReportSchema() {
    }

    private static Schema load() {
        try (InputStream in = JsonReportWriter.class.getResourceAsStream(JsonReportWriter.SCHEMA_RESOURCE)) {
            assertThat(in).as("schema resource on the classpath").isNotNull();
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(MAPPER.readTree(in));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    public static List<Error> validate(JsonNode doc) {
        return SCHEMA.validate(doc, ctx -> ctx.executionConfig(c -> c.formatAssertionsEnabled(true)));
    }

    /**
     * Writes the three report files of a real run and checks them as a reader would: report.json valid against the
     * schema with the run's verdict, report.md and report.html naming the verdict and every table.
     */
    public static void assertReadable(ParityReport report, Path dir) throws IOException {
        ReportFiles files = new ReportWriter().write(report, dir);
        JsonNode doc = MAPPER.readTree(files.json().toFile());
        assertThat(validate(doc)).as("report.json against report.schema.json").isEmpty();
        assertThat(doc.get("verdict").asText()).isEqualTo(report.verdict().label());
        String html = Files.readString(files.html());
        String markdown = Files.readString(files.markdown());
        for (String text : List.of(html, markdown)) {
            assertThat(text).contains(report.verdict().label());
            for (TableResult t : report.tables()) {
                assertThat(text).contains(t.table().toString());
            }
        }
    }
}
