package dev.strangler.parity.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.parity.model.ParityReport;
import java.io.IOException;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

/** History gaps in all three reports: their code, WAL range and time range, and whether the run accepted them. */
class HistoryGapReportTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void reportJsonCarriesEachGapWithItsCodeAndRangesAndStaysValid() throws IOException {
        ParityReport report = ReportFixtures.historyGaps(false);
        JsonNode doc = MAPPER.readTree(new JsonReportWriter().render(report));

        assertThat(ReportSchema.validate(doc)).isEmpty();
        assertThat(doc.get("verdict").asText()).isEqualTo("NO-GO");
        assertThat(doc.get("acceptHistoryGaps").asBoolean()).isFalse();
        JsonNode orders = doc.get("tables").get(0);
        assertThat(orders.get("verdict").asText()).isEqualTo("NO-GO");
        assertThat(orders.get("findings").asLong()).as("the state matches: no finding").isZero();
        assertThat(orders.get("historyGapsAccepted").asBoolean()).isFalse();
        JsonNode gap = orders.get("historyGaps").get(0);
        assertThat(gap.get("kind").asText()).isEqualTo("RESNAPSHOT_AFTER_STREAMING");
        assertThat(gap.get("fromLsn").asText()).isEqualTo("3/16A00010");
        assertThat(gap.get("toLsn").asText()).isEqualTo("3/16B00028");
        assertThat(gap.get("fromTime").asText()).isEqualTo("2025-06-03T08:45:02.123Z");
        JsonNode rebuilt = doc.get("tables").get(1).get("historyGaps").get(0);
        assertThat(rebuilt.get("kind").asText()).isEqualTo("REBUILT_FROM_LATER_SNAPSHOT");
        assertThat(rebuilt.get("fromLsn").isNull()).isTrue();
        assertThat(orders.get("reasoning").get(0).asText()).contains("1 history gap").contains("NO-GO");
    }

    @Test
    void acceptedGapsAreReportedAndRecorded() throws IOException {
        JsonNode doc = MAPPER.readTree(new JsonReportWriter().render(ReportFixtures.historyGaps(true)));

        assertThat(ReportSchema.validate(doc)).isEmpty();
        assertThat(doc.get("verdict").asText()).isEqualTo("GO");
        assertThat(doc.get("acceptHistoryGaps").asBoolean()).isTrue();
        assertThat(doc.get("tables").get(0).get("historyGaps")).hasSize(1);
        assertThat(doc.get("tables").get(0).get("reasoning").get(0).asText()).contains("accepted");
    }

    @Test
    void htmlAndMarkdownNameTheGapAndItsWalRange() {
        Document html = Jsoup.parse(new HtmlReportWriter().render(ReportFixtures.historyGaps(false)));
        assertThat(html.select("li[data-history-gap=RESNAPSHOT_AFTER_STREAMING]").text())
                .contains("re-snapshot after streaming").contains("3/16A00010 .. 3/16B00028")
                .contains("2025-06-03T08:45:02.123Z");
        assertThat(html.select("li[data-history-gap=REBUILT_FROM_LATER_SNAPSHOT]").text()).contains("? .. 3/16B00028");

        String md = new MarkdownReportWriter().render(ReportFixtures.historyGaps(true));
        assertThat(md).contains("History continuity (gaps accepted by --accept-history-gaps):")
                .contains("`3/16A00010 .. 3/16B00028`").contains("History gaps");
    }
}
