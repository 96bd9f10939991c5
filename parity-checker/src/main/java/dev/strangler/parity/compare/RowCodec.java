package dev.strangler.parity.compare;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.parity.canonical.CanonicalValue;
import dev.strangler.parity.canonical.ColumnType;
import dev.strangler.parity.canonical.RawForm;
import dev.strangler.parity.canonical.RowDigests;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one table's rows and keys, from JDBC and from change-event JSON, into canonical values that are equal exactly
 * when the values are equal. Built per table from its column types.
 */
public interface RowCodec {

    List<String> columnNames();

    /**
     * The columns' types, in {@link #columnNames()} order, for the in-database comparison's row digests; empty when
     * the codec does not know them (then the table is always scanned).
     */
    default List<dev.strangler.parity.canonical.ColumnType> columnTypes() {
        return List.of();
    }

    /** The primary key's columns' types, in key order; empty when unknown (then the table is always scanned). */
    default List<dev.strangler.parity.canonical.ColumnType> keyColumnTypes() {
        return List.of();
    }

    /** The SELECT list that {@link #tableRow(ResultSet)} and {@link #key(ResultSet)} read, in order. */
    String selectList();

    String key(JsonNode recordKey);

    /** {@link #key(JsonNode)} of an event's record key, which a codec may build from the key's bytes. */
    default String key(dev.strangler.parity.stream.ChangeEvent event) {
        return key(event.key());
    }

    String key(ResultSet rs) throws SQLException;

    /**
     * The current row's canonical texts in column order. The table always has a value (SQL NULL has a canonical text
     * of its own, equal on both sides), so the row is plain texts, with no object per column; {@link #tableValues}
     * spills them, or PostgreSQL's text for the columns compared raw.
     */
    String[] tableRow(ResultSet rs) throws SQLException;

    /**
     * The current row as the comparison spills it: per column the UTF-8 of its {@link #tableRow} text, or for a
     * column {@link #isRaw} PostgreSQL's own text of the value (null for SQL NULL), not canonicalised yet. This one
     * canonicalises every column.
     */
    default byte[][] tableValues(ResultSet rs) throws SQLException {
        String[] texts = tableRow(rs);
        byte[][] values = new byte[texts.length][];
        for (int i = 0; i < texts.length; i++) {
            values[i] = texts[i] == null ? null : texts[i].getBytes(StandardCharsets.UTF_8);
        }
        return values;
    }

    /**
     * {@link #key(ResultSet)} of a row given as its columns' PostgreSQL texts in {@link #selectList} order (UTF-8, null
     * for SQL NULL), as a {@code COPY ... TO STDOUT} of the same SELECT prints it ({@link PgCopyText}). Codecs that
     * scan a table implement it.
     */
    default String key(byte[][] rowTexts) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " reads rows from a result set only");
    }

    /** {@link #tableValues(ResultSet)} of a row given as {@link #key(byte[][])} takes it. */
    default byte[][] tableValues(byte[][] rowTexts) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " reads rows from a result set only");
    }

    /** Whether {@link #tableValues} gives column {@code column}'s value as PostgreSQL's text. */
    default boolean isRaw(int column) {
        return false;
    }

    /** The canonical text of column {@code column}'s value as {@link #tableValues} gave it (null as it gave it). */
    default String tableCanonical(int column, byte[] value) {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /**
     * {@link #streamRow(byte[])}, compared with the table's row as {@link #tableValues} gave it: a column whose
     * event value is the table's raw text in a form that proves them equal ({@link RawForm}) is null, equal and not
     * canonicalised. This one canonicalises every column.
     */
    default CanonicalValue[] streamRow(byte[] afterJson, byte[][] tableValues) {
        return streamRow(afterJson);
    }

    /**
     * An event's after-image in column order: per column a canonical value, or why the event shows none
     * ({@link CanonicalValue.Kind#ABSENT}, {@link CanonicalValue.Kind#UNAVAILABLE} or
     * {@link CanonicalValue.Kind#UNREADABLE} with the reason).
     */
    CanonicalValue[] streamRow(JsonNode after);

    /** What {@link #digest64} gives for an after-image whose row has no digest: compare its bucket row by row. */
    long UNSURE = Long.MIN_VALUE;

    /**
     * The in-database comparison's 64-bit digest ({@link RowDigests#digest64}) of an after-image's row over
     * {@code columns} (the codec's {@link #columnTypes()}), or {@link #UNSURE} when a column shows no value (absent,
     * the TOAST placeholder, unreadable): the digest of {@link RowDigests#digestInput} of {@link #streamRow(byte[])}'s
     * canonical texts. A codec may build the same input more directly. A row whose digest happens to be
     * {@link #UNSURE} is taken as unsure too, which costs its bucket a row-by-row compare and nothing else.
     *
     * @param md5 a MessageDigest for MD5 ({@link RowDigests#md5()}), one per thread
     */
    default long digest64(byte[] afterJson, List<ColumnType> columns, MessageDigest md5) {
        CanonicalValue[] values = streamRow(afterJson);
        if (values.length != columns.size()) {
            return UNSURE;
        }
        List<String> texts = new ArrayList<>(values.length);
        for (CanonicalValue v : values) {
            texts.add(v.isValue() ? v.text() : null);
        }
        String input = RowDigests.digestInput(columns, texts);
        return input == null ? UNSURE : RowDigests.digest64(input, md5);
    }

    /**
     * {@link #streamRow(JsonNode)} of an after-image given as its JSON bytes (what the comparison spills). This one
     * reads the tree; a codec may read the bytes more directly, with the same result.
     */
    default CanonicalValue[] streamRow(byte[] afterJson) {
        try {
            return streamRow(TableComparison.JSON.readTree(afterJson));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("a spilled after-image is not JSON", e);
        }
    }
}
