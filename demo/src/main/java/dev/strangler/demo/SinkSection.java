package dev.strangler.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.sink.SinkMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sink's part of the demo summary: the new service's order events applied to the legacy back office's table, and
 * what the pipeline made of those writes (marked, not echoed as legacy changes).
 *
 * @param byMapping      what the sink did, per mapping (written, conflicts, ignored, dead-lettered)
 * @param caughtUp       the sink's stored positions reached the end of its topic
 * @param webRows        rows of the table the sink wrote (channel web)
 * @param serviceOrders  rows in the new service's own orders table
 * @param differing      new-service orders whose web row is missing or differs (total, placed or confirmed), or web
 *                       rows no new-service order has
 * @param phoneRows      rows the legacy back office wrote itself (channel phone)
 * @param markedEvents   events of the table's topic with strangler.origin=sink:&lt;name&gt;: the sink's own writes
 * @param otherEvents    events of the table's topic without it: the legacy app's changes
 */
public record SinkSection(String sink, String topic, String table, Map<String, SinkMetrics.Counts> byMapping,
                          boolean caughtUp, long webRows, long serviceOrders, long differing, long phoneRows,
                          long markedEvents, long otherEvents) {

    public SinkSection {
        byMapping = Map.copyOf(byMapping);
    }

    public SinkMetrics.Counts total() {
        return byMapping.values().stream().reduce(SinkMetrics.Counts.NONE, (a, b) -> new SinkMetrics.Counts(
                a.written() + b.written(), a.deleted() + b.deleted(), a.conflicts() + b.conflicts(),
                a.ignored() + b.ignored(), a.deadLettered() + b.deadLettered()));
    }

    /**
     * Every order the new service committed is in the legacy table as it is there, nothing was dead-lettered, and
     * each row the sink wrote came back from the pipeline marked as the sink's (none as a legacy change).
     */
    public boolean matches() {
        return problems().isEmpty();
    }

    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (!caughtUp) {
            problems.add("the sink had not applied its topic to the end");
        }
        if (differing > 0 || webRows != serviceOrders) {
            problems.add(table + " has " + webRows + " web orders for " + serviceOrders + " orders of the new "
                    + "service, " + differing + " missing or different");
        }
        if (total().deadLettered() > 0) {
            problems.add(total().deadLettered() + " event(s) dead-lettered");
        }
        if (markedEvents != total().written()) {
            problems.add("the sink wrote " + total().written() + " row change(s) but " + markedEvents + " event(s) "
                    + "are marked as its own");
        }
        return problems;
    }

    void appendText(StringBuilder out) {
        SinkMetrics.Counts t = total();
        out.append(String.format(Locale.ROOT, "sink '%s': %s events of %s applied to %s (%s written, %s conflicts, "
                        + "%s passed over, %s dead-lettered)%n", sink, TextTable.num(t.applied() + t.ignored()),
                topic, table, TextTable.num(t.written()), TextTable.num(t.conflicts()), TextTable.num(t.ignored()),
                TextTable.num(t.deadLettered())));
        byMapping.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> out.append(String.format(
                Locale.ROOT, "  %-16s %8s written, %s conflicts, %s passed over%n", e.getKey(),
                TextTable.num(e.getValue().written()), TextTable.num(e.getValue().conflicts()),
                TextTable.num(e.getValue().ignored()))));
        out.append(String.format(Locale.ROOT, "  %s: %s web orders for %s orders of the new service (%s missing or "
                        + "different), %s phone orders of the back office%n", table, TextTable.num(webRows),
                TextTable.num(serviceOrders), TextTable.num(differing), TextTable.num(phoneRows)));
        out.append(String.format(Locale.ROOT, "  its topic: %s events marked strangler.origin=sink:%s (the sink's "
                + "writes, not echoed as legacy changes), %s of the legacy app%n", TextTable.num(markedEvents), sink,
                TextTable.num(otherEvents)));
    }

    void appendMarkdown(StringBuilder out) {
        out.append("\n## Sink (keep the lights on)\n\n");
        out.append("| mapping | written | conflicts | passed over | dead-lettered |\n| --- | ---: | ---: | ---: | ---: |\n");
        byMapping.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> out.append("| `")
                .append(e.getKey()).append("` | ").append(TextTable.num(e.getValue().written())).append(" | ")
                .append(TextTable.num(e.getValue().conflicts())).append(" | ")
                .append(TextTable.num(e.getValue().ignored())).append(" | ")
                .append(TextTable.num(e.getValue().deadLettered())).append(" |\n"));
        out.append("\n`").append(table).append("`: ").append(TextTable.num(webRows)).append(" web orders for ")
                .append(TextTable.num(serviceOrders)).append(" orders of the new service (")
                .append(TextTable.num(differing)).append(" missing or different), ").append(TextTable.num(phoneRows))
                .append(" phone orders of the back office; its topic: ").append(TextTable.num(markedEvents))
                .append(" events marked `strangler.origin=sink:").append(sink).append("`, ")
                .append(TextTable.num(otherEvents)).append(" of the legacy app.\n");
    }

    void appendJson(ObjectNode node) {
        SinkMetrics.Counts t = total();
        node.put("sink", sink).put("topic", topic).put("table", table).put("caughtUp", caughtUp)
                .put("written", t.written()).put("conflicts", t.conflicts()).put("ignored", t.ignored())
                .put("deadLettered", t.deadLettered()).put("webRows", webRows).put("serviceOrders", serviceOrders)
                .put("differing", differing).put("phoneRows", phoneRows).put("markedEvents", markedEvents)
                .put("otherEvents", otherEvents).put("matches", matches());
        ObjectNode mappings = node.putObject("byMapping");
        byMapping.forEach((id, c) -> mappings.putObject(id).put("written", c.written())
                .put("conflicts", c.conflicts()).put("ignored", c.ignored()).put("deadLettered", c.deadLettered()));
    }
}
