package dev.strangler.parity.canonical;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
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

    /**
     * The canonical text of a JSON document, written while its tokens are read (no tree): each object's members are
     * collected as (name, canonical text) and sorted, the last of a name twice kept, as the tree keeps it. The same
     * text as {@link #canonicalByTree} for every document (JsonDocsFastPathTest compares them); a document nested
     * deeper than {@value #STREAMED_DEPTH} levels or that is not JSON is left to the tree (which then words the
     * error).
     */
    static String canonical(String document) {
        String strict = StrictJson.canonical(document);
        return strict != null ? strict : canonicalByTokens(document);
    }

    /** {@link #canonical(String)} of a JSON column: the canonical document as one JSON string. */
    static String canonicalQuoted(String document) {
        String strict = StrictJson.canonicalQuoted(document);
        return strict != null ? strict : quote(canonicalByTokens(document));
    }

    /** {@link #canonical(String)} written from the parser's tokens: every document {@link StrictJson} leaves. */
    static String canonicalByTokens(String document) {
        try (JsonParser p = MAPPER.getFactory().createParser(document)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return "null"; // no value at all: the tree's missing node
            }
            StringBuilder sb = new StringBuilder(document.length());
            writeValue(p, t, sb, 0);
            return sb.toString();
        } catch (TooDeep | JsonProcessingException e) {
            // too deep to write by recursion, or broken: the tree's reading, which also words the error its way
            return canonicalByTree(document);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // reading a String: never happens
        }
    }

    /** {@link #canonical(String)} through the document's tree: the rule the streamed writing follows. */
    static String canonicalByTree(String document) {
        try {
            return canonical(MAPPER.readTree(document));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON document: " + e.getOriginalMessage());
        }
    }

    private static final int STREAMED_DEPTH = 200;

    /** A document nested too deeply to write by recursion. */
    private static final class TooDeep extends RuntimeException {
        TooDeep() {
            super(null, null, false, false);
        }
    }

    /** Writes the value whose first token {@code t} the parser is at, leaving it at the value's last token. */
    private static void writeValue(JsonParser p, JsonToken t, StringBuilder sb, int depth) throws java.io.IOException {
        switch (t) {
            case START_OBJECT -> {
                if (depth >= STREAMED_DEPTH) {
                    throw new TooDeep();
                }
                List<String> names = new ArrayList<>();
                List<String> values = new ArrayList<>();
                java.util.Map<String, Integer> index = null; // for a large object, instead of looking through names
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    StringBuilder value = new StringBuilder();
                    writeValue(p, p.nextToken(), value, depth + 1);
                    if (index == null && names.size() >= 16) {
                        index = new java.util.HashMap<>();
                        for (int i = 0; i < names.size(); i++) {
                            index.put(names.get(i), i);
                        }
                    }
                    int known = index != null ? index.getOrDefault(name, -1) : names.indexOf(name);
                    if (index != null && known < 0) {
                        index.put(name, names.size());
                    }
                    if (known >= 0) {
                        values.set(known, value.toString()); // a name twice: the last value, as in the tree
                    } else {
                        names.add(name);
                        values.add(value.toString());
                    }
                }
                Integer[] order = new Integer[names.size()];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                java.util.Arrays.sort(order, (a, b) -> names.get(a).compareTo(names.get(b)));
                sb.append('{');
                for (int i = 0; i < order.length; i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    sb.append(quote(names.get(order[i]))).append(':').append(values.get(order[i]));
                }
                sb.append('}');
            }
            case START_ARRAY -> {
                if (depth >= STREAMED_DEPTH) {
                    throw new TooDeep();
                }
                sb.append('[');
                JsonToken item = p.nextToken();
                for (int i = 0; item != JsonToken.END_ARRAY; i++, item = p.nextToken()) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    writeValue(p, item, sb, depth + 1);
                }
                sb.append(']');
            }
            case VALUE_STRING -> sb.append(quote(p.getText()));
            case VALUE_NUMBER_INT -> {
                if (p.getNumberType() == JsonParser.NumberType.INT || p.getNumberType() == JsonParser.NumberType.LONG) {
                    long v = p.getLongValue();
                    sb.append(v); // number(BigDecimal.valueOf(v)) writes exactly this, 0 included
                } else {
                    sb.append(number(p.getDecimalValue()));
                }
            }
            case VALUE_NUMBER_FLOAT -> sb.append(number(p.getDecimalValue()));
            case VALUE_TRUE -> sb.append("true");
            case VALUE_FALSE -> sb.append("false");
            case VALUE_NULL -> sb.append("null");
            default -> throw new IllegalStateException("unexpected JSON token " + t); // never from parsing text
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

    /**
     * A JSON string literal, escaped exactly as Jackson's {@link JsonStringEncoder} escapes (only {@code "}, {@code \}
     * and the control characters below U+0020: {@code \b \t \n \f \r} by name, the others as a numeric escape with
     * two upper-case hex digits), without its per-call buffers; JsonDocsFastPathTest compares both for every char.
     */
    static String quote(String s) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                break;
            }
            i++;
        }
        if (i == n) {
            return '"' + s + '"';
        }
        StringBuilder sb = new StringBuilder(n + 2 + escapedLength(s, i));
        sb.append('"').append(s, 0, i);
        appendEscaped(sb, s, i);
        return sb.append('"').toString();
    }

    /** How many more characters than {@code s} has from {@code from} on its escapes take. */
    private static int escapedLength(CharSequence s, int from) {
        int extra = 0;
        for (int i = from, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\' || c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r') {
                extra++;
            } else if (c < 0x20) {
                extra += 5;
            }
        }
        return extra;
    }

    private static void appendEscaped(StringBuilder sb, CharSequence s, int from) {
        int n = s.length();
        int i = from;
        while (i < n) {
            int plain = i;
            while (i < n) {
                char c = s.charAt(i);
                if (c < 0x20 || c == '"' || c == '\\') {
                    break;
                }
                i++;
            }
            sb.append(s, plain, i);
            if (i == n) {
                return;
            }
            char c = s.charAt(i++);
            sb.append('\\');
            switch (c) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '\b' -> sb.append('b');
                case '\t' -> sb.append('t');
                case '\n' -> sb.append('n');
                case '\f' -> sb.append('f');
                case '\r' -> sb.append('r');
                default -> sb.append("u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** {@link #quote} as Jackson writes it: the rule {@code quote} follows. */
    static String quoteByJackson(String s) {
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
