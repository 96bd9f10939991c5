package dev.strangler.parity.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.strangler.parity.model.FindingKind;
import dev.strangler.parity.model.ParityReport;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class JsonReportWriterTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static List<Error> validate(JsonNode doc) {
        return ReportSchema.validate(doc);
    }

    static Stream<ParityReport> reports() {
        return ReportFixtures.all().stream();
    }

    private final JsonReportWriter writer = new JsonReportWriter();

    @ParameterizedTest
    @MethodSource("reports")
    void everyFixtureValidatesAgainstTheShippedSchema(ParityReport report) throws IOException {
        JsonNode doc = MAPPER.readTree(writer.render(report));
        assertThat(validate(doc)).as(report.runId()).isEmpty();
        assertThat(doc.get("schemaVersion").asInt()).isEqualTo(2);
        assertThat(doc.get("verdict").asText()).isEqualTo(report.verdict().label());
        assertThat(doc.get("exitCode").asInt()).isEqualTo(report.verdict().exitCode());
        assertThat(doc.get("tables")).hasSize(report.tables().size());
        assertThat(doc.get("history")).hasSize(report.history().size());
    }

    @Test
    void schemaDeclaresDraft2020AndIsItselfValid() throws IOException {
        JsonNode schema;
        try (InputStream in = JsonReportWriter.class.getResourceAsStream(JsonReportWriter.SCHEMA_RESOURCE)) {
            schema = MAPPER.readTree(in);
        }
        assertThat(schema.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        Schema meta = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(com.networknt.schema.SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        assertThat(meta.validate(schema)).isEmpty();
    }

    @Test
    void theSchemaRejectsWhatTheWriterMustNotProduce() throws IOException {
        ObjectNode good = (ObjectNode) MAPPER.readTree(writer.render(ReportFixtures.noGo(true)));
        assertThat(validate(good)).isEmpty();

        assertThat(validate(good.deepCopy().put("verdict", "NO_GO"))).isNotEmpty();
        assertThat(validate(good.deepCopy().put("exitCode", 0))).as("verdict and exit code disagree").isNotEmpty();
        assertThat(validate(good.deepCopy().put("schemaVersion", 1))).isNotEmpty();
        assertThat(validate(good.deepCopy().put("schemaVersion", 3))).isNotEmpty();
        assertThat(validate(good.deepCopy().put("startedAt", "yesterday"))).isNotEmpty();
        assertThat(validate(good.deepCopy().put("surprise", true))).as("undocumented field").isNotEmpty();
        ObjectNode noKind = good.deepCopy();
        ((ObjectNode) noKind.get("tables").get(0).get("findingCounts")).remove("STREAM_ANOMALY");
        assertThat(validate(noKind)).isNotEmpty();
        ObjectNode describedAnomaly = good.deepCopy();
        ((ObjectNode) describedAnomaly.get("tables").get(0).get("anomalies")).put("update after delete", 1);
        assertThat(validate(describedAnomaly)).as("anomalies are keyed by code, not by description").isNotEmpty();
        ObjectNode badLsn = good.deepCopy();
        ((ObjectNode) badLsn.get("cut")).put("walLsn", "16B37480");
        assertThat(validate(badLsn)).isNotEmpty();
    }

    @Test
    void fieldsAreStableCamelCaseWithIsoInstantsAndNullForUnknownCounts() throws IOException {
        ParityReport report = ReportFixtures.unverifiable(true);
        JsonNode doc = MAPPER.readTree(writer.render(report));

        assertThat(doc.fieldNames()).toIterable().containsExactly("schemaVersion", "runId", "startedAt",
                "finishedAt", "source", "slot", "topicPrefix", "eventEncoding", "acceptNotComparable",
                "acceptHistoryGaps", "verdict", "exitCode", "reason", "transactionCompleteness", "cut", "summary",
                "tables", "history");
        assertThat(Instant.parse(doc.get("startedAt").asText())).isEqualTo(ReportFixtures.STARTED);
        assertThat(doc.get("startedAt").asText()).isEqualTo("2025-06-03T09:15:02.123Z");
        assertThat(doc.get("verdict").asText()).isEqualTo("UNVERIFIABLE");
        assertThat(doc.get("exitCode").asInt()).isEqualTo(2);
        assertThat(doc.get("reason").asText()).contains("2 of 5 tables");

        JsonNode cut = doc.get("cut");
        assertThat(cut.get("snapshot").asText()).isEqualTo("7843210:7843219:7843212,7843215");
        assertThat(cut.get("walLsn").asText()).isEqualTo("3/16B37480");
        assertThat(cut.get("walLsnValue").asLong()).isEqualTo(0x3_16B3_7480L);

        JsonNode lagging = doc.get("tables").get(1);
        assertThat(lagging.get("table").asText()).isEqualTo("public.payments");
        assertThat(lagging.get("verdict").asText()).isEqualTo("UNVERIFIABLE");
        assertThat(lagging.get("rowsInTable").isNull()).isTrue();
        assertThat(lagging.get("liveKeysInStream").isNull()).isTrue();
        assertThat(lagging.get("reason").asText()).contains("not caught up");

        JsonNode summary = doc.get("summary");
        assertThat(summary.get("tablesByVerdict").get("UNVERIFIABLE").asInt()).isEqualTo(3);
        assertThat(summary.get("rowsInTables").asLong()).isEqualTo(12_430 + 58_112 + 40);

        JsonNode filtered = doc.get("tables").get(4);
        assertThat(filtered.get("verdict").asText()).isEqualTo("UNVERIFIABLE");
        assertThat(filtered.get("rowsInTable").asLong()).as("compared, so counted").isEqualTo(40);
        assertThat(filtered.get("columnsNeverInStream")).extracting(JsonNode::asText).containsExactly("email");
        assertThat(filtered.get("reason").asText()).contains("column email never arrives");
        assertThat(filtered.get("reasoning")).extracting(JsonNode::asText)
                .anySatisfy(line -> assertThat(line).contains("column email never arrives"));
        assertThat(doc.get("acceptNotComparable").asBoolean()).isFalse();
    }

    @Test
    void hostileValuesRoundTripExactly() throws IOException {
        ParityReport report = ReportFixtures.noGo(false);
        JsonNode sample = MAPPER.readTree(writer.render(report)).get("tables").get(0).get("sample");
        assertThat(sample.get(0).get("streamValue").asText()).isEqualTo(ReportFixtures.SCRIPT);
        assertThat(sample.get(1).get("tableValue").asText()).isEqualTo(ReportFixtures.QUOTES);
        assertThat(sample.get(2).get("tableValue").asText()).isEqualTo(ReportFixtures.UNICODE);
        assertThat(sample.get(3).get("tableValue").asText()).isEqualTo(ReportFixtures.LONG_TABLE_VALUE);
        assertThat(sample.get(5).get("tableValue").asText()).isEqualTo(ReportFixtures.NEWLINES);
        assertThat(sample.get(6).get("column").isNull()).isTrue();
        assertThat(sample.get(6).get("kind").asText()).isEqualTo("MISSING_IN_STREAM");
        assertThat(sample.get(6).get("anomaly").isNull()).isTrue();
    }

    @Test
    void kindsAnomaliesAndOperationsAreWrittenAsTheirStableCodes() throws IOException {
        JsonNode customers = MAPPER.readTree(writer.render(ReportFixtures.noGo(false))).get("tables").get(0);
        assertThat(customers.get("findingCounts").fieldNames()).toIterable().containsExactly("MISSING_IN_STREAM",
                "EXTRA_IN_STREAM", "CONTENT_DIFFERS", "NOT_COMPARABLE", "STREAM_ANOMALY");
        assertThat(customers.get("anomalies").fieldNames()).toIterable()
                .containsExactly("UPDATE_OF_UNKNOWN_KEY", "UPDATE_AFTER_DELETE");
        assertThat(customers.get("visibleEventsByOp").fieldNames()).toIterable().containsExactly("c", "u", "d", "r");
        for (FindingKind k : FindingKind.values()) {
            assertThat(k.code()).as("the code is the v1 name, so the key did not change").isEqualTo(k.name());
        }
    }

    @Test
    void columnGapsAndTheAcceptanceAreWrittenTyped() throws IOException {
        JsonNode noGo = MAPPER.readTree(writer.render(ReportFixtures.noGo(false)));
        JsonNode documents = noGo.get("tables").get(2);
        assertThat(documents.get("findings").asLong()).as("not-comparable rows count by default").isEqualTo(51);
        assertThat(documents.get("columnGaps").get(0).get("column").asText()).isEqualTo("body");
        assertThat(documents.get("columnGaps").get(0).get("gap").asText()).isEqualTo("UNAVAILABLE");
        assertThat(documents.get("columnGaps").get(0).get("rows").asLong()).isEqualTo(48);
        assertThat(documents.get("columnGaps").get(2).get("gap").asText()).isEqualTo("ABSENT");
        assertThat(documents.get("sample")).extracting(f -> f.get("column").asText() + " " + f.get("gap").asText())
                .containsExactly("body UNAVAILABLE", "attachment UNAVAILABLE", "summary ABSENT");
        JsonNode unreadable = noGo.get("tables").get(0).get("sample").get(9);
        assertThat(unreadable.get("kind").asText()).isEqualTo("CONTENT_DIFFERS");
        assertThat(unreadable.get("gap").asText()).isEqualTo("UNREADABLE");
        assertThat(unreadable.get("streamValue").isNull()).isTrue();
        assertThat(unreadable.get("note").asText()).isEqualTo(ReportFixtures.UNREADABLE_REASON);
        assertThat(noGo.get("tables").get(0).get("sample").get(10).get("anomaly").asText())
                .isEqualTo("UPDATE_AFTER_DELETE");

        JsonNode accepted = MAPPER.readTree(writer.render(ReportFixtures.accepted()));
        assertThat(accepted.get("acceptNotComparable").asBoolean()).isTrue();
        assertThat(accepted.get("tables").get(0).get("findings").asLong()).as("accepted: not counted").isZero();
        assertThat(accepted.get("tables").get(0).get("findingCounts").get("NOT_COMPARABLE").asLong()).isEqualTo(4);
        assertThat(accepted.get("summary").get("findings").asLong()).isZero();
    }

    @Test
    void historyIsWrittenAsTheReportsSpellItForParityHistoryJson() throws IOException {
        JsonNode history = MAPPER.readTree(writer.renderHistory(ReportFixtures.noGo(true).history()));
        JsonNode inReport = MAPPER.readTree(writer.render(ReportFixtures.noGo(true))).get("history");
        assertThat(history).isEqualTo(inReport);
        assertThat(history).extracting(h -> h.get("verdict").asText()).contains("NO-GO", "GO", "UNVERIFIABLE")
                .doesNotContain("NO_GO");
        assertThat(Instant.parse(history.get(0).get("startedAt").asText())).isBefore(ReportFixtures.STARTED);
    }

    @Test
    void eachTableNamesItsDirection() throws IOException {
        JsonNode tables = MAPPER.readTree(writer.render(ReportFixtures.bothDirections())).get("tables");
        assertThat(tables.get(0).get("direction").asText()).isEqualTo("TABLE_TO_TOPIC");
        assertThat(tables.get(1).get("direction").asText()).isEqualTo("TOPIC_TO_TABLE");
        assertThat(tables.get(1).get("topic").asText()).isEqualTo(ReportFixtures.REVERSE_TOPICS);
        assertThat(tables.get(1).get("streamHistory").asText()).isEqualTo(ReportFixtures.REVERSE_FOLD);
        assertThat(tables.get(2).get("direction").asText()).isEqualTo("TOPIC_TO_TABLE");
        assertThat(tables.get(2).get("verdict").asText()).isEqualTo("UNVERIFIABLE");
    }

    @Test
    void outputIsDeterministic() {
        assertThat(writer.render(ReportFixtures.noGo(true))).isEqualTo(writer.render(ReportFixtures.noGo(true)));
    }
}
