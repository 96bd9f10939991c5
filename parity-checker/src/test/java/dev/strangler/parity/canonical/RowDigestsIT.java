package dev.strangler.parity.canonical;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.sandbox.Sandbox;
import dev.strangler.sandbox.SandboxSql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The row digest PostgreSQL computes equals the one the checker computes from the same row's canonical values, for
 * every value of every digested type (a real server; the canonical values read through JDBC, which
 * CanonicalizerPipelineIT proves equal to the events' ones); and the values whose two plain texts are known to
 * differ differ in their digests too, never the other way round.
 */
class RowDigestsIT {

    /** Values whose plain texts differ between PostgreSQL and the canonical form: their ranges are compared by row. */
    private static final List<Integer> KNOWN_DIFFERENT = List.of(90, 91, 92, 93, 94, 95);

    @Test
    void shouldComputeTheSameDigestInPostgresqlAndFromCanonicalValues() throws Exception {
        SandboxSql db = SandboxSql.newDatabase(Sandbox.shared().postgres(), "digests");
        try (Connection c = Sandbox.shared().postgres().connect(db.database()); Statement st = c.createStatement()) {
            st.execute("CREATE TYPE mood AS ENUM ('sad', 'ok')");
            st.execute("CREATE TABLE t (id int PRIMARY KEY, b boolean, i2 smallint, i8 bigint, n numeric(20,6), "
                    + "nf numeric, f4 real, f8 double precision, tx text, vc varchar(10), ch char(6), u uuid, "
                    + "d date, ts timestamp(6), tz timestamptz, j json, jb jsonb, by bytea, e mood, ip inet)");
            st.execute("INSERT INTO t VALUES "
                    + "(1, true, 1, 9223372036854775807, 1.500000, 12345678901234567890.123456789, 1.5, 0.1, "
                    + "'Zoë 😀 \"q\" \\ tab\t', 'x', 'ab', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '2000-02-29', "
                    + "'2024-03-01 12:34:56.789', '2024-03-01 12:34:56.000001+02', "
                    + "'{\"b\": 1, \"a\": [1, 2.5, \"x\\n\"], \"aa\": {\"z\": null, \"y\": true}}', "
                    + "'{\"long key\": \"é\", \"k\": -3, \"ctl\": \"\\u0001\"}', '\\xdeadbeef', 'ok', '10.0.0.1/8'),"
                    + "(2, false, -32768, -1, 0, 0.000, -1e-45, 1.7976931348623157e308, '', '', '', NULL, "
                    + "'infinity', '2024-03-01 00:00:00', '-infinity', '[]', '{}', '\\x', 'sad', '::1'),"
                    + "(3, NULL, NULL, NULL, NULL, 'NaN', 'NaN', '-Infinity', NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                    + "NULL, NULL, NULL, NULL, NULL),"
                    + "(4, true, 0, 0, -123.450000, 100, 3.4028235e38, 5e-324, 'N', 'V1:x', '      ', "
                    + "'00000000-0000-0000-0000-000000000000', '0001-01-01', '1999-12-31 23:59:59.999999', "
                    + "'1970-01-01 00:00:00+00', '\"plain\"', '[1, [2, {\"b\": 0}]]', "
                    + "decode(repeat('00ff', 100), 'hex'), 'ok', '2001:db8::/32'),"
                    // known to differ: BC date, year past 9999, a float's -0, a jsonb number with trailing zeros
                    + "(90, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '0044-03-15 BC', NULL, NULL, "
                    + "NULL, NULL, NULL, NULL, NULL),"
                    + "(91, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                    + "'10000-01-01 00:00:00', NULL, NULL, NULL, NULL, NULL, NULL),"
                    + "(92, NULL, NULL, NULL, NULL, NULL, NULL, '-0', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                    + "NULL, NULL, NULL),"
                    + "(93, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                    + "'{\"p\": 1.50}', NULL, NULL, NULL),"
                    // BC timestamps: PostgreSQL prints BC, the canonical form a negative ISO year
                    + "(94, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                    + "'0044-03-15 12:00:00.5 BC', NULL, NULL, NULL, NULL, NULL, NULL),"
                    + "(95, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                    + "'0044-03-15 12:00:00.5+00 BC', NULL, NULL, NULL, NULL, NULL)");
            // the plain texts of numeric and the timestamps: fractions with and without trailing zeros, none,
            // offsets, infinities, a year below 1000
            st.execute("INSERT INTO t (id, n, nf, ts, tz) VALUES "
                    + "(5, 0.000000, 100.00, '2024-03-01 12:34:56.000000', '2024-03-01 12:34:56.000000+00'),"
                    + "(6, -0.500000, -0.000, '2024-03-01 12:34:56.100000', '2024-03-01 12:34:56.100000+05:30'),"
                    + "(7, 10.000001, 0.10, '2024-03-01 12:34:56.123456', '2024-03-01 12:34:56.123456-08'),"
                    + "(8, 1, 1e20, 'infinity', 'infinity'),"
                    + "(9, NULL, NULL, '-infinity', '2024-03-01 00:00:00+00'),"
                    + "(10, NULL, NULL, '0044-03-15 12:00:00.5', '0044-03-15 12:00:00.5+00')");
        }
        try (Connection c = Sandbox.shared().postgres().connect(db.database())) {
            List<ColumnType> columns = ColumnCatalog.load(c, "public", "t");
            assertThat(RowDigests.unsupportedReason(columns, 17)).isEmpty();
            Canonicalizer canonicalizer = new Canonicalizer();
            StringBuilder select = new StringBuilder("SELECT ");
            for (ColumnType col : columns) {
                select.append(Canonicalizer.selectExpression(col)).append(", ");
            }
            select.append("ri.input, rd.digest FROM t JOIN (").append(RowDigests.inputsSql(columns, "id", "t"))
                    .append(") AS ri ON ri.carried = t.id JOIN (").append(RowDigests.digestsSql(columns, "id", "t"))
                    .append(") AS rd ON rd.carried = t.id ORDER BY t.id");
            Map<Integer, String> mismatches = new LinkedHashMap<>();
            int rows = 0;
            try (PreparedStatement ps = c.prepareStatement(select.toString()); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    List<String> canonical = new ArrayList<>();
                    for (int i = 0; i < columns.size(); i++) {
                        canonical.add(canonicalizer.fromJdbc(rs, i + 1, columns.get(i)));
                    }
                    String javaInput = RowDigests.digestInput(columns, canonical);
                    String pgInput = rs.getString(columns.size() + 1);
                    boolean same = javaInput.equals(pgInput);
                    assertThat(RowDigests.digest64(javaInput, RowDigests.md5()) == rs.getLong(columns.size() + 2))
                            .as("the 64-bit digest follows the inputs for row %s", rs.getInt(1)).isEqualTo(same);
                    if (!same) {
                        mismatches.put(rs.getInt(1), "java " + javaInput + "\n  pg   " + pgInput);
                    }
                }
            }
            assertThat(rows).isEqualTo(16);
            assertThat(mismatches.keySet()).as(String.join("\n", mismatches.values()))
                    .containsExactlyElementsOf(KNOWN_DIFFERENT);
        }
    }

    @Test
    void shouldPrintBcTimestampsApartFromTheSameDigitsAd() throws Exception {
        SandboxSql db = SandboxSql.newDatabase(Sandbox.shared().postgres(), "digests_bc");
        try (Connection c = Sandbox.shared().postgres().connect(db.database()); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE u (id int PRIMARY KEY, ts timestamp, tz timestamptz)");
            st.execute("INSERT INTO u VALUES (1, '0044-03-15 12:00:00.5 BC', '0044-03-15 12:00:00.5+00 BC'), "
                    + "(2, '0044-03-15 12:00:00.5', '0044-03-15 12:00:00.5+00')");
            List<ColumnType> columns = ColumnCatalog.load(c, "public", "u");
            List<String> inputs = new ArrayList<>();
            try (ResultSet rs = st.executeQuery(RowDigests.inputsSql(columns.subList(1, 3), "id", "u")
                    + " ORDER BY carried")) {
                while (rs.next()) {
                    inputs.add(rs.getString("input"));
                }
            }
            // to_char's YYYY printed both as 0044: equal digests for different values
            assertThat(inputs).hasSize(2).doesNotHaveDuplicates();
            assertThat(inputs.get(1)).isEqualTo("V21:0044-03-15T12:00:00.5V22:0044-03-15T12:00:00.5Z");
        }
    }
}
