package dev.strangler.parity.reverse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.contract.TableId;
import dev.strangler.parity.model.Operation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReverseFoldTest {

    private static final TableId ORDERS = new TableId("shop", "web_orders");

    private static SinkModel.Effect effect(SinkModel.Kind kind, String ref, String... columnValues) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < columnValues.length; i += 2) {
            values.put(columnValues[i], columnValues[i + 1]);
        }
        return new SinkModel.Effect(kind, ORDERS, Map.of("order_ref", ref), values, null, null);
    }

    private static ReverseFold.Row only(ReverseFold fold) {
        assertThat(fold.rows()).hasSize(1);
        return fold.rows().iterator().next();
    }

    @Test
    void keepsEveryColumnWrittenSinceTheRowWasInsertedAsTheSinksPartialUpdatesLeaveIt() {
        ReverseFold fold = new ReverseFold(List.of("order_ref"));
        fold.applied(effect(SinkModel.Kind.UPSERT, "o-1", "total", "10.00", "status", "placed"), "t", 0, 0);
        fold.applied(effect(SinkModel.Kind.UPDATE, "o-1", "status", "confirmed"), "t", 0, 1);
        ReverseFold.Row row = only(fold);
        assertThat(row.live()).isTrue();
        assertThat(row.columns()).containsExactly(Map.entry("total", "10.00"), Map.entry("status", "confirmed"));
        assertThat(row.origin()).isEqualTo("t partition 0 offset 1");
        assertThat(row.orderDependent()).isFalse();
        assertThat(fold.applied()).containsExactly(Map.entry(Operation.CREATE, 1L), Map.entry(Operation.UPDATE, 1L));
    }

    @Test
    void forgetsTheColumnsOfADeletedRowWhenItIsInsertedAgain() {
        ReverseFold fold = new ReverseFold(List.of("order_ref"));
        fold.applied(effect(SinkModel.Kind.UPSERT, "o-1", "total", "10.00", "note", "x"), "t", 0, 0);
        fold.applied(effect(SinkModel.Kind.DELETE, "o-1"), "t", 0, 1);
        assertThat(only(fold).live()).isFalse();
        assertThat(only(fold).columns()).isEmpty();
        fold.applied(effect(SinkModel.Kind.UPSERT, "o-1", "total", "12.00"), "t", 0, 2);
        assertThat(only(fold).live()).isTrue();
        assertThat(only(fold).columns()).containsExactly(Map.entry("total", "12.00"));
    }

    @Test
    void setsAsideARowWhoseFinalStateDependsOnTheOrderOfTwoPartitions() {
        ReverseFold disjoint = new ReverseFold(List.of("order_ref"));
        disjoint.applied(effect(SinkModel.Kind.UPSERT, "o-1", "total", "10.00"), "placed", 0, 0);
        disjoint.applied(effect(SinkModel.Kind.UPSERT, "o-1", "status", "shipped"), "shipping", 0, 0);
        assertThat(only(disjoint).orderDependent()).as("different columns: any order gives the same row").isFalse();

        ReverseFold overlapping = new ReverseFold(List.of("order_ref"));
        overlapping.applied(effect(SinkModel.Kind.UPSERT, "o-1", "status", "placed"), "placed", 0, 0);
        overlapping.applied(effect(SinkModel.Kind.UPSERT, "o-1", "status", "shipped"), "shipping", 1, 0);
        assertThat(only(overlapping).orderDependent()).isTrue();

        ReverseFold deleted = new ReverseFold(List.of("order_ref"));
        deleted.applied(effect(SinkModel.Kind.UPSERT, "o-1", "total", "10.00"), "placed", 0, 0);
        deleted.applied(effect(SinkModel.Kind.DELETE, "o-1"), "cancelled", 0, 0);
        assertThat(only(deleted).orderDependent()).isTrue();
    }

    @Test
    void countsRefusedIgnoredAndNotYetAppliedRecordsWithoutFoldingThem() {
        ReverseFold fold = new ReverseFold(List.of("order_ref"));
        fold.applied(new SinkModel.Effect(SinkModel.Kind.BAD, ORDERS, Map.of(), Map.of(), null, "no /total"), "t",
                0, 4);
        fold.applied(new SinkModel.Effect(SinkModel.Kind.IGNORED, ORDERS, Map.of(), Map.of(), null, null), "t", 0, 5);
        fold.notYetApplied(effect(SinkModel.Kind.UPSERT, "o-9", "total", "1.00"));
        assertThat(fold.rows()).isEmpty();
        assertThat(fold.refused()).isEqualTo(1);
        assertThat(fold.refusedSample()).containsExactly("t partition 0 offset 4: no /total");
        assertThat(fold.ignored()).isEqualTo(1);
        assertThat(fold.notYetApplied()).containsExactly(Map.entry(Operation.CREATE, 1L));
    }

    @Test
    void refusesToMatchRowsOfMappingsThatIdentifyThemByOtherColumns() {
        ReverseFold fold = new ReverseFold(List.of("id"));
        fold.applied(effect(SinkModel.Kind.UPSERT, "o-1", "total", "1.00"), "t", 0, 0);
        assertThat(fold.rows()).isEmpty();
        assertThat(fold.keyProblem()).contains("[order_ref]", "[id]", "mapping.<id>.key");
    }
}
