package dev.strangler.parity.repair;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.contract.EventEncoding;
import dev.strangler.contract.TableId;
import dev.strangler.parity.model.Direction;
import dev.strangler.parity.model.FindingKind;
import dev.strangler.parity.model.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a NO-GO report asks a repair to do, read from its report.json and the {@value DifferencesFile#NAME} beside
 * it: per NO-GO table, the keys whose current rows must be published again (missing, different, not comparable)
 * and the keys the topic holds but the table did not (extra), with where their last event is.
 *
 * <p>A report whose verdict is UNVERIFIABLE is refused: it does not say which keys differ. A NO-GO table without
 * differing keys (its verdict comes from a history gap, an incomplete transaction or a stream anomaly) is listed in
 * {@link #notRepairable()}: publishing rows again mends the state, never the history.
 *
 * @param eventEncoding how the repaired run read the events (report.json's {@code eventEncoding})
 */
public record RepairPlan(Path reportFile, String runId, Instant startedAt, String slot, String topicPrefix,
                         long cutWalLsn, String cutWalLsnText, EventEncoding eventEncoding, boolean acceptNotComparable,
                         boolean acceptHistoryGaps, List<TableRepair> tables, List<String> notRepairable) {

    /** Extra keys kept in memory per table to retract; a table with more is refused (see {@link #load}). */
    public static final int MAX_EXTRA_KEYS = 1_000_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    public RepairPlan {
        tables = List.copyOf(tables);
        notRepairable = List.copyOf(notRepairable);
    }

    /**
     * One table's repair.
     *
     * @param reRead      keys to publish again as the table holds them now (fewer than {@code reReadCount} when
     *                    there were more than the limit the plan was loaded with: then the whole table is published
     *                    again)
     * @param reReadCount all such keys
     * @param extras      keys to retract, each with its last event's partition and offset
     * @param tolerance   the table's tolerance in the repaired run, for the check afterwards
     */
    public record TableRepair(TableId table, String topic, long tolerance, List<JsonNode> reRead, long reReadCount,
                              List<DifferencesFile.Extra> extras) {

        public TableRepair {
            reRead = List.copyOf(reRead);
            extras = List.copyOf(extras);
        }

        /** Too many keys to name: the whole table is published again (an incremental snapshot of every row). */
        public boolean wholeTable() {
            return reReadCount > reRead.size();
        }

        /** Keys a re-read may have to publish: the differing ones and the extra ones (one may have come back). */
        public List<JsonNode> keysToRead() {
            List<JsonNode> keys = new ArrayList<>(reRead);
            extras.forEach(e -> keys.add(e.key()));
            return keys;
        }
    }

    /** The NO-GO tables' names. */
    public List<TableId> tableIds() {
        return tables.stream().map(TableRepair::table).toList();
    }

    public long keysToRepublish() {
        return tables.stream().mapToLong(TableRepair::reReadCount).sum();
    }

    public long keysToRetract() {
        return tables.stream().mapToLong(t -> t.extras().size()).sum();
    }

    /**
     * Reads a report and its differing keys.
     *
     * @param maxKeysPerTable keys to re-read by name per table; a table with more is published again whole
     * @throws RepairRefusedException a report that cannot be repaired from, with the reason
     */
    public static RepairPlan load(Path reportJson, int maxKeysPerTable) {
        JsonNode report = readReport(reportJson);
        String runId = report.path("runId").asText();
        String verdict = report.path("verdict").asText();
        if (verdict.equals(Verdict.UNVERIFIABLE.label())) {
            throw new RepairRefusedException("report " + reportJson + " is UNVERIFIABLE"
                    + (report.path("reason").isTextual() ? " (" + report.path("reason").asText() + ")" : "")
                    + ": it does not say which keys differ; run `strangler parity` again until it says GO or NO-GO");
        }
        DifferencesFile.Contents differences = DifferencesFile.read(reportJson.resolveSibling(DifferencesFile.NAME),
                maxKeysPerTable, MAX_EXTRA_KEYS);
        if (!differences.runId().equals(runId)) {
            throw new RepairRefusedException(DifferencesFile.NAME + " beside " + reportJson + " belongs to run "
                    + differences.runId() + ", not to the report's run " + runId + "; run `strangler parity` again "
                    + "into an empty directory");
        }
        List<TableRepair> tables = new ArrayList<>();
        List<String> notRepairable = new ArrayList<>();
        for (JsonNode t : report.path("tables")) {
            if (!t.path("verdict").asText().equals(Verdict.NO_GO.label())) {
                continue;
            }
            TableId table = TableId.parse(t.path("table").asText());
            if (!t.path("direction").asText(Direction.TABLE_TO_TOPIC.code()).equals(Direction.TABLE_TO_TOPIC.code())) {
                notRepairable.add(table + ": a sink's table (topic → table); the sink repairs itself by replaying "
                        + "its topics, not by publishing");
                continue;
            }
            DifferencesFile.TableKeys keys = differences.byTable().get(table);
            if (keys == null) {
                notRepairable.add(table + ": NO-GO without a differing key (" + whyNoGo(t) + "); publishing rows "
                        + "again mends state, not history");
                continue;
            }
            if (keys.extraCount() > keys.extras().size()) {
                throw new RepairRefusedException(table + " has " + keys.extraCount() + " keys the topic holds but "
                        + "the table does not, more than the " + MAX_EXTRA_KEYS + " a repair retracts one by one; "
                        + "rebuild the topic from a new snapshot instead");
            }
            tables.add(new TableRepair(table, t.path("topic").asText(), t.path("tolerance").asLong(0), keys.reRead(),
                    keys.reReadCount(), keys.extras()));
        }
        if (tables.isEmpty() && notRepairable.isEmpty() && !verdict.equals(Verdict.GO.label())) {
            throw new RepairRefusedException("report " + reportJson + " says " + verdict + " but names no NO-GO "
                    + "table");
        }
        JsonNode cut = report.path("cut");
        return new RepairPlan(reportJson, runId, Instant.parse(report.path("startedAt").asText()),
                report.path("slot").asText(), report.path("topicPrefix").asText(),
                cut.path("walLsnValue").asLong(-1), cut.path("walLsn").asText(), encoding(reportJson, report),
                report.path("acceptNotComparable").asBoolean(false),
                report.path("acceptHistoryGaps").asBoolean(false), tables, notRepairable);
    }

    /** The encoding the repaired run read events with, so the check afterwards reads them alike; Strangler's if none. */
    private static EventEncoding encoding(Path reportJson, JsonNode report) {
        String text = report.path("eventEncoding").asText("");
        try {
            return text.isBlank() ? EventEncoding.strangler() : EventEncoding.parse(text);
        } catch (IllegalArgumentException e) {
            throw new RepairRefusedException("report " + reportJson + " names an event encoding the check cannot "
                    + "read events with: " + e.getMessage());
        }
    }

    private static String whyNoGo(JsonNode t) {
        List<String> parts = new ArrayList<>();
        if (t.path("historyGaps").size() > 0 && !t.path("historyGapsAccepted").asBoolean()) {
            parts.add(t.path("historyGaps").size() + " history gap(s)");
        }
        if (t.path("incompleteTransactionCount").asLong() > 0) {
            parts.add(t.path("incompleteTransactionCount").asLong() + " incomplete transaction(s)");
        }
        long anomalies = t.path("findingCounts").path(FindingKind.STREAM_ANOMALY.code()).asLong();
        if (anomalies > 0) {
            parts.add(anomalies + " stream anomal" + (anomalies == 1 ? "y" : "ies"));
        }
        return parts.isEmpty() ? "see the report" : String.join(", ", parts);
    }

    private static JsonNode readReport(Path reportJson) {
        if (!Files.isRegularFile(reportJson)) {
            throw new RepairRefusedException("report " + reportJson + " does not exist: pass the report.json that "
                    + "`strangler parity --out DIR` wrote");
        }
        try {
            JsonNode report = JSON.readTree(reportJson.toFile());
            if (!report.has("runId") || !report.has("verdict") || !report.has("tables")) {
                throw new RepairRefusedException(reportJson + " is not a parity report.json (no runId, verdict or "
                        + "tables)");
            }
            return report;
        } catch (IOException e) {
            throw new RepairRefusedException("cannot read " + reportJson + ": " + e.getMessage().lines().findFirst()
                    .orElse(""));
        }
    }
}
