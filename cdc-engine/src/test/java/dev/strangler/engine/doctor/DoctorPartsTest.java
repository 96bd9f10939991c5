package dev.strangler.engine.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DoctorPartsTest {

    private static SlotState slot(boolean active, Long flushLagMillis, Long inactiveSeconds, Long heartbeatAge) {
        return new SlotState("s", "pgoutput", "logical", "legacy", active, active ? 42 : null, "reserved", "0/1",
                "0/2", 10L, 20L, null, null, inactiveSeconds, null, null, null, flushLagMillis, heartbeatAge);
    }

    @Test
    void timeLagPrefersPostgresOwnMeasureThenInactiveSinceThenTheHeartbeat() {
        assertThat(slot(true, 1500L, null, 99L).timeLag()).get()
                .isEqualTo(new SlotState.TimeLag(Duration.ofMillis(1500), "pg_stat_replication.flush_lag", false));
        assertThat(slot(true, null, null, 99L).timeLag().get().lag()).isZero();
        assertThat(slot(false, null, 30L, 99L).timeLag()).get()
                .isEqualTo(new SlotState.TimeLag(Duration.ofSeconds(30), "inactive_since", true));
        assertThat(slot(false, null, null, 99L).timeLag().get().source()).isEqualTo("strangler.heartbeat beat_at");
        assertThat(slot(false, null, null, null).timeLag()).isEmpty();
    }

    @Test
    void recognisesPostgresRefusingAnInvalidatedSlotThroughWrappers() {
        SQLException pg = new SQLException("ERROR: can no longer get changes from replication slot \"s\"\n  Detail: "
                + "This slot has been invalidated because it exceeded the maximum reserved size.", "55000");
        assertThat(LostSlot.isLostSlotError(new RuntimeException("engine", new IllegalStateException(pg)))).isTrue();
        assertThat(LostSlot.isLostSlotError(new SQLException("replication slot \"s\" is active for PID 7", "55006")))
                .isFalse();
        assertThat(LostSlot.isLostSlotError(new RuntimeException("connection reset"))).isFalse();
        assertThat(LostSlot.message("s")).contains("LOST", "pg_drop_replication_slot('s')",
                "snapshot.mode=when_needed");
    }

    @Test
    void reportIsOkUntilSomethingFails() {
        DoctorReport report = new DoctorReport("p", "h:1/db", "r", "17", List.of(Check.pass("a", "fine"),
                Check.warn("b", "hm", "do x"), Check.fail("c", "broken", "do y"), Check.fail("d", "also", "")));
        assertThat(report.ok()).isFalse();
        assertThat(report.count(Status.FAIL)).isEqualTo(2);
        assertThat(report.firstFailure()).get().extracting(Check::message).isEqualTo("broken. Fix: do y");
        assertThat(report.warnings()).extracting(Check::name).containsExactly("b");
        assertThat(new DoctorReport("p", "s", "r", "", List.of(Check.warn("b", "hm", "x"))).ok()).isTrue();
    }

    @Test
    void findsTheShippedScriptsOnTheClasspathInOrder() {
        assertThat(SqlScripts.migrations()).extracting(SqlScripts.Script::fileName)
                .startsWith("V1__strangler_schema_and_heartbeat.sql", "V2__parity_history.sql");
        assertThat(SqlScripts.latestMigrationVersion()).isGreaterThanOrEqualTo(2);
        assertThat(SqlScripts.dbaScripts()).extracting(SqlScripts.Script::fileName)
                .containsSubsequence("01_enable_logical_decoding.sql", "02_pipeline_role.sql", "03_publication.sql",
                        "04_replica_identity.sql", "99_teardown.sql");
        assertThat(SqlScripts.version("strangler/sql/migrations/V10__x.sql")).isEqualTo(10);
    }

    @Test
    void printsSizesAndDurationsForPeople() {
        assertThat(Units.bytes(512)).isEqualTo("512 B");
        assertThat(Units.bytes(1536)).isEqualTo("1.5 kB");
        assertThat(Units.bytes(48L * 1024 * 1024)).isEqualTo("48 MB");
        assertThat(Units.duration(Duration.ofMillis(250))).isEqualTo("250 ms");
        assertThat(Units.duration(Duration.ofMinutes(17))).isEqualTo("17 min");
        assertThat(Units.duration(Duration.ofDays(3))).isEqualTo("3 days");
    }
}
