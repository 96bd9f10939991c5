package dev.strangler.parity.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.contract.TableId;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SnapshotsInProgressTest {

    private static final TableId ORDERS = TableId.parse("shop.orders");
    private static final TableId LINES = TableId.parse("shop.order_lines");

    @Test
    void aTableIsInProgressFromItsStartUntilItsScanCompletes() {
        SnapshotsInProgress s = new SnapshotsInProgress();
        s.accept(notice("a", "STARTED", "\"data_collections\":\"shop.orders,shop.order_lines\""));
        assertThat(s.reason(ORDERS)).hasValueSatisfying(r -> assertThat(r).contains("in progress",
                "no chunk read yet"));
        s.accept(notice("a", "IN_PROGRESS", "\"current_collection_in_progress\":\"shop.orders\","
                + "\"last_processed_key\":\"250\",\"maximum_key\":\"1000\""));
        assertThat(s.reason(ORDERS)).hasValueSatisfying(r -> assertThat(r).contains("25% by key, at 250 of 1000"));
        s.accept(notice("a", "TABLE_SCAN_COMPLETED", "\"scanned_collection\":\"shop.orders\""));
        assertThat(s.reason(ORDERS)).isEmpty();
        assertThat(s.reason(LINES)).as("queued behind it").isPresent();
        s.accept(notice("b", "COMPLETED", ""));
        assertThat(s.reason(LINES)).as("one context: its completion ends every table, whatever the id").isEmpty();
    }

    @Test
    void aScanThatFailedLeavesTheTableUnverifiableUntilAScanSucceeds() {
        SnapshotsInProgress s = new SnapshotsInProgress();
        s.accept(notice("a", "STARTED", "\"data_collections\":\"shop.orders\""));
        s.accept(notice("a", "TABLE_SCAN_COMPLETED", "\"scanned_collection\":\"shop.orders\",\"status\":\"SQL_EXCEPTION\""));
        s.accept(notice("a", "COMPLETED", ""));
        assertThat(s.reason(ORDERS)).hasValueSatisfying(r -> assertThat(r).contains("failed", "SQL_EXCEPTION",
                "strangler snapshot --tables shop.orders"));
        s.accept(notice("b", "STARTED", "\"data_collections\":\"shop.orders\""));
        assertThat(s.reason(ORDERS)).hasValueSatisfying(r -> assertThat(r).contains("in progress"));
        s.accept(notice("b", "TABLE_SCAN_COMPLETED", "\"scanned_collection\":\"shop.orders\",\"status\":\"SUCCEEDED\""));
        assertThat(s.reason(ORDERS)).isEmpty();
    }

    @Test
    void anAbortEndsTheTablesItNamesOrAll() {
        SnapshotsInProgress s = new SnapshotsInProgress();
        s.accept(notice("a", "STARTED", "\"data_collections\":\"shop.orders,shop.order_lines\""));
        s.accept(notice("a", "ABORTED", "\"data_collections\":\"shop.orders\""));
        assertThat(s.reason(ORDERS)).isEmpty();
        assertThat(s.reason(LINES)).isPresent();
        s.accept(notice("a", "ABORTED", ""));
        assertThat(s.reason(LINES)).isEmpty();
    }

    @Test
    void initialSnapshotsAndOtherRecordsAreIgnored() {
        SnapshotsInProgress s = new SnapshotsInProgress();
        s.accept(("{\"id\":\"x\",\"type\":\"STARTED\",\"aggregate_type\":\"Initial Snapshot\",\"additional_data\":"
                + "{\"data_collections\":\"shop.orders\"}}").getBytes(StandardCharsets.UTF_8));
        s.accept("not json".getBytes(StandardCharsets.UTF_8));
        s.accept(null);
        assertThat(s.reason(ORDERS)).isEmpty();
    }

    @Test
    void aKeyThatIsNotOneNumberSaysWhereItIsWithoutAShare() {
        SnapshotsInProgress s = new SnapshotsInProgress();
        s.accept(notice("a", "IN_PROGRESS", "\"current_collection_in_progress\":\"shop.orders\","
                + "\"last_processed_key\":\"abc,7\",\"maximum_key\":\"zzz,9\""));
        assertThat(s.reason(ORDERS)).hasValueSatisfying(r -> assertThat(r).contains("at key abc,7 of zzz,9")
                .doesNotContain("%"));
    }

    private static byte[] notice(String id, String type, String data) {
        return ("{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"aggregate_type\":\"Incremental Snapshot\","
                + "\"additional_data\":{" + data + "},\"timestamp\":1796237989894}").getBytes(StandardCharsets.UTF_8);
    }
}
