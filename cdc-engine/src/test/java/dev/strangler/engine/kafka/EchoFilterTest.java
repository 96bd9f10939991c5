package dev.strangler.engine.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.engine.config.PipelineConfig;
import io.debezium.engine.RecordChangeEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class EchoFilterTest {

    private static final String MARKER_TOPIC = "p.strangler.sink_marker";
    private static final Schema MARKER_ROW = SchemaBuilder.struct().field("txid", Schema.INT64_SCHEMA)
            .field("sink", Schema.STRING_SCHEMA).optional().build();
    private static final Schema MARKER_VALUE = SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA)
            .field("after", MARKER_ROW).build();

    private final List<Long> lookups = new ArrayList<>();

    private EchoFilter filter(PipelineConfig.SinkEcho mode, Optional<String> lookupAnswer) {
        return new EchoFilter(mode, MARKER_TOPIC, txId -> {
            lookups.add(txId);
            return lookupAnswer;
        });
    }

    private static SourceRecord change(long txId) {
        return new SourceRecord(Map.of("server", "p"), Map.of("lsn", 1L, "txId", txId), "p.shop.orders", null,
                "{\"id\":1}");
    }

    private static SourceRecord marker(long txId, String op, String sink) {
        Struct value = new Struct(MARKER_VALUE).put("op", op)
                .put("after", new Struct(MARKER_ROW).put("txid", txId).put("sink", sink));
        return new SourceRecord(Map.of("server", "p"), Map.of("lsn", 1L, "txId", txId), MARKER_TOPIC, MARKER_VALUE,
                value);
    }

    private static List<RecordChangeEvent<SourceRecord>> batch(SourceRecord... records) {
        List<RecordChangeEvent<SourceRecord>> batch = new ArrayList<>();
        for (SourceRecord r : records) {
            batch.add(() -> r);
        }
        return batch;
    }

    private static String origin(SourceRecord r) {
        Header h = r.headers().lastWithName(EchoFilter.ORIGIN_HEADER);
        return h == null ? null : h.value() instanceof byte[] b ? new String(b, StandardCharsets.UTF_8)
                : String.valueOf(h.value());
    }

    @Test
    void dropsEveryChangeOfATransactionThatStartedWithAMarkerAndKeepsTheLegacyAppsOwn() {
        EchoFilter filter = filter(PipelineConfig.SinkEcho.DROP, Optional.empty());
        SourceRecord legacyBefore = change(10);
        SourceRecord mark = marker(11, "c", "orders-sink");
        SourceRecord echo1 = change(11);
        SourceRecord echo2 = change(11);
        SourceRecord legacyAfter = change(12);
        filter.classify(batch(legacyBefore, mark, echo1, echo2, legacyAfter));

        assertThat(filter.drops(mark)).as("a marker is never an event").isTrue();
        assertThat(filter.drops(echo1)).isTrue();
        assertThat(filter.drops(echo2)).isTrue();
        assertThat(filter.drops(legacyBefore)).isFalse();
        assertThat(filter.drops(legacyAfter)).isFalse();
        assertThat(filter.echoes()).isEqualTo(2);
        assertThat(lookups).as("the first transaction was looked up, once").containsExactly(10L);
    }

    @Test
    void marksTheSinksChangesWithTheOriginHeaderInsteadOfDroppingThem() {
        EchoFilter filter = filter(PipelineConfig.SinkEcho.MARK, Optional.empty());
        SourceRecord mark = marker(11, "c", "orders-sink");
        SourceRecord echo = change(11);
        SourceRecord legacy = change(12);
        filter.classify(batch(mark, echo, legacy));

        assertThat(filter.drops(mark)).isTrue();
        assertThat(filter.drops(echo)).isFalse();
        assertThat(origin(echo)).isEqualTo("sink:orders-sink");
        assertThat(origin(legacy)).isNull();
        assertThat(lookups).as("a start at a marker needs no lookup").isEmpty();
    }

    @Test
    void recognisesASinkTransactionThatSpansTwoBatches() {
        EchoFilter filter = filter(PipelineConfig.SinkEcho.DROP, Optional.empty());
        filter.classify(batch(marker(11, "c", "s"), change(11)));
        SourceRecord rest = change(11);
        SourceRecord legacy = change(12);
        filter.classify(batch(rest, legacy));

        assertThat(filter.drops(rest)).isTrue();
        assertThat(filter.drops(legacy)).isFalse();
    }

    @Test
    void looksUpTheTransactionItResumesInWhenItsMarkerWasBeforeTheStart() {
        EchoFilter filter = filter(PipelineConfig.SinkEcho.DROP, Optional.of("s"));
        SourceRecord resumed = change(20);
        filter.classify(batch(resumed));
        EchoFilter unrelated = filter(PipelineConfig.SinkEcho.DROP, Optional.empty());
        SourceRecord legacy = change(30);
        unrelated.classify(batch(legacy, change(31)));

        assertThat(filter.drops(resumed)).isTrue();
        assertThat(unrelated.drops(legacy)).isFalse();
        assertThat(lookups).as("one lookup per start, for its first transaction only").containsExactly(20L, 30L);
    }

    @Test
    void aSnapshotReadOrADeleteOfMarkerRowsMarksNoTransaction() {
        EchoFilter filter = filter(PipelineConfig.SinkEcho.DROP, Optional.empty());
        SourceRecord snapshotMarker = marker(5, "r", "s");
        SourceRecord snapshotRow = change(5);
        filter.classify(batch(snapshotMarker, snapshotRow));

        assertThat(filter.drops(snapshotMarker)).isTrue();
        assertThat(filter.drops(snapshotRow)).isFalse();
    }

    @Test
    void offPublishesEverySinkChangeAndNeverLooksAnythingUp() {
        EchoFilter filter = filter(PipelineConfig.SinkEcho.OFF, Optional.of("s"));
        SourceRecord first = change(20);
        SourceRecord mark = marker(21, "c", "s");
        SourceRecord written = change(21);
        filter.classify(batch(first, mark, written));

        assertThat(filter.drops(first)).isFalse();
        assertThat(filter.drops(written)).isFalse();
        assertThat(origin(written)).isNull();
        assertThat(lookups).isEmpty();
    }
}
