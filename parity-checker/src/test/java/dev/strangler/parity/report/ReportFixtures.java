package dev.strangler.parity.report;

import dev.strangler.contract.EventEncoding;
import dev.strangler.contract.TableId;
import dev.strangler.parity.model.AnomalyKind;
import dev.strangler.parity.model.ColumnGap;
import dev.strangler.parity.model.ColumnGapCount;
import dev.strangler.parity.model.Cut;
import dev.strangler.parity.model.Direction;
import dev.strangler.parity.model.Finding;
import dev.strangler.parity.model.FindingKind;
import dev.strangler.parity.model.HistoryGap;
import dev.strangler.parity.model.HistoryGapKind;
import dev.strangler.parity.model.IncompleteTransaction;
import dev.strangler.parity.model.Operation;
import dev.strangler.parity.model.ParityReport.HistoryPoint;
import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.model.TableResult;
import dev.strangler.parity.model.TransactionCheck;
import dev.strangler.parity.model.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hand-built reports for the renderer tests (and for looking at them in a browser). */
final class ReportFixtures {

    static final Instant STARTED = Instant.parse("2025-06-03T09:15:02.123Z");
    static final Instant FINISHED = STARTED.plusMillis(48_310);
    static final Cut CUT = new Cut(7_843_210L, 7_843_219L, List.of(7_843_212L, 7_843_215L), 0x3_16B3_7480L,
            STARTED.plusMillis(812));

    /** Values a hostile or just unusual database could hold. */
    static final String SCRIPT = "<script>alert('pwned')</script>";
    static final String QUOTES = "He said \"hi\" & left 'fast' <b>bold</b> `tick` | pipe *star* _under_ [link](x)";
    static final String UNICODE = "Zoë Ångström — 東京 — 🚀👩‍👩‍👧 — مرحبا";
    static final String BIDI = "admin\u202Etxt.exe";
    static final String NEWLINES = "line one\nline two\ttabbed\r\n";
    static final TableId HOSTILE_TABLE = new TableId("public", "<img src=x onerror=alert(1)>");
    static final TableId LONG_TABLE =
            new TableId("legacy_billing_archive", "customer_invoice_line_item_adjustments_2019_q4");
    static final String LONG_SAME = "x".repeat(4_990);
    static final String LONG_TABLE_VALUE = LONG_SAME + "TABLE-TAIL" + "y".repeat(20_000);
    static final String LONG_STREAM_VALUE = LONG_SAME + "STREAM-END";

    private ReportFixtures() {
    }

    static ParityReport go(boolean withHistory) {
        List<TableResult> tables = List.of(
                matching(TableId.parse("public.customers"), 12_430, 120, 14, 2, 12_298),
                matching(TableId.parse("public.orders"), 58_112, 2_301, 870, 12, 55_822),
                matching(LONG_TABLE, 250_001, 0, 0, 0, 250_001));
        return report("run-2025-06-03T09-15-02Z-go", Verdict.GO, null, tables,
                withHistory ? history(12, 250_000) : List.of());
    }

    static ParityReport noGo(boolean withHistory) {
        List<Finding> customers = List.of(
                new Finding(FindingKind.CONTENT_DIFFERS, "42", "email", "ann@example.org", SCRIPT, null),
                new Finding(FindingKind.CONTENT_DIFFERS, "43", "display_name", QUOTES, QUOTES.replace("hi", "bye"),
                        "hand-written event?"),
                new Finding(FindingKind.CONTENT_DIFFERS, "44", "city", UNICODE, UNICODE.replace("東京", "大阪"), null),
                new Finding(FindingKind.CONTENT_DIFFERS, "45", "notes", LONG_TABLE_VALUE, LONG_STREAM_VALUE, null),
                new Finding(FindingKind.CONTENT_DIFFERS, "46", "file_name", BIDI, "admin.txt", null),
                new Finding(FindingKind.CONTENT_DIFFERS, "47", "comment", NEWLINES, "line one line two", null),
                new Finding(FindingKind.MISSING_IN_STREAM, "1001", null,
                        "{\"id\":1001,\"email\":\"bob@example.org\"}", null, null),
                new Finding(FindingKind.EXTRA_IN_STREAM, SCRIPT, null, null, "{\"id\":\"" + SCRIPT + "\"}", null),
                new Finding(FindingKind.CONTENT_DIFFERS, "48", "bio", "", "   ", "empty vs blank"),
                new Finding(FindingKind.CONTENT_DIFFERS, "49", "balance", "12.5", null, ColumnGap.UNREADABLE, null,
                        UNREADABLE_REASON),
                Finding.anomaly(AnomalyKind.UPDATE_AFTER_DELETE, "50", "source lsn 99 <b>"));
        TableResult bad = table(TableId.parse("public.customers"), Verdict.NO_GO, null, 0, false, 12_430, 12_432,
                ops(12_298, 120, 14, 0), ops(3, 1, 0, 0), kinds(3, 5, 1_204, 0, 2),
                Map.of(AnomalyKind.UPDATE_OF_UNKNOWN_KEY, 1L, AnomalyKind.UPDATE_AFTER_DELETE, 1L), 3,
                List.of(new ColumnGapCount("balance", ColumnGap.UNREADABLE, 1)), List.of(), customers);
        TableResult toast = table(TableId.parse("public.documents"), Verdict.NO_GO, null, 0, false, 800, 800,
                ops(800, 51, 0, 0), ops(0, 0, 0, 0), kinds(0, 0, 0, 51, 0), Map.of(), 0,
                List.of(new ColumnGapCount("body", ColumnGap.UNAVAILABLE, 48),
                        new ColumnGapCount("attachment", ColumnGap.UNAVAILABLE, 12),
                        new ColumnGapCount("summary", ColumnGap.ABSENT, 3)), List.of(),
                List.of(Finding.gap(FindingKind.NOT_COMPARABLE, "7", "body", null, ColumnGap.UNAVAILABLE,
                                "compared on the other columns only"),
                        Finding.gap(FindingKind.NOT_COMPARABLE, "7", "attachment", null, ColumnGap.UNAVAILABLE,
                                "compared on the other columns only"),
                        Finding.gap(FindingKind.NOT_COMPARABLE, "9", "summary", null, ColumnGap.ABSENT,
                                "compared on the other columns only")));
        TableResult hostile = table(HOSTILE_TABLE, Verdict.NO_GO, null, 2, false, 10, 7, ops(10, 0, 3, 0), Map.of(),
                kinds(3, 0, 0, 0, 0), Map.of(), 0, List.of(), List.of(),
                List.of(new Finding(FindingKind.MISSING_IN_STREAM, "</td></tr></table><h1>x</h1>", null,
                        "{\"k\":\"" + SCRIPT + "\"}", null, "deleted in the stream only? <i>check</i>")));
        TableResult orders = matching(TableId.parse("public.orders"), 58_112, 2_301, 870, 12, 55_822);
        TableResult lines = matching(LONG_TABLE, 1_250_001, 0, 0, 0, 1_250_001);
        return report("run-2025-06-03T09-15-02Z-nogo", Verdict.NO_GO, null,
                List.of(bad, orders, toast, hostile, lines), withHistory ? history(30, 1_300_000) : List.of());
    }

    static final String UNREADABLE_REASON = "cannot canonicalise balance numeric event value \"BNI=\": not a number "
            + "(read with decimal.handling.mode=string; a connector with other settings needs them passed to the "
            + "check)";

    static ParityReport unverifiable(boolean withHistory) {
        TableResult lagging = TableResult.unverifiable(TableId.parse("public.payments"),
                "legacy.public.payments", 0,
                "the pipeline has not caught up: slot strangler_slot confirmed 2/1A000000, the cut is at "
                        + "3/16B37480 (4.1 GiB behind) after waiting 10 minutes");
        TableResult retention = TableResult.unverifiable(TableId.parse("public.audit_log"),
                "legacy.public.audit_log", 0,
                "topic history cut by retention: offset 0 of partition 2 was deleted (retention.ms=604800000), "
                        + "so keys created before it cannot be seen <unknown>");
        TableResult filtered = table(TableId.parse("public.contacts"), Verdict.UNVERIFIABLE,
                TableResult.neverInStreamReason(List.of("email")), 0, false, 40, 40, ops(0, 0, 0, 40),
                ops(0, 0, 0, 0), kinds(0, 0, 0, 0, 0), Map.of(), 0, List.of(), List.of("email"), List.of());
        return report("run-2025-06-03T09-15-02Z-unverifiable", Verdict.UNVERIFIABLE,
                "2 of 5 tables could not be checked: the pipeline is lagging and one topic lost history to "
                        + "retention",
                List.of(matching(TableId.parse("public.customers"), 12_430, 120, 14, 2, 12_298), lagging,
                        matching(TableId.parse("public.orders"), 58_112, 2_301, 870, 12, 55_822), retention,
                        filtered),
                withHistory ? history(5, 70_000) : List.of(), false);
    }

    /** A GO run told to accept not-comparable rows (--accept-not-comparable). */
    static ParityReport accepted() {
        TableResult toast = table(TableId.parse("public.documents"), Verdict.GO, null, 0, true, 800, 800,
                ops(800, 51, 0, 0), ops(0, 0, 0, 0), kinds(0, 0, 0, 4, 0), Map.of(), 0,
                List.of(new ColumnGapCount("body", ColumnGap.UNAVAILABLE, 4)), List.of(),
                List.of(Finding.gap(FindingKind.NOT_COMPARABLE, "7", "body", null, ColumnGap.UNAVAILABLE,
                        "compared on the other columns only")));
        return report("run-accepted", Verdict.GO, null, List.of(toast), List.of(), true);
    }

    /**
     * A table whose state matches but whose topic restarted from a new snapshot, and one rebuilt after retention;
     * NO-GO, or GO with the gaps accepted (--accept-history-gaps).
     */
    static ParityReport historyGaps(boolean accept) {
        TableResult restarted = matching(TableId.parse("public.orders"), 500, 40, 2, 0, 500).withHistoryGaps(
                List.of(new HistoryGap(HistoryGapKind.RESNAPSHOT_AFTER_STREAMING, 0x3_16A0_0010L, 0x3_16B0_0028L,
                        STARTED.minus(Duration.ofMinutes(30)), STARTED.minus(Duration.ofMinutes(10)),
                        "the topic shows this table up to WAL 3/16A00010, then a new snapshot at WAL 3/16B00028")),
                accept);
        TableResult rebuilt = matching(TableId.parse("public.products"), 20, 0, 0, 0, 20).withHistoryGaps(
                List.of(new HistoryGap(HistoryGapKind.REBUILT_FROM_LATER_SNAPSHOT, -1, 0x3_16B0_0028L, null,
                        STARTED.minus(Duration.ofMinutes(10)), "records before offset 5 were deleted")), accept);
        return new ParityReport(ParityReport.SCHEMA_VERSION, "run-history-gaps", STARTED, FINISHED,
                "jdbc:postgresql://legacy-db:5432/shop", "strangler_slot", "legacy", CUT,
                accept ? Verdict.GO : Verdict.NO_GO, null, List.of(restarted, rebuilt), List.of(),
                EventEncoding.strangler().toString(), false, accept);
    }

    /** Transaction completeness: one transaction lost an event of public.orders; public.products is complete. */
    static ParityReport incompleteTransactions() {
        TableResult orders = matching(TableId.parse("public.orders"), 500, 40, 2, 0, 500).withIncompleteTransactions(
                List.of(new IncompleteTransaction("7843100:13270093864", 7_843_100L, 0x3_1600_0028L,
                        STARTED.minus(Duration.ofMinutes(5)), 3, 2)), 1);
        TableResult products = matching(TableId.parse("public.products"), 20, 0, 0, 0, 20);
        return new ParityReport(ParityReport.SCHEMA_VERSION, "run-incomplete", STARTED, FINISHED,
                "jdbc:postgresql://legacy-db:5432/shop", "strangler_slot", "legacy", CUT, Verdict.NO_GO, null,
                List.of(orders, products), List.of(), EventEncoding.strangler().toString(), false, false,
                new TransactionCheck("legacy.transaction", true, 1_250, 1, null));
    }

    /** Many tables, a long history: for chart scaling. */
    static ParityReport big() {
        List<TableResult> tables = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            long rows = (long) Math.pow(3, i % 13) * 7 + i;
            if (i % 5 == 3) {
                tables.add(table(new TableId("schema_" + i, "table_with_a_rather_long_name_" + i), Verdict.NO_GO,
                        null, 0, false, rows, rows - i, ops(rows, i, i, 0), ops(0, 0, 0, 0),
                        kinds(i, i * 3L, i * 40L, i % 2, 1), Map.of(AnomalyKind.DELETE_AFTER_DELETE, 1L), 0,
                        List.of(), List.of(), List.of()));
            } else if (i == 20) {
                tables.add(TableResult.unverifiable(new TableId("schema_20", "t20"), "t20", 0,
                        "topic t20 does not exist"));
            } else {
                tables.add(matching(new TableId("schema_" + i, "t" + i), rows, 0, 0, 0, rows));
            }
        }
        return report("run-big", Verdict.NO_GO, null, tables, history(200, 3_000_000));
    }

    /** A run that failed before it could take a cut. */
    static ParityReport noCut() {
        return new ParityReport(ParityReport.SCHEMA_VERSION, "run-no-cut", STARTED, STARTED.plusSeconds(2), null,
                null, null, null, Verdict.UNVERIFIABLE, "cannot connect to the database: connection refused",
                List.of(), List.of());
    }

    static final String REVERSE_TOPICS = "orders-svc.outbox.order (sink web-orders)";
    static final String REVERSE_FOLD = "Folded sink 'web-orders' (group strangler-sink-web-orders) up to the positions "
            + "it stored at the cut: orders-svc.outbox.order [0]<812 [1]<790. 1,204 of the table's 2,810 rows have keys "
            + "the sink's topics never touched (the legacy application's own) and were not compared.";

    /** A captured table, and two sink tables checked topic → table: one changed behind the sink's back. */
    static ParityReport bothDirections() {
        TableResult forward = matching(TableId.parse("shop.web_orders"), 2_810, 40, 2, 0, 2_000);
        TableResult reverse = new TableResult(TableId.parse("shop.web_orders"), REVERSE_TOPICS, Verdict.NO_GO, null,
                0, false, 2_810, 1_600, ops(1_606, 400, 6, 0), ops(3, 1, 0, 0), kinds(0, 1, 1, 0, 0), Map.of(), 0,
                List.of(), List.of(), List.of(
                        new Finding(FindingKind.CONTENT_DIFFERS, "{order_ref=o-7}", "total", "999.99", "11.07",
                                "the sink wrote 11.07 (last orders-svc.outbox.order partition 1 offset 17); the "
                                        + "table holds 999.99: changed behind the sink's back"),
                        new Finding(FindingKind.EXTRA_IN_STREAM, "{order_ref=o-8}", null, null, "(row applied)",
                                "missing in the table: deleted behind the sink's back")),
                REVERSE_FOLD, Direction.TOPIC_TO_TABLE);
        TableResult lost = TableResult.unverifiable(TableId.parse("shop.invoices"), "billing.invoices (sink "
                + "web-orders)", 0, "records of billing.invoices partition 0 before offset 40 were deleted by "
                + "retention", Direction.TOPIC_TO_TABLE);
        return report("run-2025-06-03T09-15-02Z-both", Verdict.NO_GO, null, List.of(forward, reverse, lost),
                List.of());
    }

    static List<ParityReport> all() {
        return List.of(go(false), go(true), noGo(false), noGo(true), unverifiable(false), unverifiable(true),
                accepted(), big(), noCut(), bothDirections(), historyGaps(false), historyGaps(true));
    }

    static Map<String, ParityReport> named() {
        Map<String, ParityReport> m = new LinkedHashMap<>();
        m.put("go", go(false));
        m.put("go-history", go(true));
        m.put("no-go", noGo(false));
        m.put("no-go-history", noGo(true));
        m.put("unverifiable", unverifiable(false));
        m.put("unverifiable-history", unverifiable(true));
        m.put("accepted", accepted());
        m.put("big", big());
        m.put("no-cut", noCut());
        m.put("both-directions", bothDirections());
        m.put("history-gaps", historyGaps(false));
        m.put("history-gaps-accepted", historyGaps(true));
        return m;
    }

    // ---- building blocks -----------------------------------------------------------------------------------------

    private static ParityReport report(String runId, Verdict verdict, String reason, List<TableResult> tables,
                                       List<HistoryPoint> history) {
        return report(runId, verdict, reason, tables, history, false);
    }

    private static ParityReport report(String runId, Verdict verdict, String reason, List<TableResult> tables,
                                       List<HistoryPoint> history, boolean acceptNotComparable) {
        return new ParityReport(ParityReport.SCHEMA_VERSION, runId, STARTED, FINISHED,
                "jdbc:postgresql://legacy-db:5432/shop", "strangler_slot", "legacy", CUT, verdict, reason, tables,
                history, EventEncoding.strangler().toString(), acceptNotComparable);
    }

    private static TableResult table(TableId table, Verdict verdict, String reason, long tolerance, boolean accepted,
                                     long rows, long liveKeys, Map<Operation, Long> visible,
                                     Map<Operation, Long> afterCut, Map<FindingKind, Long> counts,
                                     Map<AnomalyKind, Long> anomalies, long duplicates, List<ColumnGapCount> gaps,
                                     List<String> neverInStream, List<Finding> sample) {
        return new TableResult(table, "legacy." + table, verdict, reason, tolerance, accepted, rows, liveKeys, visible,
                afterCut, counts, anomalies, duplicates, gaps, neverInStream, sample, null);
    }

    private static TableResult matching(TableId table, long rows, long updates, long deletes, long afterCut,
                                        long reads) {
        return table(table, Verdict.GO, null, 0, false, rows, rows, ops(rows - reads + deletes, updates, deletes,
                reads), ops(afterCut, 0, 0, 0), kinds(0, 0, 0, 0, 0), Map.of(), 0, List.of(), List.of(), List.of());
    }

    static Map<Operation, Long> ops(long c, long u, long d, long r) {
        return Map.of(Operation.CREATE, c, Operation.UPDATE, u, Operation.DELETE, d, Operation.READ, r);
    }

    static Map<FindingKind, Long> kinds(long missing, long extra, long differs, long notComparable, long anomaly) {
        Map<FindingKind, Long> m = new LinkedHashMap<>();
        m.put(FindingKind.MISSING_IN_STREAM, missing);
        m.put(FindingKind.EXTRA_IN_STREAM, extra);
        m.put(FindingKind.CONTENT_DIFFERS, differs);
        m.put(FindingKind.NOT_COMPARABLE, notComparable);
        m.put(FindingKind.STREAM_ANOMALY, anomaly);
        return m;
    }

    private static List<HistoryPoint> history(int runs, long rows) {
        List<HistoryPoint> h = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Instant at = STARTED.minus(Duration.ofHours(6L * (runs - i)));
            Verdict v = i % 7 == 3 ? Verdict.UNVERIFIABLE : i % 4 == 1 ? Verdict.NO_GO : Verdict.GO;
            long findings = v == Verdict.NO_GO ? 40L * (runs - i) + 3 : 0;
            h.add(new HistoryPoint("run-" + i, at, v, rows - (runs - i) * 1_000L, findings, 3 + i % 2));
        }
        return h;
    }
}
