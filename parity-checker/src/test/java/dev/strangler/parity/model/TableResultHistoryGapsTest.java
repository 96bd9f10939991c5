package dev.strangler.parity.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.contract.TableId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How history gaps weigh on a table's verdict: outside the tolerance, NO-GO unless accepted. */
class TableResultHistoryGapsTest {

    private static final TableId ORDERS = TableId.parse("shop.orders");
    private static final List<HistoryGap> GAP = List.of(new HistoryGap(HistoryGapKind.RESNAPSHOT_AFTER_STREAMING,
            0x100, 0x900, null, null, "restarted"));

    private static TableResult matching(long tolerance, List<String> neverInStream) {
        return new TableResult(ORDERS, "p.shop.orders", TableResult.verdictOf(0, tolerance, neverInStream), null,
                tolerance, false, 10, 10, Map.of(), Map.of(), Map.of(), Map.of(), 0, List.of(), neverInStream,
                List.of(), null);
    }

    @Test
    void aGapMakesAMatchingTableNoGoWhateverItsTolerance() {
        TableResult judged = matching(1_000, List.of()).withHistoryGaps(GAP, false);

        assertThat(judged.verdict()).isEqualTo(Verdict.NO_GO);
        assertThat(judged.findings()).isZero();
        assertThat(judged.reasoning()).singleElement().asString().contains("1 history gap")
                .contains("--accept-history-gaps accepts");
    }

    @Test
    void anAcceptedGapIsReportedWithoutChangingTheVerdict() {
        TableResult judged = matching(0, List.of()).withHistoryGaps(GAP, true);

        assertThat(judged.verdict()).isEqualTo(Verdict.GO);
        assertThat(judged.historyGaps()).isEqualTo(GAP);
        assertThat(judged.reasoning()).singleElement().asString().contains("accepted by --accept-history-gaps");
    }

    @Test
    void aGapOutranksAColumnThatNeverArrivesAsADefiniteFindingDoes() {
        assertThat(matching(0, List.of("note")).withHistoryGaps(GAP, false).verdict()).isEqualTo(Verdict.NO_GO);
    }

    @Test
    void aTableThatCouldNotBeComparedStaysUnverifiable() {
        TableResult unverifiable = TableResult.unverifiable(ORDERS, "p.shop.orders", 0, "topic missing");

        assertThat(unverifiable.withHistoryGaps(GAP, false).verdict()).isEqualTo(Verdict.UNVERIFIABLE);
    }

    @Test
    void noGapLeavesTheVerdictAsTheComparisonGaveIt() {
        assertThat(matching(0, List.of()).withHistoryGaps(List.of(), false).verdict()).isEqualTo(Verdict.GO);
    }
}
