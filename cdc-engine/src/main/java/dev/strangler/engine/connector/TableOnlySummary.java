package dev.strangler.engine.connector;

import io.debezium.pipeline.source.spi.EventMetadataProvider;
import io.debezium.pipeline.spi.OffsetContext;
import io.debezium.pipeline.txmetadata.TransactionInfo;
import io.debezium.spi.schema.DataCollectionId;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;

/**
 * Debezium's metadata provider with one change: the summary of an event (JMX {@code LastEvent}) is its table's name,
 * not the whole row. Everything the lag and position metrics read still comes from the connector's own provider.
 */
final class TableOnlySummary implements EventMetadataProvider {

    private final EventMetadataProvider provider;

    TableOnlySummary(EventMetadataProvider provider) {
        this.provider = provider;
    }

    @Override
    public String toSummaryString(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
        return source == null ? null : source.identifier();
    }

    @Override
    public Instant getEventTimestamp(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
        return provider.getEventTimestamp(source, offset, key, value);
    }

    @Override
    public Map<String, String> getEventSourcePosition(DataCollectionId source, OffsetContext offset, Object key,
                                                      Struct value) {
        return provider.getEventSourcePosition(source, offset, key, value);
    }

    @Override
    public String getTransactionId(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
        return provider.getTransactionId(source, offset, key, value);
    }

    @Override
    public TransactionInfo getTransactionInfo(DataCollectionId source, OffsetContext offset, Object key,
                                              Struct value) {
        return provider.getTransactionInfo(source, offset, key, value);
    }
}
