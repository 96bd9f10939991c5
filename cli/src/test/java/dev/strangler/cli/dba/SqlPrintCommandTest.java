package dev.strangler.cli.dba;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.PipelineConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlPrintCommandTest {

    @TempDir
    Path dir;

    @Test
    void printsTheMigrationsInFlywayOrder() {
        CliRun run = CliRun.of(new SqlCommand(), "print", "migrations");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("CREATE SCHEMA IF NOT EXISTS strangler;", "--no-migrate",
                "CREATE TABLE strangler.heartbeat", "CREATE TABLE strangler.parity_run");
        assertThat(run.out().indexOf("==== V1__")).isPositive().isLessThan(run.out().indexOf("==== V2__"));
    }

    @Test
    void printsEveryDbaScriptInOrder() {
        CliRun run = CliRun.of(new SqlCommand(), "print", "dba");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("==== 01_enable_logical_decoding.sql", "==== 02_pipeline_role.sql",
                "==== 03_publication.sql", "==== 04_replica_identity.sql", "==== 99_teardown.sql",
                "ALTER ROLE :\"role\" WITH LOGIN REPLICATION");
        assertThat(run.out().indexOf("==== 01_")).isLessThan(run.out().indexOf("==== 02_"));
        assertThat(run.out().indexOf("==== 04_")).isLessThan(run.out().indexOf("==== 99_"));
    }

    @Test
    void fillsTheNameVariablesFromTheConfigButNeverThePassword() {
        Path config = CliRun.config(dir, Map.of("pipeline.name", "billing",
                "source.url", "jdbc:postgresql://db:5432/legacy", "source.user", "strangler_billing_role",
                "source.password", "s3cret", "source.tables", "shop.customers,shop.orders",
                "kafka.bootstrap.servers", "kafka:9092"));
        CliRun run = CliRun.of(new SqlCommand(), "print", "dba", "--config", config.toString());
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("ALTER ROLE \"strangler_billing_role\" WITH LOGIN REPLICATION PASSWORD "
                + ":'password';", "DROP PUBLICATION IF EXISTS \"strangler_billing\";",
                "string_to_array('shop.customers,shop.orders', ',')", "slot_name = 'strangler_billing'",
                "Still to pass: password");
        assertThat(run.out()).doesNotContain("s3cret");
    }

    @Test
    void theTablesToGrantAndPublishIncludeTheOutboxTables() {
        Map<String, String> settings = new java.util.HashMap<>(Map.of("pipeline.name", "billing",
                "source.url", "jdbc:postgresql://db:5432/legacy", "source.user", "strangler",
                "source.tables", "shop.customers,shop.orders", "outbox.tables", "messaging.outbox",
                "kafka.bootstrap.servers", "kafka:9092"));
        CliRun run = CliRun.of(new SqlCommand(), "print", "dba", "--config", CliRun.config(dir, settings).toString());
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("tables=shop.customers,shop.orders,messaging.outbox, publication=",
                "string_to_array('shop.customers,shop.orders,messaging.outbox', ',')").doesNotContain("string_to_array('shop.customers,shop.orders', ',')");

        // a pipeline that only routes an outbox: the scripts still get a table to grant and publish
        settings.remove("source.tables");
        PipelineConfig outboxOnly = new PipelineConfigLoader(Map.of()).fromMap(settings);
        assertThat(SqlPrintCommand.variables(outboxOnly)).containsEntry("tables", "messaging.outbox");
    }

    @Test
    void fillsTheSinkRolesVariablesFromTheSinkConfigButNeverItsPassword() {
        Path sink = CliRun.config(dir, Map.of("target.url", "jdbc:postgresql://db:5432/legacy",
                "target.user", "strangler_sink", "target.password", "s1nk-secret", "kafka.bootstrap.servers",
                "kafka:9092", "sink.mappings", "a,b", "mapping.a.topic", "svc.svc.orders", "mapping.a.table",
                "shop.web_orders", "mapping.b.topic", "svc.svc.notes", "mapping.b.table", "shop.order_notes"));
        CliRun run = CliRun.of(new SqlCommand(), "print", "dba", "--sink-config", sink.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("==== 05_sink_role.sql", "ALTER ROLE \"strangler_sink\" WITH LOGIN "
                + "NOREPLICATION PASSWORD :'sink_password';", "string_to_array('shop.web_orders,shop.order_notes', ',')",
                "sink_password").doesNotContain("s1nk-secret");
        assertThat(run.out().indexOf("==== 04_")).isLessThan(run.out().indexOf("==== 05_"));
    }

    @Test
    void keepsAConfiguredNameFromEndingTheCommentItIsPrintedIn() throws Exception {
        Path config = dir.resolve("injected.properties");
        java.nio.file.Files.writeString(config, "source.url=jdbc:postgresql://db:5432/legacy\n"
                + "source.user=app\\nDROP TABLE shop.orders; --\n" // a line break inside the value, as Properties reads it
                + "source.tables=shop.orders\nkafka.bootstrap.servers=kafka:9092\n");
        CliRun run = CliRun.of(new SqlCommand(), "print", "dba", "--config", config.toString());
        assertThat(run.exit()).as("refused where it enters").isEqualTo(dev.strangler.cli.ExitCodes.CONFIG);
        assertThat(run.out()).doesNotContain("DROP TABLE shop.orders");
        assertThat(run.err()).contains("source.user: 'app\\u000aDROP TABLE shop.orders; --' is not allowed");
        // and should a value with a line break ever get this far, the comment stays one line
        assertThat(SqlPrintCommand.commentText("a\nb\u2028c")).isEqualTo("a\\u000ab\\u2028c");
        assertThat(SqlPrintCommand.dba(Map.of("role", "x\nDROP TABLE t;")).lines()
                .filter(l -> l.startsWith("-- Filled in"))).singleElement().asString()
                .contains("role=x\\u000aDROP TABLE t;");
    }

    @Test
    void refusesAnUnknownKindWithUsage() {
        CliRun run = CliRun.of(new SqlCommand(), "print", "everything");
        assertThat(run.exit()).isEqualTo(dev.strangler.cli.ExitCodes.USAGE);
        assertThat(run.err()).contains("migrations, dba");
    }
}
