package dev.strangler.parity.canonical;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Canonical JSON text: object keys sorted (by UTF-16 code units, i.e. {@link String#compareTo}), no whitespace,
 * numbers by value (trailing fractional zeros removed: {@code 1.50} is {@code 1.5}, {@code 1e2} is {@code 100}),
 * strings escaped the one way Jackson escapes them. A duplicate key keeps its last value (what jsonb stores; json
 * keeps both texts, so two json documents differing only in a shadowed duplicate compare equal).
 */
final class JsonDocs {

    /** Exact numbers, no size limits beyond PostgreSQL's own (a jsonb value can be up to 255 MB). */
    static final JsonMapper MAPPER = newMapper();

    /** Exact numbers (BigDecimal for every non-integer) and no size limits below PostgreSQL's own. */
    static JsonMapper newMapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNumberLength(Integer.MAX_VALUE)
                        .maxStringLength(Integer.MAX_VALUE)
                        .maxNestingDepth(100_000)
                        .build())
                .build();
        return JsonMapper.builder(factory).enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    }

    private JsonDocs() {
    }

    static String canonical(String document) {
        try {
            return canonical(MAPPER.readTree(document));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON document: " + e.getOriginalMessage());
        }
    }

    static String canonical(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        write(node, sb);
        return sb.toString();
    }

    /** hstore as a JSON object with sorted keys and string-or-null values. */
    static String hstore(Map<String, String> map) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append(quote(e.getKey())).append(':').append(e.getValue() == null ? "null" : quote(e.getValue()));
        }
        return sb.append('}').toString();
    }

    /** hstore from Debezium's {@code hstore.handling.mode=json} string (or an object node). */
    static String hstore(JsonNode node) {
        JsonNode object = node;
        if (node.isTextual()) {
            try {
                object = MAPPER.readTree(node.textValue());
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("not an hstore JSON object: " + e.getOriginalMessage());
            }
        }
        if (!object.isObject()) {
            throw new IllegalArgumentException("not an hstore JSON object: " + node);
        }
        Map<String, String> map = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            map.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText());
        }
        return hstore(map);
    }

    static String quote(String s) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
    }

    static String number(BigDecimal value) {
        if (value.signum() == 0) {
            return "0";
        }
        BigDecimal v = value.stripTrailingZeros();
        // plain notation unless that would spell out more than 100 zeros
        if (v.scale() >= -100 && v.scale() - v.precision() <= 100) {
            return v.toPlainString();
        }
        return v.toString();
    }

    private static void write(JsonNode node, StringBuilder sb) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                List<String> keys = new ArrayList<>();
                node.fieldNames().forEachRemaining(keys::add);
                Collections.sort(keys);
                sb.append('{');
                for (int i = 0; i < keys.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    sb.append(quote(keys.get(i))).append(':');
                    write(node.get(keys.get(i)), sb);
                }
                sb.append('}');
            }
            case ARRAY -> {
                sb.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    write(node.get(i), sb);
                }
                sb.append(']');
            }
            case STRING -> sb.append(quote(node.textValue()));
            case NUMBER -> sb.append(number(node.decimalValue()));
            case BOOLEAN -> sb.append(node.booleanValue());
            case NULL, MISSING -> sb.append("null");
            default -> sb.append(quote(node.asText())); // BINARY, POJO: never produced by parsing
        }
    }
}
