package dev.strangler.parity.compare;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.contract.EventEncoding;
import dev.strangler.contract.TableId;
import dev.strangler.parity.canonical.CanonicalValue;
import dev.strangler.parity.canonical.Canonicalizer;
import dev.strangler.parity.canonical.ColumnCatalog;
import dev.strangler.parity.canonical.ColumnType;
import dev.strangler.parity.stream.EnvelopeParser;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
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

    private static final class Codec implements RowCodec {
        private final Canonicalizer canonicalizer;
        private final List<ColumnType> columns;
        private final List<String> names;
        private final List<ColumnType> keyColumns = new ArrayList<>();
        private final int[] keyIndexes;
        private final String selectList;

        Codec(Canonicalizer canonicalizer, List<ColumnType> columns, List<String> primaryKey) {
            this.canonicalizer = canonicalizer;
            this.columns = List.copyOf(columns);
            this.names = columns.stream().map(ColumnType::name).toList();
            this.keyIndexes = new int[primaryKey.size()];
            for (int i = 0; i < primaryKey.size(); i++) {
                int index = names.indexOf(primaryKey.get(i));
                keyIndexes[i] = index + 1;
                keyColumns.add(columns.get(index));
            }
            this.selectList = columns.stream().map(Canonicalizer::selectExpression).collect(Collectors.joining(", "));
        }

        @Override
        public List<String> columnNames() {
            return names;
        }

        @Override
        public String selectList() {
            return selectList;
        }

        @Override
        public String key(JsonNode recordKey) {
            try {
                return canonicalizer.canonicalKey(recordKey, keyColumns);
            } catch (IllegalArgumentException e) {
                throw new EnvelopeParser.MalformedEventException("record key does not carry the table's primary key "
                        + names(keyColumns) + ": " + e.getMessage());
            }
        }

        @Override
        public String key(ResultSet rs) throws SQLException {
            return canonicalizer.canonicalKey(rs, keyIndexes, keyColumns);
        }

        @Override
        public String[] tableRow(ResultSet rs) throws SQLException {
            String[] values = new String[columns.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = canonicalizer.fromJdbc(rs, i + 1, columns.get(i));
            }
            return values;
        }

        @Override
        public CanonicalValue[] streamRow(JsonNode after) {
            CanonicalValue[] values = new CanonicalValue[columns.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = canonicalizer.readJson(after.get(names.get(i)), columns.get(i));
            }
            return values;
        }

        private static List<String> names(List<ColumnType> columns) {
            return columns.stream().map(ColumnType::name).toList();
        }
    }
}
