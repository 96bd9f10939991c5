package dev.strangler.engine.doctor;

import dev.strangler.contract.TableId;
import java.util.Optional;

/**
 * What an UPDATE that leaves a TOASTed value unchanged publishes, and the cheaper of the two fixes for one table.
 *
 * <p>PostgreSQL writes an unchanged out-of-line value to the WAL only under REPLICA IDENTITY FULL, and then whole
 * (detoasted), as part of the old row, on every update and delete of the table. Re-reading it
 * ({@code source.toast.reselect}) costs one primary-key SELECT on the source per event that lacks a value, and
 * nothing on the table's other writes.
 *
 * <p>Measured on the drain benchmark (bench/README.md, "Unchanged TOAST values"), per update that leaves a 4, 12 or
 * 32 kB value unchanged: FULL adds the whole row to the WAL (+4 kB, +12 kB and +33 kB of WAL per update, so 16 to 123
 * times that of the update itself, and the writer's updates took 2 to 10 times as long), and the walsender decodes it.
 * The re-read costs the source one index scan of about 7 to 10 buffers and 57 to 187 µs of backend CPU, and it runs
 * one at a time on Debezium's source thread. So the re-read does not make the pipeline faster: FULL drained 1.4 to
 * 1.9 times as fast with 4 and 12 kB values, and the two were within the noise of each other with 32 kB values. The
 * advice weighs the legacy database: FULL while an average row, out-of-line values included, is small enough that
 * the WAL it adds to every write is at most about a page, the re-read above that, where FULL's WAL keeps growing with
 * the row while the lookup's cost grows slowly.
 */
final class ToastAdvice {

    /**
     * About a page: the most WAL per write that FULL may add before the re-read is advised (measured: a re-read costs
     * the source about 7 buffers and 57 µs of CPU with 4 kB values, while FULL added 4.1 kB of WAL to every update).
     */
    static final long RESELECT_BREAK_EVEN_BYTES = 8192;

    private ToastAdvice() {
    }

    /**
     * @param toastable   the columns that can be TOASTed, null when none
     * @param fullIdentity REPLICA IDENTITY FULL
     * @param toastBytes  the size of the table's TOAST relation
     * @param rowBytes    the average row, out-of-line values included (table size / rows); negative when unknown
     * @param reselected  the table is in source.toast.reselect
     */
    static Optional<Check> of(TableId table, String toastable, boolean fullIdentity, long toastBytes, long rowBytes,
                              boolean reselected) {
        if (toastable == null) {
            return Optional.empty();
        }
        String name = "table " + table + ": TOAST";
        if (reselected) {
            return Optional.of(Check.pass(name, "unchanged TOASTed values of " + toastable + " are read back from "
                    + "the table (source.toast.reselect)" + (fullIdentity ? "; REPLICA IDENTITY FULL already puts "
                    + "them in the WAL, so the re-read finds nothing to do" : "")));
        }
        if (fullIdentity) {
            return Optional.empty();
        }
        String stored = toastBytes > 0 ? Units.bytes(toastBytes) + " stored out of line now"
                : "no value stored out of line yet";
        String reselect = "add " + table + " to source.toast.reselect (one primary-key SELECT on the source per "
                + "update that leaves such a value unchanged, one at a time, which can slow the drain below FULL's; "
                + "nothing on other writes)";
        String full = "ALTER TABLE " + table.quoted() + " REPLICA IDENTITY FULL; (the whole old row"
                + (rowBytes < 0 ? "" : ", about " + Units.bytes(rowBytes) + " on average here,") + " in the WAL on "
                + "every update and delete; " + TableProbe.SCRIPT_04 + ")";
        if (rowBytes < 0) {
            return Optional.of(Check.warn(name, detail(toastable, stored), "either " + reselect + "; or " + full));
        }
        boolean reselectCheaper = rowBytes > RESELECT_BREAK_EVEN_BYTES;
        return Optional.of(Check.warn(name, detail(toastable, stored),
                "cheaper here: " + (reselectCheaper ? reselect + "; or " + full : full + "; or " + reselect)));
    }

    private static String detail(String toastable, String stored) {
        return "column(s) " + toastable + " can be TOASTed (" + stored + "): an UPDATE that leaves such a large value "
                + "unchanged sends \"__debezium_unavailable_value\" instead of it, and parity reports those rows \"not "
                + "comparable\"";
    }
}
