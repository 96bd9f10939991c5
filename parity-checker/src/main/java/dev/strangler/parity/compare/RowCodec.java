package dev.strangler.parity.compare;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Turns one table's rows and keys, from JDBC and from change-event JSON, into canonical text that is equal exactly
 * when the values are equal. Built per table from its column types.
 */
public interface RowCodec {

    /** Marks a stream column whose value Debezium could not read (the TOAST placeholder). Compared by identity. */
    String UNAVAILABLE = new String("\u0000unavailable");

    /**
     * The stream value of a column the canonical rules cannot read (another connector's encoding, a corrupted
     * value): never equal to a canonical text, which is always JSON, so the column is reported as differing, with
     * the reason in place of the value.
     */
    static String unreadable(String reason) {
        return "(unreadable: " + reason + ")";
    }

    List<String> columnNames();

    /** The SELECT list that {@link #row(ResultSet)} and {@link #key(ResultSet)} read, in order. */
    String selectList();

    String key(JsonNode recordKey);

    String key(ResultSet rs) throws SQLException;

    /** Canonical values in column order (SQL NULL has a canonical form of its own, equal on both sides). */
    String[] row(ResultSet rs) throws SQLException;

    /**
     * Canonical values in column order; {@link #UNAVAILABLE} for the TOAST placeholder or a column the event does
     * not carry; {@link #unreadable} for a value that cannot be read.
     */
    String[] row(JsonNode after);
}
