package dev.strangler.parity.compare;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.contract.TableId;
import dev.strangler.parity.canonical.Canonicalizer;
import dev.strangler.parity.canonical.ColumnType;
import dev.strangler.parity.canonical.RowDigests;
import dev.strangler.parity.model.FindingKind;
import dev.strangler.parity.model.Operation;
import dev.strangler.parity.model.TableResult;
import dev.strangler.parity.stream.ChangeEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-database comparison's two passes give exactly what the scan gives, on the same events and rows: findings,
 * differing keys, anomalies, duplicates, counts. The table's digests are computed here from the rows' canonical
 * values (RowDigestsIT proves PostgreSQL computes the same; InDatabaseParityIT runs the whole thing against it).
 */
class InBucketsComparisonTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<ColumnType> COLUMNS = List.of(ColumnType.scalar("id", "int8"),
            ColumnType.scalar("name", "text"), ColumnType.scalar("doc", "jsonb"));
    private static final RowCodec REAL = CanonicalRowCodecs.codec(new Canonicalizer(), COLUMNS, List.of("id"));

    /** The events and the table, with every kind of difference, several partitions' worth of keys and gaps. */
    private final List<ChangeEvent> events = new ArrayList<>();
    private final Map<Long, JsonNode> table = new LinkedHashMap<>();

    private final List<Long> ids = new ArrayList<>();

    private void scenario() throws Exception {
        Random random = new Random(4);
        long lsn = 100;
        for (long id = -3_000; id < 3_000; id += 1 + random.nextInt(3)) {
            String doc = "{\"n\": " + id + "}";
            events.add(event(id, Operation.READ, "name " + id, doc, 1, 50));
            table.put(id, row(id, "name " + id, doc));
            ids.add(id);
        }
        table.put(ids.get(1), row(ids.get(1), "changed behind the pipeline", "{\"n\": 1}"));  // differs
        table.remove(ids.get(3_000));                                                       // extra in stream
        table.put(9_000_000_000L, row(9_000_000_000L, "inserted behind", "{}"));            // missing in stream
        long equal = ids.get(2_000);
        events.add(event(equal, Operation.UPDATE, "same", "{\"p\": 1.50}", 10, ++lsn));      // plain texts differ,
        table.put(equal, row(equal, "same", "{\"p\": 1.5}"));                               // values equal
        long toasted = ids.get(1_000);
        events.add(event(toasted, Operation.UPDATE, "__debezium_unavailable_value", "{\"n\": " + toasted + "}", 11,
                ++lsn));                                                                       // not comparable
        events.add(event(5_000_000, Operation.UPDATE, "ghost", "{}", 12, ++lsn));            // update of unknown key
        ChangeEvent twice = event(ids.get(5), Operation.UPDATE, "name " + ids.get(5), "{\"n\": " + ids.get(5) + "}",
                13, ++lsn);
        events.add(twice);
        events.add(twice);                                                                   // a duplicate
        events.add(event(ids.get(6), Operation.UPDATE, "after the cut", "{}", 500, ++lsn));  // not visible
    }

    private static ChangeEvent event(long id, Operation op, String name, String doc, long tx, long lsn)
            throws Exception {
        return new ChangeEvent(JSON.readTree("{\"id\":" + id + "}"), op, row(id, name, doc), tx, lsn,
                op == Operation.READ);
    }

    private static JsonNode row(long id, String name, String doc) {
        return JSON.createObjectNode().put("id", id).put("name", name).put("doc", doc);
    }

    /**
     * @param refoldRead the stream's records the row-by-row compare read (-1 for the scan, which has none)
     * @param told       the differing keys in the order they were told
     */
    private record Outcome(TableResult result, Set<String> differingKeys, long refoldRead, List<String> told) {
        Outcome(TableResult result, List<String> told, long refoldRead) {
            this(result, new HashSet<>(told), refoldRead, told);
        }
    }

    private TableComparison comparison(Path dir, JsonRows codec, java.util.Collection<String> keys) {
        return new TableComparison(new TableId("shop", "t"), "p.shop.t", codec, tx -> tx <= 100, 4, dir, 1_000)
                .comparingWith(2).recordingKeys((t, kind, key, partition, offset) -> keys.add(kind + " " + key));
    }

    private Outcome scan(Path dir) throws Exception {
        JsonRows codec = new JsonRows(REAL);
        List<String> keys = new ArrayList<>();
        try (TableComparison c = comparison(dir, codec, keys)) {
            events.forEach(c::acceptEvent);
            for (JsonNode r : table.values()) {
                codec.current = r;
                c.acceptRow(null);
            }
            return new Outcome(c.finish(0, false), keys, -1);
        }
    }

    private Outcome inBuckets(Path dir, KeyBuckets buckets, TreeSet<Long> differingOut) throws Exception {
        JsonRows codec = new JsonRows(REAL);
        List<String> keys = new ArrayList<>();
        try (TableComparison c = comparison(dir, codec, keys).inBuckets(buckets, COLUMNS)) {
            events.forEach(c::acceptEvent);
            BucketDigests tableDigests = new BucketDigests();
            for (JsonNode r : table.values()) {
                codec.current = r;
                String input = RowDigests.digestInput(COLUMNS, List.of(codec.tableRow(null)));
                tableDigests.add(buckets.bucketOf(r.path("id").asLong()),
                        RowDigests.digest64(input, RowDigests.md5()));
            }
            TreeSet<Long> differing = c.digestStream(tableDigests).differingFrom(tableDigests);
            assertThat(c.differingBuckets()).containsExactlyElementsOf(differing);
            differingOut.addAll(differing);
            long matched = 0;
            for (JsonNode r : table.values()) {
                if (differing.contains(buckets.bucketOf(r.path("id").asLong()))) {
                    codec.current = r;
                    c.acceptRow(null);
                } else {
                    matched++;
                }
            }
            TableResult result = c.finishInBuckets(matched, 0, false);
            return new Outcome(result, keys, c.refoldRecordsRead());
        }
    }

    private static void assertSameAsTheScan(Outcome scan, Outcome inDb) {
        TableResult a = scan.result();
        TableResult b = inDb.result();
        assertThat(b.verdict()).isEqualTo(a.verdict());
        assertThat(b.findingCounts()).isEqualTo(a.findingCounts());
        assertThat(b.anomalies()).isEqualTo(a.anomalies());
        assertThat(b.duplicates()).isEqualTo(a.duplicates());
        assertThat(b.rowsInTable()).isEqualTo(a.rowsInTable());
        assertThat(b.liveKeysInStream()).isEqualTo(a.liveKeysInStream());
        assertThat(b.visibleEventsByOp()).isEqualTo(a.visibleEventsByOp());
        assertThat(b.eventsAfterCut()).isEqualTo(a.eventsAfterCut());
        assertThat(b.columnGaps()).isEqualTo(a.columnGaps());
        assertThat(b.columnsNeverInStream()).isEqualTo(a.columnsNeverInStream());
        assertThat(new HashSet<>(b.sample())).isEqualTo(new HashSet<>(a.sample()));
        assertThat(inDb.differingKeys()).isEqualTo(scan.differingKeys());
    }

    @Test
    void shouldFindExactlyWhatTheScanFindsComparingOnlyTheBucketsWhoseDigestsDiffer(@TempDir Path dir)
            throws Exception {
        scenario();
        Outcome scan = scan(java.nio.file.Files.createDirectories(dir.resolve("scan")));
        KeyBuckets buckets = KeyBuckets.forSpan(-3_000, 3_000, table.size(), 100);
        TreeSet<Long> differing = new TreeSet<>();
        Outcome inDb = inBuckets(dir, buckets, differing);
        assertSameAsTheScan(scan, inDb);

        assertThat(scan.result().count(FindingKind.CONTENT_DIFFERS)).as("the scenario's own findings").isEqualTo(1);
        assertThat(scan.result().count(FindingKind.NOT_COMPARABLE)).isEqualTo(1);
        assertThat(scan.result().count(FindingKind.STREAM_ANOMALY)).isEqualTo(1);
        assertThat(scan.result().duplicates()).isEqualTo(1);
        assertThat(scan.differingKeys()).hasSize(5);

        // the differing buckets: the changed, deleted, inserted and unavailable rows' and the ghost's. The jsonb 1.50
        // row matches here, its table digest being computed from canonical values; PostgreSQL prints 1.50, which
        // InDatabaseParityIT covers
        assertThat(differing).containsExactlyInAnyOrder(buckets.bucketOf(ids.get(1)), buckets.bucketOf(ids.get(3_000)),
                buckets.bucketOf(9_000_000_000L), buckets.bucketOf(ids.get(1_000)), buckets.bucketOf(5_000_000));
        assertThat(inDb.result().count(FindingKind.CONTENT_DIFFERS)).isEqualTo(1);
    }

    /**
     * Every key has two events, 4 partitions hold 80 buckets of 100 keys; three rows differ, and a fourth key was
     * created and deleted in the stream but is in the table (its bucket holds no live key of the stream).
     */
    private void scenarioOfManyBuckets() throws Exception {
        long lsn = 100;
        for (long id = 0; id < 8_000; id++) {
            events.add(event(id, Operation.READ, "name " + id, "{}", 1, 50));
            events.add(event(id, Operation.UPDATE, "v2 " + id, "{}", 2, ++lsn));
            table.put(id, row(id, "v2 " + id, "{}"));
            ids.add(id);
        }
        table.put(123L, row(123, "changed behind the pipeline", "{}"));
        table.remove(4_567L);
        long deleted = 1_000_000;
        events.add(event(deleted, Operation.CREATE, "short-lived", "{}", 3, ++lsn));
        events.add(new ChangeEvent(JSON.readTree("{\"id\":" + deleted + "}"), Operation.DELETE, null, 3, ++lsn,
                false));
        table.put(deleted, row(deleted, "short-lived", "{}"));
    }

    @Test
    void shouldReadBackOnlyTheDifferingBucketsKeysNotTheirWholePartitions(@TempDir Path dir) throws Exception {
        scenarioOfManyBuckets();
        Outcome scan = scan(java.nio.file.Files.createDirectories(dir.resolve("scan")));
        KeyBuckets buckets = KeyBuckets.forSpan(0, 7_999, 8_000, 100);
        TreeSet<Long> differing = new TreeSet<>();
        Outcome inDb = inBuckets(dir, buckets, differing);

        assertSameAsTheScan(scan, inDb);
        assertThat(scan.differingKeys()).as("changed, extra, and missing after a delete").hasSize(3);
        assertThat(scan.result().sample()).anySatisfy(f -> assertThat(f.streamValue()).isEqualTo("(deleted)"));
        assertThat(differing).containsExactlyInAnyOrder(buckets.bucketOf(123), buckets.bucketOf(4_567),
                buckets.bucketOf(1_000_000));
        // one record per key of the differing buckets (as folded at the cut), though each key has two events and
        // each of these buckets shares its partition with about 19 others
        long keysInDiffering = events.stream().map(e -> e.key().path("id").asLong())
                .filter(id -> differing.contains(buckets.bucketOf(id))).distinct().count();
        long recordsInTheirPartitions = 0;
        try (TableComparison routing = comparison(java.nio.file.Files.createDirectories(dir.resolve("routing")),
                new JsonRows(REAL), new HashSet<>())) {
            TableComparison c = routing.inBuckets(buckets, COLUMNS);
            Set<Integer> partitions = new HashSet<>();
            differing.forEach(b -> partitions.add(c.partitionOfBucket(b)));
            recordsInTheirPartitions = events.stream()
                    .filter(e -> partitions.contains(c.partitionOfBucket(buckets.bucketOf(e.key().path("id")
                            .asLong())))).count();
        }
        assertThat(inDb.refoldRead()).isEqualTo(keysInDiffering)
                .isLessThan(recordsInTheirPartitions / 10);
    }

    /**
     * The keys are folded as longs: the REFOLD pass reads back the DIGEST pass's keys in the order it folded them, and
     * tells the extra ones in that order, partition by partition, as a scan routed by bucket would.
     */
    @Test
    void shouldTellExtraKeysInTheOrderTheDigestPassFoldedThem(@TempDir Path dir) throws Exception {
        Random random = new Random(8);
        List<Long> shuffled = new ArrayList<>();
        for (long id = 0; id < 8_000; id++) {
            shuffled.add(id);
        }
        java.util.Collections.shuffle(shuffled, random);
        long lsn = 100;
        for (long id : shuffled) {
            events.add(event(id, Operation.READ, "name " + id, "{}", 1, 50));
            if (id % 37 != 0) {
                table.put(id, row(id, "name " + id, "{}"));
            }
        }
        for (int i = 0; i < 2_000; i++) {
            long id = random.nextInt(9_000); // some keys first seen here, none of them in the table
            events.add(event(id, Operation.UPDATE, "v " + i, "{}", 2, ++lsn));
            if (table.containsKey(id)) {
                table.put(id, row(id, "v " + i, "{}"));
            }
        }
        KeyBuckets buckets = KeyBuckets.forSpan(0, 7_999, 8_000, 100);
        Outcome inDb = inBuckets(dir, buckets, new TreeSet<>());

        List<String> extra = inDb.told().stream().filter(k -> k.startsWith(FindingKind.EXTRA_IN_STREAM + " "))
                .map(k -> k.substring(k.indexOf(' ') + 1)).toList();
        try (TableComparison routing = comparison(java.nio.file.Files.createDirectories(dir.resolve("routing")),
                new JsonRows(REAL), new HashSet<>())) {
            TableComparison c = routing.inBuckets(buckets, COLUMNS);
            List<String> expected = events.stream().map(e -> e.key().path("id").asLong()).distinct()
                    .map(id -> REAL.key(idKey(id))).filter(new HashSet<>(extra)::contains)
                    .sorted(java.util.Comparator.comparingInt(k -> c.partitionOfBucket(buckets.bucketOf(
                            TableComparison.integerKey(k)))))
                    .toList();
            assertThat(extra).hasSizeGreaterThan(300).containsExactlyElementsOf(expected);
        }
    }

    private static JsonNode idKey(long id) {
        return JSON.createObjectNode().put("id", id);
    }

    @Test
    void theDifferingBucketsAreKnownOnceTheStreamIsDigested(@TempDir Path dir) throws Exception {
        scenarioOfManyBuckets();
        KeyBuckets buckets = KeyBuckets.forSpan(0, 7_999, 8_000, 100);
        JsonRows codec = new JsonRows(REAL);
        try (TableComparison c = comparison(dir, codec, new HashSet<>()).inBuckets(buckets, COLUMNS)) {
            events.forEach(c::acceptEvent);
            org.assertj.core.api.Assertions.assertThatThrownBy(c::differingBuckets)
                    .isInstanceOf(IllegalStateException.class);
            BucketDigests stream = c.digestStream(new BucketDigests()); // an empty table: every bucket differs
            assertThat(c.differingBuckets()).isNotEmpty()
                    .containsExactlyElementsOf(stream.differingFrom(new BucketDigests()));
        }
    }
}
