package dev.strangler.engine.source;

import io.debezium.schema.SchemaTopicNamingStrategy;
import io.debezium.spi.schema.DataCollectionId;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Debezium's own topic names for table changes ({@code <topic.prefix>.<schema>.<table>}, the event contract), looked
 * up in a plain map. Debezium's strategy caches them in an LRU map whose bookkeeping measures its access queue on
 * every hit (a walk of the queue), which showed as several percent of the source thread per event; a pipeline has a
 * handful of tables, so nothing ever needs evicting. Set as Debezium's {@code topic.naming.strategy}.
 */
public final class TableTopicNaming extends SchemaTopicNamingStrategy {

    private final Map<DataCollectionId, String> names = new ConcurrentHashMap<>();

    public TableTopicNaming(Properties props) {
        super(props);
    }

    @Override
    public String dataChangeTopic(DataCollectionId id) {
        String name = names.get(id);
        if (name == null) {
            name = sanitizedTopicName(getSchemaPartsTopicName(id));
            names.put(id, name);
        }
        return name;
    }
}
