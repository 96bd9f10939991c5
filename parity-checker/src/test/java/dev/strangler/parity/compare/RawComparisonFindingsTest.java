package dev.strangler.parity.compare;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.contract.TableId;
import dev.strangler.parity.canonical.CanonicalValue;
import dev.strangler.parity.canonical.Canonicalizer;
import dev.strangler.parity.canonical.ColumnType;
import dev.strangler.parity.model.FindingKind;
import dev.strangler.parity.model.Operation;
import dev.strangler.parity.model.TableResult;
import dev.strangler.parity.stream.ChangeEvent;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGResultSetMetaData;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.Encoding;

/**
 * A table of every type, whose events hold each value as Debezium writes it, in other spellings of the same value
 * (escapes, trailing zeros, key order, case), as other values, the TOAST placeholder, null or nothing: the
 * comparison that takes raw-equal values as equal finds exactly what the comparison canonicalising every value finds
 * (the same result, samples and differing keys), and the table's raw texts come from the driver's bytes.
 */
class RawComparisonFindingsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The types compared raw (timestamptz among them), and json (always canonicalised) beside them. */
    private static final List<ColumnType> COLUMNS = RawComparisonTest.COLUMNS.stream()
            .filter(c -> !c.isArray() && !List.of("money", "float8", "bool", "bytea").contains(c.typeName()))
            .toList();

    /**
     * {@link CanonicalRowCodecs}' codec with only the canonical reading: the comparison as it was. Its key is the
     * same integer column, so both comparisons hold keys as longs and tell extra keys in the same order.
     */
    private record CanonicalOnly(RowCodec codec) implements RowCodec {
        @Override
        public List<String> columnNames() {
            return codec.columnNames();
        }

        @Override
        public List<ColumnType> keyColumnTypes() {
            return codec.keyColumnTypes();
        }

        @Override
        public String selectList() {
            return codec.selectList();
        }

        @Override
        public String key(JsonNode recordKey) {
            return codec.key(recordKey);
        }

        @Override
        public String key(ResultSet rs) throws java.sql.SQLException {
            return codec.key(rs);
        }

        @Override
        public String[] tableRow(ResultSet rs) throws java.sql.SQLException {
            return codec.tableRow(rs);
        }

        @Override
        public CanonicalValue[] streamRow(JsonNode after) {
            return codec.streamRow(after);
        }

        @Override
        public CanonicalValue[] streamRow(byte[] afterJson) {
            return codec.streamRow(afterJson);
        }
    }

    @Test
    void findsWhatCanonicalisingEveryValueFinds(@TempDir Path dir) throws Exception {
        RowCodec raw = CanonicalRowCodecs.codec(new Canonicalizer(), COLUMNS, List.of("id"));
        Random random = new Random(3);
        List<String[]> rows = new ArrayList<>();
        List<ChangeEvent> events = new ArrayList<>();
        for (int id = 1; id <= 3000; id++) {
            String[] texts = new String[COLUMNS.size()];
            StringBuilder after = new StringBuilder("{\"id\":").append(id);
            texts[0] = Integer.toString(id);
            boolean exact = random.nextInt(3) == 0;
            for (int c = 1; c < COLUMNS.size(); c++) {
                List<String> choices = RawComparisonTest.tableTexts(COLUMNS.get(c), random);
                texts[c] = random.nextInt(10) == 0 ? null : choices.get(random.nextInt(choices.size()));
                if (!exact && random.nextInt(12) == 0) {
                    continue; // no field: absent
                }
                String value = texts[c] == null ? "null" : JSON.writeValueAsString(texts[c]);
                if (!exact && texts[c] != null && random.nextInt(3) == 0) {
                    List<String> others = RawComparisonTest.eventValues(COLUMNS.get(c), texts[c], random);
                    value = others.get(random.nextInt(others.size()));
                } else if (texts[c] != null && COLUMNS.get(c).typeName().equals("int4")) {
                    value = texts[c];
                } else if (texts[c] != null && COLUMNS.get(c).typeName().equals("timestamptz")) {
                    value = JSON.writeValueAsString(texts[c].replace(' ', 'T').replace("+00", "Z"));
                }
                after.append(",\"").append(COLUMNS.get(c).name()).append("\":").append(value);
            }
            if (id % 97 != 0) {
                rows.add(texts);
            }
            if (id % 89 != 0) {
                Operation op = id % 101 == 0 ? Operation.DELETE : Operation.READ;
                events.add(new ChangeEvent(JSON.readTree("{\"id\":" + id + "}"), op,
                        op == Operation.DELETE ? null : JSON.readTree(after.append('}').toString()), 1, id, true));
            }
        }
        events.add(new ChangeEvent(JSON.readTree("{\"id\":99999}"), Operation.READ,
                JSON.readTree("{\"id\":99999,\"t\":\"extra\"}"), 1, 99999, true));

        List<String> rawKeys = new ArrayList<>();
        List<String> canonicalKeys = new ArrayList<>();
        TableResult byRaw = compare(dir.resolve("raw"), raw, rows, events, rawKeys);
        TableResult byCanonical = compare(dir.resolve("canonical"), new CanonicalOnly(raw), rows, events,
                canonicalKeys);

        assertThat(byRaw).isEqualTo(byCanonical);
        assertThat(rawKeys).isEqualTo(canonicalKeys);
        assertThat(byRaw.count(FindingKind.CONTENT_DIFFERS)).isPositive();
        assertThat(byRaw.count(FindingKind.MISSING_IN_STREAM)).isPositive();
        assertThat(byRaw.count(FindingKind.EXTRA_IN_STREAM)).isPositive();
        assertThat(byRaw.count(FindingKind.NOT_COMPARABLE)).isPositive();
        assertThat(byRaw.rowsInTable() - byRaw.findings()).as("rows that match").isPositive();
    }

    private static TableResult compare(Path dir, RowCodec codec, List<String[]> rows, List<ChangeEvent> events,
                                       List<String> keys) throws Exception {
        java.nio.file.Files.createDirectories(dir);
        try (TableComparison c = new TableComparison(new TableId("shop", "every_type"), "p.shop.every_type", codec,
                tx -> true, 4, dir, 50).recordingKeys((table, kind, key, partition, offset) ->
                keys.add(kind + " " + key))) {
            for (ChangeEvent e : events) {
                c.acceptEvent(e);
            }
            for (String[] row : rows) {
                c.acceptRow(resultSet(row));
            }
            return c.finish(0, false);
        }
    }

    /**
     * One row as PgJDBC gives it: {@code getString} the text, {@code getBytes} its UTF-8, every column in text
     * format, on a UTF-8 connection.
     */
    private static ResultSet resultSet(String[] row) {
        Object connection = proxy(new Class<?>[] {BaseConnection.class}, (p, m, a) -> switch (m.getName()) {
            case "isWrapperFor" -> true;
            case "unwrap" -> p;
            case "getEncoding" -> Encoding.getJVMEncoding("UTF-8");
            default -> throw new UnsupportedOperationException(m.getName());
        });
        Object statement = proxy(new Class<?>[] {Statement.class}, (p, m, a) -> switch (m.getName()) {
            case "getConnection" -> connection;
            default -> throw new UnsupportedOperationException(m.getName());
        });
        Object metaData = proxy(new Class<?>[] {ResultSetMetaData.class, PGResultSetMetaData.class},
                (p, m, a) -> switch (m.getName()) {
                    case "isWrapperFor" -> true;
                    case "unwrap" -> p;
                    case "getColumnCount" -> row.length;
                    case "getColumnType" -> Types.VARCHAR;
                    case "getFormat" -> 0;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        return (ResultSet) proxy(new Class<?>[] {ResultSet.class}, (p, m, a) -> switch (m.getName()) {
            case "getString" -> row[(int) a[0] - 1];
            case "getBytes" -> row[(int) a[0] - 1] == null ? null
                    : row[(int) a[0] - 1].getBytes(StandardCharsets.UTF_8);
            case "getMetaData" -> metaData;
            case "getStatement" -> statement;
            default -> throw new UnsupportedOperationException(m.getName());
        });
    }

    private static Object proxy(Class<?>[] interfaces, java.lang.reflect.InvocationHandler handler) {
        return Proxy.newProxyInstance(RawComparisonFindingsTest.class.getClassLoader(), interfaces, handler);
    }
}
