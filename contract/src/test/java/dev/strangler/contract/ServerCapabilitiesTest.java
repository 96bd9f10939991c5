package dev.strangler.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerCapabilitiesTest {

    @Test
    void shouldRefuseVersionsOlderThan12InOneLineThatNamesTheVersionAndTheFix() {
        for (int num : new int[] {110022, 100023, 90624}) {
            ServerCapabilities server = ServerCapabilities.of(num, "v" + num);
            assertThat(server.unsupportedReason()).as("%d", num).hasValueSatisfying(reason -> assertThat(reason)
                    .contains("PostgreSQL v" + num, "not supported", "PostgreSQL 12 or newer", "upgrade")
                    .doesNotContain("\n"));
        }
    }

    @Test
    void shouldAcceptEveryVersionFrom12On() {
        for (int num : new int[] {120000, 120022, 130022, 170006, 180001}) {
            assertThat(ServerCapabilities.of(num, "x").unsupportedReason()).as("%d", num).isEmpty();
        }
    }

    @Test
    void shouldReadSlotWalColumnsOnlyFrom13() {
        ServerCapabilities pg12 = ServerCapabilities.of(120022, "12.22");
        ServerCapabilities pg13 = ServerCapabilities.of(130022, "13.22");
        assertThat(pg12.capsSlotWal()).isFalse();
        assertThat(pg12.slotWalColumns("s")).isEqualTo("NULL::text, NULL::bigint").doesNotContain("wal_status");
        assertThat(pg13.capsSlotWal()).isTrue();
        assertThat(pg13.slotWalColumns("s")).isEqualTo("s.wal_status, s.safe_wal_size");
    }

    @Test
    void shouldReadFailoverAndInactiveSinceOnlyFrom17() {
        assertThat(ServerCapabilities.of(160010, "16.10").slotFailoverColumns("s"))
                .isEqualTo("NULL::boolean, NULL::bigint");
        assertThat(ServerCapabilities.of(170006, "17.6").slotFailoverColumns("s"))
                .startsWith("s.failover, ").contains("s.inactive_since");
        assertThat(ServerCapabilities.of(160010, "16.10").failoverSlots()).isFalse();
        assertThat(ServerCapabilities.of(180001, "18.1").failoverSlots()).isTrue();
    }

    @Test
    void shouldTakeTheSnapshotWithTheFunctionTheServerHas() {
        assertThat(ServerCapabilities.of(120022, "12.22").currentSnapshotFunction())
                .isEqualTo("txid_current_snapshot()");
        assertThat(ServerCapabilities.of(130022, "13.22").currentSnapshotFunction())
                .isEqualTo("pg_current_snapshot()");
    }

    @Test
    void shouldTreatAnUnanalysedTableAsUnknownBefore14() {
        assertThat(ServerCapabilities.of(130022, "13.22").rowEstimate("c"))
                .contains("c.relpages = 0 AND c.reltuples = 0 THEN -1");
        assertThat(ServerCapabilities.of(140019, "14.19").rowEstimate("c")).isEqualTo("c.reltuples::bigint");
    }

    @Test
    void shouldKnowWhichVersionsPublishSchemasAndStreamLargeTransactions() {
        assertThat(ServerCapabilities.of(140019, "14.19").publishesSchemas()).isFalse();
        assertThat(ServerCapabilities.of(150014, "15.14").publishesSchemas()).isTrue();
        assertThat(ServerCapabilities.of(130022, "13.22").streamsInProgressTransactions()).isFalse();
        assertThat(ServerCapabilities.of(140019, "14.19").streamsInProgressTransactions()).isTrue();
        assertThat(ServerCapabilities.of(120022, "12.22").major()).isEqualTo(12);
    }

    @Test
    void shouldCutAtTheReplayedPositionOnAStandbyAndAtTheInsertPositionOnAPrimary() {
        assertThat(ServerCapabilities.of(170006, "17.6", true).cutWalPositionFunction())
                .isEqualTo("pg_last_wal_replay_lsn()");
        assertThat(ServerCapabilities.of(170006, "17.6").cutWalPositionFunction())
                .isEqualTo("pg_current_wal_insert_lsn()");
    }

    @Test
    void shouldDecodeOnAStandbyOnlyFrom16() {
        assertThat(ServerCapabilities.of(150014, "15.14", true).decodesOnStandby()).isFalse();
        assertThat(ServerCapabilities.of(160010, "16.10", true).decodesOnStandby()).isTrue();
        assertThat(ServerCapabilities.of(160010, "16.10", true)).hasToString("PostgreSQL 16.10 (160010, standby)");
    }
}
