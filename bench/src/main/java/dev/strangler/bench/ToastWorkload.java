package dev.strangler.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The drain benchmark's {@code --workload toast}: what an UPDATE that leaves a large out-of-line value unchanged costs
 * with each fix for Debezium's {@code __debezium_unavailable_value} placeholder.
 *
 * <p>Table {@code bench.docs}: a bigint primary key, three small columns and {@code body}, a text of
 * {@code --toast-bytes} of md5 hex chains (incompressible for pglz, so stored out of line in the TOAST relation). Its
 * {@code --toast-rows} rows are loaded, vacuumed, analysed and checkpointed before the slots exist, so the backlog
 * holds only the UPDATEs, which change {@code status}, {@code counter} and {@code updated_at} and never {@code body}:
 * the WAL does not carry the body unless the table is {@code REPLICA IDENTITY FULL} ({@code --toast-fix full}, set
 * before the backlog). {@code --toast-fix reselect} sets {@code source.toast.reselect=bench.docs}; {@code none} leaves
 * the placeholder.
 *
 * <p>After the drain it reads the source's counters for the table (the re-reads are primary-key lookups: index scans
 * and TOAST blocks) and checks every event of the topic: the body must be the placeholder without a fix and the real
 * value with one. A run whose events are not what its fix promises is invalid.
 */
final class ToastWorkload {

    static final String TABLE = "bench.docs";
    static final String PLACEHOLDER = "__debezium_unavailable_value";

    enum Fix {
        NONE, RESELECT, FULL;

        static Fix parse(String s) {
            return switch (s) {
                case "none" -> NONE;
                case "reselect" -> RESELECT;
                case "full" -> FULL;
                default -> throw new IllegalArgumentException("--toast-fix takes none, reselect or full, got '" + s
                        + "'");
            };
        }

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What the source says about the loaded table before the backlog. */
    record Loaded(long rows, long bodyBytes, long bodyColumnBytes, long toastRelationBytes, long tableBytes,
                  long loadMillis) {
    }

    /** Counters of the table on the source (pg_stat_user_tables, pg_statio_user_tables). */
    record TableStats(Map<String, Long> values) {
        TableStats minus(TableStats before) {
            Map<String, Long> d = new LinkedHashMap<>();
            values.forEach((k, v) -> d.put(k, v - before.values.getOrDefault(k, 0L)));
            return new TableStats(d);
        }

        long get(String key) {
            return values.getOrDefault(key, -1L);
        }
    }

    /** What the topic held. */
    record EventCheck(long records, long updates, long withValue, long withPlaceholder, long wrong,
                      long beforeWithBody, long valueBytes, List<String> problems) {
    }

    private final int rows;
    private final int bodyBytes;
    private final Fix fix;

    ToastWorkload(int rows, int bodyBytes, Fix fix) {
        this.rows = rows;
        this.bodyBytes = Math.max(32, bodyBytes / 32 * 32);
        this.fix = fix;
    }

    Fix fix() {
        return fix;
    }

    int rows() {
        return rows;
    }

    int bodyBytes() {
        return bodyBytes;
    }

    /** md5 chains: each 32 hex characters, never repeated, so pglz finds nothing to compress. */
    private String bodySql(String idExpression) {
        return "(SELECT string_agg(md5(" + idExpression + "::text || ':' || x::text), '' ORDER BY x) "
                + "FROM generate_series(1, " + bodyBytes / 32 + ") x)";
    }

    /** The table and its rows, before the publication and the slots (so before the backlog). */
    Loaded createAndLoad(Connection c) throws SQLException {
        long started = System.nanoTime();
        try (Statement st = c.createStatement()) {
            st.execute("""
                    CREATE TABLE bench.docs (
                        id          bigint        PRIMARY KEY,
                        status      text          NOT NULL,
                        counter     integer       NOT NULL,
                        updated_at  timestamptz   NOT NULL DEFAULT now(),
                        body        text          NOT NULL
                    )""");
            st.execute("ALTER TABLE bench.docs SET (autovacuum_enabled = false, toast.autovacuum_enabled = false)");
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO bench.docs (id, status, counter, body) "
                + "SELECT g, 'new', 0, " + bodySql("g") + " FROM generate_series(?::bigint, ?::bigint) g")) {
            for (long from = 1; from <= rows; from += 1000) {
                insert.setLong(1, from);
                insert.setLong(2, Math.min(rows, from + 999));
                insert.executeUpdate();
            }
        }
        try (Statement st = c.createStatement()) {
            // hint bits and statistics now, not during the backlog or the drain; the doctor reads reltuples
            st.execute("VACUUM ANALYZE bench.docs");
        }
        long bodyColumn = queryLong(c, "SELECT pg_column_size(body) FROM bench.docs WHERE id = 1");
        long toast = queryLong(c, "SELECT pg_relation_size(reltoastrelid) FROM pg_class "
                + "WHERE oid = 'bench.docs'::regclass");
        long table = queryLong(c, "SELECT pg_table_size('bench.docs')");
        long length = queryLong(c, "SELECT octet_length(body) FROM bench.docs WHERE id = 1");
        if (toast < (long) rows * bodyBytes / 2) {
            throw new IllegalStateException("the bodies are not stored out of line: TOAST relation " + toast
                    + " bytes for " + rows + " rows of " + bodyBytes + " bytes");
        }
        return new Loaded(rows, length, bodyColumn, toast, table, (System.nanoTime() - started) / 1_000_000);
    }

    /** With --toast-fix full: the old row, out-of-line values detoasted, in the WAL of every update from now on. */
    void beforeBacklog(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            if (fix == Fix.FULL) {
                st.execute("ALTER TABLE bench.docs REPLICA IDENTITY FULL");
            }
            // every variant starts the backlog right after a checkpoint: the same full-page images in its WAL
            st.execute("CHECKPOINT");
        }
    }

    /**
     * {@code updates} UPDATEs of the small columns, {@code perTx} rows per statement (one transaction each), cycling
     * through the rows. Returns the number of rows updated.
     */
    long writeUpdates(Connection c, long updates, int perTx) throws SQLException {
        long written = 0;
        long next = 1;
        try (PreparedStatement update = c.prepareStatement("UPDATE bench.docs SET status = 'rev-' || (counter + 1), "
                + "counter = counter + 1, updated_at = now() WHERE id BETWEEN ? AND ?")) {
            while (written < updates) {
                long to = Math.min(rows, Math.min(next + perTx - 1, next + (updates - written) - 1));
                update.setLong(1, next);
                update.setLong(2, to);
                written += update.executeUpdate();
                next = to >= rows ? 1 : to + 1;
            }
        }
        return written;
    }

    static TableStats stats(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT s.seq_scan, s.idx_scan, s.idx_tup_fetch, s.n_tup_upd,
                       io.heap_blks_read + io.heap_blks_hit AS heap_blks,
                       io.idx_blks_read + io.idx_blks_hit AS idx_blks,
                       coalesce(io.toast_blks_read + io.toast_blks_hit, 0) AS toast_blks,
                       coalesce(io.tidx_blks_read + io.tidx_blks_hit, 0) AS toast_idx_blks,
                       coalesce(io.toast_blks_read, 0) AS toast_blks_read
                  FROM pg_stat_user_tables s JOIN pg_statio_user_tables io USING (relid)
                 WHERE s.relid = 'bench.docs'::regclass""")) {
            if (!rs.next()) {
                throw new IllegalStateException("no statistics for bench.docs");
            }
            Map<String, Long> m = new LinkedHashMap<>();
            var md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                m.put(md.getColumnLabel(i), rs.getLong(i));
            }
            return new TableStats(m);
        }
    }

    /**
     * Reads the whole topic and checks every event: an update whose body is the placeholder without a fix, the
     * loaded value with one (every value's length and hash; the first rows' bodies compared whole).
     */
    EventCheck check(String bootstrapServers, String topic, long expectedUpdates) {
        ObjectMapper json = new ObjectMapper();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        long records = 0;
        long updates = 0;
        long withValue = 0;
        long withPlaceholder = 0;
        long wrong = 0;
        long beforeWithBody = 0;
        long valueBytes = 0;
        List<String> problems = new ArrayList<>();
        int[] hashes = new int[rows + 1];
        boolean[] known = new boolean[rows + 1];
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end offsets " + end);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    records++;
                    if (r.value() == null) {
                        continue;
                    }
                    valueBytes += r.value().length;
                    JsonNode value = payload(json.readTree(r.value()));
                    String op = value.path("op").asText("");
                    if (!op.equals("u")) {
                        problem(problems, "offset " + r.offset() + ": op '" + op + "', expected only updates");
                        wrong++;
                        continue;
                    }
                    updates++;
                    JsonNode after = value.path("after");
                    long id = after.path("id").asLong(-1);
                    String body = after.path("body").asText(null);
                    JsonNode before = value.get("before");
                    if (before != null && before.hasNonNull("body")) {
                        beforeWithBody++;
                    }
                    if (PLACEHOLDER.equals(body)) {
                        withPlaceholder++;
                        if (fix != Fix.NONE) {
                            problem(problems, "id " + id + ": the placeholder although the fix is " + fix.label());
                        }
                        continue;
                    }
                    if (id < 1 || id > rows || body == null) {
                        problem(problems, "id " + id + ": body " + (body == null ? "missing" : "of an unknown row"));
                        wrong++;
                        continue;
                    }
                    if (!known[(int) id]) {
                        String expected = expectedBody(id);
                        hashes[(int) id] = expected.hashCode();
                        known[(int) id] = true;
                        if (!expected.equals(body)) {
                            problem(problems, "id " + id + ": body differs from the loaded value (" + body.length()
                                    + " characters: " + abbreviate(body) + ")");
                            wrong++;
                            continue;
                        }
                    } else if (body.length() != bodyBytes || body.hashCode() != hashes[(int) id]) {
                        problem(problems, "id " + id + ": body differs from the loaded value (" + body.length()
                                + " characters: " + abbreviate(body) + ")");
                        wrong++;
                        continue;
                    }
                    withValue++;
                    if (fix == Fix.NONE) {
                        problem(problems, "id " + id + ": the real value although no fix is set");
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("an event of " + topic + " is not JSON: " + e.getMessage(), e);
        }
        if (updates != expectedUpdates) {
            problems.add(0, updates + " update events in " + topic + ", expected " + expectedUpdates);
        }
        boolean expectValue = fix != Fix.NONE;
        if (expectValue ? withValue != expectedUpdates : withPlaceholder != expectedUpdates) {
            problems.add(0, (expectValue ? withValue + " events with the value" : withPlaceholder
                    + " events with the placeholder") + ", expected all " + expectedUpdates + " (fix "
                    + fix.label() + ")");
        }
        return new EventCheck(records, updates, withValue, withPlaceholder, wrong, beforeWithBody, valueBytes,
                List.copyOf(problems));
    }

    private String expectedBody(long id) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            HexFormat hex = HexFormat.of();
            StringBuilder sb = new StringBuilder(bodyBytes);
            for (int x = 1; x <= bodyBytes / 32; x++) {
                sb.append(hex.formatHex(md5.digest((id + ":" + x).getBytes(StandardCharsets.US_ASCII))));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void problem(List<String> problems, String p) {
        if (problems.size() < 10) {
            problems.add(p);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }

    private static JsonNode payload(JsonNode node) {
        if (node != null && node.isObject() && node.has("schema") && node.has("payload") && node.size() == 2) {
            return node.get("payload");
        }
        return node;
    }

    private static long queryLong(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) {
                throw new IllegalStateException("no row: " + sql);
            }
            return rs.getLong(1);
        }
    }
}
