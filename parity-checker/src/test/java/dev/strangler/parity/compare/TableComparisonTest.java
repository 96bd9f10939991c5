package dev.strangler.parity.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.contract.TableId;
import dev.strangler.parity.canonical.CanonicalValue;
import dev.strangler.parity.model.AnomalyKind;
import dev.strangler.parity.model.ColumnGap;
import dev.strangler.parity.model.ColumnGapCount;
import dev.strangler.parity.model.FindingKind;
import dev.strangler.parity.model.Operation;
import dev.strangler.parity.model.TableResult;
import dev.strangler.parity.model.Verdict;
import dev.strangler.parity.stream.ChangeEvent;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fold and the comparison on hand-made events and rows (a two-column table: id, name). */
class TableComparisonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A codec for tests: table rows come as arrays of texts instead of a ResultSet; in events a missing field is
     * absent, the TOAST placeholder unavailable, and a text starting with "unreadable:" cannot be read.
     */
    private static final class TextCodec implements RowCodec {
        private final List<String> columns;
        String[] current;

        TextCodec(String... columns) {
            this.columns = List.of(columns);
        }

        @Override
        public List<String> columnNames() {
            return columns;
        }

        @Override
        public String selectList() {
            return String.join(", ", columns);
        }

        @Override
        public String key(JsonNode recordKey) {
            return recordKey.path("id").asText();
        }

        @Override
        public String key(ResultSet rs) {
            return current[0];
        }

        @Override
        public String[] tableRow(ResultSet rs) {
            return current.clone();
        }

        @Override
        public CanonicalValue[] streamRow(JsonNode after) {
            CanonicalValue[] values = new CanonicalValue[columns.size()];
            for (int i = 0; i < values.length; i++) {
                JsonNode field = after.get(columns.get(i));
                String text = field == null ? null : field.asText();
                values[i] = field == null ? CanonicalValue.ABSENT
                        : text.equals("__debezium_unavailable_value") ? CanonicalValue.UNAVAILABLE
                        : text.startsWith("unreadable:") ? CanonicalValue.unreadable(text.substring(11))
                        : CanonicalValue.of(text);
            }
            return values;
        }
    }

    private TextCodec codec = new TextCodec("id", "name");

    private TableComparison comparison(Path dir, int partitions) {
        // transactions up to 100 are visible at the cut
        return new TableComparison(new TableId("shop", "t"), "p.shop.t", codec, tx -> tx <= 100, partitions, dir, 10);
    }

    private static ChangeEvent eventAfter(long id, Operation op, String afterJson, long tx, long lsn)
            throws Exception {
        return new ChangeEvent(JSON.readTree("{\"id\":" + id + "}"), op, JSON.readTree(afterJson), tx, lsn, false);
    }

    private static ChangeEvent event(long id, Operation op, String name, long tx, long lsn) throws Exception {
        JsonNode after = name == null ? null : JSON.readTree("{\"id\":" + id + ",\"name\":\"" + name + "\"}");
        return new ChangeEvent(JSON.readTree("{\"id\":" + id + "}"), op, after, tx, lsn, op == Operation.READ);
    }

    private void row(TableComparison c, long id, String name) throws Exception {
        codec.current = new String[] {Long.toString(id), name};
        c.acceptRow(null);
    }

    @Test
    void shouldFoldToTheLastVisibleEventAndMatch(@TempDir Path dir) throws Exception {
        try (TableComparison c = comparison(dir, 3)) {
            c.acceptEvent(event(1, Operation.READ, "a", 1, 10));
            c.acceptEvent(event(2, Operation.CREATE, "b", 50, 20));
            c.acceptEvent(event(2, Operation.UPDATE, "b2", 60, 30));
            c.acceptEvent(event(3, Operation.CREATE, "x", 70, 40));
            c.acceptEvent(event(3, Operation.DELETE, null, 80, 50));
            c.acceptEvent(ChangeEvent.tombstone(JSON.readTree("{\"id\":3}")));
            c.acceptEvent(event(2, Operation.UPDATE, "after-cut", 150, 60)); // not visible: the table read happens at the cut
            row(c, 1, "a");
            row(c, 2, "b2");
            TableResult r = c.finish(0, false);
            assertThat(r.verdict()).isEqualTo(Verdict.GO);
            assertThat(r.findings()).isZero();
            assertThat(r.rowsInTable()).isEqualTo(2);
            assertThat(r.liveKeysInStream()).isEqualTo(2);
            assertThat(r.visibleEventsByOp()).containsOnly(entry(Operation.READ, 1L), entry(Operation.CREATE, 2L),
                    entry(Operation.UPDATE, 1L), entry(Operation.DELETE, 1L));
            assertThat(r.eventsAfterCut()).containsOnly(entry(Operation.UPDATE, 1L));
        }
    }

    @Test
    void shouldRetractAKeyWithARepairDeleteOrderedByTopicPositionAndListEveryDifferingKey(@TempDir Path dir)
            throws Exception {
        List<String> keys = new java.util.ArrayList<>();
        try (TableComparison c = comparison(dir, 2).countingTransactions(tx -> keys.add("tx " + tx))
                .recordingKeys((table, kind, key, partition, offset) -> keys.add(kind.code() + " " + key + " @"
                        + partition + ":" + offset))) {
            c.acceptEvent(event(1, Operation.CREATE, "a", 50, 20), 0, 0);
            c.acceptEvent(event(9, Operation.CREATE, "injected", 60, 30), 0, 1);
            // a repair's delete of key 9 carries its retracted event's source position and a transaction id after
            // the cut: it is still visible and still folds, because it is ordered by where it is in the topic
            c.acceptEvent(event(9, Operation.DELETE, null, 500, 30).asRepair(), 0, 2);
            c.acceptEvent(event(7, Operation.CREATE, "extra", 70, 40), 1, 5);
            c.acceptEvent(event(3, Operation.CREATE, "old", 80, 50), 1, 6);
            row(c, 1, "a");
            row(c, 3, "new");
            row(c, 4, "missing");
            TableResult r = c.finish(0, false);
            assertThat(r.count(FindingKind.EXTRA_IN_STREAM)).isEqualTo(1);
            assertThat(r.count(FindingKind.MISSING_IN_STREAM)).isEqualTo(1);
            assertThat(r.count(FindingKind.CONTENT_DIFFERS)).isEqualTo(1);
            assertThat(r.visibleEventsByOp()).containsEntry(Operation.DELETE, 1L);
        }
        assertThat(keys).as("every differing key with where an extra key's last event is; the repair delete "
                + "belongs to no source transaction").containsExactlyInAnyOrder("tx 50", "tx 60", "tx 70", "tx 80",
                "EXTRA_IN_STREAM 7 @1:5", "MISSING_IN_STREAM 4 @-1:-1", "CONTENT_DIFFERS 3 @-1:-1");
    }

    @Test
    void shouldCountEachVisibleStreamedEventOnceForItsTransaction(@TempDir Path dir) throws Exception {
        List<Long> counted = new java.util.ArrayList<>();
        try (TableComparison c = comparison(dir, 2).countingTransactions(counted::add)) {
            c.acceptEvent(event(1, Operation.READ, "a", 1, 10)); // a snapshot read belongs to no transaction
            c.acceptEvent(event(2, Operation.CREATE, "b", 50, 20));
            c.acceptEvent(event(2, Operation.UPDATE, "b2", 50, 30));
            c.acceptEvent(event(2, Operation.UPDATE, "b2", 50, 30)); // sent again after a crash
            c.acceptEvent(event(1, Operation.UPDATE, "a2", 60, 40));
            c.acceptEvent(event(1, Operation.UPDATE, "late", 150, 50)); // after the cut
            row(c, 1, "a2");
            row(c, 2, "b2");
            c.finish(0, false);
        }
        assertThat(counted).containsExactlyInAnyOrder(50L, 50L, 60L);
    }

    @Test
    void shouldReportMissingExtraAndDifferingRowsWithColumnDetail(@TempDir Path dir) throws Exception {
        try (TableComparison c = comparison(dir, 2)) {
            c.acceptEvent(event(1, Operation.CREATE, "same", 10, 10));
            c.acceptEvent(event(2, Operation.CREATE, "stream value", 11, 11));
            c.acceptEvent(event(9, Operation.CREATE, "only in stream", 12, 12));
            row(c, 1, "same");
            row(c, 2, "table value");
            row(c, 5, "only in table");
            TableResult r = c.finish(0, false);
            assertThat(r.verdict()).isEqualTo(Verdict.NO_GO);
            assertThat(r.count(FindingKind.MISSING_IN_STREAM)).isEqualTo(1);
            assertThat(r.count(FindingKind.EXTRA_IN_STREAM)).isEqualTo(1);
            assertThat(r.count(FindingKind.CONTENT_DIFFERS)).isEqualTo(1);
            assertThat(r.sample()).anySatisfy(f -> {
                assertThat(f.kind()).isEqualTo(FindingKind.CONTENT_DIFFERS);
                assertThat(f.key()).isEqualTo("2");
                assertThat(f.column()).isEqualTo("name");
                assertThat(f.tableValue()).isEqualTo("table value");
                assertThat(f.streamValue()).isEqualTo("stream value");
            });
            assertThat(r.sample()).anySatisfy(f -> assertThat(f.key()).isEqualTo("9"));
            assertThat(r.sample()).anySatisfy(f -> assertThat(f.key()).isEqualTo("5"));
        }
    }

    @Test
    void shouldCountDuplicatesAfterACrashWithoutCallingThemFindings(@TempDir Path dir) throws Exception {
        try (TableComparison c = comparison(dir, 1)) {
            c.acceptEvent(event(1, Operation.CREATE, "a", 10, 100));
            c.acceptEvent(event(1, Operation.UPDATE, "b", 11, 110));
            c.acceptEvent(event(1, Operation.CREATE, "a", 10, 100)); // the batch sent again after a crash
            c.acceptEvent(event(1, Operation.UPDATE, "b", 11, 110));
            row(c, 1, "b");
            TableResult r = c.finish(0, false);
            assertThat(r.duplicates()).isEqualTo(2);
            assertThat(r.findings()).isZero();
            assertThat(r.verdict()).isEqualTo(Verdict.GO);
        }
    }

    @Test
    void shouldApplyAChangeStreamedAfterASnapshotReadEvenIfTheReadCarriesALaterLsn(@TempDir Path dir)
            throws Exception {
        try (TableComparison c = comparison(dir, 1)) {
            c.acceptEvent(event(1, Operation.READ, "old", 5, 900)); // the snapshot's position, taken after the update below
            c.acceptEvent(event(1, Operation.UPDATE, "new", 50, 800));
            row(c, 1, "new");
            TableResult r = c.finish(0, false);
            assertThat(r.findings()).isZero();
            assertThat(r.duplicates()).isZero();
        }
    }

    @Test
    void shouldFlagAnomaliesAndRespectTheTolerance(@TempDir Path dir) throws Exception {
        try (TableComparison c = comparison(dir, 1)) {
            c.acceptEvent(event(1, Operation.UPDATE, "ghost", 10, 10));
            c.acceptEvent(event(2, Operation.CREATE, "a", 11, 11));
            c.acceptEvent(event(2, Operation.DELETE, null, 12, 12));
            c.acceptEvent(event(2, Operation.UPDATE, "zombie", 13, 13));
            row(c, 1, "ghost");
            row(c, 2, "zombie");
            TableResult r = c.finish(2, false);
            assertThat(r.anomalies()).containsOnly(entry(AnomalyKind.UPDATE_OF_UNKNOWN_KEY, 1L),
                    entry(AnomalyKind.UPDATE_AFTER_DELETE, 1L));
            assertThat(r.sample()).filteredOn(f -> f.kind() == FindingKind.STREAM_ANOMALY)
                    .extracting(f -> f.anomaly(), f -> f.key())
                    .containsExactlyInAnyOrder(tuple(AnomalyKind.UPDATE_OF_UNKNOWN_KEY, "1"),
                            tuple(AnomalyKind.UPDATE_AFTER_DELETE, "2"));
            assertThat(r.count(FindingKind.STREAM_ANOMALY)).isEqualTo(2);
            assertThat(r.verdict()).as("2 findings within a tolerance of 2").isEqualTo(Verdict.GO);
        }
    }

    @Test
    void shouldCountATruncateEventAsAnAnomalyItDoesNotFold(@TempDir Path dir) throws Exception {
        try (TableComparison c = comparison(dir, 1)) {
            c.acceptEvent(event(1, Operation.CREATE, "a", 10, 10));
            c.acceptEvent(new ChangeEvent(null, Operation.TRUNCATE, null, 11, 11, false));
            c.acceptEvent(new ChangeEvent(null, Operation.TRUNCATE, null, 500, 12, false)); // after the cut
            row(c, 1, "a");
            TableResult r = c.finish(0, false);
            assertThat(r.visibleEventsByOp()).containsEntry(Operation.TRUNCATE, 1L);
            assertThat(r.eventsAfterCut()).containsOnly(entry(Operation.TRUNCATE, 1L));
            assertThat(r.anomalies()).containsOnly(entry(AnomalyKind.OPERATION_NOT_FOLDED, 1L));
            assertThat(r.verdict()).isEqualTo(Verdict.NO_GO);
        }
    }

    @Test
    void shouldReportToastPlaceholdersAsNotComparableNeverAsMismatchAndCountThemUnlessAccepted(@TempDir Path dir)
            throws Exception {
        for (boolean accept : new boolean[] {false, true}) {
            try (TableComparison c = comparison(dir, 1)) {
                c.acceptEvent(event(1, Operation.CREATE, "__debezium_unavailable_value", 10, 10));
                c.acceptEvent(event(2, Operation.CREATE, "b", 10, 11));
                row(c, 1, "a long toasted value");
                row(c, 2, "b");
                TableResult r = c.finish(0, accept);
                assertThat(r.count(FindingKind.NOT_COMPARABLE)).isEqualTo(1);
                assertThat(r.count(FindingKind.CONTENT_DIFFERS)).isZero();
                assertThat(r.columnGaps()).containsExactly(new ColumnGapCount("name", ColumnGap.UNAVAILABLE, 1));
                assertThat(r.columnsNeverInStream()).isEmpty();
                assertThat(r.sample()).singleElement().satisfies(f -> {
                    assertThat(f.kind()).isEqualTo(FindingKind.NOT_COMPARABLE);
                    assertThat(f.key()).isEqualTo("1");
                    assertThat(f.column()).isEqualTo("name");
                    assertThat(f.gap()).isEqualTo(ColumnGap.UNAVAILABLE);
                    assertThat(f.streamValue()).isNull();
                });
                assertThat(r.notComparableAccepted()).isEqualTo(accept);
                assertThat(r.findings()).as("accepted: not counted").isEqualTo(accept ? 0 : 1);
                assertThat(r.verdict()).isEqualTo(accept ? Verdict.GO : Verdict.NO_GO);
                assertThat(r.reasoning()).anySatisfy(line -> assertThat(line).contains("1 row is not comparable")
                        .contains("name unavailable (TOAST placeholder) in 1 row")
                        .contains(accept ? "accepted by --accept-not-comparable" : "counted against the tolerance"));
            }
        }
    }

    @Test
    void shouldNameEachRowsOwnNotComparableColumnsNotTheOnesGatheredSoFar(@TempDir Path dir) throws Exception {
        codec = new TextCodec("id", "name", "note");
        try (TableComparison c = comparison(dir, 1)) {
            c.acceptEvent(eventAfter(1, Operation.CREATE, "{\"id\":1,\"name\":\"__debezium_unavailable_value\","
                    + "\"note\":\"x\"}", 10, 10));
            c.acceptEvent(eventAfter(2, Operation.CREATE, "{\"id\":2,\"name\":\"b\","
                    + "\"note\":\"__debezium_unavailable_value\"}", 10, 11));
            c.acceptEvent(eventAfter(3, Operation.CREATE, "{\"id\":3,\"name\":\"c\",\"note\":\"z\"}", 10, 12));
            codec.current = new String[] {"1", "a", "x"};
            c.acceptRow(null);
            codec.current = new String[] {"2", "b", "y"};
            c.acceptRow(null);
            codec.current = new String[] {"3", "c", "z"};
            c.acceptRow(null);
            TableResult r = c.finish(5, false);
            assertThat(r.count(FindingKind.NOT_COMPARABLE)).isEqualTo(2);
            assertThat(r.sample()).extracting(f -> f.key(), f -> f.column(), f -> f.gap())
                    .containsExactlyInAnyOrder(tuple("1", "name", ColumnGap.UNAVAILABLE),
                            tuple("2", "note", ColumnGap.UNAVAILABLE));
            assertThat(r.columnGaps()).containsExactly(new ColumnGapCount("name", ColumnGap.UNAVAILABLE, 1),
                    new ColumnGapCount("note", ColumnGap.UNAVAILABLE, 1));
            assertThat(r.verdict()).as("2 findings within a tolerance of 5").isEqualTo(Verdict.GO);
        }
    }

    @Test
    void shouldBeUnverifiableNamingAColumnThatNoEventCarries(@TempDir Path dir) throws Exception {
        codec = new TextCodec("id", "name", "email");
        try (TableComparison c = comparison(dir, 3)) {
            for (int id = 1; id <= 5; id++) {
                c.acceptEvent(eventAfter(id, Operation.READ, "{\"id\":" + id + ",\"name\":\"n" + id + "\"}", 1, 10));
                codec.current = new String[] {Integer.toString(id), "n" + id, "x" + id + "@example.com"};
                c.acceptRow(null);
            }
            TableResult r = c.finish(0, false);
            assertThat(r.verdict()).isEqualTo(Verdict.UNVERIFIABLE);
            assertThat(r.columnsNeverInStream()).containsExactly("email");
            assertThat(r.reason()).contains("column email never arrives").contains("column.exclude.list");
            assertThat(r.count(FindingKind.NOT_COMPARABLE)).as("the column is the finding, not every row").isZero();
            assertThat(r.columnGaps()).isEmpty();
            assertThat(r.sample()).isEmpty();
            assertThat(r.rowsInTable()).isEqualTo(5);
            assertThat(r.reasoning()).anySatisfy(line -> assertThat(line).contains("column email never arrives"));
        }
    }

    @Test
    void shouldCallRowsWhoseEventsLackAColumnOthersCarryNotComparable(@TempDir Path dir) throws Exception {
        codec = new TextCodec("id", "name", "email");
        try (TableComparison c = comparison(dir, 1)) {
            // row 1 was snapshotted before the column was added, row 2 updated since
            c.acceptEvent(eventAfter(1, Operation.READ, "{\"id\":1,\"name\":\"a\"}", 1, 10));
            c.acceptEvent(eventAfter(2, Operation.READ, "{\"id\":2,\"name\":\"b\"}", 1, 5));
            c.acceptEvent(eventAfter(2, Operation.UPDATE, "{\"id\":2,\"name\":\"b\",\"email\":\"b@x\"}", 11, 30));
            codec.current = new String[] {"1", "a", "a@x"};
            c.acceptRow(null);
            codec.current = new String[] {"2", "b", "b@x"};
            c.acceptRow(null);
            TableResult r = c.finish(0, false);
            assertThat(r.columnsNeverInStream()).isEmpty();
            assertThat(r.count(FindingKind.NOT_COMPARABLE)).isEqualTo(1);
            assertThat(r.columnGaps()).containsExactly(new ColumnGapCount("email", ColumnGap.ABSENT, 1));
            assertThat(r.sample()).singleElement().satisfies(f -> {
                assertThat(f.key()).isEqualTo("1");
                assertThat(f.column()).isEqualTo("email");
                assertThat(f.gap()).isEqualTo(ColumnGap.ABSENT);
            });
            assertThat(r.verdict()).isEqualTo(Verdict.NO_GO);
        }
    }

    @Test
    void shouldLetDefiniteFindingsOutrankAColumnThatNeverArrives(@TempDir Path dir) throws Exception {
        codec = new TextCodec("id", "name", "email");
        try (TableComparison c = comparison(dir, 1)) {
            c.acceptEvent(eventAfter(1, Operation.READ, "{\"id\":1,\"name\":\"stream\"}", 1, 10));
            codec.current = new String[] {"1", "table", "a@x"};
            c.acceptRow(null);
            TableResult r = c.finish(0, false);
            assertThat(r.verdict()).isEqualTo(Verdict.NO_GO);
            assertThat(r.reason()).isNull();
            assertThat(r.columnsNeverInStream()).containsExactly("email");
            assertThat(r.count(FindingKind.CONTENT_DIFFERS)).isEqualTo(1);
            assertThat(r.reasoning()).anySatisfy(line -> assertThat(line).contains("column email never arrives")
                    .contains("NO-GO regardless"));
        }
    }

    @Test
    void shouldReportAnUnreadableValueAsADifferenceWithItsReason(@TempDir Path dir) throws Exception {
        try (TableComparison c = comparison(dir, 1)) {
            c.acceptEvent(event(1, Operation.CREATE, "unreadable:expected a number", 10, 10));
            row(c, 1, "12.5");
            TableResult r = c.finish(0, false);
            assertThat(r.count(FindingKind.CONTENT_DIFFERS)).isEqualTo(1);
            assertThat(r.count(FindingKind.NOT_COMPARABLE)).isZero();
            assertThat(r.columnGaps()).containsExactly(new ColumnGapCount("name", ColumnGap.UNREADABLE, 1));
            assertThat(r.sample()).singleElement().satisfies(f -> {
                assertThat(f.kind()).isEqualTo(FindingKind.CONTENT_DIFFERS);
                assertThat(f.gap()).isEqualTo(ColumnGap.UNREADABLE);
                assertThat(f.tableValue()).isEqualTo("12.5");
                assertThat(f.streamValue()).isNull();
                assertThat(f.note()).isEqualTo("expected a number");
            });
            assertThat(r.verdict()).isEqualTo(Verdict.NO_GO);
        }
    }

    @Test
    void shouldGiveTheSameAnswerWhateverThePartitionCount(@TempDir Path dir) throws Exception {
        for (int partitions : new int[] {1, 7, 64}) {
            try (TableComparison c = comparison(dir, partitions)) {
                for (int id = 0; id < 500; id++) {
                    c.acceptEvent(event(id, Operation.CREATE, "v" + id, 10, 1000 + id));
                    if (id % 3 == 0) {
                        c.acceptEvent(event(id, Operation.UPDATE, "w" + id, 20, 5000 + id));
                    }
                }
                for (int id = 0; id < 500; id++) {
                    row(c, id, id % 3 == 0 ? "w" + id : id == 250 ? "different" : "v" + id);
                }
                TableResult r = c.finish(0, false);
                assertThat(r.count(FindingKind.CONTENT_DIFFERS)).as("partitions=" + partitions).isEqualTo(1);
                assertThat(r.liveKeysInStream()).isEqualTo(500);
            }
        }
    }

    /**
     * Partitions compared two at a time give the same result as one at a time: the same counts, samples, gaps and
     * anomalies, the differing keys and the transactions' events told in the same order.
     */
    @Test
    void comparingPartitionsInParallelGivesTheSameResultInTheSameOrder(@TempDir Path dir) throws Exception {
        List<String> sequential = new java.util.ArrayList<>();
        List<String> parallel = new java.util.ArrayList<>();
        TableResult one = mixedRun(dir.resolve("one"), 1, sequential);
        TableResult two = mixedRun(dir.resolve("two"), 2, parallel);
        assertThat(two).isEqualTo(one);
        assertThat(parallel).isEqualTo(sequential);
        assertThat(one.findings()).isGreaterThan(100);
        assertThat(one.sample()).hasSize(10 * 4);
        assertThat(sequential).hasSizeGreaterThan(1000);
    }

    private TableResult mixedRun(Path dir, int threads, List<String> told) throws Exception {
        java.nio.file.Files.createDirectories(dir);
        codec = new TextCodec("id", "name", "note");
        try (TableComparison c = new TableComparison(new TableId("shop", "t"), "p.shop.t", codec, tx -> tx <= 100, 7,
                dir, 10).comparingWith(threads).countingTransactions(tx -> told.add("tx " + tx))
                .recordingKeys((table, kind, key, partition, offset) -> told.add(kind.code() + " " + key + " @"
                        + partition + ":" + offset))) {
            long offset = 0;
            for (int id = 0; id < 3000; id++) {
                String after = "{\"id\":" + id + ",\"name\":\"n" + id + "\""
                        + (id % 11 == 0 ? "" : ",\"note\":\"" + (id % 13 == 0 ? "__debezium_unavailable_value"
                        : id % 17 == 0 ? "unreadable:broken" : "x") + "\"") + "}";
                Operation op = id % 5 == 0 ? Operation.CREATE : Operation.READ;
                c.acceptEvent(eventAfter(id, op, after, id % 90, 1000 + id), 0, offset++);
                if (id % 7 == 0) {
                    c.acceptEvent(eventAfter(id, Operation.UPDATE, after.replace("\"n" + id, "\"changed" + id),
                            id % 90, 5000 + id), 0, offset++);
                }
                if (id % 19 == 0) {
                    c.acceptEvent(event(id, Operation.DELETE, null, id % 90, 9000 + id), 0, offset++);
                }
                if (id % 23 == 0) {
                    c.acceptEvent(event(id, Operation.UPDATE, "late", id % 90, 8000 + id), 0, offset++); // after delete?
                    c.acceptEvent(event(id, Operation.UPDATE, "late", id % 90, 8000 + id), 0, offset++); // duplicate
                }
            }
            for (int id = 100; id < 3100; id++) { // 0..99 only in the stream, 3000..3099 only in the table
                codec.current = new String[] {Long.toString(id), "n" + id, id % 29 == 0 ? "different" : "x"};
                c.acceptRow(null);
            }
            return c.finish(0, false);
        }
    }
}
