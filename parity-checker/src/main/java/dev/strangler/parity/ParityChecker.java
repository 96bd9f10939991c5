package dev.strangler.parity;

import dev.strangler.contract.ServerCapabilities;
import dev.strangler.contract.TableId;
import dev.strangler.parity.canonical.Canonicalizer;
import dev.strangler.parity.compare.BucketDigests;
import dev.strangler.parity.compare.DifferingKeys;
import dev.strangler.parity.compare.KeyBuckets;
import dev.strangler.parity.compare.RowCodec;
import dev.strangler.parity.compare.RowCodecFactory;
import dev.strangler.parity.compare.TableComparison;
import dev.strangler.parity.model.CompareMethod;
import dev.strangler.parity.model.Cut;
import dev.strangler.parity.model.HistoryGap;
import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.model.TableResult;
import dev.strangler.parity.model.TransactionCheck;
import dev.strangler.parity.model.Verdict;
import dev.strangler.parity.reverse.ReverseParity;
import dev.strangler.parity.reverse.SinkModel;
import dev.strangler.parity.spill.SpillDirectory;
import dev.strangler.parity.spill.SpillEstimate;
import dev.strangler.parity.stream.ChangeEvent;
import dev.strangler.parity.repair.DifferencesFile;
import dev.strangler.parity.stream.EnvelopeParser;
import dev.strangler.parity.stream.HistoryContinuity;
import dev.strangler.parity.stream.SnapshotBoundaries;
import dev.strangler.parity.stream.TopicReader;
import dev.strangler.parity.stream.SnapshotsInProgress;
import dev.strangler.parity.transactions.TransactionCompleteness;
import dev.strangler.parity.transactions.TransactionTopic;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One parity run: the consistent cut, the wait for the pipeline, then per table the stream folded to the cut and
 * compared with the table read in the cut's own transaction. See README, "Parity".
 */
public final class ParityChecker {

    private static final Logger LOG = LoggerFactory.getLogger(ParityChecker.class);
    private static final long ROWS_PER_PARTITION = 250_000;
    /**
     * Threads a table's check keeps busy: the topic read beside the scan, then two partitions compared at a time.
     * Two, the cores of the machine it was measured on; one on a single core (everything in turn).
     */
    static final int WORKERS = Math.min(2, Runtime.getRuntime().availableProcessors());

    private final ParityConfig config;
    private final RowCodecFactory codecs;
    private final Progress progress;
    private final SpillEstimate spillEstimate;

    private final SinkModel.Loader sink;
    private Path differingKeysFile;

    public ParityChecker(ParityConfig config, RowCodecFactory codecs, Progress progress) {
        this(config, codecs, progress, SpillEstimate.fromTableSizesAndSample(), null);
    }

    /** @param spillEstimate the spill space the run needs, checked against the free space before it writes */
    public ParityChecker(ParityConfig config, RowCodecFactory codecs, Progress progress, SpillEstimate spillEstimate) {
        this(config, codecs, progress, spillEstimate, null);
    }

    /** @param sink a sink whose tables are checked too (see below) */
    public ParityChecker(ParityConfig config, RowCodecFactory codecs, Progress progress, SinkModel.Loader sink) {
        this(config, codecs, progress, SpillEstimate.fromTableSizesAndSample(), sink);
    }

    /**
     * @param spillEstimate the spill space the run needs, checked against the free space before it writes
     * @param sink a sink whose tables are checked the other way round in the same cut (topics folded up to the
     *             positions it stored → its tables), or null for the captured tables only
     */
    public ParityChecker(ParityConfig config, RowCodecFactory codecs, Progress progress, SpillEstimate spillEstimate,
                         SinkModel.Loader sink) {
        this.config = config;
        this.codecs = codecs;
        this.progress = Progress.serialized(progress); // the topic read and the scan report from two threads
        this.spillEstimate = spillEstimate;
        this.sink = sink;
    }

    /**
     * Also writes every key the run finds missing, extra, different or not comparable to {@code file} ({@value
     * DifferencesFile#NAME} beside report.json), which {@code strangler repair} reads; the file appears only when the
     * run completes.
     */
    public ParityChecker writingDifferingKeysTo(Path file) {
        this.differingKeysFile = file;
        return this;
    }

    public ParityReport run() {
        Instant started = Instant.now();
        String runId = UUID.randomUUID().toString();
        try (Connection cutConnection = Connections.open(config, "strangler-parity-cut", Duration.ZERO);
             Connection control = Connections.open(config, "strangler-parity", Duration.ZERO);
             // before the cut and the wait: a run that cannot spill says so at once, and holds no snapshot meanwhile
             SpillDirectory work = SpillSpace.prepare(config, control, spillEstimate);
             DifferencesFile.Writer keys = differingKeysFile == null ? null
                     : DifferencesFile.create(differingKeysFile, runId)) {
            DifferingKeys differing = keys == null ? DifferingKeys.NONE : keys;
            ServerCapabilities server = ServerCapabilities.probe(control);
            Optional<String> unsupported = server.unsupportedReason();
            if (unsupported.isPresent()) {
                throw new ParityException(unsupported.get());
            }
            Cut cut = CutTaker.take(cutConnection, server);
            LOG.info("cut taken: snapshot {} at WAL {}", cut.snapshotText(), cut.walLsnText());
            // the reverse direction needs no wait: the sink's positions and rows are committed together, so the
            // snapshot holds exactly what the positions it shows reach
            Optional<String> lagging = config.tables().isEmpty() ? Optional.empty() : SlotWaiter.await(control,
                    server, config.slot(), cut.walLsn(), config.waitTimeout(), progress);
            List<TableResult> tables = new ArrayList<>();
            TransactionCheck transactions = null;
            try (TopicReader reader = new TopicReader(config.bootstrapServers(), config.kafkaClientProperties())) {
                if (lagging.isPresent()) {
                    for (TableId table : config.tables()) {
                        tables.add(TableResult.unverifiable(table, config.topicFor(table), config.toleranceFor(table),
                                lagging.get()));
                    }
                } else if (!config.tables().isEmpty()) {
                    Visibility visibility = new Visibility(cut);
                    // before any table topic: every END read then has all its events in the table topics
                    TransactionCompleteness completeness = TransactionTopic.read(reader, config.transactionTopic(),
                            config.tables(), config::topicFor, config.bootstrapServers(),
                            config.kafkaClientProperties(), visibility::widen, visibility::isVisible, progress);
                    SnapshotsInProgress snapshots = SnapshotsInProgress.read(reader, config.notificationTopic(),
                            progress);
                    Map<TableId, HistoryContinuity> continuity = new HashMap<>();
                    for (TableId table : config.tables()) {
                        HistoryContinuity history = new HistoryContinuity();
                        continuity.put(table, history);
                        Optional<String> snapshotting = snapshots.reason(table);
                        tables.add(snapshotting.isPresent() ? TableResult.unverifiable(table, config.topicFor(table),
                                config.toleranceFor(table), snapshotting.get())
                                : checkTable(cutConnection, reader, visibility, work.path(), table, history,
                                completeness.counter(table), differing, server.major()));
                    }
                    tables = judgeHistory(tables, continuity);
                    tables = completeness.judge(tables, config.sampleSize());
                    transactions = completeness.summary();
                    LOG.info("transaction completeness: {}", transactions.describe());
                }
                if (sink != null) {
                    tables.addAll(new ReverseParity(sink.load(cutConnection), new Canonicalizer(config.unavailableValuePlaceholder(),
                            config.eventEncoding()), config.sampleSize(), config::toleranceFor, progress)
                            .check(cutConnection, reader));
                }
            }
            cutConnection.rollback();
            Verdict verdict = tables.stream().map(TableResult::verdict).reduce(Verdict.GO, Verdict::and);
            String reason = lagging.orElse(null);
            Connection primary = primaryForHistory(server);
            try {
                Connection historyStore = server.standby() ? primary : control;
                List<ParityReport.HistoryPoint> history = List.of();
                boolean historyAvailable = historyStore != null && History.available(historyStore);
                if (historyAvailable) {
                    history = History.recent(historyStore, config.topicPrefix(), 30);
                }
                ParityReport report = new ParityReport(ParityReport.SCHEMA_VERSION, runId, started, Instant.now(),
                        redactedSource(), config.slot(), config.topicPrefix(), cut, verdict, reason, tables, history,
                        config.eventEncoding().toString(), config.acceptNotComparable(), config.acceptHistoryGaps(),
                        transactions);
                if (keys != null) {
                    keys.commit();
                }
                if (historyAvailable) {
                    History.store(historyStore, report);
                } else if (historyStore != null) {
                    LOG.warn("run not stored in history: strangler.parity_run does not exist or predates migration "
                            + "V4 (apply Strangler's migrations: `strangler run` does at start, or `strangler sql "
                            + "print migrations`)");
                }
                return report;
            } finally {
                if (primary != null) {
                    primary.close();
                }
            }
        } catch (SQLException e) {
            throw RecoveryConflict.of(e, redactedSource()).orElseGet(() -> new ParityException(
                    "parity check against " + redactedSource() + " failed: " + firstLine(e), e));
        } catch (UncheckedIOException e) {
            throw new ParityException("parity check could not use its spill files in " + SpillSpace.root(config)
                    + ": " + e.getMessage() + "; point --work-dir at a file system with more room", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ParityException("parity check interrupted", e);
        }
    }

    /**
     * The primary of a standby source, where the run's history goes (it is read there too, so the trend includes runs
     * the standby has not replayed yet); null for a primary source (the history is at the source) and for a standby
     * without a configured primary (then the run is not stored, with a WARN).
     */
    private Connection primaryForHistory(ServerCapabilities server) {
        if (!server.standby()) {
            return null;
        }
        if (config.primaryJdbcUrl() == null) {
            LOG.warn("run not stored in history: the source is a standby, which accepts no write, and no primary is "
                    + "configured (set source.primary.url)");
            return null;
        }
        return Connections.open(config, config.primaryJdbcUrl(), "strangler-parity-history", History.READ_TIMEOUT);
    }

    /**
     * Adds each table's history gaps. A finished snapshot's {@code last} record is in one topic only (the last table
     * snapshotted), so whether a later snapshot restarted the stream is judged once every topic has been read.
     */
    private List<TableResult> judgeHistory(List<TableResult> tables, Map<TableId, HistoryContinuity> continuity) {
        Set<Long> finished = new HashSet<>();
        continuity.values().forEach(h -> finished.addAll(h.finishedSnapshots()));
        List<TableResult> judged = new ArrayList<>();
        for (TableResult t : tables) {
            HistoryContinuity history = continuity.get(t.table());
            if (!t.compared() || history == null) {
                judged.add(t);
                continue;
            }
            List<HistoryGap> gaps = new ArrayList<>(t.historyGaps());
            gaps.addAll(history.gaps(finished));
            gaps.forEach(g -> LOG.warn("history gap in {}: {}", t.topic(), g.describe()));
            judged.add(t.withHistoryGaps(gaps, config.acceptHistoryGaps()));
        }
        return judged;
    }

    private TableResult checkTable(Connection c, TopicReader reader, Visibility visibility, Path work, TableId table,
                                   HistoryContinuity continuity, LongConsumer transactionEvents,
                                   DifferingKeys differing, int serverMajor)
            throws SQLException, InterruptedException {
        String topic = config.topicFor(table);
        long tolerance = config.toleranceFor(table);
        RowCodec codec;
        try {
            codec = codecs.create(c, table);
        } catch (RowCodecFactory.NotCheckableException e) {
            return TableResult.unverifiable(table, topic, tolerance, e.getMessage());
        }
        TopicReader.TopicExtent extent = reader.extent(topic, Duration.ofSeconds(30));
        if (!extent.exists()) {
            return TableResult.unverifiable(table, topic, tolerance, "topic " + topic + " does not exist: the "
                    + "pipeline never published this table (is it in source.tables?)");
        }
        long foldFrom = 0;
        String history = null;
        if (!extent.truncatedPartitions().isEmpty()) {
            // one partition: offsets order every record, so "after the snapshot's first record" is well defined
            OptionalLong start = extent.end().size() == 1 ? completeSnapshotStart(reader, topic, extent)
                    : OptionalLong.empty();
            if (start.isEmpty()) {
                return TableResult.unverifiable(table, topic, tolerance, "the topic's history is incomplete: records "
                        + "before offset(s) " + extent.truncatedPartitions() + " (partition=offset) were deleted by "
                        + "retention or compaction, and no complete snapshot follows to rebuild from (one of at "
                        + "least two records, marked first and last)"
                        + (extent.end().size() > 1 ? " (only a one-partition topic can be rebuilt from one)" : "")
                        + "; raise retention (retention.ms=-1) and take a new snapshot (snapshot.mode=when_needed "
                        + "after clearing the position, or Debezium's incremental snapshot) to check this table");
            }
            foldFrom = start.getAsLong();
            continuity.watch(foldFrom);
            history = "records before offset " + extent.truncatedPartitions().values().iterator().next()
                    + " were deleted by retention or compaction; the stream was folded from the complete snapshot "
                    + "that starts at offset " + foldFrom + " (it holds every row that existed when it was taken)";
        }
        long estimate = estimateRows(c, table);
        InDatabaseCompare.Choice method = InDatabaseCompare.choose(config.tableCompare(), codec, serverMajor, estimate);
        LOG.info("{}: rows compared {}", table, method.inDatabase() ? "in the database (" + method.reason() + ")"
                : "by a full scan (" + method.reason() + ")");
        int partitions = (int) Math.max(1, Math.min(4096,
                (Math.max(estimate, extent.records()) + ROWS_PER_PARTITION - 1) / ROWS_PER_PARTITION));
        EnvelopeParser parser = new EnvelopeParser();
        try (TableComparison comparison = new TableComparison(table, topic, codec, visibility::isVisible,
                partitions, work, config.sampleSize()).countingTransactions(transactionEvents).comparingWith(WORKERS)
                .recordingKeys(differing)) {
            KeyBuckets buckets = null;
            if (method.inDatabase()) {
                long[] range = InDatabaseCompare.keyRange(c, table, codec);
                buckets = range == null ? KeyBuckets.forSpan(0, -1, 0, config.tableCompare().rowsPerBucket())
                        : KeyBuckets.forSpan(range[0], range[1], Math.max(estimate, extent.records()),
                        config.tableCompare().rowsPerBucket());
                comparison.inBuckets(buckets, codec.columnTypes());
            }
            long from = foldFrom;
            Runnable readTopic = () -> reader.read(topic, extent, record -> {
                try {
                    ChangeEvent event = parser.parseForFold(record);
                    continuity.accept(record.partition(), record.offset(), event);
                    if (record.offset() < from) {
                        return; // before the snapshot the history is rebuilt from
                    }
                    comparison.acceptEvent(event, record.partition(), record.offset());
                } catch (EnvelopeParser.MalformedEventException | RowCodecFactory.NotCheckableException
                         | IllegalArgumentException e) {
                    // IllegalArgumentException: a value the canonical rules cannot read (another connector's
                    // encoding, a corrupted value); the event is counted, never skipped silently, unless it lies
                    // before the snapshot the history is rebuilt from (it was never folded)
                    if (record.offset() >= from) {
                        comparison.acceptUnreadable(record.offset(), record.partition(), e.getMessage());
                    }
                }
            }, progress);
            BucketDigests tableDigests = null;
            if (WORKERS < 2) {
                readTopic.run();
                if (buckets == null) {
                    new TableScan(progress).scan(c, table, codec, comparison, estimate, () -> false);
                } else {
                    tableDigests = digest(c, table, codec, buckets, estimate);
                }
            } else {
                // the topic read (Kafka, JSON, its own spill files) and the scan (PostgreSQL, canonical values, the
                // other spill files) share nothing until the compare: each gets a core
                try (Background streamSide = Background.start("strangler-parity-topic", readTopic)) {
                    if (buckets == null) {
                        new TableScan(progress).scan(c, table, codec, comparison, estimate, streamSide::failed);
                    } else {
                        tableDigests = digest(c, table, codec, buckets, estimate);
                    }
                    streamSide.join();
                }
            }
            TableResult result = buckets == null
                    ? comparison.finish(tolerance, config.acceptNotComparable())
                            .withCompareMethod(CompareMethod.scan(method.reason(), comparison.rowsScanned()))
                    : compareBuckets(c, table, codec, comparison, buckets, tableDigests, tolerance, method, estimate);
            if (history == null) {
                return result;
            }
            long firstKept = extent.truncatedPartitions().values().iterator().next();
            // the rebuilt history is a gap of its own; judgeHistory adds the re-snapshots and sets the verdict
            return result.withStreamHistory(history).withHistoryGaps(
                    List.of(continuity.rebuiltFrom(foldFrom, firstKept)), true);
        }
    }

    /** PostgreSQL's digests per bucket, timed as the scan is (its start and end reported as scan progress). */
    private BucketDigests digest(Connection c, TableId table, RowCodec codec, KeyBuckets buckets, long estimate)
            throws SQLException {
        progress.scanning(table.toString(), 0, estimate);
        BucketDigests digests = InDatabaseCompare.tableDigests(c, table, codec, buckets);
        progress.scanning(table.toString(), digests.rows(), estimate);
        return digests;
    }

    /**
     * The in-database comparison once both sides are in: the stream's digests per bucket, the buckets whose digests
     * differ from the table's, their rows fetched in the cut's snapshot and compared row by row.
     */
    private TableResult compareBuckets(Connection c, TableId table, RowCodec codec, TableComparison comparison,
                                       KeyBuckets buckets, BucketDigests tableDigests, long tolerance,
                                       InDatabaseCompare.Choice method, long estimate) throws SQLException {
        BucketDigests streamDigests = comparison.digestStream(tableDigests);
        java.util.NavigableSet<Long> differing = comparison.differingBuckets();
        long fetched = InDatabaseCompare.fetch(c, table, codec, buckets, differing, comparison);
        long matched = tableDigests.rows() - differing.stream().mapToLong(tableDigests::rows).sum();
        long compared = streamDigests.unionSize(tableDigests);
        LOG.info("{}: {} of {} key buckets (width {}) differ; {} rows fetched", table, differing.size(), compared,
                buckets.width(), fetched);
        return comparison.finishInBuckets(matched, tolerance, config.acceptNotComparable())
                .withCompareMethod(new CompareMethod(CompareMethod.Kind.IN_DATABASE, method.reason(), compared,
                        differing.size(), fetched));
    }

    /** Reads the topic once for its snapshot markers only. */
    private OptionalLong completeSnapshotStart(TopicReader reader, String topic, TopicReader.TopicExtent extent) {
        EnvelopeParser parser = new EnvelopeParser();
        SnapshotBoundaries boundaries = new SnapshotBoundaries();
        reader.read(topic, extent, record -> {
            try {
                boundaries.accept(record.offset(), record.value() == null ? null
                        : parser.snapshotMarker(record.value()));
            } catch (EnvelopeParser.MalformedEventException e) {
                // not a boundary; the fold reports the record as unreadable
            }
        }, progress);
        return boundaries.completeSnapshotStart();
    }

    private static long estimateRows(Connection c, TableId table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(?)")) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    private String redactedSource() {
        return Connections.redacted(config.jdbcUrl());
    }

    private static String firstLine(Throwable e) {
        return Connections.firstLine(e);
    }
}
