package dev.strangler.parity.transactions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.contract.TableId;
import dev.strangler.contract.TransactionMetadata;
import dev.strangler.parity.model.Direction;
import dev.strangler.parity.model.IncompleteTransaction;
import dev.strangler.parity.model.TableResult;
import dev.strangler.parity.model.TransactionCheck;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongPredicate;
import java.util.function.LongUnaryOperator;

/**
 * Transaction completeness (README, "Transaction completeness"): every source transaction visible at the cut whose
 * END record (Debezium's transaction metadata) is in the transaction topic must have exactly the END's count of
 * events in each checked table's topic. Events are matched to their END by transaction id: the xid, which the END's
 * id ({@code <xid>:<lsn>}) and the events' {@code source.txId} and {@code transaction.id} share (the LSN part differs
 * per record), widened against the cut as the visibility rule widens it.
 *
 * <p>The transaction topic is read first, after the wait for the pipeline and before any table topic, so every END it
 * holds belongs to a transaction whose events are all in the table topics when those are read; events are counted as
 * the comparison folds them, so duplicates of a re-send (same key and LSN) count once. What a run holds is one
 * expected and one found count per (table, transaction) in {@link TransactionCounts} (about 32 bytes each), nothing
 * per event; past a quarter of the heap the check stops and says so instead.
 *
 * <p>A table is not judged when its topic cannot hold every event: rebuilt from a later snapshot (early records
 * deleted) or compacted (cleanup.policy=compact removes superseded events). Use: {@link #acceptRecord} for each record
 * of the transaction topic, {@link #counter} while each table is folded, then {@link #judge}.
 */
public final class TransactionCompleteness {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String topic;
    private final List<TableId> tables;
    private final Map<String, Integer> indexByName = new HashMap<>();
    private final LongUnaryOperator widen;
    private final LongPredicate visible;
    private final TransactionCounts counts;
    private final long maxPairs;
    private final Map<TableId, String> skipped = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private long transactions;
    private long unreadable;
    private String firstUnreadable;
    private String notChecked;
    private long incomplete;
    private Consumer<Consumer<byte[]>> reread = sink -> { };

    /**
     * @param topic    the transaction topic, named in the report
     * @param tables   the tables being checked; events and END counts of any other are ignored
     * @param widen    widens a 32-bit xid against the cut
     * @param visible  whether a transaction (32-bit xid) is visible at the cut
     * @param maxPairs the most (table, transaction) pairs to hold; {@link #defaultMaxPairs()} for a quarter of the
     *                 heap
     */
    public TransactionCompleteness(String topic, List<TableId> tables, LongUnaryOperator widen, LongPredicate visible,
                                   long maxPairs) {
        this.topic = topic;
        this.tables = List.copyOf(tables);
        if (tables.size() >= TransactionCounts.MAX_TABLES) {
            throw new IllegalArgumentException("at most " + (TransactionCounts.MAX_TABLES - 1) + " tables");
        }
        for (int i = 0; i < tables.size(); i++) {
            indexByName.put(tables.get(i).toString(), i);
        }
        this.widen = widen;
        this.visible = visible;
        this.maxPairs = maxPairs;
        this.counts = new TransactionCounts(maxPairs);
    }

    /** What a quarter of the heap holds at 43 bytes a pair (a table just doubled), at least a million pairs. */
    public static long defaultMaxPairs() {
        return Math.max(1_000_000, Runtime.getRuntime().maxMemory() / 4 / 43);
    }

    /** Completeness cannot be checked at all, for the reason given (no topic, an empty one). */
    public static TransactionCompleteness notChecked(String topic, String why) {
        TransactionCompleteness none = new TransactionCompleteness(topic, List.of(), x -> x, x -> false, 0);
        none.notChecked = why;
        return none;
    }

    /** Adds something the report should say about what was not checked (records deleted by retention, ...). */
    public void note(String note) {
        notes.add(note);
    }

    /** A table whose topic cannot show every event (compacted, ...): its counts are not judged. */
    public void skipTable(TableId table, String why) {
        skipped.put(table, why);
    }

    /** One record of the transaction topic (its value bytes): an END visible at the cut sets what each table needs. */
    public void acceptRecord(byte[] value) {
        if (notChecked != null) {
            return;
        }
        End end = parse(value);
        if (end == null || !TransactionMetadata.STATUS_END.equals(end.status)) {
            return; // a BEGIN (or a record without a value)
        }
        if (end.xid < 0) {
            unreadable(end.id);
            return;
        }
        if (!visible.test(end.xid)) {
            return; // committed after the cut: its events are not folded either
        }
        long xid = widen.applyAsLong(end.xid);
        if (xid < 0 || xid > TransactionCounts.MAX_XID) {
            unreadable(end.id);
            return;
        }
        boolean counted = false;
        for (var c : end.collections.entrySet()) {
            Integer table = indexByName.get(c.getKey());
            if (table == null) {
                continue; // a table this run does not check
            }
            if (!counts.expect(table, xid, c.getValue())) {
                notChecked = "more than " + String.format(java.util.Locale.US, "%,d", maxPairs) + " (transaction, "
                        + "table) pairs visible at the cut, more than a quarter of this JVM's heap holds ("
                        + (Runtime.getRuntime().maxMemory() >> 20) + " MB); give it more (-Xmx, about 43 bytes a "
                        + "pair) or check fewer tables at a time";
                return;
            }
            counted = true;
        }
        if (counted) {
            transactions++;
        }
    }

    /** What counts a folded event of {@code table} (its 32-bit source xid); does nothing for a table not checked. */
    public LongConsumer counter(TableId table) {
        Integer index = indexByName.get(table.toString());
        if (index == null || notChecked != null) {
            return xid -> { };
        }
        int i = index;
        return xid -> counts.found(i, widen.applyAsLong(xid));
    }

    /** Sets how the transaction topic is read again for the sample's ids and commits (see {@link #judge}). */
    void rereadWith(Consumer<Consumer<byte[]>> reread) {
        this.reread = reread;
    }

    /** {@link #judge(List, int, Consumer)} reading the transaction topic again as the run read it. */
    public List<TableResult> judge(List<TableResult> results, int sampleSize) {
        return judge(results, sampleSize, reread);
    }

    /**
     * Adds each table's incomplete transactions to its result (NO-GO), with a sample of {@code sampleSize} per table
     * named by id, commit LSN and time from a second read of the transaction topic ({@code reread} replays its
     * record values; called only when something is incomplete).
     */
    public List<TableResult> judge(List<TableResult> results, int sampleSize, Consumer<Consumer<byte[]>> reread) {
        if (notChecked != null) {
            return results;
        }
        Set<TableId> judged = new HashSet<>();
        for (TableResult r : results) {
            if (r.direction() != Direction.TABLE_TO_TOPIC || !r.compared() || skipped.containsKey(r.table())) {
                continue;
            }
            if (r.streamHistory() != null) {
                skipped.put(r.table(), "its topic was folded from a later snapshot (early records deleted)");
                continue;
            }
            judged.add(r.table());
        }
        long[] perTable = new long[tables.size()];
        List<List<long[]>> samples = new ArrayList<>();
        tables.forEach(t -> samples.add(new ArrayList<>()));
        long[][] xids = {new long[64]};
        int[] mismatches = {0};
        counts.forEachMismatch((table, xid, expected, found) -> {
            if (!judged.contains(tables.get(table))) {
                return;
            }
            perTable[table]++;
            if (mismatches[0] == xids[0].length) {
                xids[0] = Arrays.copyOf(xids[0], xids[0].length * 2);
            }
            xids[0][mismatches[0]++] = xid;
            if (samples.get(table).size() < sampleSize) {
                samples.get(table).add(new long[] {xid, expected, found});
            }
        });
        incomplete = Arrays.stream(xids[0], 0, mismatches[0]).distinct().count();
        if (incomplete == 0) {
            return results;
        }
        Map<Long, End> ends = new HashMap<>();
        samples.forEach(s -> s.forEach(m -> ends.put(m[0], null)));
        reread.accept(value -> {
            End end = parse(value);
            if (end != null && TransactionMetadata.STATUS_END.equals(end.status) && end.xid >= 0) {
                long xid = widen.applyAsLong(end.xid);
                if (ends.containsKey(xid) && ends.get(xid) == null) {
                    ends.put(xid, end);
                }
            }
        });
        List<TableResult> out = new ArrayList<>();
        for (TableResult r : results) {
            int table = tables.indexOf(r.table());
            if (table < 0 || !judged.contains(r.table()) || perTable[table] == 0) {
                out.add(r);
                continue;
            }
            List<IncompleteTransaction> named = samples.get(table).stream()
                    .sorted(Comparator.comparingLong(m -> m[0]))
                    .map(m -> named(m, ends.get(m[0]))).toList();
            out.add(r.withIncompleteTransactions(named, perTable[table]));
        }
        return out;
    }

    /** The run's summary: checked or why not, how many transactions, how many incomplete, what was left out. */
    public TransactionCheck summary() {
        if (notChecked != null) {
            return TransactionCheck.notChecked(topic, notChecked);
        }
        List<String> all = new ArrayList<>(notes);
        skipped.forEach((table, why) -> all.add(table + " not checked: " + why));
        if (unreadable > 0) {
            all.add(unreadable + " END record(s) without a PostgreSQL transaction id (xid:lsn), e.g. '"
                    + firstUnreadable + "', not checked");
        }
        return new TransactionCheck(topic, true, transactions, incomplete, all.isEmpty() ? null
                : String.join("; ", all));
    }

    private void unreadable(String id) {
        if (unreadable++ == 0) {
            firstUnreadable = id;
        }
    }

    private static IncompleteTransaction named(long[] mismatch, End end) {
        long xid = end == null ? mismatch[0] & 0xFFFF_FFFFL : end.xid; // as the events' source.txId has it
        return new IncompleteTransaction(end == null ? Long.toString(xid) : end.id, xid,
                end == null ? -1 : TransactionMetadata.lsn(end.id).orElse(-1),
                end == null || end.tsMs < 0 ? null : Instant.ofEpochMilli(end.tsMs), mismatch[1], mismatch[2]);
    }

    /** An END (or BEGIN) as far as the check needs it. */
    private record End(String status, String id, long xid, long tsMs, Map<String, Long> collections) {
    }

    /** The record's value, schemas off or on (Kafka Connect's {"schema":..., "payload":...}); null if not readable. */
    private static End parse(byte[] value) {
        if (value == null) {
            return null;
        }
        JsonNode node;
        try {
            node = JSON.readTree(value);
        } catch (IOException e) {
            return null;
        }
        if (node != null && node.isObject() && node.has("schema") && node.has("payload") && node.size() == 2) {
            node = node.get("payload");
        }
        if (node == null || !node.isObject()) {
            return null;
        }
        String id = node.path(TransactionMetadata.ID).asText("");
        Map<String, Long> collections = new LinkedHashMap<>();
        for (JsonNode c : node.path(TransactionMetadata.DATA_COLLECTIONS)) {
            collections.merge(c.path(TransactionMetadata.DATA_COLLECTION).asText(""),
                    c.path(TransactionMetadata.EVENT_COUNT).asLong(0), Long::sum);
        }
        return new End(node.path(TransactionMetadata.STATUS).asText(""), id,
                TransactionMetadata.xid(id).orElse(-1), node.path(TransactionMetadata.TS_MS).asLong(-1), collections);
    }

    @Override
    public String toString() {
        return "TransactionCompleteness[" + topic + ", " + transactions + " transactions, tables "
                + Arrays.toString(tables.toArray()) + "]";
    }
}
