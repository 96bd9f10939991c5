package dev.strangler.parity.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

/** Transaction completeness in all three reports: the run's summary and each incomplete transaction by id. */
class IncompleteTransactionReportTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void reportJsonNamesTheTransactionWithItsCommitAndCountsAndStaysValid() throws IOException {
        JsonNode doc = MAPPER.readTree(new JsonReportWriter().render(ReportFixtures.incompleteTransactions()));

        assertThat(ReportSchema.validate(doc)).isEmpty();
        JsonNode check = doc.get("transactionCompleteness");
        assertThat(check.get("topic").asText()).isEqualTo("legacy.transaction");
        assertThat(check.get("checked").asBoolean()).isTrue();
        assertThat(check.get("transactions").asLong()).isEqualTo(1_250);
        assertThat(check.get("incomplete").asLong()).isEqualTo(1);
        JsonNode orders = doc.get("tables").get(0);
        assertThat(orders.get("verdict").asText()).isEqualTo("NO-GO");
        assertThat(orders.get("findings").asLong()).as("the state matches").isZero();
        assertThat(orders.get("incompleteTransactionCount").asLong()).isEqualTo(1);
        JsonNode tx = orders.get("incompleteTransactions").get(0);
        assertThat(tx.get("id").asText()).isEqualTo("7843100:13270093864");
        assertThat(tx.get("xid").asLong()).isEqualTo(7_843_100L);
        assertThat(tx.get("commitLsn").asText()).isEqualTo("3/16000028");
        assertThat(tx.get("commitTime").asText()).isEqualTo("2025-06-03T09:10:02.123Z");
        assertThat(tx.get("expected").asLong()).isEqualTo(3);
        assertThat(tx.get("found").asLong()).isEqualTo(2);
        assertThat(orders.get("reasoning").get(0).asText()).contains("1 transaction visible at the cut is not in "
                + "the topic");
        assertThat(doc.get("tables").get(1).get("incompleteTransactions")).isEmpty();
    }

    @Test
    void aReportWithoutTheCheckStaysValid() throws IOException {
        JsonNode doc = MAPPER.readTree(new JsonReportWriter().render(ReportFixtures.go(false)));

        assertThat(ReportSchema.validate(doc)).isEmpty();
        assertThat(doc.get("transactionCompleteness").isNull()).isTrue();
    }

    @Test
    void htmlAndMarkdownNameTheIncompleteTransaction() {
        Document html = Jsoup.parse(new HtmlReportWriter().render(ReportFixtures.incompleteTransactions()));
        assertThat(html.select("table.incomplete-transactions tr[data-xid=7843100]").text())
                .contains("7843100:13270093864").contains("3/16000028").contains("3").contains("2");
        assertThat(html.text()).contains("1,250 transactions visible at the cut checked in legacy.transaction, 1 "
                + "incomplete");

        String md = new MarkdownReportWriter().render(ReportFixtures.incompleteTransactions());
        assertThat(md).contains("Incomplete transactions (1 of 1)")
                .contains("| `7843100` | `7843100:13270093864` | `3/16000028` |");
    }
}
