package dev.strangler.parity.it;

import static dev.strangler.parity.it.ParityReports.describe;
import static dev.strangler.parity.it.ParityReports.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.parity.ParityChecker;
import dev.strangler.parity.ParityConfig;
import dev.strangler.parity.Progress;
import dev.strangler.parity.TableCompare;
import dev.strangler.parity.compare.CanonicalRowCodecs;
import dev.strangler.parity.model.CompareMethod;
import dev.strangler.parity.model.FindingKind;
import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.model.TableResult;
import dev.strangler.parity.model.Verdict;
import dev.strangler.parity.repair.DifferencesFile;
import dev.strangler.parity.report.ReportSchema;
import dev.strangler.sandbox.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-database comparison against a real pipeline, PostgreSQL and Kafka: on the same data it gives exactly the
 * scan's verdict, findings and differing keys, while it fetches only the rows of the key buckets whose digests
 * differ.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InDatabaseParityIT {

    private static final String ITEMS = "shop.items";
    private static final List<String> TABLES = List.of(ITEMS, "shop.customers", "shop.products");
    /** 20,000 rows with keys from -29,997 in steps of 3 (negative keys, gaps), about 100 rows a bucket. */
    private static final int ROWS = 20_000;
    private static final long ROWS_PER_BUCKET = 100;
    private static final List<String> CREATE_ITEMS = List.of(
            "CREATE TABLE shop.items (id bigint PRIMARY KEY, name text NOT NULL, price numeric(12,2), doc jsonb, "
                    + "f8 double precision, seen timestamptz)",
            "INSERT INTO shop.items SELECT g * 3 - 30000, 'item ' || g, g / 7.0, jsonb_build_object('g', g), "
                    + "g / 3.0, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute' "
                    + "FROM generate_series(1, " + ROWS + ") g");

    private Sandbox sandbox;
    @TempDir
    Path dir;

    @BeforeAll
    void start() {
        sandbox = Sandbox.start();
    }

    @AfterAll
    void close() {
        sandbox.close();
    }

    private static ParityFixture fixture(Sandbox sandbox, String name) {
        return new ParityFixture(sandbox, name, Map.of("source.tables", String.join(",", TABLES)), CREATE_ITEMS);
    }

    private static ParityConfig config(ParityFixture f, TableCompare.Mode mode) {
        return new ParityConfig(f.sandbox.postgres().jdbcUrl(f.db), f.sandbox.postgres().superuser(),
                f.sandbox.postgres().superuserPassword(), f.config.source().slot(),
                f.sandbox.kafka().bootstrapServers(), Map.of(), f.name, TABLES, 0, Map.of(), Duration.ofSeconds(120),
                50, null, ParityConfig.DEBEZIUM_UNAVAILABLE_VALUE)
                .withTableCompare(new TableCompare(mode, 0, ROWS_PER_BUCKET));
    }

    private static ParityReport check(ParityFixture f, TableCompare.Mode mode, Path differences) {
        ParityConfig config = config(f, mode);
        ParityChecker checker = new ParityChecker(config, CanonicalRowCodecs.factory(
                config.unavailableValuePlaceholder()), Progress.NONE);
        return (differences == null ? checker : checker.writingDifferingKeysTo(differences)).run();
    }

    private static ParityReport checkUntilGo(ParityFixture f, TableCompare.Mode mode) {
        ParityReport report = check(f, mode, null);
        for (int i = 0; report.verdict() != Verdict.GO && i < 20; i++) {
            report = check(f, mode, null); // the pipeline may still be publishing its snapshot
        }
        assertThat(report.verdict()).as(describe(report)).isEqualTo(Verdict.GO);
        return report;
    }

    /** The differing keys' lines of differences.jsonl, without the header that names the run. */
    private static Set<String> keys(Path differences) throws Exception {
        Set<String> lines = new HashSet<>(Files.readAllLines(differences));
        lines.removeIf(l -> l.contains("\"runId\""));
        return lines;
    }

    @Test
    void shouldSayGoFetchingNoRowWhenNothingDiffersAndScanTablesItCannotDigest() throws Exception {
        try (ParityFixture f = fixture(sandbox, "indb_go")) {
            ParityReport inDb = checkUntilGo(f, TableCompare.Mode.IN_DATABASE);
            TableResult items = table(inDb, ITEMS);
            assertThat(items.rowsInTable()).isEqualTo(ROWS);
            assertThat(items.liveKeysInStream()).isEqualTo(ROWS);
            CompareMethod method = items.compareMethod();
            assertThat(method.kind()).isEqualTo(CompareMethod.Kind.IN_DATABASE);
            assertThat(method.buckets()).as("about one bucket per %s rows", ROWS_PER_BUCKET).isBetween(190L, 210L);
            assertThat(method.differingBuckets()).isZero();
            assertThat(method.rowsFetched()).isZero();
            assertThat(table(inDb, "shop.customers").compareMethod()).satisfies(m -> {
                assertThat(m.kind()).isEqualTo(CompareMethod.Kind.SCAN);
                assertThat(m.reason()).contains("tags").contains("array");
                assertThat(m.rowsFetched()).isEqualTo(table(inDb, "shop.customers").rowsInTable());
            });
            assertThat(table(inDb, "shop.products").compareMethod().kind()).isEqualTo(CompareMethod.Kind.IN_DATABASE);

            ParityReport scan = check(f, TableCompare.Mode.SCAN, null);
            assertThat(scan.verdict()).isEqualTo(Verdict.GO);
            assertThat(table(scan, ITEMS).compareMethod().kind()).isEqualTo(CompareMethod.Kind.SCAN);
            assertThat(table(scan, ITEMS).compareMethod().rowsFetched()).isEqualTo(ROWS);
            for (String t : TABLES) {
                assertThat(table(inDb, t).rowsInTable()).as(t).isEqualTo(table(scan, t).rowsInTable());
                assertThat(table(inDb, t).liveKeysInStream()).as(t).isEqualTo(table(scan, t).liveKeysInStream());
                assertThat(table(inDb, t).visibleEventsByOp()).as(t).isEqualTo(table(scan, t).visibleEventsByOp());
            }
            ReportSchema.assertReadable(inDb, dir.resolve("go"));
        }
    }

    @Test
    void shouldFindExactlyTheScansFindingsAndKeysFetchingOnlyTheDifferingBuckets() throws Exception {
        try (ParityFixture f = fixture(sandbox, "indb_diff")) {
            checkUntilGo(f, TableCompare.Mode.SCAN);
            // through the pipeline: equal values whose plain texts PostgreSQL and the canonical form print apart
            // (a jsonb number with trailing zeros, a float's -0): their buckets differ, their rows match
            f.execute("UPDATE shop.items SET doc = '{\"p\": 1.50}' WHERE id = 3 * 5000 - 30000",
                    "UPDATE shop.items SET f8 = '-0' WHERE id = 3 * 15000 - 30000");
            checkUntilGo(f, TableCompare.Mode.SCAN);
            // behind the pipeline's back: a changed row, a deleted one, an inserted one
            String publication = f.config.source().publication();
            f.execute("ALTER PUBLICATION " + publication + " DROP TABLE shop.items",
                    "UPDATE shop.items SET name = 'changed behind the pipeline' WHERE id = 3 * 100 - 30000",
                    "DELETE FROM shop.items WHERE id = 3 * 10000 - 30000",
                    // a key in a gap of the others (a key far beyond them would widen every bucket: still exact, but
                    // coarse, see README "In-database mode")
                    "INSERT INTO shop.items (id, name) VALUES (3 * 12000 - 30000 + 1, 'inserted behind the pipeline')",
                    "ALTER PUBLICATION " + publication + " ADD TABLE shop.items");

            Path inDbKeys = dir.resolve("indb").resolve(DifferencesFile.NAME);
            Path scanKeys = dir.resolve("scan").resolve(DifferencesFile.NAME);
            ParityReport inDb = check(f, TableCompare.Mode.IN_DATABASE, inDbKeys);
            ParityReport scan = check(f, TableCompare.Mode.SCAN, scanKeys);

            TableResult a = table(scan, ITEMS);
            TableResult b = table(inDb, ITEMS);
            assertThat(a.findingCounts()).as(describe(scan)).containsOnly(
                    Map.entry(FindingKind.CONTENT_DIFFERS, 1L), Map.entry(FindingKind.EXTRA_IN_STREAM, 1L),
                    Map.entry(FindingKind.MISSING_IN_STREAM, 1L));
            assertThat(inDb.verdict()).isEqualTo(scan.verdict()).isEqualTo(Verdict.NO_GO);
            for (String t : TABLES) {
                assertThat(table(inDb, t).verdict()).as(t).isEqualTo(table(scan, t).verdict());
                assertThat(table(inDb, t).findingCounts()).as(t).isEqualTo(table(scan, t).findingCounts());
            }
            assertThat(b.rowsInTable()).isEqualTo(a.rowsInTable()).isEqualTo(ROWS);
            assertThat(b.liveKeysInStream()).isEqualTo(a.liveKeysInStream());
            assertThat(b.anomalies()).isEqualTo(a.anomalies());
            assertThat(b.duplicates()).isEqualTo(a.duplicates());
            assertThat(new HashSet<>(b.sample())).isEqualTo(new HashSet<>(a.sample()));
            assertThat(keys(inDbKeys)).isEqualTo(keys(scanKeys)).hasSize(3);

            CompareMethod method = b.compareMethod();
            assertThat(method.kind()).isEqualTo(CompareMethod.Kind.IN_DATABASE);
            // the three rows behind the pipeline's back and the two printed apart, some maybe sharing a bucket
            assertThat(method.differingBuckets()).isBetween(4L, 5L);
            assertThat(method.rowsFetched()).as("only the differing buckets' rows")
                    .isLessThanOrEqualTo(method.differingBuckets() * 2 * ROWS_PER_BUCKET).isLessThan(ROWS / 10);
            ReportSchema.assertReadable(inDb, dir.resolve("no-go"));
        }
    }

    @Test
    void shouldGiveTheScansVerdictWhileTheLegacyAppKeepsWriting() throws Exception {
        try (ParityFixture f = fixture(sandbox, "indb_live")) {
            checkUntilGo(f, TableCompare.Mode.SCAN);
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong changes = new AtomicLong();
            Thread writer = new Thread(() -> write(f, writing, changes), "legacy-writer");
            writer.start();
            try {
                for (int run = 0; run < 2; run++) {
                    for (TableCompare.Mode mode : List.of(TableCompare.Mode.IN_DATABASE, TableCompare.Mode.SCAN)) {
                        ParityReport report = check(f, mode, null);
                        assertThat(report.verdict()).as(mode + " run " + run + ": " + describe(report))
                                .isEqualTo(Verdict.GO);
                        assertThat(table(report, ITEMS).compareMethod().kind()).isEqualTo(
                                mode == TableCompare.Mode.SCAN ? CompareMethod.Kind.SCAN
                                        : CompareMethod.Kind.IN_DATABASE);
                    }
                }
            } finally {
                writing.set(false);
                writer.join(10_000);
            }
            assertThat(changes.get()).as("the writer really wrote during the checks").isGreaterThan(50);
        }
    }

    /** Updates, inserts and deletes across the key range, each its own transaction, until told to stop. */
    private static void write(ParityFixture f, AtomicBoolean writing, AtomicLong changes) {
        Random random = new Random(16);
        try (Connection c = f.connect();
             PreparedStatement update = c.prepareStatement("UPDATE shop.items SET name = name || '+', "
                     + "price = price + 1 WHERE id = ?");
             PreparedStatement insert = c.prepareStatement("INSERT INTO shop.items (id, name, doc) VALUES (?, 'new', "
                     + "'{\"new\": true}') ON CONFLICT DO NOTHING");
             PreparedStatement delete = c.prepareStatement("DELETE FROM shop.items WHERE id = ?")) {
            long next = 100_000;
            while (writing.get()) {
                update.setLong(1, 3L * (1 + random.nextInt(ROWS)) - 30000);
                update.executeUpdate();
                insert.setLong(1, next++);
                insert.executeUpdate();
                delete.setLong(1, 3L * (1 + random.nextInt(ROWS)) - 30000);
                delete.executeUpdate();
                changes.addAndGet(3);
                Thread.sleep(5);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
