package dev.strangler.engine.kafka;

import dev.strangler.engine.SourceNotReadyException;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.source.SourceConnections;
import dev.strangler.engine.source.StranglerObjects;
import io.debezium.engine.RecordChangeEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * No echo: recognises the changes a {@code strangler sink} wrote into captured tables, so they do not go out again
 * as new legacy events. Every sink transaction inserts a row into {@code strangler.sink_marker} as its first change;
 * that table is published (and streamed, never sent to Kafka), and pgoutput hands a transaction's changes over
 * together, in order, so the marker arrives before the rest of its transaction. Its source transaction id then names
 * every other change of that transaction as the sink's: with {@code sink.echo=drop} they are not published (still
 * marked processed, so the position moves past them); with {@code mark} they are, with the header
 * {@value #ORIGIN_HEADER}{@code =sink:<name>}.
 *
 * <p>One case cannot see the marker: a start that resumes in the middle of a transaction (a batch ended inside it and
 * the pipeline stopped there). For the first transaction after a start whose first change is not a marker, the filter
 * asks the database once whether a sink wrote it (the marker row keeps the 64-bit transaction id).
 *
 * <p>Call {@link #classify} once per batch, in order, before the batch is published; {@link #drops} then answers for
 * each of its records. Not thread-safe: the engine hands batches over one at a time.
 */
public final class EchoFilter {

    private static final Logger LOG = LoggerFactory.getLogger(EchoFilter.class);
    /** The header a sink's change carries with {@code sink.echo=mark}: {@code sink:<sink name>}. */
    public static final String ORIGIN_HEADER = "strangler.origin";
    private static final int REMEMBERED = 1024;

    /** Which sink wrote a transaction, by its source transaction id; empty when none did. */
    @FunctionalInterface
    public interface SinkTransactions {
        Optional<String> sinkOf(long txId);
    }

    private final PipelineConfig.SinkEcho mode;
    private final String markerTopic;
    private final SinkTransactions lookup;
    private final Map<Long, String> sinkTransactions = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
            return size() > REMEMBERED;
        }
    };
    private final Set<SourceRecord> dropped = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean seenAny;
    private long echoes;

    public EchoFilter(PipelineConfig.SinkEcho mode, String markerTopic, SinkTransactions lookup) {
        this.mode = mode;
        this.markerTopic = markerTopic;
        this.lookup = lookup;
    }

    /** The pipeline's filter: its marker topic, and the lookup in its source database. */
    public static EchoFilter forPipeline(PipelineConfig config) {
        String topic = config.kafka().topicPrefix() + "." + StranglerObjects.SINK_MARKER_TABLE.schema() + "."
                + StranglerObjects.SINK_MARKER_TABLE.table();
        return new EchoFilter(config.sinkEcho(), topic, txId -> lookUp(config, txId));
    }

    /** Decides for every record of the batch, in order: marker, the sink's change (dropped or marked), or neither. */
    public void classify(List<RecordChangeEvent<SourceRecord>> batch) {
        dropped.clear();
        for (RecordChangeEvent<SourceRecord> event : batch) {
            SourceRecord record = event.record();
            Long txId = txId(record);
            if (record.topic().equals(markerTopic)) {
                dropped.add(record); // markers are bookkeeping, never events
                String sink = markerSink(record);
                if (sink != null && txId != null) {
                    sinkTransactions.put(txId, sink);
                }
                seenAny = true;
                continue;
            }
            if (txId == null || mode == PipelineConfig.SinkEcho.OFF) {
                continue;
            }
            if (!seenAny) {
                seenAny = true;
                if (!sinkTransactions.containsKey(txId)) {
                    lookup.sinkOf(txId).ifPresent(sink -> {
                        LOG.info("the first transaction after the start ({}) was written by sink '{}': its changes are {}",
                                txId, sink, mode == PipelineConfig.SinkEcho.DROP ? "dropped" : "marked");
                        sinkTransactions.put(txId, sink);
                    });
                }
            }
            String sink = sinkTransactions.get(txId);
            if (sink == null) {
                continue;
            }
            echoes++;
            if (mode == PipelineConfig.SinkEcho.DROP) {
                dropped.add(record);
            } else {
                record.headers().addString(ORIGIN_HEADER, "sink:" + sink);
            }
        }
    }

    /** True for a record of the last classified batch that must not be published: a marker, or an echo to drop. */
    public boolean drops(SourceRecord record) {
        return dropped.contains(record);
    }

    /** Changes recognised as a sink's since this filter was made (dropped or marked). */
    public long echoes() {
        return echoes;
    }

    /** The sink named by a marker insert or update; null for a snapshot read or a delete of old markers. */
    private static String markerSink(SourceRecord record) {
        if (!(record.value() instanceof Struct value) || value.schema().field("op") == null) {
            return null;
        }
        String op = value.getString("op");
        if (!"c".equals(op) && !"u".equals(op)) {
            return null;
        }
        Object after = value.get("after");
        return after instanceof Struct row && row.schema().field("sink") != null ? row.getString("sink") : null;
    }

    private static Long txId(SourceRecord record) {
        Map<String, ?> offset = record.sourceOffset();
        Object value = offset == null ? null : offset.get("txId");
        return value instanceof Number n ? n.longValue() : null;
    }

    /**
     * Looks a transaction up in {@code strangler.sink_marker}. The source transaction id is PostgreSQL's 32-bit xid;
     * the marker keeps the 64-bit one, so the xid is widened against the current epoch and the one before.
     */
    private static Optional<String> lookUp(PipelineConfig config, long txId) {
        try (Connection c = SourceConnections.open(config.source(), "strangler-echo-" + config.pipelineName());
             PreparedStatement ps = c.prepareStatement("""
                     SELECT sink FROM strangler.sink_marker
                      WHERE txid IN (((txid_snapshot_xmax(txid_current_snapshot()) >> 32) << 32) + ?,
                                     (((txid_snapshot_xmax(txid_current_snapshot()) >> 32) - 1) << 32) + ?)
                      ORDER BY txid DESC LIMIT 1""")) {
            long xid = txId & 0xFFFF_FFFFL;
            ps.setLong(1, xid);
            ps.setLong(2, xid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return Optional.empty(); // no marker table: no sink ever wrote here
            }
            throw new SourceNotReadyException("looking up whether a sink wrote transaction " + txId + " in "
                    + "strangler.sink_marker failed: " + SourceConnections.firstLine(e), e);
        }
    }
}
