package dev.strangler.parity.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
    private final JsonFactory tokens = json.getFactory();

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

    /**
     * {@link #parse(ConsumerRecord)} for the fold, without building the value's tree: the envelope is read once (by
     * hand, {@link EnvelopeScanner}, or else from Jackson's tokens), the fields the fold needs taken on the way, and
     * the after-image kept as the record's own bytes ({@link ChangeEvent#afterJson()}; {@code after} is null). Gives
     * the same event as {@code parse} (the after-image as bytes that read back to the same tree), except that only a
     * delete is marked as a repair's (a repair writes nothing else); any envelope this reading does not expect
     * (schemas on, a field twice, a value of another JSON type, a tombstone, broken JSON) goes through {@code parse},
     * which reads it or says why not exactly as before.
     */
    public ChangeEvent parseForFold(ConsumerRecord<byte[], byte[]> record) {
        ChangeEvent event = EnvelopeScanner.scan(record.key(), record.value());
        if (event == null) {
            event = parseWithoutTree(record.key(), record.value());
        }
        if (event == null) {
            return parse(record);
        }
        // a repair writes deletes (and their tombstones, read by parse) only: the headers' keys, which Kafka decodes
        // on every look-up, are looked at for those
        return event.op() != Operation.DELETE || record.headers().lastHeader(IntakeHeaderNames.REPAIR) == null
                ? event : event.asRepair();
    }

    /** The same as {@link #parse(byte[], byte[])} read without a tree; null when that needs the tree. */
    ChangeEvent parseWithoutTree(byte[] keyBytes, byte[] valueBytes) {
        if (valueBytes == null) {
            return null;
        }
        String op = null;
        byte[] after = null;
        boolean seenOp = false;
        boolean seenAfter = false;
        boolean seenSource = false;
        Source source = new Source();
        try (JsonParser p = tokens.createParser(valueBytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "schema", "payload" -> {
                        return null; // maybe a schemas-on wrapper: the tree decides
                    }
                    case "op" -> {
                        if (seenOp || v != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        seenOp = true;
                        op = p.getText();
                    }
                    case "after" -> {
                        if (seenAfter) {
                            return null;
                        }
                        seenAfter = true;
                        if (v == JsonToken.START_OBJECT) {
                            long start = p.currentTokenLocation().getByteOffset();
                            p.skipChildren();
                            long end = p.currentLocation().getByteOffset();
                            if (start < 0 || end <= start || end > valueBytes.length
                                    || valueBytes[(int) start] != '{' || valueBytes[(int) end - 1] != '}') {
                                return null;
                            }
                            after = java.util.Arrays.copyOfRange(valueBytes, (int) start, (int) end);
                        } else if (v != JsonToken.VALUE_NULL) {
                            return null;
                        }
                    }
                    case "source" -> {
                        if (seenSource || v != JsonToken.START_OBJECT || !source.read(p)) {
                            return null;
                        }
                        seenSource = true;
                    }
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || !seenOp) {
                return null;
            }
        } catch (IOException | RuntimeException e) {
            return null; // the tree reports it
        }
        Operation operation = Operation.forCode(op).orElse(null);
        if (operation == null) {
            return null;
        }
        JsonNode key = payload(read(keyBytes, "key"));
        boolean snapshot = !source.snapshot.equals("false") && !source.snapshot.isEmpty();
        return new ChangeEvent(key, operation, null, source.txId, source.lsn, snapshot, source.marker, source.tsMs,
                false, after);
    }

    /** The fields of {@code source} the fold reads, with the tree's defaults for absent ones. */
    private static final class Source {
        long txId = -1;
        long lsn = -1;
        long tsMs = -1;
        String snapshot = "false";
        String marker;

        /** Reads the object the parser is at; false for a value the tree would read another way (null, text). */
        boolean read(JsonParser p) throws IOException {
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "txId", "lsn", "ts_ms" -> {
                        if (v != JsonToken.VALUE_NUMBER_INT || (p.getNumberType() != JsonParser.NumberType.INT
                                && p.getNumberType() != JsonParser.NumberType.LONG)) {
                            return false;
                        }
                        long value = p.getLongValue();
                        if (name.equals("txId")) {
                            txId = value;
                        } else if (name.equals("lsn")) {
                            lsn = value;
                        } else {
                            tsMs = value;
                        }
                    }
                    case "snapshot" -> {
                        if (v == JsonToken.VALUE_STRING) {
                            snapshot = p.getText();
                        } else if (v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE) {
                            snapshot = v == JsonToken.VALUE_TRUE ? "true" : "false";
                        } else {
                            return false;
                        }
                        marker = snapshot;
                    }
                    default -> p.skipChildren();
                }
            }
            return t == JsonToken.END_OBJECT;
        }
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
