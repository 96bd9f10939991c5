package dev.strangler.parity.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.parity.model.AnomalyKind;
import dev.strangler.parity.model.FindingKind;
import dev.strangler.parity.model.Operation;
import dev.strangler.parity.model.TableId;
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

    /** A codec for tests: rows come as {id, name} pairs instead of a ResultSet. */
    private static final class PairCodec implements RowCodec {
        String[] current;

        @Override
        public List<String> columnNames() {
            return List.of("id", "name");
        }

        @Override
        public String selectList() {
            return "id, name";
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
        public String[] row(ResultSet rs) {
            return current.clone();
        }

        @Override
        public String[] row(JsonNode after) {
            String name = after.path("name").asText();
            return new String[] {after.path("id").asText(),
                name.equals("__debezium_unavailable_value") ? RowCodec.UNAVAILABLE : name};
        }
    }

    private final PairCodec codec = new PairCodec();

    private TableComparison comparison(Path dir, int partitions) {
        // transactions up to 100 are visible at the cut
        return new TableComparison(new TableId("shop", "t"), "p.shop.t", codec, tx -> tx <= 100, partitions, dir, 10);
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
            TableResult r = c.finish(0);
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
    void shouldReportMissingExtraAndDifferingRowsWithColumnDetail(@TempDir Path dir) throws Exception {
        try (TableComparison c = comparison(dir, 2)) {
            c.acceptEvent(event(1, Operation.CREATE, "same", 10, 10));
            c.acceptEvent(event(2, Operation.CREATE, "stream value", 11, 11));
            c.acceptEvent(event(9, Operation.CREATE, "only in stream", 12, 12));
            row(c, 1, "same");
            row(c, 2, "table value");
            row(c, 5, "only in table");
            TableResult r = c.finish(0);
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
            TableResult r = c.finish(0);
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
            TableResult r = c.finish(0);
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
            TableResult r = c.finish(2);
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
            TableResult r = c.finish(0);
            assertThat(r.visibleEventsByOp()).containsEntry(Operation.TRUNCATE, 1L);
            assertThat(r.eventsAfterCut()).containsOnly(entry(Operation.TRUNCATE, 1L));
            assertThat(r.anomalies()).containsOnly(entry(AnomalyKind.OPERATION_NOT_FOLDED, 1L));
            assertThat(r.verdict()).isEqualTo(Verdict.NO_GO);
        }
    }

    @Test
    void shouldReportToastPlaceholdersAsNotComparableNeverAsMismatch(@TempDir Path dir) throws Exception {
        try (TableComparison c = comparison(dir, 1)) {
            c.acceptEvent(event(1, Operation.CREATE, "__debezium_unavailable_value", 10, 10));
            row(c, 1, "a long toasted value");
            TableResult r = c.finish(0);
            assertThat(r.count(FindingKind.NOT_COMPARABLE)).isEqualTo(1);
            assertThat(r.count(FindingKind.CONTENT_DIFFERS)).isZero();
            assertThat(r.notComparableColumns()).containsExactly("name");
            assertThat(r.verdict()).isEqualTo(Verdict.GO);
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
                TableResult r = c.finish(0);
                assertThat(r.count(FindingKind.CONTENT_DIFFERS)).as("partitions=" + partitions).isEqualTo(1);
                assertThat(r.liveKeysInStream()).isEqualTo(500);
            }
        }
    }
}
