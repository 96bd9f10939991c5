package dev.strangler.parity.compare;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.strangler.contract.EventEncoding;
import dev.strangler.contract.TableId;
import dev.strangler.parity.canonical.CanonicalValue;
import dev.strangler.parity.canonical.Canonicalizer;
import dev.strangler.parity.canonical.ColumnCatalog;
import dev.strangler.parity.canonical.ColumnType;
import dev.strangler.parity.canonical.RawForm;
import dev.strangler.parity.canonical.RawPlainText;
import dev.strangler.parity.canonical.RowDigests;
import dev.strangler.parity.stream.EnvelopeParser;
import java.io.IOException;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** {@link RowCodec}s built from the catalog and the {@link Canonicalizer}'s per-type rules. */
public final class CanonicalRowCodecs {

    private CanonicalRowCodecs() {
    }

    /** For topics written by Strangler's engine. */
    public static RowCodecFactory factory(String unavailablePlaceholder) {
        return factory(unavailablePlaceholder, EventEncoding.strangler());
    }

    public static RowCodecFactory factory(String unavailablePlaceholder, EventEncoding encoding) {
        Canonicalizer canonicalizer = new Canonicalizer(unavailablePlaceholder, encoding);
        return (c, table) -> {
            List<ColumnType> columns = ColumnCatalog.load(c, table.schema(), table.table());
            if (columns.isEmpty()) {
                throw new RowCodecFactory.NotCheckableException("table " + table + " does not exist "
                        + "(or has no columns) in this database: fix source.tables or --tables");
            }
            List<String> primaryKey = ColumnCatalog.primaryKey(c, table.schema(), table.table());
            if (primaryKey.isEmpty()) {
                throw new RowCodecFactory.NotCheckableException("table " + table + " has no primary "
                        + "key, so its events cannot be matched to rows by key; add a primary key to check it");
            }
            return new Codec(canonicalizer, columns, primaryKey);
        };
    }

    /** The codec {@link #factory} builds for a table with these columns and primary key (tests). */
    static RowCodec codec(Canonicalizer canonicalizer, List<ColumnType> columns, List<String> primaryKey) {
        return new Codec(canonicalizer, columns, primaryKey);
    }

    /** The mapper change events are read with (exact numbers), for the after-images' tokens. */
    private static final com.fasterxml.jackson.databind.ObjectMapper EVENTS = Canonicalizer.eventMapper();

    private static final class Codec implements RowCodec {
        private final Canonicalizer canonicalizer;
        private final List<ColumnType> columns;
        /** The per-column rules, each type looked up once. */
        private final Canonicalizer.Column[] rules;
        private final Map<String, Integer> indexByName = new HashMap<>();
        private final Canonicalizer.Column[] keyRules;
        private final List<String> names;
        private final List<ColumnType> keyColumns = new ArrayList<>();
        private final int[] keyIndexes;
        private final String selectList;
        /** The columns' names in UTF-8, for {@link RowCodecAfterImages}. */
        private final byte[][] nameBytes;
        /** Per column, which of its event values are compared with the table's raw text ({@link RawForm}). */
        private final RawForm[] rawForms;
        private final boolean anyRaw;
        private final byte[] placeholder;
        /** Per column, which of its event values spell their digest's plain text ({@link RawPlainText}). */
        private final RawPlainText[] plainTexts;
        private final PgTextColumns pgText = new PgTextColumns();

        Codec(Canonicalizer canonicalizer, List<ColumnType> columns, List<String> primaryKey) {
            this.canonicalizer = canonicalizer;
            this.columns = List.copyOf(columns);
            this.names = columns.stream().map(ColumnType::name).toList();
            this.rules = new Canonicalizer.Column[columns.size()];
            for (int i = 0; i < rules.length; i++) {
                rules[i] = canonicalizer.column(columns.get(i));
                indexByName.put(names.get(i), i);
            }
            this.keyIndexes = new int[primaryKey.size()];
            for (int i = 0; i < primaryKey.size(); i++) {
                int index = names.indexOf(primaryKey.get(i));
                keyIndexes[i] = index + 1;
                keyColumns.add(columns.get(index));
            }
            this.keyRules = new Canonicalizer.Column[keyIndexes.length];
            for (int i = 0; i < keyRules.length; i++) {
                keyRules[i] = rules[keyIndexes[i] - 1];
            }
            this.selectList = columns.stream().map(Canonicalizer::selectExpression).collect(Collectors.joining(", "));
            this.nameBytes = new byte[names.size()][];
            for (int i = 0; i < nameBytes.length; i++) {
                nameBytes[i] = names.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            this.rawForms = new RawForm[rules.length];
            boolean raw = false;
            for (int i = 0; i < rules.length; i++) {
                rawForms[i] = rules[i].rawForm();
                raw |= rawForms[i] != RawForm.NONE;
            }
            this.anyRaw = raw;
            this.placeholder = canonicalizer.unavailablePlaceholderUtf8();
            this.plainTexts = new RawPlainText[rules.length];
            for (int i = 0; i < rules.length; i++) {
                plainTexts[i] = rules[i].rawPlainText();
            }
        }

        @Override
        public List<String> columnNames() {
            return names;
        }

        @Override
        public List<ColumnType> columnTypes() {
            return columns;
        }

        @Override
        public List<ColumnType> keyColumnTypes() {
            return List.copyOf(keyColumns);
        }

        @Override
        public String selectList() {
            return selectList;
        }

        @Override
        public String key(JsonNode recordKey) {
            try {
                return canonicalizer.canonicalKey(recordKey, keyRules);
            } catch (IllegalArgumentException e) {
                throw new EnvelopeParser.MalformedEventException("record key does not carry the table's primary key "
                        + names(keyColumns) + ": " + e.getMessage());
            }
        }

        @Override
        public String key(dev.strangler.parity.stream.ChangeEvent event) {
            if (event.keyJson() != null && keyRules.length == 1) {
                String key = keyRules[0].integerKeyOfJson(event.keyJson());
                if (key != null) {
                    return key;
                }
            }
            return key(event.key());
        }

        @Override
        public String key(ResultSet rs) throws SQLException {
            if (keyRules.length == 1 && keyRules[0].hasIntegerKey()) {
                String key = keyRules[0].integerKey(pgText.read(rs, keyIndexes[0]));
                if (key != null) {
                    return key;
                }
            }
            return canonicalizer.canonicalKey(rs, keyIndexes, keyRules);
        }

        @Override
        public String key(byte[][] rowTexts) {
            if (keyRules.length == 1 && keyRules[0].hasIntegerKey()) {
                String key = keyRules[0].integerKey(rowTexts[keyIndexes[0] - 1]);
                if (key != null) {
                    return key;
                }
            }
            String[] texts = new String[keyRules.length];
            for (int i = 0; i < texts.length; i++) {
                byte[] text = rowTexts[keyIndexes[i] - 1];
                texts[i] = text == null ? null : PgTextColumns.decode(text);
            }
            return canonicalizer.canonicalKeyOfPgTexts(texts, keyRules);
        }

        @Override
        public byte[][] tableValues(byte[][] rowTexts) {
            byte[][] values = new byte[rules.length][];
            for (int i = 0; i < values.length; i++) {
                byte[] text = rowTexts[i];
                values[i] = rawForms[i] != RawForm.NONE ? text
                        : rules[i].fromPgText(text == null ? null : PgTextColumns.decode(text))
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            return values;
        }

        @Override
        public String[] tableRow(ResultSet rs) throws SQLException {
            String[] values = new String[rules.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = rules[i].fromJdbc(rs, i + 1);
            }
            return values;
        }

        @Override
        public byte[][] tableValues(ResultSet rs) throws SQLException {
            byte[][] values = new byte[rules.length][];
            for (int i = 0; i < values.length; i++) {
                values[i] = rawForms[i] != RawForm.NONE ? pgText.read(rs, i + 1)
                        : rules[i].fromJdbc(rs, i + 1).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            return values;
        }

        @Override
        public boolean isRaw(int column) {
            return rawForms[column] != RawForm.NONE;
        }

        @Override
        public String tableCanonical(int column, byte[] value) {
            if (rawForms[column] == RawForm.NONE) {
                return RowCodec.super.tableCanonical(column, value);
            }
            return rules[column].fromPgText(value == null ? null : PgTextColumns.decode(value));
        }

        /**
         * {@link #streamRow(byte[])}, a column whose event value is the table's text as it is left null. The TOAST
         * placeholder is never taken as equal: the event then carries no value, whatever the table holds.
         */
        @Override
        public CanonicalValue[] streamRow(byte[] afterJson, byte[][] tableValues) {
            if (!anyRaw) {
                return streamRow(afterJson);
            }
            byte[][] comparable = new byte[rules.length][];
            for (int i = 0; i < comparable.length; i++) {
                byte[] text = tableValues[i];
                if (rawForms[i] != RawForm.NONE && text != null && !java.util.Arrays.equals(text, placeholder)) {
                    comparable[i] = text;
                }
            }
            boolean[] same = new boolean[rules.length];
            JsonNode[] read = RowCodecAfterImages.read(afterJson, nameBytes, rawForms, comparable, same);
            if (read == null) {
                return streamRowByTokens(afterJson);
            }
            CanonicalValue[] values = new CanonicalValue[rules.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = same[i] ? null : rules[i].readJson(read[i]);
            }
            return values;
        }

        /**
         * {@link RowCodec#digest64}'s digest, its input built from the after-image's bytes: a column's value that
         * spells its plain text ({@link RawPlainText}) is copied (or cut) from them, JSON null is {@code N}, and only
         * the other values are canonicalised, each read on its own as the tree would hold it. An after-image the
         * span reader leaves, or a value Jackson does not read, goes the canonical way as a whole.
         */
        @Override
        public long digest64(byte[] afterJson, List<ColumnType> digestColumns, MessageDigest md5) {
            if (!digestColumns.equals(columns)) {
                return RowCodec.super.digest64(afterJson, digestColumns, md5);
            }
            int[] spans = new int[2 * rules.length];
            if (!RowCodecAfterImages.spans(afterJson, nameBytes, spans)) {
                return RowCodec.super.digest64(afterJson, digestColumns, md5);
            }
            RowDigests.Input input = new RowDigests.Input(afterJson.length + 8 * rules.length);
            for (int c = 0; c < rules.length; c++) {
                int from = spans[2 * c];
                int to = spans[2 * c + 1];
                if (from < 0) {
                    return UNSURE; // absent: the canonical way has no input either
                }
                if (afterJson[from] == 'n') {
                    input.appendNull(); // null, the grammar checked: SQL NULL in every column
                } else if (!plainTexts[c].append(afterJson, from, to, placeholder, input)) {
                    JsonNode node;
                    try {
                        node = EVENTS.readTree(afterJson, from, to - from);
                    } catch (IOException e) {
                        return RowCodec.super.digest64(afterJson, digestColumns, md5);
                    }
                    CanonicalValue value = rules[c].readJson(node);
                    if (!value.isValue()) {
                        return UNSURE;
                    }
                    input.appendCanonical(value.text(), columns.get(c));
                }
            }
            return input.digest64(md5);
        }

        @Override
        public CanonicalValue[] streamRow(JsonNode after) {
            CanonicalValue[] values = new CanonicalValue[rules.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = rules[i].readJson(after.get(names.get(i)));
            }
            return values;
        }

        /**
         * Reads the after-image by hand ({@link RowCodecAfterImages}), or else its tokens, instead of its tree: each
         * column's value becomes the node the tree would hold (scalars built here, anything else read by the same
         * mapper), a field named twice keeps its last value as in the tree, a column without a field is absent. Not
         * an object, or not JSON: the tree's reading.
         */
        @Override
        public CanonicalValue[] streamRow(byte[] afterJson) {
            JsonNode[] read = RowCodecAfterImages.read(afterJson, nameBytes);
            if (read == null) {
                return streamRowByTokens(afterJson);
            }
            CanonicalValue[] values = new CanonicalValue[rules.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = rules[i].readJson(read[i]);
            }
            return values;
        }

        /** {@link #streamRow(byte[])} from Jackson's tokens: every after-image {@link RowCodecAfterImages} leaves. */
        CanonicalValue[] streamRowByTokens(byte[] afterJson) {
            CanonicalValue[] values = new CanonicalValue[rules.length];
            try (JsonParser p = EVENTS.createParser(afterJson)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return RowCodec.super.streamRow(afterJson);
                }
                JsonToken t;
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    Integer index = indexByName.get(p.currentName());
                    JsonToken v = p.nextToken();
                    if (index == null) {
                        p.skipChildren();
                        continue;
                    }
                    JsonNode node = switch (v) {
                        case VALUE_STRING -> TextNode.valueOf(p.getText());
                        case VALUE_NULL -> NullNode.getInstance();
                        case VALUE_TRUE -> BooleanNode.TRUE;
                        case VALUE_FALSE -> BooleanNode.FALSE;
                        case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.INT
                                ? IntNode.valueOf(p.getIntValue())
                                : p.getNumberType() == JsonParser.NumberType.LONG ? LongNode.valueOf(p.getLongValue())
                                : p.readValueAsTree();
                        default -> p.readValueAsTree();
                    };
                    values[index] = rules[index].readJson(node);
                }
                if (t != JsonToken.END_OBJECT) {
                    return RowCodec.super.streamRow(afterJson);
                }
            } catch (IOException e) {
                return RowCodec.super.streamRow(afterJson); // says what the tree says
            }
            for (int i = 0; i < values.length; i++) {
                if (values[i] == null) {
                    values[i] = rules[i].readJson(null);
                }
            }
            return values;
        }

        private static List<String> names(List<ColumnType> columns) {
            return columns.stream().map(ColumnType::name).toList();
        }
    }
}
