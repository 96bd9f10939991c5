package dev.strangler.engine.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.json.JsonConverter;

/**
 * Connect data as schemaless JSON, byte for byte what Kafka Connect's {@link JsonConverter} writes with
 * {@code schemas.enable=false}, but streamed straight into the output instead of through a tree of Jackson nodes:
 * the conversion of every event was the largest cost of the publishing thread, and the tree its largest source of
 * garbage. Schemas that hold one of Connect's own logical types (Decimal, Date, Time, Timestamp: never in Strangler's
 * event contract, whose decimals, times and binaries are strings) go through {@link JsonConverter} as before, so the
 * output never depends on which path wrote it. Not thread-safe: one per publishing thread.
 */
final class ConnectJson {

    private static final Set<String> CONNECT_LOGICAL_TYPES =
            Set.of(Decimal.LOGICAL_NAME, Date.LOGICAL_NAME, Time.LOGICAL_NAME, Timestamp.LOGICAL_NAME);
    /** Jackson's defaults, as the ObjectMapper inside JsonConverter's serializer has them (NaN as a string...). */
    private static final JsonFactory FACTORY = new JsonFactory();

    private final JsonConverter fallback;
    private final boolean replaceNullWithDefault;
    private final Map<Schema, Boolean> streamable = new IdentityHashMap<>();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);

    /**
     * @param fallback               the converter whose output this one reproduces, configured with schemas off
     * @param replaceNullWithDefault as the fallback's {@code replace.null.with.default}
     */
    ConnectJson(JsonConverter fallback, boolean replaceNullWithDefault) {
        this.fallback = fallback;
        this.replaceNullWithDefault = replaceNullWithDefault;
    }

    byte[] fromConnectData(String topic, Schema schema, Object value) {
        if (schema == null || value == null || !streamable(schema)) {
            return fallback.fromConnectData(topic, schema, value);
        }
        buffer.reset();
        try (JsonGenerator g = FACTORY.createGenerator(buffer)) {
            write(g, schema, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            // a value that does not match its schema: let Connect's converter say what is wrong, as before
            return fallback.fromConnectData(topic, schema, value);
        }
        return buffer.toByteArray();
    }

    private boolean streamable(Schema schema) {
        Boolean known = streamable.get(schema);
        if (known == null) {
            known = !holdsConnectLogicalType(schema);
            if (streamable.size() > 10_000) {
                streamable.clear(); // schemas are cached per table by Debezium; this only bounds a pathological case
            }
            streamable.put(schema, known);
        }
        return known;
    }

    private static boolean holdsConnectLogicalType(Schema schema) {
        if (schema.name() != null && CONNECT_LOGICAL_TYPES.contains(schema.name())) {
            return true;
        }
        return switch (schema.type()) {
            case STRUCT -> schema.fields().stream().anyMatch(f -> holdsConnectLogicalType(f.schema()));
            case ARRAY -> holdsConnectLogicalType(schema.valueSchema());
            case MAP -> holdsConnectLogicalType(schema.keySchema()) || holdsConnectLogicalType(schema.valueSchema());
            default -> false;
        };
    }

    private void write(JsonGenerator g, Schema schema, Object value) throws IOException {
        if (value == null) {
            if (schema.defaultValue() != null && replaceNullWithDefault) {
                write(g, schema, schema.defaultValue());
            } else if (schema.isOptional()) {
                g.writeNull();
            } else {
                throw new IllegalArgumentException("null for a required field");
            }
            return;
        }
        switch (schema.type()) {
            case INT8 -> g.writeNumber((Byte) value);
            case INT16 -> g.writeNumber((Short) value);
            case INT32 -> g.writeNumber((Integer) value);
            case INT64 -> g.writeNumber((Long) value);
            case FLOAT32 -> g.writeNumber((Float) value);
            case FLOAT64 -> g.writeNumber((Double) value);
            case BOOLEAN -> g.writeBoolean((Boolean) value);
            case STRING -> g.writeString(((CharSequence) value).toString());
            case BYTES -> g.writeBinary(value instanceof ByteBuffer b ? b.array() : (byte[]) value);
            case ARRAY -> {
                g.writeStartArray();
                for (Object element : (Collection<?>) value) {
                    write(g, schema.valueSchema(), element);
                }
                g.writeEndArray();
            }
            case MAP -> writeMap(g, schema, (Map<?, ?>) value);
            case STRUCT -> {
                Struct struct = (Struct) value;
                if (!struct.schema().equals(schema)) {
                    throw new IllegalArgumentException("mismatching schema");
                }
                g.writeStartObject();
                for (Field field : schema.fields()) {
                    g.writeFieldName(field.name());
                    write(g, field.schema(), valueWithoutDefault(struct, field));
                }
                g.writeEndObject();
            }
            default -> throw new IllegalArgumentException("unknown schema type " + schema.type());
        }
    }

    /**
     * The field's value as set, null included: by index when the field has no default (most fields), since
     * {@code getWithoutDefault(name)} looks the name up in a hash map for every field of every event.
     */
    private static Object valueWithoutDefault(Struct struct, Field field) {
        return field.schema().defaultValue() == null ? struct.get(field) : struct.getWithoutDefault(field.name());
    }

    /** String keys make an object; other keys an array of [key, value] pairs, as Connect's converter does. */
    private void writeMap(JsonGenerator g, Schema schema, Map<?, ?> map) throws IOException {
        if (schema.keySchema().type() == Schema.Type.STRING) {
            g.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                g.writeFieldName(((CharSequence) entry.getKey()).toString());
                write(g, schema.valueSchema(), entry.getValue());
            }
            g.writeEndObject();
            return;
        }
        g.writeStartArray();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            g.writeStartArray();
            write(g, schema.keySchema(), entry.getKey());
            write(g, schema.valueSchema(), entry.getValue());
            g.writeEndArray();
        }
        g.writeEndArray();
    }
}
