package dev.strangler.parity.compare;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.contract.TableId;
import dev.strangler.parity.canonical.CanonicalValue;
import dev.strangler.parity.model.AnomalyKind;
import dev.strangler.parity.model.ColumnGap;
import dev.strangler.parity.model.Finding;
import dev.strangler.parity.model.FindingKind;
import dev.strangler.parity.model.Operation;
import dev.strangler.parity.model.TableResult;
import dev.strangler.parity.model.Verdict;
import dev.strangler.parity.stream.ChangeEvent;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.function.LongPredicate;

/**
 * Compares one table with its topic at the cut.
 *
 * <p>Both sides are first spilled to disk, split by key hash into partitions ({@link Partitions}); then each
 * partition is compared on its own: the stream's visible events are folded per key into the state at the cut (the
 * after-image of the last visible event, or absent after a delete), and the table's rows are matched against it.
 * Memory therefore grows with one partition, not with the table: a grace hash join. Sorting both sides would bound
 * memory too, but costs a merge sort of every row; hashing touches each row twice.
 */
public final class TableComparison implements AutoCloseable {

    /** Reads numbers as BigDecimal, so a stored after-image is compared with every digit it had. */
    static final ObjectMapper JSON = dev.strangler.parity.canonical.Canonicalizer.eventMapper();

    private final TableId table;
    private final String topic;
    private final RowCodec codec;
    private final LongPredicate visible;
    private final int sampleSize;
    private final Partitions stream;
    private final Partitions rows;
    /** The in-database comparison's folded keys of the buckets whose digests differ, for {@link Pass#REFOLD}. */
    private final FoldedAside aside;

    private final Map<Operation, Long> visibleByOp = new EnumMap<>(Operation.class);
    private final Map<Operation, Long> afterCutByOp = new EnumMap<>(Operation.class);
    private final Map<FindingKind, Long> counts = new EnumMap<>(FindingKind.class);
    private final Map<AnomalyKind, Long> anomalies = new EnumMap<>(AnomalyKind.class);
    private final ColumnGapTally gaps;
    private final Map<FindingKind, List<Finding>> samples = new EnumMap<>(FindingKind.class);
    private LongConsumer transactionEvents = xid -> { };
    private DifferingKeys differingKeys = DifferingKeys.NONE;
    private int workers = 1;
    /** Records spilled per stream partition: the size of its fold's map, known before it is filled. */
    private final int[] streamRecords;
    /** Whether folds hold keys as longs ({@link IntegerKeyedStates}): the key is one integer column. */
    private boolean integerKeys;
    private long duplicates;
    private long rowsInTable;
    private long liveKeys;
    /** Set for the in-database comparison ({@link #inBuckets}): the key buckets and the columns' types. */
    private KeyBuckets buckets;
    private List<dev.strangler.parity.canonical.ColumnType> digestColumns;
    /** The stream's digests per bucket, summed by {@link #digestStream}. */
    private BucketDigests streamDigests;
    /** The table's digests per bucket, given to {@link #digestStream}. */
    private BucketDigests tableDigests;
    /** The buckets whose digests differ, known once {@link #digestStream} has summed the stream's. */
    private java.util.NavigableSet<Long> differingBuckets;
    /** Records {@link Pass#REFOLD} read back from {@link #aside}: what the row-by-row compare costs the stream side. */
    private long refoldRecordsRead;

    /** What a partition's pass does: the scan's fold and match, or the two passes of the in-database comparison. */
    private enum Pass {
        /** Fold the stream, match it against the table's rows. */
        SCAN,
        /** Fold the stream and sum each live key's digest into its bucket; no table rows. */
        DIGEST,
        /**
         * Read back the differing buckets' keys as the DIGEST pass folded them and wrote them aside, and match them
         * against the table's rows fetched for those buckets. What the fold itself counts (anomalies, duplicates,
         * transactions, live keys) was told by the DIGEST pass already and is not told again.
         */
        REFOLD
    }

    /**
     * @param visible decides from a source transaction id whether an event is visible at the cut
     */
    public TableComparison(TableId table, String topic, RowCodec codec, LongPredicate visible, int partitions,
                           Path workDirectory, int sampleSize) {
        this.table = table;
        this.topic = topic;
        this.codec = codec;
        this.visible = visible;
        this.sampleSize = sampleSize;
        this.gaps = new ColumnGapTally(codec.columnNames(), sampleSize);
        String prefix = table.toString().replaceAll("[^A-Za-z0-9_.-]", "_");
        this.stream = new Partitions(workDirectory, prefix + "-stream", partitions);
        this.rows = new Partitions(workDirectory, prefix + "-table", partitions);
        this.aside = new FoldedAside(workDirectory, prefix + "-differing");
        this.streamRecords = new int[partitions];
        this.integerKeys = isOneIntegerColumn(codec.keyColumnTypes());
    }

    private static boolean isOneIntegerColumn(List<dev.strangler.parity.canonical.ColumnType> key) {
        return key.size() == 1 && !key.get(0).isArray()
                && java.util.Set.of("int2", "int4", "int8").contains(key.get(0).typeName());
    }

    /**
     * Whether folds hold keys as longs; by default when the key is one integer column. For tests: the same check by
     * the keys' texts, to compare the two.
     */
    TableComparison holdingKeysAsLongs(boolean longs) {
        this.integerKeys = longs;
        return this;
    }

    /**
     * Tells {@code counter} the source xid of every visible streamed event as the fold takes it, duplicates of a
     * re-send (same key and LSN) once, snapshot reads never: what transaction completeness counts against the ENDs.
     */
    public TableComparison countingTransactions(LongConsumer counter) {
        this.transactionEvents = counter;
        return this;
    }

    /** Tells {@code keys} every key found missing, extra, different or not comparable, as {@link #finish} finds it. */
    public TableComparison recordingKeys(DifferingKeys keys) {
        this.differingKeys = keys;
        return this;
    }

    /**
     * Compares up to {@code threads} partitions at a time (each holds its fold in memory meanwhile). The result is
     * the same whatever the number: each partition's findings are kept apart and added in partition order.
     */
    public TableComparison comparingWith(int threads) {
        this.workers = Math.max(1, threads);
        return this;
    }

    /**
     * Makes this an in-database comparison (README, "Parity", in-database mode): keys are routed to partitions by
     * their bucket, so each bucket's keys are folded together; {@link #digestStream} then sums the stream's digests
     * per bucket, and {@link #finishInBuckets} compares only the buckets whose digests differ from the table's.
     * Call before anything is accepted; the key must be one integer column.
     *
     * @param columns the table's columns' types in {@link RowCodec#columnNames()} order, as the digests read them
     */
    public TableComparison inBuckets(KeyBuckets keyBuckets, List<dev.strangler.parity.canonical.ColumnType> columns) {
        this.buckets = keyBuckets;
        this.digestColumns = List.copyOf(columns);
        java.util.function.ToIntFunction<String> route = key -> partitionOfBucket(keyBuckets.bucketOf(
                integerKey(key)));
        stream.routeBy(route);
        rows.routeBy(route);
        return this;
    }

    /** The partition holding a bucket's keys (on both sides). */
    int partitionOfBucket(long bucket) {
        return Math.floorMod(Long.hashCode(bucket * 0x9E3779B97F4A7C15L), stream.count());
    }

    /** The value of a canonical one-column integer key, {@code {"id":42}}. */
    static long integerKey(String canonicalKey) {
        int colon = canonicalKey.lastIndexOf(':');
        if (colon < 0 || !canonicalKey.endsWith("}")) {
            throw new IllegalArgumentException("not a one-column key: " + canonicalKey);
        }
        try {
            return Long.parseLong(canonicalKey, colon + 1, canonicalKey.length() - 1, 10);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("key " + canonicalKey + " is not an integer", e);
        }
    }

    /** Stream side, for an event whose place in the topic does not matter (hand-made events in tests). */
    public void acceptEvent(ChangeEvent event) {
        acceptEvent(event, -1, -1);
    }

    /** Stream side: called for every record of the topic, in partition offset order, with where it is. */
    public void acceptEvent(ChangeEvent event, int partition, long offset) {
        if (event.isTombstone()) {
            return;
        }
        Operation op = event.op();
        boolean repair = event.repair() && op == Operation.DELETE;
        // a repair's delete states the table as read when the repair ran, as a snapshot read does: always visible
        boolean isVisible = op == Operation.READ || repair || visible.test(event.txId());
        if (!isVisible) {
            afterCutByOp.merge(op, 1L, Long::sum);
            return;
        }
        visibleByOp.merge(op, 1L, Long::sum);
        if (!op.isRowChange()) {
            transactionEvents.accept(event.txId()); // a truncate is one of its transaction's events too
            anomaly(AnomalyKind.OPERATION_NOT_FOLDED, "(op " + op.code() + ")", op.name().toLowerCase(
                    java.util.Locale.ROOT) + " event, source lsn " + event.lsn());
            return;
        }
        String key = codec.key(event);
        try {
            streamRecords[stream.partitionOf(key)]++;
            DataOutputStream out = stream.output(key);
            Partitions.writeString(out, key);
            out.writeByte(op.code().charAt(0));
            out.writeBoolean(repair);
            out.writeInt(partition);
            out.writeLong(offset);
            out.writeLong(event.lsn());
            out.writeLong(event.txId());
            Partitions.writeBytes(out, event.afterBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A record of the topic that is not a readable Debezium change event. */
    public void acceptUnreadable(long offset, int partition, String problem) {
        anomaly(AnomalyKind.UNREADABLE_RECORD, "partition " + partition + " offset " + offset, problem);
    }

    /** Table side: called for every row of the table, read in the cut's transaction. */
    public void acceptRow(ResultSet rs) throws SQLException {
        spillRow(codec.key(rs), codec.tableValues(rs));
    }

    /**
     * Table side: a row of the table read in the cut's transaction, as its columns' texts in the codec's select list
     * order ({@link RowCodec#key(byte[][])}).
     */
    public void acceptRowTexts(byte[][] rowTexts) {
        spillRow(codec.key(rowTexts), codec.tableValues(rowTexts));
    }

    private void spillRow(String key, byte[][] values) {
        try {
            DataOutputStream out = rows.output(key);
            Partitions.writeString(out, key);
            out.writeInt(values.length);
            for (byte[] v : values) {
                Partitions.writeBytes(out, v);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        rowsInTable++;
    }

    public long rowsScanned() {
        return rowsInTable;
    }

    /** The stream's records the row-by-row compare of {@link #finishInBuckets} read: its cost on the stream side. */
    long refoldRecordsRead() {
        return refoldRecordsRead;
    }

    /**
     * Compares partition by partition and returns the table's result.
     *
     * @param acceptNotComparable whether not-comparable rows are accepted (reported, not counted against the
     *                            tolerance)
     */
    public TableResult finish(long tolerance, boolean acceptNotComparable) {
        stream.finishWriting();
        rows.finishWriting();
        comparePartitions(allPartitions(), p -> new PartitionCompare(p, Pass.SCAN, integerKeys));
        return result(tolerance, acceptNotComparable);
    }

    /**
     * In-database comparison, first pass: folds the stream (all it counts, anomalies and transactions included, is
     * told here, as {@link #finish} would) and sums each live key's row digest into its bucket. A key whose event
     * does not show every column makes its bucket unsure. Each partition holds whole buckets, so once it is folded
     * the buckets whose digests differ from {@code table}'s are known, and their keys' folded states are written
     * aside for {@link #finishInBuckets}. Rows may be accepted after this, for {@link #finishInBuckets}.
     *
     * @param table the table's digests per bucket
     */
    public BucketDigests digestStream(BucketDigests table) {
        if (buckets == null) {
            throw new IllegalStateException("digestStream needs inBuckets first");
        }
        stream.finishWriting();
        tableDigests = table;
        streamDigests = new BucketDigests();
        comparePartitions(allPartitions(), p -> new PartitionCompare(p, Pass.DIGEST, integerKeys));
        differingBuckets = java.util.Collections.unmodifiableNavigableSet(streamDigests.differingFrom(tableDigests));
        return streamDigests;
    }

    /**
     * The buckets whose digests differ ({@link #digestStream}'s sums {@link BucketDigests#differingFrom} the
     * table's), in key order: those whose keys it wrote aside, whose rows {@link #finishInBuckets} compares.
     */
    public java.util.NavigableSet<Long> differingBuckets() {
        if (differingBuckets == null) {
            throw new IllegalStateException("differingBuckets needs digestStream first");
        }
        return differingBuckets;
    }

    /**
     * In-database comparison, second pass: compares the keys of the {@link #differingBuckets()} with the table's
     * rows accepted meanwhile (exactly those of these buckets, read in the cut's snapshot), as {@link #finish}
     * compares every key, and counts the other buckets' rows as matching.
     *
     * @param matchedRows the table's rows in the buckets whose digests matched
     */
    public TableResult finishInBuckets(long matchedRows, long tolerance, boolean acceptNotComparable) {
        if (streamDigests == null) {
            throw new IllegalStateException("finishInBuckets needs digestStream first");
        }
        java.util.Set<Long> differing = differingBuckets;
        rows.finishWriting();
        rowsInTable += matchedRows;
        gaps.rowsCompared(matchedRows);
        comparePartitions(differing.stream().mapToInt(this::partitionOfBucket).distinct().sorted().toArray(),
                p -> new PartitionCompare(p, Pass.REFOLD, integerKeys));
        return result(tolerance, acceptNotComparable);
    }

    private int[] allPartitions() {
        return java.util.stream.IntStream.range(0, stream.count()).toArray();
    }

    private TableResult result(long tolerance, boolean acceptNotComparable) {
        ColumnGapTally.Result gapResult = gaps.finish();
        if (gapResult.notComparableRows() > 0) {
            counts.put(FindingKind.NOT_COMPARABLE, gapResult.notComparableRows());
            samples.put(FindingKind.NOT_COMPARABLE, gapResult.sample());
        }
        long findings = counts.entrySet().stream()
                .filter(e -> !(acceptNotComparable && e.getKey() == FindingKind.NOT_COMPARABLE))
                .mapToLong(Map.Entry::getValue).sum();
        List<String> never = gapResult.columnsNeverInStream();
        Verdict verdict = TableResult.verdictOf(findings, tolerance, never);
        List<Finding> sample = new ArrayList<>();
        samples.values().forEach(sample::addAll);
        return new TableResult(table, topic, verdict,
                verdict == Verdict.UNVERIFIABLE ? TableResult.neverInStreamReason(never) : null, tolerance,
                acceptNotComparable, rowsInTable, liveKeys, visibleByOp, afterCutByOp, counts, anomalies, duplicates,
                gapResult.columnGaps(), never, sample, null);
    }

    /** Per-key state at the cut. */
    private static final class KeyState {
        static final byte NEVER = 0;
        static final byte LIVE = 1;
        static final byte DELETED = 2;
        byte status = NEVER;
        long lastLsn = Long.MIN_VALUE;
        long snapshotLsn = Long.MIN_VALUE;
        byte[] after;
        /** Where the event that made this state is (what a repair retracts for an extra key). */
        int partition = -1;
        long offset = -1;
    }

    /**
     * Compares every partition, {@link #workers} at a time. Each partition's fold and match runs on its own
     * ({@link PartitionCompare}) and keeps what it finds apart; the partitions' results are added in partition order,
     * so counts, samples, the differing keys and the transactions' events are told exactly as one thread telling
     * them in turn would. At most {@code workers + 1} partitions are started ahead of the one being added: memory is
     * {@code workers} folds plus the findings of the few finished ahead.
     */
    private void comparePartitions(int[] partitions, java.util.function.IntFunction<PartitionCompare> job) {
        int n = partitions.length;
        if (workers == 1 || n <= 1) {
            for (int p : partitions) {
                job.apply(p).run().addTo(this);
            }
            return;
        }
        int threads = Math.min(workers, n);
        java.util.concurrent.atomic.AtomicInteger ids = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "strangler-parity-compare-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<java.util.concurrent.Future<PartitionCompare>> running = new ArrayList<>();
            int window = threads + 1;
            for (int p = 0; p < n; p++) {
                int partition = partitions[p];
                running.add(pool.submit(() -> job.apply(partition).run()));
                if (p + 1 >= window) {
                    join(running.get(p + 1 - window)).addTo(this);
                }
            }
            for (int p = Math.max(0, n - window + 1); p < n; p++) {
                join(running.get(p)).addTo(this);
            }
        } finally {
            pool.shutdownNow();
            boolean interrupted = false;
            while (true) {
                try {
                    if (pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static <T> T join(java.util.concurrent.Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new java.io.InterruptedIOException("interrupted while comparing"));
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Adds one partition's results, in partition order. */
    private void add(PartitionCompare p) {
        if (p.digests != null) {
            streamDigests.addAll(p.digests);
        }
        p.xids.build().forEach(transactionEvents);
        p.anomalies.forEach((k, v) -> anomalies.merge(k, v, Long::sum));
        p.counts.forEach((k, v) -> counts.merge(k, v, Long::sum));
        p.samples.forEach((kind, found) -> {
            List<Finding> sample = samples.computeIfAbsent(kind, k -> new ArrayList<>());
            for (Finding f : found) {
                if (sample.size() < sampleSize) {
                    sample.add(f);
                }
            }
        });
        for (PartitionCompare.Differing d : p.differing) {
            differingKeys.accept(table, d.kind(), d.key(), d.partition(), d.offset());
        }
        gaps.addAll(p.gaps);
        duplicates += p.duplicates; // zero in a REFOLD pass, which tells none of what its fold counts
        liveKeys += p.liveKeys;
        refoldRecordsRead += p.asideRead;
    }

    /** The fold and match of one partition, with what it finds kept apart until {@link #add}. */
    private final class PartitionCompare {
        record Differing(FindingKind kind, String key, int partition, long offset) {
        }

        /** Keys the REFOLD pass's long-keyed map holds before it first grows. */
        private static final int ASIDE_START = 1024;

        private final int partition;
        private final Pass pass;
        /** Whether the fold holds keys as longs; a partition with a key that is no integer is folded again by text. */
        private final boolean integerKeys;
        /** The DIGEST pass's sums for this partition's buckets. */
        private BucketDigests digests;
        private final Map<FindingKind, Long> counts = new EnumMap<>(FindingKind.class);
        private final Map<AnomalyKind, Long> anomalies = new EnumMap<>(AnomalyKind.class);
        private final Map<FindingKind, List<Finding>> samples = new EnumMap<>(FindingKind.class);
        private final List<Differing> differing = new ArrayList<>();
        private final java.util.stream.LongStream.Builder xids = java.util.stream.LongStream.builder();
        private final ColumnGapTally gaps = new ColumnGapTally(codec.columnNames(), sampleSize);
        private long duplicates;
        private long liveKeys;
        private long asideRead;

        PartitionCompare(int partition, Pass pass, boolean integerKeys) {
            this.partition = partition;
            this.pass = pass;
            this.integerKeys = integerKeys;
        }

        /** Runs the pass; returns what it found, which is another compare's when the partition is folded by text. */
        PartitionCompare run() {
            try {
                switch (pass) {
                    case DIGEST -> {
                        KeyStates<KeyState> state = fold();
                        // what REFOLD needs of it is written aside: the spill's peak stays the scan's (stream and
                        // table), not the stream twice
                        stream.delete(partition);
                        digest(state);
                    }
                    case REFOLD -> compare(foldedAside());
                    case SCAN -> compare(fold());
                    default -> throw new IllegalStateException(pass.name());
                }
            } catch (IntegerKeyedStates.NotIntegerKey e) {
                // thrown while folding, before anything of the pass is told or written: start again, by text
                return new PartitionCompare(partition, pass, false).run();
            } catch (IOException e) {
                throw new UncheckedIOException("reading spill files of " + table, e);
            }
            return this;
        }

        void addTo(TableComparison comparison) {
            comparison.add(this);
        }

        private KeyStates<KeyState> fold() throws IOException {
            KeyStates<KeyState> state = foldMap();
            try (DataInputStream in = stream.open(partition)) {
                while (!Partitions.atEnd(in)) {
                    String key = Partitions.readString(in);
                    Operation op = Operation.ofCode((char) in.readByte());
                    boolean repair = in.readBoolean();
                    int recordPartition = in.readInt();
                    long recordOffset = in.readLong();
                    long lsn = in.readLong();
                    long txId = in.readLong();
                    byte[] after = Partitions.readBytes(in);
                    KeyState s = state.computeIfAbsent(key, KeyState::new);
                    if (apply(s, key, op, repair, lsn, txId, after)) {
                        s.partition = recordPartition;
                        s.offset = recordOffset;
                    }
                }
            }
            return state;
        }

        /**
         * Sized for every record being a key of its own (a snapshot): no rehashing while it fills. Its keys come out
         * in the same order in every pass (extra keys are told in that order): by text, a map of the same size; as
         * longs, the order the keys were first put.
         */
        private KeyStates<KeyState> foldMap() {
            return integerKeys ? new IntegerKeyedStates<>(streamRecords[partition])
                    : KeyStates.byText(streamRecords[partition]);
        }

        /**
         * The compared buckets' keys of this partition, as the DIGEST pass folded them and wrote them aside in its
         * map's order: put back in that order into a map of the fold's size they come out in the fold's order. Held
         * as longs, whose order does not depend on the map's size, they start in a small map that grows: the keys
         * aside are mostly a few buckets' of the partition's hundreds.
         */
        private KeyStates<KeyState> foldedAside() throws IOException {
            KeyStates<KeyState> state = integerKeys ? new IntegerKeyedStates<>(Math.min(ASIDE_START,
                    streamRecords[partition])) : foldMap();
            asideRead = aside.read(partition, (key, status, recordPartition, recordOffset, after) -> {
                KeyState s = new KeyState();
                s.status = status;
                s.partition = recordPartition;
                s.offset = recordOffset;
                s.after = after;
                state.put(key, s);
            });
            return state;
        }

        /** Folds one event into the key's state; false for a duplicate, which changes nothing. */
        private boolean apply(KeyState s, String key, Operation op, boolean repair, long lsn, long txId,
                              byte[] after) {
            if (repair) {
                // retracts the key as the table showed it when the repair ran; ordered by the topic, like a read, so
                // the LSN it carries (its retracted event's) is not compared with the stream's
                s.status = KeyState.DELETED;
                s.after = null;
                return true;
            }
            if (op == Operation.READ) {
                if (s.snapshotLsn == lsn) {
                    duplicates++;
                    return false;
                }
                s.snapshotLsn = lsn;
                s.status = KeyState.LIVE;
                s.after = after;
                // lastLsn is left alone: a snapshot read carries the LSN of the snapshot's position, which can be
                // later than a change streamed after it (topic order, not LSN, orders a read against the stream).
                return true;
            }
            if (lsn <= s.lastLsn) {
                duplicates++; // sent again after a crash: at-least-once delivery, not a difference
                return false;
            }
            xids.add(txId);
            switch (op) {
                case CREATE -> {
                    if (s.status == KeyState.LIVE) {
                        anomaly(AnomalyKind.CREATE_OF_LIVE_KEY, key, lsn);
                    }
                }
                case UPDATE -> {
                    if (s.status == KeyState.NEVER) {
                        anomaly(AnomalyKind.UPDATE_OF_UNKNOWN_KEY, key, lsn);
                    } else if (s.status == KeyState.DELETED) {
                        anomaly(AnomalyKind.UPDATE_AFTER_DELETE, key, lsn);
                    }
                }
                case DELETE -> {
                    if (s.status == KeyState.NEVER) {
                        anomaly(AnomalyKind.DELETE_OF_UNKNOWN_KEY, key, lsn);
                    } else if (s.status == KeyState.DELETED) {
                        anomaly(AnomalyKind.DELETE_AFTER_DELETE, key, lsn);
                    }
                }
                default -> throw new IllegalStateException("only row changes are spilled, not " + op);
            }
            s.lastLsn = lsn;
            if (op == Operation.DELETE) {
                s.status = KeyState.DELETED;
                s.after = null;
            } else {
                s.status = KeyState.LIVE;
                s.after = after;
            }
            return true;
        }

        /**
         * Sums each live key's digest into its bucket (a key whose event does not show every column: unsure), then
         * writes aside the keys of the buckets whose sums differ from the table's.
         */
        private void digest(KeyStates<KeyState> state) throws IOException {
            digests = new BucketDigests();
            // buckets of deleted keys with rows in the table: differing when no live key of the stream is in them
            java.util.Set<Long> deletedInTable = new java.util.HashSet<>();
            java.security.MessageDigest md5 = dev.strangler.parity.canonical.RowDigests.md5();
            for (var entry : state.entries()) {
                KeyState s = entry.getValue();
                if (s.status != KeyState.LIVE) {
                    long bucket = buckets.bucketOf(integerKey(entry.getKey()));
                    if (tableDigests.rows(bucket) > 0) {
                        deletedInTable.add(bucket);
                    }
                    continue;
                }
                liveKeys++;
                long bucket = buckets.bucketOf(integerKey(entry.getKey()));
                long digest = codec.digest64(s.after, digestColumns, md5);
                if (digest == RowCodec.UNSURE) {
                    digests.addUnsure(bucket); // compared value by value, where its gaps are told
                } else {
                    digests.add(bucket, digest);
                }
            }
            java.util.Set<Long> differ = new java.util.HashSet<>();
            digests.forEachBucket(b -> {
                if (digests.differs(b, tableDigests)) {
                    differ.add(b);
                }
            });
            deletedInTable.removeIf(b -> !digests.differs(b, tableDigests));
            differ.addAll(deletedInTable);
            if (!differ.isEmpty()) {
                writeAside(state, differ);
            }
        }

        /** The folded state of every key in the {@code differ} buckets (live or deleted), for the REFOLD pass. */
        private void writeAside(KeyStates<KeyState> state, java.util.Set<Long> differ) throws IOException {
            try (DataOutputStream out = aside.create(partition)) {
                for (var entry : state.entries()) {
                    if (differ.contains(buckets.bucketOf(integerKey(entry.getKey())))) {
                        KeyState s = entry.getValue();
                        FoldedAside.write(out, entry.getKey(), s.status, s.partition, s.offset, s.after);
                    }
                }
            }
        }

        private void compare(KeyStates<KeyState> state) throws IOException {
            List<String> names = codec.columnNames();
            try (DataInputStream in = rows.open(partition)) {
                while (!Partitions.atEnd(in)) {
                    String key = Partitions.readString(in);
                    byte[][] tableValues = new byte[in.readInt()][];
                    for (int i = 0; i < tableValues.length; i++) {
                        tableValues[i] = Partitions.readBytes(in);
                    }
                    KeyState s = state.remove(key);
                    if (s == null || s.status != KeyState.LIVE) {
                        differing.add(new Differing(FindingKind.MISSING_IN_STREAM, key, -1, -1));
                        record(FindingKind.MISSING_IN_STREAM, new Finding(FindingKind.MISSING_IN_STREAM, key, null,
                                summary(names, canonical(tableValues)), s == null ? null : "(deleted)", s == null
                                ? "no event for this key is visible at the cut" : "the stream's last visible event "
                                + "for this key is a delete"));
                        continue;
                    }
                    if (pass != Pass.REFOLD) {
                        liveKeys++;
                    }
                    compareRow(key, names, tableValues, codec.streamRow(s.after, tableValues));
                }
            }
            for (var entry : state.entries()) {
                if (entry.getValue().status == KeyState.LIVE) {
                    if (pass != Pass.REFOLD) {
                        liveKeys++;
                    }
                    differing.add(new Differing(FindingKind.EXTRA_IN_STREAM, entry.getKey(),
                            entry.getValue().partition, entry.getValue().offset));
                    record(FindingKind.EXTRA_IN_STREAM, new Finding(FindingKind.EXTRA_IN_STREAM, entry.getKey(),
                            null, null, abbreviate(shown(entry.getValue().after)),
                            "the table has no row with this key at the cut"));
                }
            }
        }

        /** The table's row in canonical texts, as spilled before raw texts were. */
        private String[] canonical(byte[][] tableValues) {
            String[] texts = new String[tableValues.length];
            for (int i = 0; i < texts.length; i++) {
                texts[i] = codec.tableCanonical(i, tableValues[i]);
            }
            return texts;
        }

        /**
         * @param streamValues per column the event's canonical value, or null where it is the table's raw text
         *                     (equal, see {@link RowCodec#streamRow(byte[], byte[][])}); the table's value is
         *                     canonicalised only where it is needed
         */
        private void compareRow(String key, List<String> names, byte[][] tableValues,
                                CanonicalValue[] streamValues) {
            gaps.rowCompared();
            List<Finding> differences = null; // allocated only for a row that has some: most rows match
            List<Finding> notShown = null;
            BitSet absent = null;
            boolean unavailable = false;
            for (int i = 0; i < tableValues.length; i++) {
                CanonicalValue v = i < streamValues.length ? streamValues[i] : CanonicalValue.ABSENT;
                if (v == null) {
                    continue;
                }
                String column = names.get(i);
                switch (v.kind()) {
                    case VALUE -> {
                        String table = codec.tableCanonical(i, tableValues[i]);
                        if (!v.text().equals(table)) {
                            differences = differences == null ? new ArrayList<>() : differences;
                            differences.add(new Finding(FindingKind.CONTENT_DIFFERS, key, column,
                                    show(table), v.text(), null));
                        }
                    }
                    case UNREADABLE -> {
                        gaps.count(i, ColumnGap.UNREADABLE);
                        differences = differences == null ? new ArrayList<>() : differences;
                        differences.add(new Finding(FindingKind.CONTENT_DIFFERS, key, column,
                                show(codec.tableCanonical(i, tableValues[i])), null, ColumnGap.UNREADABLE, null,
                                v.reason()));
                    }
                    case UNAVAILABLE -> {
                        gaps.count(i, ColumnGap.UNAVAILABLE);
                        unavailable = true;
                        notShown = notShown == null ? new ArrayList<>() : notShown;
                        notShown.add(Finding.gap(FindingKind.NOT_COMPARABLE, key, column, null,
                                ColumnGap.UNAVAILABLE, "compared on the other columns only"));
                    }
                    case ABSENT -> {
                        gaps.count(i, ColumnGap.ABSENT);
                        if (absent == null) {
                            absent = new BitSet(tableValues.length);
                        }
                        absent.set(i);
                        notShown = notShown == null ? new ArrayList<>() : notShown;
                        notShown.add(Finding.gap(FindingKind.NOT_COMPARABLE, key, column, null, ColumnGap.ABSENT,
                                "compared on the other columns only"));
                    }
                    default -> throw new IllegalStateException(v.kind().name());
                }
            }
            if (differences != null) {
                differing.add(new Differing(FindingKind.CONTENT_DIFFERS, key, -1, -1));
                counts.merge(FindingKind.CONTENT_DIFFERS, 1L, Long::sum);
                List<Finding> sample = samples.computeIfAbsent(FindingKind.CONTENT_DIFFERS, k -> new ArrayList<>());
                for (Finding f : differences) {
                    if (sample.size() < sampleSize) {
                        sample.add(f);
                    }
                }
            } else if (notShown != null) {
                differing.add(new Differing(FindingKind.NOT_COMPARABLE, key, -1, -1));
                gaps.notComparable(absent, unavailable, notShown);
            }
        }

        private void anomaly(AnomalyKind kind, String key, long lsn) {
            anomalies.merge(kind, 1L, Long::sum);
            record(FindingKind.STREAM_ANOMALY, Finding.anomaly(kind, key, "source lsn " + lsn));
        }

        private void record(FindingKind kind, Finding finding) {
            counts.merge(kind, 1L, Long::sum);
            List<Finding> sample = samples.computeIfAbsent(kind, k -> new ArrayList<>());
            if (sample.size() < sampleSize) {
                sample.add(finding);
            }
        }
    }

    /** An after-image as the report has always shown it: written again by Jackson (its bytes when not JSON). */
    private static String shown(byte[] after) {
        if (after == null) {
            return null;
        }
        try {
            return JSON.readTree(after).toString();
        } catch (IOException e) {
            return new String(after, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private void anomaly(AnomalyKind kind, String key, String note) {
        anomalies.merge(kind, 1L, Long::sum);
        record(FindingKind.STREAM_ANOMALY, Finding.anomaly(kind, key, note));
    }

    private void record(FindingKind kind, Finding finding) {
        counts.merge(kind, 1L, Long::sum);
        List<Finding> sample = samples.computeIfAbsent(kind, k -> new ArrayList<>());
        if (sample.size() < sampleSize) {
            sample.add(finding);
        }
    }

    private static String summary(List<String> names, String[] values) {
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i < values.length; i++) {
            s.append(i == 0 ? "" : ", ").append(names.get(i)).append('=').append(show(values[i]));
        }
        return abbreviate(s.append('}').toString());
    }

    private static String show(String canonical) {
        return canonical == null ? "NULL" : canonical;
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 300 ? s : s.substring(0, 300) + "…";
    }

    @Override
    public void close() {
        stream.close();
        rows.close();
        aside.close();
    }
}
