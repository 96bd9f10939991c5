package dev.strangler.cli.parity;

import dev.strangler.parity.reverse.SinkModel;
import dev.strangler.sink.SinkProjection;
import dev.strangler.sink.config.SinkConfig;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The sink's own projection behind the parity checker's {@link SinkModel}: the checker folds the sink's topics with
 * exactly the decoding and column text the sink applies, and neither module knows the other.
 */
public final class SinkParityModel implements SinkModel {

    private final SinkProjection projection;
    private final List<Target> targets;

    private SinkParityModel(SinkProjection projection) {
        this.projection = projection;
        this.targets = projection.targets().stream()
                .map(t -> new Target(t.table(), t.keyColumns(), t.topics(), t.expressions())).toList();
    }

    /** Reads the sink's tables on the connection the checker hands over (its cut). */
    public static SinkModel.Loader loader(SinkConfig config) {
        return c -> new SinkParityModel(SinkProjection.load(config, c));
    }

    @Override
    public String name() {
        return projection.name();
    }

    @Override
    public String group() {
        return projection.group();
    }

    @Override
    public List<Target> targets() {
        return targets;
    }

    @Override
    public Optional<String> deadLetterTopic() {
        return projection.deadLetterTopic();
    }

    @Override
    public Optional<RecordRef> deadLetterOrigin(ConsumerRecord<byte[], byte[]> deadLetter) {
        return projection.deadLetterOrigin(deadLetter).map(o -> new RecordRef(o.topic(), o.partition(), o.offset()));
    }

    @Override
    public Effect project(ConsumerRecord<byte[], byte[]> record) {
        SinkProjection.Effect e = projection.project(record);
        return new Effect(switch (e.kind()) {
            case UPSERT -> Kind.UPSERT;
            case UPDATE -> Kind.UPDATE;
            case DELETE -> Kind.DELETE;
            case IGNORED -> Kind.IGNORED;
            case BAD -> Kind.BAD;
        }, e.table(), e.key(), e.values(), e.keepNewerVersion(), e.reason());
    }
}
