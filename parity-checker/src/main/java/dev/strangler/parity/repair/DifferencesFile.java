package dev.strangler.parity.repair;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.contract.TableId;
import dev.strangler.parity.compare.DifferingKeys;
import dev.strangler.parity.model.FindingKind;
import dev.strangler.parity.report.AtomicFile;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@value #NAME}, written beside report.json: every key a run found missing, extra, different or not comparable
 * (report.json shows a sample only), one JSON object per line, after a first line naming the run. A repair reads it
 * to re-publish exactly those keys; for an extra key it also says where the key's last event is, so the repair can
 * retract it with the very key bytes the pipeline wrote.
 *
 * <pre>
 * {"format":"strangler-differences/1","runId":"…"}
 * {"table":"shop.orders","kind":"MISSING_IN_STREAM","key":{"id":7}}
 * {"table":"shop.orders","kind":"EXTRA_IN_STREAM","key":{"id":9},"partition":0,"offset":1234}
 * </pre>
 */
public final class DifferencesFile {

    public static final String NAME = "differences.jsonl";
    static final String FORMAT = "strangler-differences/1";
    /** Reads numbers as BigDecimal, so a key's every digit survives the round trip. */
    private static final ObjectMapper JSON = dev.strangler.parity.canonical.Canonicalizer.eventMapper();

    private DifferencesFile() {
    }

    /** Starts writing the run's keys to a temporary file beside {@code target}; {@link Writer#commit} moves it there. */
    public static Writer create(Path target, String runId) {
        return new Writer(target, runId);
    }

    /** Writes the keys as the comparisons find them; nothing appears at the target unless committed. */
    public static final class Writer implements DifferingKeys, AutoCloseable {
        private final Path target;
        private final AtomicFile file;
        private final BufferedWriter out;

        private Writer(Path target, String runId) {
            this.target = target;
            try {
                Files.createDirectories(target.toAbsolutePath().getParent());
                this.file = AtomicFile.create(target);
                this.out = new BufferedWriter(new OutputStreamWriter(file.out(), StandardCharsets.UTF_8));
                ObjectNode header = JSON.createObjectNode().put("format", FORMAT).put("runId", runId);
                out.write(header.toString());
                out.newLine();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + target, e);
            }
        }

        @Override
        public void accept(TableId table, FindingKind kind, String canonicalKey, int partition, long offset) {
            try {
                ObjectNode line = JSON.createObjectNode().put("table", table.toString()).put("kind", kind.code());
                line.set("key", JSON.readTree(canonicalKey));
                if (kind == FindingKind.EXTRA_IN_STREAM && partition >= 0) {
                    line.put("partition", partition).put("offset", offset);
                }
                out.write(line.toString());
                out.newLine();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + target, e);
            }
        }

        /** Puts the finished file in place (atomically where the file system can). */
        public void commit() {
            try {
                out.flush();
                file.commit();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + target, e);
            }
        }

        @Override
        public void close() {
            try {
                file.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot clean up beside " + target, e);
            }
        }
    }

    /** A key the topic holds but the table did not, and where its last event is. */
    public record Extra(JsonNode key, int partition, long offset) {
    }

    /**
     * One table's keys as read back.
     *
     * @param reRead      keys whose rows must be published again, at most the limit read with
     * @param reReadCount all of them
     * @param extras      keys to retract, at most the limit read with
     * @param extraCount  all of them
     */
    public record TableKeys(List<JsonNode> reRead, long reReadCount, List<Extra> extras, long extraCount) {
    }

    /** What the file holds, as read back. */
    public record Contents(String runId, Map<TableId, TableKeys> byTable) {
    }

    /**
     * Reads the file, keeping at most {@code maxReRead} keys to re-read and {@code maxExtras} extra keys per table
     * (a repair past the first limit publishes the whole table again and needs no keys) but counting every one.
     *
     * @throws RepairRefusedException when the file is missing or not this format
     */
    public static Contents read(Path file, int maxReRead, int maxExtras) {
        if (!Files.isRegularFile(file)) {
            throw new RepairRefusedException(file + " does not exist: the report was written before reports kept "
                    + "every differing key (only a sample), or the file was removed; run `strangler parity` again "
                    + "and repair from its report");
        }
        Map<TableId, List<JsonNode>> reRead = new LinkedHashMap<>();
        Map<TableId, List<Extra>> extras = new LinkedHashMap<>();
        Map<TableId, long[]> counts = new LinkedHashMap<>();
        String runId;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String first = in.readLine();
            JsonNode header = JSON.readTree(first == null ? "{}" : first);
            if (!FORMAT.equals(header.path("format").asText())) {
                throw new RepairRefusedException(file + " is not a Strangler differences file (format "
                        + header.path("format").asText("missing") + ", expected " + FORMAT + ")");
            }
            runId = header.path("runId").asText();
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = JSON.readTree(line);
                TableId table = TableId.parse(n.path("table").asText());
                long[] count = counts.computeIfAbsent(table, t -> new long[2]);
                if (kindOf(n.path("kind").asText()) == FindingKind.EXTRA_IN_STREAM) {
                    List<Extra> list = extras.computeIfAbsent(table, t -> new ArrayList<>());
                    if (count[1]++ < maxExtras) {
                        list.add(new Extra(n.get("key"), n.path("partition").asInt(-1), n.path("offset").asLong(-1)));
                    }
                } else {
                    List<JsonNode> list = reRead.computeIfAbsent(table, t -> new ArrayList<>());
                    if (count[0]++ < maxReRead) {
                        list.add(n.get("key"));
                    }
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new RepairRefusedException("cannot read " + file + ": " + e.getMessage());
        }
        Map<TableId, TableKeys> byTable = new LinkedHashMap<>();
        counts.forEach((table, count) -> byTable.put(table, new TableKeys(reRead.getOrDefault(table, List.of()),
                count[0], extras.getOrDefault(table, List.of()), count[1])));
        return new Contents(runId, byTable);
    }

    private static FindingKind kindOf(String code) {
        for (FindingKind k : FindingKind.values()) {
            if (k.code().equals(code)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown finding kind " + code);
    }
}
