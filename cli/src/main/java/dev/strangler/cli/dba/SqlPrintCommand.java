package dev.strangler.cli.dba;

import dev.strangler.cli.ExitCodes;
import dev.strangler.contract.TableId;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.PipelineConfigLoader;
import dev.strangler.engine.doctor.SqlScripts;
import dev.strangler.sink.config.SinkConfig;
import dev.strangler.sink.config.SinkConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "print", mixinStandardHelpOptions = true,
        description = {"Print SQL for review: 'migrations' is exactly what strangler run applies to schema strangler "
                + "at start (unless --no-migrate); 'dba' is the scripts of sql/dba/ a DBA runs with psql.",
            "With --config, the DBA scripts' psql variables for names (role, tables, publication, slot) are filled in "
                + "from the pipeline's configuration; the password is never printed and stays :'password'. With "
                + "--sink-config, 05_sink_role.sql's sink_role and sink_tables from the sink's."})
public final class SqlPrintCommand implements Callable<Integer> {

    /** What to print. Lower case because it is typed on the command line. */
    enum What { migrations, dba }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "migrations|dba", description = "Which SQL: ${COMPLETION-CANDIDATES}.")
    What what;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Fill the DBA scripts' name variables from this pipeline properties file.")
    Path config;

    @Option(names = "--sink-config", paramLabel = "FILE",
            description = "Fill 05_sink_role.sql's variables (sink_role, sink_tables) from this sink properties file.")
    Path sinkConfig;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, String> variables = new LinkedHashMap<>();
        if (config != null) {
            variables.putAll(variables(PipelineConfigLoader.withSystemEnvironment().load(config)));
        }
        if (sinkConfig != null) {
            variables.putAll(sinkVariables(SinkConfigLoader.withSystemEnvironment().load(sinkConfig)));
        }
        out.print(what == What.migrations ? migrations() : dba(variables));
        out.flush();
        return ExitCodes.OK;
    }

    /** 05_sink_role.sql's names as the sink uses them: its role and every table a mapping writes; never a password. */
    public static Map<String, String> sinkVariables(SinkConfig config) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("sink_role", config.target().user());
        v.put("sink_tables", config.tables().stream().map(TableId::toString).collect(Collectors.joining(",")));
        return v;
    }

    static String migrations() {
        StringBuilder b = new StringBuilder();
        b.append("""
                -- Strangler's own migrations: exactly the files strangler run applies with Flyway at start (one
                -- transaction each, history in strangler.flyway_schema_history), unless it runs with --no-migrate.
                -- They create and change objects in schema strangler only; the legacy tables are never touched.
                -- To apply them by hand instead: run this as the pipeline's role (it owns schema strangler, see
                -- sql/dba/02_pipeline_role.sql), then always start with strangler run --no-migrate.

                CREATE SCHEMA IF NOT EXISTS strangler;
                """);
        for (SqlScripts.Script script : SqlScripts.migrations()) {
            b.append("\n-- ==== ").append(script.fileName()).append(" ====\n");
            b.append(script.text().stripTrailing()).append('\n');
        }
        return b.toString();
    }

    static String dba(Map<String, String> variables) {
        StringBuilder b = new StringBuilder();
        b.append("-- Strangler's DBA scripts (sql/dba/), in the order to run them. Each is a separate file for\n"
                + "-- psql -v ON_ERROR_STOP=1 -f FILE; its header lists the variables it needs (-v name=value).\n");
        if (!variables.isEmpty()) {
            b.append("-- Filled in from the configuration: ").append(variables.entrySet().stream()
                    .map(e -> e.getKey() + "=" + commentText(e.getValue())).collect(Collectors.joining(", ")))
                    .append(". Still to pass: password, slot_wal_keep_size, table, identity")
                    .append(variables.containsKey("sink_role") ? ", sink_password" : "").append(".\n");
        }
        for (SqlScripts.Script script : SqlScripts.dbaScripts()) {
            b.append("\n-- ==== ").append(script.fileName()).append(" ====\n");
            b.append(PsqlScript.render(script.text(), variables).stripTrailing()).append('\n');
        }
        return b.toString();
    }

    /**
     * A value as it may stand in a -- comment: the configuration validates every name it fills in, and this keeps
     * the comment one line whatever a value holds (a line break would end it and start a statement).
     */
    static String commentText(String value) {
        StringBuilder b = new StringBuilder();
        value.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    /**
     * The scripts' name variables as the pipeline uses them, what {@code --config} fills in; never the password.
     * {@code tables} is every table the role must read and the publication must cover: source.tables, then
     * outbox.tables (an outbox the grants or the publication left out would never deliver an event).
     */
    public static Map<String, String> variables(PipelineConfig config) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("role", config.source().user());
        v.put("tables", config.streamedTables().stream().map(TableId::toString).collect(Collectors.joining(",")));
        v.put("publication", config.source().publication());
        v.put("slot", config.source().slot());
        return v;
    }
}
