package dev.strangler.cli.dba;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strangler.engine.doctor.SqlScripts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PsqlScriptTest {

    private static List<String> sql(String text, Map<String, String> vars) {
        return PsqlScript.parse(text, vars).stream().map(PsqlScript.Command::sql).toList();
    }

    @Test
    void substitutesTheThreeFormsOfVariable() {
        assertThat(sql("ALTER ROLE :\"role\" PASSWORD :'pw'; ALTER TABLE :t REPLICA IDENTITY FULL;",
                Map.of("role", "Strangler\"x", "pw", "it's", "t", "shop.orders")))
                .containsExactly("ALTER ROLE \"Strangler\"\"x\" PASSWORD 'it''s';",
                        "ALTER TABLE shop.orders REPLICA IDENTITY FULL;");
    }

    @Test
    void quotesABackslashLiteralAsAnEscapeString() {
        assertThat(PsqlScript.literal("a\\b'c")).isEqualTo("E'a\\\\b''c'");
        assertThat(PsqlScript.literal("plain")).isEqualTo("'plain'");
    }

    @Test
    void leavesCastsQuotesCommentsAndDollarQuotesAlone() {
        String text = """
                -- a comment with :role and ; inside
                SELECT 'text :role;', "col:role", x::int, $$ body :role; $$, $tag$ :role; $tag$ /* :role; /* nested */ */ ;
                """;
        assertThat(sql(text, Map.of("role", "r"))).containsExactly(
                "-- a comment with :role and ; inside\nSELECT 'text :role;', \"col:role\", x::int, $$ body :role; $$, "
                        + "$tag$ :role; $tag$ /* :role; /* nested */ */ ;");
    }

    @Test
    void doesNotSplitInsideParenthesesOrEscapeStrings() {
        assertThat(sql("CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));"
                + " SELECT E'it\\'s;';", Map.of()))
                .containsExactly("CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b "
                        + "VALUES (2));", "SELECT E'it\\'s;';");
    }

    @Test
    void endsACommandAtGexecAndReportsItsLine() {
        List<PsqlScript.Command> commands = PsqlScript.parse("""
                \\set ON_ERROR_STOP on

                -- comment
                SELECT format('CREATE ROLE %I', :'role')
                 WHERE true \\gexec
                SELECT 1;
                SELECT 2""", Map.of("role", "r"));
        assertThat(commands).hasSize(3);
        assertThat(commands.get(0).gexec()).isTrue();
        assertThat(commands.get(0).line()).isEqualTo(4);
        assertThat(commands.get(0).sql()).endsWith("SELECT format('CREATE ROLE %I', 'r')\n WHERE true");
        assertThat(commands.get(1)).isEqualTo(new PsqlScript.Command("SELECT 1;", false, 6));
        assertThat(commands.get(2).sql()).isEqualTo("SELECT 2");
    }

    @Test
    void setDefinesAVariableForWhatFollows() {
        assertThat(sql("\\set name world\nSELECT :'name';", Map.of())).containsExactly("SELECT 'world';");
    }

    @Test
    void refusesAnUndefinedVariableOrAnUnknownMetaCommand() {
        assertThatThrownBy(() -> PsqlScript.parse("SELECT 1;\nDROP ROLE :\"role\";", Map.of()))
                .hasMessage("line 2: psql variable 'role' is not set; pass it as -v role=...");
        assertThatThrownBy(() -> PsqlScript.parse("\\connect other", Map.of()))
                .hasMessageContaining("\\connect is not supported");
        assertThatThrownBy(() -> PsqlScript.parse("SELECT 'open", Map.of()))
                .hasMessageContaining("unterminated string literal");
    }

    @Test
    void renderKeepsEverythingButTheKnownVariables() {
        String text = "-- :role stays\nALTER ROLE :\"role\" PASSWORD :'password'; SELECT x::text \\gexec\n";
        assertThat(PsqlScript.render(text, Map.of("role", "strangler")))
                .isEqualTo("-- :role stays\nALTER ROLE \"strangler\" PASSWORD :'password'; SELECT x::text \\gexec\n");
    }

    @Test
    void everyShippedDbaScriptParsesWithItsDocumentedVariables() {
        Map<String, String> vars = Map.ofEntries(Map.entry("role", "r"), Map.entry("password", "p"),
                Map.entry("tables", "a.b"), Map.entry("publication", "p"), Map.entry("slot", "s"),
                Map.entry("table", "a.b"), Map.entry("identity", "FULL"), Map.entry("slot_wal_keep_size", "1GB"),
                Map.entry("sink_role", "sr"), Map.entry("sink_password", "sp"), Map.entry("sink_tables", "a.b"));
        assertThat(SqlScripts.dbaScripts()).isNotEmpty().allSatisfy(script ->
                assertThat(PsqlScript.parse(script.text(), vars)).as(script.path()).isNotEmpty());
    }
}
