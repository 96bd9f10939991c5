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
    private static final List<Integer> KNOWN_DIFFERENT = List.of(90, 91, 92, 93);

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
                    + "'{\"p\": 1.50}', NULL, NULL, NULL)");
        }
        try (Connection c = Sandbox.shared().postgres().connect(db.database())) {
            List<ColumnType> columns = ColumnCatalog.load(c, "public", "t");
            assertThat(RowDigests.unsupportedReason(columns, 17)).isEmpty();
            String input = RowDigests.digestInputSql(columns);
            List<String> halves = RowDigests.halvesSql(input);
            Canonicalizer canonicalizer = new Canonicalizer();
            StringBuilder select = new StringBuilder("SELECT ");
            for (ColumnType col : columns) {
                select.append(Canonicalizer.selectExpression(col)).append(", ");
            }
            select.append(input).append(", ").append(halves.get(0)).append(", ").append(halves.get(1))
                    .append(", ").append(RowDigests.digest64Sql(input)).append(" FROM t ORDER BY id");
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
                    long[] javaHalves = RowDigests.halves(javaInput);
                    boolean same = javaInput.equals(pgInput);
                    assertThat(javaHalves[0] == rs.getLong(columns.size() + 2)
                            && javaHalves[1] == rs.getLong(columns.size() + 3))
                            .as("the digest halves follow the inputs for row %s", rs.getInt(1)).isEqualTo(same);
                    assertThat(RowDigests.digest64(javaInput, RowDigests.md5()) == rs.getLong(columns.size() + 4))
                            .as("the 64-bit digest follows the inputs for row %s", rs.getInt(1)).isEqualTo(same);
                    if (!same) {
                        mismatches.put(rs.getInt(1), "java " + javaInput + "\n  pg   " + pgInput);
                    }
                }
            }
            assertThat(rows).isEqualTo(8);
            assertThat(mismatches.keySet()).as(String.join("\n", mismatches.values()))
                    .containsExactlyElementsOf(KNOWN_DIFFERENT);
        }
    }
}
