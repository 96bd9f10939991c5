package dev.strangler.parity.compare;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.contract.TableId;
import dev.strangler.parity.canonical.Canonicalizer;
import dev.strangler.parity.canonical.ColumnType;
import dev.strangler.parity.model.Finding;
import dev.strangler.parity.model.FindingKind;
import dev.strangler.parity.model.Operation;
import dev.strangler.parity.model.TableResult;
import dev.strangler.parity.stream.ChangeEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table keyed by one integer column is folded with its keys held as longs: it finds exactly what holding them as
 * texts finds (counts, samples, the differing keys with where their events are), and tells the extra keys in the
 * order their keys were first folded, partition by partition. A partition with a key that is not a canonical
 * integer is folded by text.
 */
class IntegerKeyedComparisonTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARTITIONS = 5;
    private static final int SAMPLE = 10;
    private static final List<ColumnType> COLUMNS = List.of(ColumnType.scalar("id", "int8"),
            ColumnType.scalar("name", "text"));
    private static final RowCodec REAL = CanonicalRowCodecs.codec(new Canonicalizer(), COLUMNS, List.of("id"));

    private final List<ChangeEvent> events = new ArrayList<>();
    private final List<JsonNode> rows = new ArrayList<>();

    private static ObjectNode key(long id) {
        return JSON.createObjectNode().put("id", id);
    }

    private static ObjectNode image(long id, String name) {
        ObjectNode after = JSON.createObjectNode().put("id", id);
        return name == null ? after : after.put("name", name); // no name: the column is absent, not comparable
    }

    private void event(JsonNode key, long id, Operation op, String name, long tx, long lsn) {
        events.add(new ChangeEvent(key, op, op == Operation.DELETE ? null : image(id, name), tx, lsn,
                op == Operation.READ));
    }

    /**
     * Keys of every shape (negative, at a long's ends, far apart) folded through every kind of event, and a table
     * that matches most of them: more extra keys than the sample holds, in every partition.
     */
    private void scenario(Random random) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 4_000; i++) {
            ids.add(switch (i % 5) {
                case 0, 1 -> (long) i;
                case 2 -> -7L * i;
                case 3 -> (long) i << 33;
                default -> i % 10 == 4 ? Long.MAX_VALUE - i : Long.MIN_VALUE + i;
            });
        }
        java.util.Collections.shuffle(ids, random);
        Map<Long, String> live = new LinkedHashMap<>();
        long lsn = 1_000;
        for (long id : ids.subList(0, 3_000)) {
            String name = random.nextInt(50) == 0 ? null : "n" + id;
            event(key(id), id, Operation.READ, name, 1, 500);
            live.put(id, name);
        }
        for (int i = 0; i < 6_000; i++) {
            long id = ids.get(random.nextInt(ids.size()));
            boolean isLive = live.containsKey(id);
            long tx = random.nextInt(10) == 0 ? 200 : 50; // some after the cut
            Operation op = switch (random.nextInt(4)) {
                case 0 -> Operation.DELETE;
                case 1 -> Operation.CREATE;
                default -> Operation.UPDATE;
            };
            String name = "u" + i;
            event(key(id), id, op, name, tx, ++lsn);
            if (random.nextInt(20) == 0) {
                events.add(events.get(events.size() - 1)); // re-sent: a duplicate
            }
            if (tx <= 100) {
                if (op == Operation.DELETE) {
                    live.remove(id);
                } else {
                    live.put(id, name);
                }
            }
            if (isLive && random.nextInt(200) == 0) {
                events.add(new ChangeEvent(key(id), Operation.DELETE, null, 300, lsn, false).asRepair());
                live.remove(id);
            }
        }
        for (Map.Entry<Long, String> e : live.entrySet()) {
            int fate = random.nextInt(20);
            if (fate == 0) {
                continue; // extra in the stream
            }
            String name = e.getValue() == null ? "whatever" : e.getValue();
            rows.add(image(e.getKey(), fate == 1 ? "changed behind" : name));
        }
        for (long id : ids.subList(3_000, 3_200)) {
            if (!live.containsKey(id)) {
                rows.add(image(id, "only in the table"));
            }
        }
        java.util.Collections.shuffle(rows, random);
    }

    private record Outcome(TableResult result, List<String> differing) {
        List<Finding> sample(FindingKind kind, boolean of) {
            return result.sample().stream().filter(f -> (f.kind() == kind) == of).toList();
        }

        List<String> differing(FindingKind kind, boolean of) {
            return differing.stream().filter(d -> d.startsWith(kind + " ") == of).toList();
        }
    }

    private Outcome compare(Path dir, boolean longs, int threads) throws Exception {
        JsonRows codec = new JsonRows(REAL);
        List<String> differing = new ArrayList<>();
        Path work = Files.createTempDirectory(dir, "work");
        try (TableComparison c = new TableComparison(new TableId("shop", "t"), "p.shop.t", codec, tx -> tx <= 100,
                PARTITIONS, work, SAMPLE).holdingKeysAsLongs(longs).comparingWith(threads)
                .recordingKeys((t, kind, key, partition, offset) -> differing.add(kind + " " + key + " " + partition
                        + " " + offset))) {
            for (int i = 0; i < events.size(); i++) {
                c.acceptEvent(events.get(i), 0, i);
            }
            for (JsonNode r : rows) {
                codec.current = r;
                c.acceptRow(null);
            }
            return new Outcome(c.finish(0, false), differing);
        }
    }

    /** Everything but the order of the extra keys is the same, and they are the same keys, each once. */
    private static void assertSameFindings(Outcome byLong, Outcome byText) {
        assertThat(byLong.result()).usingRecursiveComparison().ignoringFields("sample").isEqualTo(byText.result());
        assertThat(byLong.sample(FindingKind.EXTRA_IN_STREAM, false))
                .containsExactlyElementsOf(byText.sample(FindingKind.EXTRA_IN_STREAM, false));
        assertThat(byLong.differing(FindingKind.EXTRA_IN_STREAM, false))
                .containsExactlyElementsOf(byText.differing(FindingKind.EXTRA_IN_STREAM, false));
        assertThat(byLong.differing(FindingKind.EXTRA_IN_STREAM, true))
                .containsExactlyInAnyOrderElementsOf(byText.differing(FindingKind.EXTRA_IN_STREAM, true))
                .doesNotHaveDuplicates();
    }

    /** The extra keys in the order they were first folded: the first visible event of each, partition by partition. */
    private List<String> firstFolded(Path dir, Set<String> extra) throws Exception {
        JsonRows codec = new JsonRows(REAL);
        Set<String> keys = new LinkedHashSet<>();
        for (ChangeEvent e : events) {
            boolean visible = e.op() == Operation.READ || e.repair() || e.txId() <= 100;
            if (visible && extra.contains(codec.key(e.key()))) {
                keys.add(codec.key(e.key()));
            }
        }
        try (Partitions partitions = new Partitions(Files.createTempDirectory(dir, "order"), "p", PARTITIONS)) {
            return keys.stream().sorted(Comparator.comparingInt(partitions::partitionOf)).toList();
        }
    }

    private static List<String> keysOf(List<String> differing) {
        return differing.stream().map(d -> d.split(" ")[1]).toList();
    }

    @Test
    void shouldFindWhatHoldingKeysAsTextsFindsAndTellExtraKeysInTheOrderTheyWereFolded(@TempDir Path dir)
            throws Exception {
        scenario(new Random(17));
        Outcome byText = compare(dir, false, 1);
        Outcome byLong = compare(dir, true, 1);
        assertSameFindings(byLong, byText);
        assertThat(compare(dir, true, 2)).as("compared two partitions at a time").isEqualTo(byLong);

        TableResult r = byLong.result();
        for (FindingKind kind : List.of(FindingKind.EXTRA_IN_STREAM, FindingKind.MISSING_IN_STREAM,
                FindingKind.CONTENT_DIFFERS, FindingKind.NOT_COMPARABLE, FindingKind.STREAM_ANOMALY)) {
            assertThat(r.count(kind)).as("the scenario has %s", kind).isGreaterThan(SAMPLE);
        }
        assertThat(r.duplicates()).isPositive();
        assertThat(r.sample()).anySatisfy(f -> assertThat(f.streamValue()).isEqualTo("(deleted)"));

        List<String> extra = byLong.differing(FindingKind.EXTRA_IN_STREAM, true);
        List<String> expected = firstFolded(dir, new java.util.HashSet<>(keysOf(extra)));
        assertThat(keysOf(extra)).containsExactlyElementsOf(expected);
        assertThat(byLong.sample(FindingKind.EXTRA_IN_STREAM, true)).extracting(Finding::key)
                .containsExactlyElementsOf(expected.subList(0, SAMPLE));
        // each extra key with the place of its last folded event, as by text
        assertThat(extra).allSatisfy(d -> assertThat(d.split(" ")[2]).isEqualTo("0"));
    }

    @Test
    void shouldFoldByTextAPartitionWithAKeyThatIsNotACanonicalInteger(@TempDir Path dir) throws Exception {
        scenario(new Random(23));
        long lsn = 900_000;
        // texts that would read as an integer, but are not the canonical key of one: never the key 7 or 0
        for (String odd : List.of("{\"id\":007}", "{\"id\":-0}", "{\"id\":+5}", "{\"id\":\"x\"}",
                "{\"id\":99999999999999999999}", "{\"other\":12}")) {
            ObjectNode raw = JSON.createObjectNode().put("raw", odd);
            event(raw, 7, Operation.CREATE, "odd " + odd, 1, ++lsn);
            rows.add(image(7, "odd " + odd).put("raw", odd));
        }
        event(JSON.createObjectNode().put("raw", "{\"id\":012}"), 12, Operation.CREATE, "extra", 1, ++lsn);
        rows.add(image(12, "missing").put("raw", "{\"id\":0012}"));
        Outcome byText = compare(dir, false, 1);
        Outcome byLong = compare(dir, true, 1);
        assertSameFindings(byLong, byText);
        assertThat(keysOf(byLong.differing(FindingKind.EXTRA_IN_STREAM, true))).contains("{\"id\":012}");
        assertThat(keysOf(byLong.differing(FindingKind.MISSING_IN_STREAM, true))).contains("{\"id\":0012}")
                .noneMatch(k -> k.contains("odd"));
    }

    @Test
    void shouldFoldEveryPartitionByTextWhenNoKeyIsAnInteger(@TempDir Path dir) throws Exception {
        Random random = new Random(29);
        for (int i = 0; i < 500; i++) {
            ObjectNode raw = JSON.createObjectNode().put("raw", "{\"code\":\"k" + i + "\"}");
            event(raw, i, Operation.READ, "n" + i, 1, 10);
            if (random.nextInt(4) != 0) {
                rows.add(image(i, random.nextInt(10) == 0 ? "changed" : "n" + i).put("raw", raw.get("raw").asText()));
            }
        }
        // holding keys as longs is tried, and every partition starts again by text: nothing differs, not even the order
        assertThat(compare(dir, true, 2)).isEqualTo(compare(dir, false, 1));
    }
}
