package dev.strangler.parity.compare;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import org.postgresql.PGResultSetMetaData;
import org.postgresql.core.BaseConnection;

/**
 * Reads a column's value as PostgreSQL's text in UTF-8. PgJDBC holds a text-format column as the bytes the server
 * sent, and {@code getBytes} hands that buffer over without decoding it; {@code getString} decodes the same bytes.
 * So the bytes are taken as they are when the column came as text (not binary, which PgJDBC may ask for on a
 * statement it has prepared), is no bytea (whose {@code getBytes} decodes the escapes) and the connection speaks
 * UTF-8 (PgJDBC's default); otherwise {@code getString}'s UTF-8, the same text by a longer way. Checked once per
 * result set.
 */
final class PgTextColumns {

    /** Which result-set columns (from 1) are read as their bytes, for one result set. */
    private record Checked(ResultSet rs, boolean[] asBytes) {
    }

    private volatile Checked checked = new Checked(null, new boolean[0]);

    byte[] read(ResultSet rs, int columnIndex) throws SQLException {
        Checked c = checked;
        if (c.rs() != rs) {
            c = new Checked(rs, asBytes(rs));
            checked = c;
        }
        if (columnIndex < c.asBytes().length && c.asBytes()[columnIndex]) {
            return rs.getBytes(columnIndex);
        }
        String text = rs.getString(columnIndex);
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The text of bytes {@link #read} gave, decoded as {@code getString} would have: strictly, ill-formed UTF-8 is
     * an error there too.
     */
    static String decode(byte[] utf8) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(utf8)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException("a column's text from PostgreSQL is not UTF-8", e);
        }
    }

    private static boolean[] asBytes(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        boolean[] asBytes = new boolean[md.getColumnCount() + 1];
        if (!md.isWrapperFor(PGResultSetMetaData.class) || !speaksUtf8(rs)) {
            return asBytes;
        }
        PGResultSetMetaData pg = md.unwrap(PGResultSetMetaData.class);
        for (int column = 1; column < asBytes.length; column++) {
            int type = md.getColumnType(column);
            asBytes[column] = pg.getFormat(column) == 0 && type != Types.BINARY && type != Types.VARBINARY
                    && type != Types.LONGVARBINARY && type != Types.BLOB;
        }
        return asBytes;
    }

    private static boolean speaksUtf8(ResultSet rs) throws SQLException {
        if (rs.getStatement() == null || !rs.getStatement().getConnection().isWrapperFor(BaseConnection.class)) {
            return false;
        }
        String encoding = rs.getStatement().getConnection().unwrap(BaseConnection.class).getEncoding().name();
        return "UTF-8".equalsIgnoreCase(encoding) || "UTF8".equalsIgnoreCase(encoding);
    }
}
