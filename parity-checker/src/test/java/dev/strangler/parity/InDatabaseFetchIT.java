package dev.strangler.parity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.contract.TableId;
import dev.strangler.parity.compare.CanonicalRowCodecs;
import dev.strangler.parity.compare.KeyBuckets;
import dev.strangler.parity.compare.RowCodec;
import dev.strangler.parity.compare.TableComparison;
import dev.strangler.parity.model.FindingKind;
import dev.strangler.sandbox.Sandbox;
import dev.strangler.sandbox.SandboxSql;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rows of the differing buckets are read exactly, runs of adjacent buckets and the ranges open at either end of
 * the long keys included, by one statement that PostgreSQL parses once for all the runs (a real server).
 */
class InDatabaseFetchIT {

    private static final TableId TABLE = new TableId("public", "fetched");

    @Test
    void shouldReadExactlyTheDifferingBucketsRowsWithOneStatementParsedOnce(@TempDir Path dir) throws Exception {
        SandboxSql db = SandboxSql.newDatabase(Sandbox.shared().postgres(), "fetch");
        KeyBuckets buckets = new KeyBuckets(100);
        List<Long> ids = new ArrayList<>();
        for (long id = -2_000; id < 2_000; id += 7) {
            ids.add(id);
        }
        ids.add(Long.MIN_VALUE); // buckets whose bounds lie past the longs: ranges open below and above
        ids.add(Long.MAX_VALUE);
        try (Connection c = Sandbox.shared().postgres().connect(db.database()); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE fetched (id bigint PRIMARY KEY, name text)");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO fetched VALUES (?, ?)")) {
                for (long id : ids) {
                    insert.setLong(1, id);
                    insert.setString(2, "row " + id);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            c.setAutoCommit(false); // as in the cut's transaction: the fetch size streams the rows
            RowCodec codec = CanonicalRowCodecs.factory(ParityConfig.DEBEZIUM_UNAVAILABLE_VALUE).create(c, TABLE);
            // scattered, adjacent (one run of three), and the two at the ends of the longs
            TreeSet<Long> differing = new TreeSet<>(List.of(buckets.bucketOf(Long.MIN_VALUE), -15L, -3L, -2L, -1L,
                    4L, 9L, 19L, buckets.bucketOf(Long.MAX_VALUE)));
            long runs = differing.stream().filter(b -> !differing.contains(b - 1)).count();

            AtomicInteger prepared = new AtomicInteger();
            Set<String> fetchedKeys = new HashSet<>();
            long fetched;
            try (TableComparison comparison = new TableComparison(TABLE, "topic", codec, tx -> true, 1, dir, 10)
                    .recordingKeys((t, kind, key, partition, offset) -> {
                        assertThat(kind).isEqualTo(FindingKind.MISSING_IN_STREAM); // no events: every row read
                        fetchedKeys.add(key);
                    })) {
                fetched = InDatabaseCompare.fetch(counting(c, prepared), TABLE, codec, buckets, differing,
                        comparison);
                comparison.finish(0, false);
            }

            List<String> expected = ids.stream().filter(id -> differing.contains(buckets.bucketOf(id)))
                    .map(id -> "{\"id\":" + id + "}").toList();
            assertThat(fetchedKeys).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(fetched).isEqualTo(expected.size());
            assertThat(prepared).as("statements prepared").hasValue(1);
            try (ResultSet rs = st.executeQuery("SELECT generic_plans + custom_plans FROM pg_prepared_statements "
                    + "WHERE statement LIKE '%\"fetched\" WHERE%'")) {
                assertThat(rs.next()).as("prepared on the server").isTrue();
                assertThat(rs.getLong(1)).as("executions of the one server-side statement").isEqualTo(runs);
                assertThat(rs.next()).as("one statement on the server").isFalse();
            }
            c.rollback();
        }
    }

    /** The connection, counting the statements prepared on it. */
    private static Connection counting(Connection c, AtomicInteger prepared) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement")) {
                        prepared.incrementAndGet();
                    }
                    try {
                        return method.invoke(c, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
