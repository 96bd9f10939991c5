package dev.strangler.parity.repair;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.contract.SqlIdentifier;
import dev.strangler.contract.TableId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A WHERE condition that selects exactly some keys of a table: {@code ("id") IN (('7'),('9'))}, or for a composite
 * key {@code ("a","b") IN (('1','x'),('2','y'))}. Each value is a quoted literal of the key's canonical text, which
 * PostgreSQL reads as the column's own type, so the primary key's index serves the lookup.
 */
public final class KeyFilter {

    /**
     * Key types whose canonical text PostgreSQL reads back as the same value. Others (bytea in base64, json, bit
     * strings, ranges, arrays...) are canonicalised into a form a literal would not match.
     */
    private static final Set<String> READABLE_TYPES = Set.of("smallint", "integer", "bigint", "numeric", "text",
            "character varying", "character", "uuid", "date", "timestamp without time zone",
            "timestamp with time zone", "boolean", "real", "double precision");

    private KeyFilter() {
    }

    /**
     * Why the keys of a table with these key columns cannot be selected by literal, or empty when they can.
     *
     * @param keyTypes the primary key's columns with their types as format_type prints them, in key order
     */
    public static Optional<String> unreadableReason(TableId table, Map<String, String> keyTypes) {
        if (keyTypes.isEmpty()) {
            return Optional.of(table + " has no primary key");
        }
        for (var e : keyTypes.entrySet()) {
            String base = e.getValue().replaceAll("\\(.*\\)", "").trim();
            if (!READABLE_TYPES.contains(base)) {
                return Optional.of("key column " + e.getKey() + " of " + table + " is " + e.getValue()
                        + ", whose values a repair cannot select by literal");
            }
        }
        return Optional.empty();
    }

    /** The condition selecting {@code keys} (canonical key objects, their fields in key order). */
    public static String of(List<JsonNode> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no keys");
        }
        List<String> columns = new ArrayList<>();
        keys.get(0).fieldNames().forEachRemaining(columns::add);
        StringBuilder sql = new StringBuilder("(");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 ? "" : ",").append(SqlIdentifier.quote(columns.get(i)));
        }
        sql.append(") IN (");
        boolean first = true;
        for (JsonNode key : keys) {
            sql.append(first ? "(" : ",(");
            first = false;
            Iterator<String> names = key.fieldNames();
            for (int i = 0; i < columns.size(); i++) {
                if (!names.hasNext() || !names.next().equals(columns.get(i))) {
                    throw new IllegalArgumentException("key " + key + " does not have the columns " + columns);
                }
                sql.append(i == 0 ? "" : ",").append(literal(key.get(columns.get(i))));
            }
            sql.append(')');
        }
        return sql.append(')').toString();
    }

    private static String literal(JsonNode value) {
        if (value == null || value.isNull() || value.isContainerNode()) {
            throw new IllegalArgumentException("key value " + value + " is not a scalar");
        }
        String text = value.isTextual() ? value.textValue()
                : value.isNumber() && value.isFloatingPointNumber() ? value.decimalValue().toPlainString() : value.asText();
        return "'" + text.replace("'", "''") + "'";
    }
}
