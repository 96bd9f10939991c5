package dev.strangler.engine.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.contract.ServerCapabilities;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the doctor says about a slot and a failover, for each server version, slot and standby layout. */
class FailoverSlotCheckTest {

    private static final ServerCapabilities PG16 = ServerCapabilities.of(160010, "16.10");
    private static final ServerCapabilities PG17 = ServerCapabilities.of(170006, "17.6");

    private static SlotState slot(boolean failover) {
        return new SlotState("strangler_x", "pgoutput", "logical", "db", false, null, "reserved", "0/1", "0/1", 0L,
                0L, null, failover, null, null, null, null, null, null);
    }

    private static FailoverSlotCheck check(boolean requested, Optional<SlotState> existing, int standbys,
                                           List<String> physical, List<String> synchronizedSlots) {
        return new FailoverSlotCheck(requested, "strangler_x", existing, standbys, physical, synchronizedSlots);
    }

    @Test
    void beforeSeventeenAFailoverSlotIsRefusedAndOtherwiseNothingIsSaid() {
        List<Check> refused = check(true, Optional.empty(), 1, List.of("s1"), List.of()).run(PG16);
        assertThat(refused).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo(Status.FAIL);
            assertThat(c.detail()).contains("needs PostgreSQL 17", "16.10");
            assertThat(c.fix()).contains("source.slot.failover=false");
        });
        assertThat(check(false, Optional.empty(), 1, List.of("s1"), List.of()).run(PG16)).isEmpty();
    }

    @Test
    void aRequestedFailoverSlotNeedsTheStandbysListedInSynchronizedStandbySlots() {
        List<Check> unset = check(true, Optional.empty(), 1, List.of("standby_a", "standby_b"), List.of()).run(PG17);
        assertThat(unset.get(0).status()).isEqualTo(Status.PASS);
        assertThat(unset.get(0).detail()).contains("creates it as a failover slot");
        assertThat(unset.get(1).status()).isEqualTo(Status.WARN);
        assertThat(unset.get(1).detail()).contains("transactions the new primary never received");
        assertThat(unset.get(1).fix()).startsWith("ALTER SYSTEM SET synchronized_standby_slots = 'standby_a,standby_b';")
                .contains("sync_replication_slots = on", "hot_standby_feedback = on");

        List<Check> set = check(true, Optional.of(slot(true)), 1, List.of("standby_a"), List.of("standby_a"))
                .run(PG17);
        assertThat(set).extracting(Check::status).containsOnly(Status.PASS);

        List<Check> typo = check(true, Optional.of(slot(true)), 1, List.of("standby_a"), List.of("standby_z"))
                .run(PG17);
        assertThat(typo.get(1).status()).isEqualTo(Status.FAIL);
        assertThat(typo.get(1).detail()).contains("[standby_z]", "streams nothing");
    }

    @Test
    void anOrdinarySlotIsTurnedIntoAFailoverSlotInPlace() {
        List<Check> requested = check(true, Optional.of(slot(false)), 0, List.of(), List.of()).run(PG17);
        assertThat(requested).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo(Status.WARN);
            assertThat(c.fix()).contains("ALTER_REPLICATION_SLOT strangler_x ( FAILOVER true )");
        });
        List<Check> withStandbys = check(false, Optional.of(slot(false)), 2, List.of("s1"), List.of()).run(PG17);
        assertThat(withStandbys).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo(Status.WARN);
            assertThat(c.fix()).contains("source.slot.failover=true", "ALTER_REPLICATION_SLOT");
        });
        assertThat(check(false, Optional.of(slot(false)), 0, List.of(), List.of()).run(PG17))
                .extracting(Check::status).containsOnly(Status.PASS);
        assertThat(check(false, Optional.empty(), 0, List.of(), List.of()).run(PG17)).isEmpty();
    }
}
