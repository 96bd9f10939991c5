package dev.strangler.parity.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.contract.Lsn;
import dev.strangler.parity.model.HistoryGap;
import dev.strangler.parity.model.HistoryGapKind;
import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.model.TableResult;
import dev.strangler.parity.model.Verdict;
import dev.strangler.parity.report.ReportSchema;
import dev.strangler.sandbox.Sandbox;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * History continuity against a real pipeline: changes lost while the slot was gone make a NO-GO that names the WAL
 * range although the state matches; an uninterrupted run and a normal restart have no gap.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HistoryContinuityIT {

    private Sandbox sandbox;
    @TempDir
    Path reportDir;

    @BeforeAll
    void start() {
        sandbox = Sandbox.start();
    }

    @AfterAll
    void close() {
        sandbox.close();
    }

    @Test
    void shouldSayNoGoNamingTheWalRangeWhenChangesWereLostAndANewSnapshotMadeTheStateRight() throws Exception {
        try (ParityFixture f = new ParityFixture(sandbox, "lost")) {
            f.execute("UPDATE shop.customers SET name = 'streamed' WHERE id = 1");
            assertThat(f.check().verdict()).as("precondition").isEqualTo(Verdict.GO);
            long streamedUpTo = walLsn(f);

            // the slot is dropped while stopped; these changes are never streamed, the new snapshot shows their result
            f.startOverWithANewSnapshot("UPDATE shop.customers SET name = 'lost 1' WHERE id = 2",
                    "UPDATE shop.customers SET name = 'lost 2' WHERE id = 2");
            ParityReport report = f.check();

            assertThat(report.verdict()).as(describe(report)).isEqualTo(Verdict.NO_GO);
            TableResult customers = report.tables().stream()
                    .filter(t -> t.table().toString().equals("shop.customers")).findFirst().orElseThrow();
            assertThat(customers.findings()).as("the state matches").isZero();
            assertThat(customers.historyGaps()).singleElement().satisfies(g -> {
                assertThat(g.kind()).isEqualTo(HistoryGapKind.RESNAPSHOT_AFTER_STREAMING);
                assertThat(g.fromLsn()).isLessThanOrEqualTo(streamedUpTo);
                assertThat(g.toLsn()).isGreaterThan(streamedUpTo);
                assertThat(g.fromTime()).isBefore(g.toTime());
            });
            assertThat(report.tables()).allSatisfy(t -> assertThat(t.historyGaps()).as(t.table().toString())
                    .isNotEmpty());
            ReportSchema.assertReadable(report, reportDir.resolve("lost"));

            ParityReport accepted = f.check(f.parityConfig("lost", java.time.Duration.ofSeconds(60))
                    .withAcceptHistoryGaps(true));
            assertThat(accepted.verdict()).as(describe(accepted)).isEqualTo(Verdict.GO);
        }
    }

    @Test
    void shouldFindNoGapInAnUninterruptedRunUnderAWriter() throws Exception {
        try (ParityFixture f = new ParityFixture(sandbox, "steady")) {
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong changes = new AtomicLong();
            Thread writer = new Thread(() -> write(f, writing, changes), "legacy-writer");
            writer.start();
            ParityReport report;
            try {
                Thread.sleep(1_000);
                report = f.check();
            } finally {
                writing.set(false);
                writer.join(10_000);
            }
            assertThat(changes.get()).isGreaterThan(20);
            assertNoGap(report);
        }
    }

    @Test
    void shouldFindNoGapWhenThePipelineIsStoppedAndStartedAgain() throws Exception {
        try (ParityFixture f = new ParityFixture(sandbox, "restarted")) {
            assertThat(f.check().verdict()).as("precondition").isEqualTo(Verdict.GO);
            f.stopPipeline();
            f.execute("UPDATE shop.customers SET name = 'while stopped' WHERE id = 3",
                    "DELETE FROM shop.order_lines WHERE order_id = 4");
            f.startPipeline();
            f.execute("UPDATE shop.products SET title = 'after the restart' WHERE id = 2");
            assertNoGap(f.check());
        }
    }

    private static void assertNoGap(ParityReport report) {
        assertThat(report.verdict()).as(describe(report)).isEqualTo(Verdict.GO);
        assertThat(report.tables()).allSatisfy(t -> assertThat(t.historyGaps()).as(t.table().toString()).isEmpty());
    }

    private static void write(ParityFixture f, AtomicBoolean writing, AtomicLong changes) {
        try (Connection c = f.connect(); Statement st = c.createStatement()) {
            int n = 0;
            while (writing.get()) {
                n++;
                st.executeUpdate("UPDATE shop.customers SET name = 'w " + n + "' WHERE id = " + (1 + n % 20));
                st.executeUpdate("INSERT INTO shop.customers (external_ref, name, email) VALUES (gen_random_uuid(), "
                        + "'new " + n + "', 'w@example.com')");
                changes.addAndGet(2);
                Thread.sleep(10);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long walLsn(ParityFixture f) throws Exception {
        try (Connection c = f.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_current_wal_insert_lsn()")) {
            rs.next();
            return Lsn.parse(rs.getString(1));
        }
    }

    private static String describe(ParityReport report) {
        return report.verdict() + " " + report.tables().stream().map(t -> t.table() + "=" + t.verdict() + " "
                + t.reasoning() + " " + t.historyGaps().stream().map(HistoryGap::describe).toList())
                .collect(Collectors.joining("; "));
    }
}
