package dev.strangler.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SandboxStandbyIT {

    @Test
    void a_standby_replays_the_primary_refuses_writes_and_can_hold_a_logical_slot() throws Exception {
        try (SandboxPostgres primary = SandboxPostgres.start()) {
            primary.execute("CREATE TABLE before_backup (id int PRIMARY KEY)");
            primary.execute("INSERT INTO before_backup VALUES (1)");
            try (SandboxStandby standby = SandboxStandby.start(primary)) {
                primary.execute("CREATE TABLE after_backup (id int PRIMARY KEY)");
                primary.execute("INSERT INTO after_backup VALUES (2)");
                standby.awaitReplayed();
                try (Connection s = standby.server().connect(); Statement st = s.createStatement()) {
                    assertThat(single(st, "SELECT pg_is_in_recovery()::text")).isEqualTo("true");
                    assertThat(single(st, "SELECT count(*)::text FROM before_backup")).isEqualTo("1");
                    assertThat(single(st, "SELECT id::text FROM after_backup")).isEqualTo("2");
                    assertThatThrownBy(() -> st.execute("INSERT INTO after_backup VALUES (3)"))
                            .hasMessageContaining("read-only transaction");
                }
                try (Connection p = primary.connect(); Statement st = p.createStatement()) {
                    assertThat(single(st, "SELECT active::text FROM pg_replication_slots WHERE slot_name = '"
                            + standby.primarySlot() + "'")).isEqualTo("true");
                }
                if (primary.connect().getMetaData().getDatabaseMajorVersion() >= 16) {
                    // the slot's creation waits for a running-transactions record from the primary
                    CompletableFuture<String> created = CompletableFuture.supplyAsync(() -> {
                        try (Connection s = standby.server().connect(); Statement st = s.createStatement()) {
                            return single(st, "SELECT lsn::text FROM pg_create_logical_replication_slot("
                                    + "'on_standby', 'pgoutput')");
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    while (!created.isDone()) {
                        primary.execute("SELECT pg_log_standby_snapshot()");
                        Thread.sleep(200);
                    }
                    assertThat(created.get()).isNotBlank();
                    standby.server().dropReplicationSlot("on_standby");
                }
            }
            try (Connection p = primary.connect(); Statement st = p.createStatement()) {
                assertThat(single(st, "SELECT count(*)::text FROM pg_replication_slots")).isEqualTo("0");
            }
        }
    }

    private static String single(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
