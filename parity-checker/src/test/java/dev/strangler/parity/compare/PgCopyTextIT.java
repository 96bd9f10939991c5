package dev.strangler.parity.compare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.sandbox.Sandbox;
import dev.strangler.sandbox.SandboxSql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * Every column's text read from a real server's COPY TO STDOUT is, byte for byte, what a text-format result set of
 * the same SELECT holds: for every ASCII control character and the other bytes COPY escapes, backslashes before
 * {@code N}, empty strings against NULL, multi-byte characters, and bytea and jsonb whose texts hold backslashes.
 */
class PgCopyTextIT {

    @Test
    void everyColumnsTextIsTheResultSetsText() throws Exception {
        SandboxSql db = SandboxSql.newDatabase(Sandbox.shared().postgres(), "copytext");
        List<String> values = new ArrayList<>();
        for (int c = 1; c < 128; c++) {
            values.add("<" + (char) c + ">");
        }
        values.addAll(List.of("", "\\N", "\\", "\\\\N", "N", "a\tb\nc\rd\\e", "\t", "\n", "héllo 🎉 \u00e9\u0301",
                "\\x41", "\\101", "trailing backslash \\"));
        StringBuilder all = new StringBuilder();
        for (int c = 1; c < 256; c++) {
            all.append((char) c);
        }
        values.add(all.toString());
        try (Connection c = Sandbox.shared().postgres().connect(db.database()); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE texts (id int PRIMARY KEY, t text, b bytea, j jsonb, n text)");
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO texts VALUES (?, ?, convert_to(?, 'UTF8') || '\\x00ff5c'::bytea, jsonb_build_object('v', ?::text), NULL)")) {
                for (int i = 0; i < values.size(); i++) {
                    insert.setInt(1, i);
                    insert.setString(2, values.get(i));
                    insert.setString(3, values.get(i));
                    insert.setString(4, values.get(i));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            String select = "SELECT id, t, b, j, n, '' AS e FROM texts ORDER BY id";
            List<List<String>> byResultSet = new ArrayList<>();
            try (ResultSet rs = st.executeQuery(select)) { // a simple query: every column in text format
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int column = 1; column <= 6; column++) {
                        row.add(shown(rs.getBytes(column) == null ? null : rs.getString(column).getBytes(
                                java.nio.charset.StandardCharsets.UTF_8)));
                    }
                    byResultSet.add(row);
                }
            }
            List<List<String>> byCopy = new ArrayList<>();
            CopyOut copy = c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (" + select + ") TO STDOUT");
            byte[] line;
            while ((line = copy.readFromCopy()) != null) {
                List<String> row = new ArrayList<>();
                for (byte[] text : PgCopyText.columns(line, 6)) {
                    row.add(shown(text));
                }
                byCopy.add(row);
            }
            assertThat(byResultSet).hasSize(values.size());
            assertThat(byCopy).isEqualTo(byResultSet);
        }
    }

    private static String shown(byte[] text) {
        return text == null ? "(null)" : java.util.HexFormat.of().formatHex(text);
    }
}
