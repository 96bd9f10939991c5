package dev.strangler.parity.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.contract.TableId;
import dev.strangler.parity.ParityChecker;
import dev.strangler.parity.ParityConfig;
import dev.strangler.parity.Progress;
import dev.strangler.parity.compare.CanonicalRowCodecs;
import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.model.Verdict;
import dev.strangler.parity.spill.SpillEstimate;
import dev.strangler.sandbox.Sandbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The free-space check's estimate against the spill a real run writes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpillEstimateIT {

    /** Enough rows that the spill's size is the rows', not the files' and buffers' overhead. */
    private static final int EXTRA_CUSTOMERS = 6_000;

    private Sandbox sandbox;
    private ParityFixture fixture;
    @TempDir
    Path tmp;

    @BeforeAll
    void start() {
        sandbox = Sandbox.start();
        fixture = new ParityFixture(sandbox, "estimate", Map.of(), List.of(
                "INSERT INTO shop.customers (external_ref, name, email, birth_date, tags) "
                + "SELECT gen_random_uuid(), 'Customer ' || g, 'customer' || g || '@example.com', "
                + "date '1960-01-01' + g % 15000, ARRAY['retail', 'newsletter'] FROM generate_series(1, "
                + EXTRA_CUSTOMERS + ") g"));
    }

    @AfterAll
    void close() {
        if (fixture != null) {
            fixture.close();
        }
        sandbox.close();
    }

    /**
     * The estimate is {@link SpillEstimate#TABLE_SIZE_RATIO} times pg_table_size; this measures the real ratio at the
     * end of the largest table's scan (at most 64 KB per side may still sit in write buffers then) and prints it.
     */
    @Test
    void shouldSpillLessThanTheEstimate() throws Exception {
        Path root = tmp.resolve("measured");
        AtomicLong spilled = new AtomicLong();
        Progress measuring = new Progress() {
            @Override
            public void scanning(String table, long rows, long estimatedRows) {
                if (table.equals("shop.customers")) {
                    spilled.set(size(root));
                }
            }
        };
        ParityConfig config = fixture.parityConfig(fixture.name, Duration.ofSeconds(90), root);
        ParityReport report = new ParityChecker(config,
                CanonicalRowCodecs.factory(config.unavailableValuePlaceholder()), measuring).run();
        assertThat(report.verdict()).isEqualTo(Verdict.GO);

        long tableSize;
        SpillEstimate.Need need;
        SpillEstimate.Need bound;
        try (Connection c = fixture.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_table_size('shop.customers')")) {
            rs.next();
            tableSize = rs.getLong(1);
            need = SpillEstimate.fromTableSizesAndSample().of(c, config.tables());
            bound = SpillEstimate.fromTableSizes().of(c, config.tables());
        }
        System.out.printf(Locale.ROOT, "spill of shop.customers (%d rows) at the end of its scan: %d bytes on disk; "
                + "its pg_table_size: %d bytes; ratio %.2f; estimate: %s; uncompressed bound: %s%n",
                EXTRA_CUSTOMERS + 50, spilled.get(), tableSize, (double) spilled.get() / tableSize, need, bound);
        assertThat(spilled.get()).isPositive().isLessThanOrEqualTo(need.bytes());
        assertThat(need.bytes()).isLessThanOrEqualTo(bound.bytes());
    }

    /** Rows that repeat themselves ask for a fraction of the bound; rows of random bytes for all of it. */
    @Test
    void shouldScaleTheBoundBySampledCompression() throws Exception {
        TableId repeated = new TableId("public", "estimate_repeated");
        TableId random = new TableId("public", "estimate_random");
        TableId tiny = new TableId("public", "estimate_tiny");
        try (Connection c = fixture.connect(); Statement st = c.createStatement()) {
            // a column named t, always NULL: the sample must read rows, not that column (KafkaConnectEncodingsIT's
            // shop.kinds has one)
            st.execute("CREATE TABLE " + repeated.quoted() + " (id int PRIMARY KEY, t text, note text)");
            st.execute("INSERT INTO " + repeated.quoted() + " SELECT g, NULL, repeat('the same order note, ', 10) || "
                    + "(g % 7) FROM generate_series(1, 20000) g");
            // bytea's text is hex: LZ4 finds no repeats in random bytes, whatever their encoding
            st.execute("CREATE TABLE " + random.quoted() + " (id int PRIMARY KEY, payload bytea)");
            st.execute("INSERT INTO " + random.quoted() + " SELECT g, (SELECT decode(string_agg(md5(random()::text || g"
                    + " || i), ''), 'hex') FROM generate_series(1, 6) i) FROM generate_series(1, 20000) g");
            st.execute("CREATE TABLE " + tiny.quoted() + " (id int PRIMARY KEY)");
            st.execute("INSERT INTO " + tiny.quoted() + " VALUES (1), (2)");
            st.execute("ANALYZE " + repeated.quoted() + ", " + random.quoted());

            SpillEstimate.Need repeatedNeed = SpillEstimate.fromTableSizesAndSample().of(c, List.of(repeated));
            SpillEstimate.Need repeatedBound = SpillEstimate.fromTableSizes().of(c, List.of(repeated));
            SpillEstimate.Need randomNeed = SpillEstimate.fromTableSizesAndSample().of(c, List.of(random));
            SpillEstimate.Need randomBound = SpillEstimate.fromTableSizes().of(c, List.of(random));
            SpillEstimate.Need tinyNeed = SpillEstimate.fromTableSizesAndSample().of(c, List.of(tiny));
            System.out.printf(Locale.ROOT, "repeated: %s; random: %s; tiny: %s%n", repeatedNeed, randomNeed, tinyNeed);

            assertThat(repeatedNeed.bytes()).isPositive().isLessThan(repeatedBound.bytes() / 3);
            assertThat(repeatedNeed.basis()).contains("LZ4", "sampled bytes");
            assertThat(randomNeed.bytes()).isEqualTo(randomBound.bytes());
            assertThat(tinyNeed.bytes()).isEqualTo(SpillEstimate.fromTableSizes().of(c, List.of(tiny)).bytes());
            assertThat(tinyNeed.basis()).contains("too few rows");
            assertThat(c.getAutoCommit()).as("the sample leaves the connection as it was").isTrue();
        }
    }

    private static long size(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
