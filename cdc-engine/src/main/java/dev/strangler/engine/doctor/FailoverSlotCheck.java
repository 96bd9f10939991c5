package dev.strangler.engine.doctor;

import dev.strangler.contract.ServerCapabilities;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether the pipeline's slot survives a failover (PostgreSQL 17+): a failover slot is copied to standbys that run
 * with sync_replication_slots = on, so the pipeline resumes on the promoted standby. Two things decide whether that
 * resume is safe: the slot must be a failover slot, and the primary must hold logical changes back until the
 * standbys that may be promoted have them (synchronized_standby_slots); without that, Kafka can hold events of
 * transactions the new primary never received.
 *
 * @param requested               source.slot.failover
 * @param slot                    the pipeline's slot name
 * @param existing                the slot, when it exists
 * @param streamingStandbys       physical standbys streaming from this server now
 * @param physicalSlots           the server's physical slots (each standby that uses a slot has one)
 * @param synchronizedStandbySlots the setting's value, empty when unset or before 17
 */
record FailoverSlotCheck(boolean requested, String slot, Optional<SlotState> existing, int streamingStandbys,
                         List<String> physicalSlots, List<String> synchronizedStandbySlots) {

    FailoverSlotCheck {
        physicalSlots = List.copyOf(physicalSlots);
        synchronizedStandbySlots = List.copyOf(synchronizedStandbySlots);
    }

    private static final String STANDBY_SETUP = "on each standby that may be promoted: sync_replication_slots = on, "
            + "hot_standby_feedback = on, primary_slot_name set, and dbname=<database> in primary_conninfo";

    List<Check> run(ServerCapabilities server) {
        String name = "slot " + slot + ": failover";
        if (!server.failoverSlots()) {
            if (requested) {
                return List.of(Check.fail(name, "source.slot.failover=true needs PostgreSQL 17 or newer; this server "
                        + "is " + server.version() + ", where Debezium would quietly create an ordinary slot",
                        "set source.slot.failover=false (and plan for a new slot and a snapshot after a failover), "
                                + "or upgrade to PostgreSQL 17+"));
            }
            return List.of();
        }
        List<Check> checks = new ArrayList<>();
        boolean failoverSlot = existing.map(s -> Boolean.TRUE.equals(s.failover())).orElse(requested);
        if (existing.isEmpty()) {
            if (requested) {
                checks.add(Check.pass(name, "strangler run creates it as a failover slot"));
            } else if (streamingStandbys > 0) {
                checks.add(Check.warn(name, streamingStandbys + " physical standby(s) stream from this server, and "
                        + "the slot will not be a failover slot: after a failover the new primary has no slot, and "
                        + "changes made until the pipeline is set up again are lost",
                        "set source.slot.failover=true before the first start; " + STANDBY_SETUP));
            }
        } else if (failoverSlot) {
            checks.add(Check.pass(name, "a failover slot: standbys with sync_replication_slots = on keep a copy"));
        } else if (requested) {
            checks.add(Check.warn(name, "source.slot.failover=true, but '" + slot + "' exists as an ordinary slot "
                    + "(the setting applies when the slot is created)", "make it one in place while the pipeline is "
                    + "stopped, over a replication connection: psql \"dbname=<database> replication=database\" -c "
                    + "'ALTER_REPLICATION_SLOT " + slot + " ( FAILOVER true )'"));
        } else if (streamingStandbys > 0) {
            checks.add(Check.warn(name, "not a failover slot while " + streamingStandbys + " physical standby(s) "
                    + "stream from this server: after a failover the new primary has no slot and changes are lost "
                    + "until a new slot and a snapshot", "set source.slot.failover=true and, with the pipeline "
                    + "stopped: psql \"dbname=<database> replication=database\" -c 'ALTER_REPLICATION_SLOT " + slot
                    + " ( FAILOVER true )'; " + STANDBY_SETUP));
        } else {
            checks.add(Check.pass(name, "not a failover slot; no physical standby streams from this server"));
        }
        if (failoverSlot) {
            checks.add(synchronizedStandbys());
        }
        return checks;
    }

    private Check synchronizedStandbys() {
        String name = "synchronized_standby_slots";
        List<String> missing = synchronizedStandbySlots.stream().filter(s -> !physicalSlots.contains(s)).toList();
        if (!missing.isEmpty()) {
            return Check.fail(name, "names " + missing + ", which " + (missing.size() == 1 ? "is" : "are")
                    + " not a physical slot on this server: the pipeline's WAL sender waits for "
                    + (missing.size() == 1 ? "it" : "them") + " and streams nothing",
                    "ALTER SYSTEM SET synchronized_standby_slots = '" + String.join(",", physicalSlots)
                            + "'; SELECT pg_reload_conf();");
        }
        if (!synchronizedStandbySlots.isEmpty()) {
            return Check.pass(name, String.join(",", synchronizedStandbySlots) + ": changes reach the pipeline only "
                    + "once those standbys have them, so a promoted standby has every change Kafka has");
        }
        if (physicalSlots.isEmpty()) {
            return Check.warn(name, "unset, and no standby uses a physical slot here: a failover slot is copied "
                    + "only to standbys that stream through a physical slot", "give each standby a physical slot "
                    + "(primary_slot_name), list those slots in synchronized_standby_slots; " + STANDBY_SETUP);
        }
        return Check.warn(name, "unset while standbys stream through " + physicalSlots + ": the pipeline can "
                + "receive changes no standby has yet, and after a failover Kafka can hold events of transactions the "
                + "new primary never received", "ALTER SYSTEM SET synchronized_standby_slots = '"
                + String.join(",", physicalSlots) + "'; SELECT pg_reload_conf(); (the slots of the standbys that may "
                + "be promoted); " + STANDBY_SETUP);
    }
}
