package dev.strangler.parity.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.contract.IntakeHeaderNames;
import dev.strangler.parity.model.Operation;
import java.io.IOException;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads Debezium's change-event envelope from JSON bytes, with schemas off (Strangler's default) or on (Kafka
 * Connect's JsonConverter default: {"schema":..., "payload":...}); both are accepted per record.
 */
public final class EnvelopeParser {

    private final ObjectMapper json = dev.strangler.parity.canonical.Canonicalizer.eventMapper();

    /** Parses one record; throws {@link MalformedEventException} when the bytes are not a Debezium envelope. */
    public ChangeEvent parse(byte[] keyBytes, byte[] valueBytes) {
        JsonNode key = payload(read(keyBytes, "key"));
        if (valueBytes == null) {
            return ChangeEvent.tombstone(key);
        }
        JsonNode value = payload(read(valueBytes, "value"));
        if (value == null || value.isNull()) {
            return ChangeEvent.tombstone(key);
        }
        Operation op = Operation.forCode(value.path("op").asText("")).orElseThrow(() -> new MalformedEventException(
                "value has no Debezium op (c, u, d, r, t or m): " + abbreviate(value.toString())));
        JsonNode source = value.path("source");
        JsonNode after = value.get("after");
        String snapshot = source.path("snapshot").asText("false");
        JsonNode marker = source.path("snapshot");
        return new ChangeEvent(key, op, after == null || after.isNull() ? null : after,
                source.path("txId").asLong(-1), source.path("lsn").asLong(-1),
                !snapshot.equals("false") && !snapshot.isEmpty(),
                marker.isMissingNode() || marker.isNull() ? null : marker.asText(), source.path("ts_ms").asLong(-1));
    }

    /** Parses a record of a table topic; a delete written by {@code strangler repair} is marked as one (its header). */
    public ChangeEvent parse(ConsumerRecord<byte[], byte[]> record) {
        ChangeEvent event = parse(record.key(), record.value());
        return record.headers().lastHeader(IntakeHeaderNames.REPAIR) == null ? event : event.asRepair();
    }

    /** The record's {@code source.snapshot} ("first", "true", "last", ...), null for a tombstone or when absent. */
    public String snapshotMarker(byte[] valueBytes) {
        JsonNode value = payload(read(valueBytes, "value"));
        if (value == null || value.isNull()) {
            return null;
        }
        JsonNode marker = value.path("source").path("snapshot");
        return marker.isMissingNode() || marker.isNull() ? null : marker.asText();
    }

    private JsonNode read(byte[] bytes, String what) {
        if (bytes == null) {
            return null;
        }
        try {
            return json.readTree(bytes);
        } catch (IOException e) {
            throw new MalformedEventException("record " + what + " is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static JsonNode payload(JsonNode node) {
        if (node != null && node.isObject() && node.has("schema") && node.has("payload") && node.size() == 2) {
            return node.get("payload");
        }
        return node;
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    /** A record that is not a readable Debezium change event. */
    public static final class MalformedEventException extends RuntimeException {
        public MalformedEventException(String message) {
            super(message);
        }
    }
}
