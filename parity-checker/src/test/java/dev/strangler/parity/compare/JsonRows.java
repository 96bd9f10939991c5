package dev.strangler.parity.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.parity.canonical.CanonicalValue;
import dev.strangler.parity.canonical.ColumnType;
import java.sql.ResultSet;
import java.util.List;

/**
 * A real codec of a table keyed by one integer column, with the table's rows given as JSON objects (canonicalised as
 * events are) instead of a ResultSet. A record key or row with a {@code raw} member has that text as its key, as it
 * is: a key the canonical rules would not give.
 */
final class JsonRows implements RowCodec {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final RowCodec real;
    private final String keyColumn;
    /** The row {@link #key(ResultSet)} and {@link #tableRow} read. */
    JsonNode current;

    JsonRows(RowCodec real) {
        this.real = real;
        this.keyColumn = real.keyColumnTypes().get(0).name();
    }

    @Override
    public List<String> columnNames() {
        return real.columnNames();
    }

    @Override
    public List<ColumnType> columnTypes() {
        return real.columnTypes();
    }

    @Override
    public List<ColumnType> keyColumnTypes() {
        return real.keyColumnTypes();
    }

    @Override
    public String selectList() {
        return real.selectList();
    }

    @Override
    public String key(JsonNode recordKey) {
        return recordKey.has("raw") ? recordKey.get("raw").asText() : real.key(recordKey);
    }

    @Override
    public String key(ResultSet rs) {
        return current.has("raw") ? current.get("raw").asText()
                : real.key(JSON.createObjectNode().put(keyColumn, current.path(keyColumn).asLong()));
    }

    @Override
    public String[] tableRow(ResultSet rs) {
        CanonicalValue[] values = real.streamRow(current);
        String[] texts = new String[values.length];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = values[i].value();
        }
        return texts;
    }

    @Override
    public CanonicalValue[] streamRow(JsonNode after) {
        return real.streamRow(after);
    }

    /** The real codec's digest, from the after-image's bytes where it can: what the DIGEST pass runs. */
    @Override
    public long digest64(byte[] afterJson, List<ColumnType> columns, java.security.MessageDigest md5) {
        return real.digest64(afterJson, columns, md5);
    }
}
