package dev.strangler.engine.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strangler.engine.Pipeline;
import dev.strangler.engine.SourceNotReadyException;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.PipelineConfigLoader;
import dev.strangler.sandbox.SandboxKafka;
import dev.strangler.sandbox.SandboxPostgres;
import dev.strangler.sql.StranglerSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL invalidates the slot under a running pipeline (max_slot_wal_keep_size exceeded): the pipeline must stop
 * saying events were lost and how to recover, and refuse to start again on the lost slot, never skip silently.
 */
class LostSlotWhileRunningIT {

    @Test
    void shouldStopWithTheLostSlotMessageAndRefuseToRestart() throws Exception {
        try (SandboxPostgres postgres = SandboxPostgres.start(Map.of("max_slot_wal_keep_size", "1MB"));
             SandboxKafka kafka = SandboxKafka.start()) {
            postgres.createDatabase("legacy");
            try (Connection c = postgres.connect("legacy"); Statement st = c.createStatement()) {
                for (String script : StranglerSchema.DEMO_SCRIPTS) {
                    st.execute(StranglerSchema.classpathScript(script));
                }
                st.execute("CREATE TABLE public.filler (x int)");
            }
            PipelineConfig config = new PipelineConfigLoader(Map.of()).fromMap(Map.of(
                    "pipeline.name", "lostrun",
                    "source.url", postgres.jdbcUrl("legacy"),
                    "source.user", postgres.superuser(),
                    "source.password", postgres.superuserPassword(),
                    "source.tables", "shop.customers,shop.orders",
                    "kafka.bootstrap.servers", kafka.bootstrapServers(),
                    "heartbeat.interval", "1s",
                    "offsets.flush.interval", "500ms"));
            Pipeline pipeline = new Pipeline(config, Pipeline.Options.defaults());
            pipeline.start();
            CompletableFuture<Throwable> ended = CompletableFuture.supplyAsync(() -> {
                try {
                    pipeline.awaitTermination();
                    return null;
                } catch (RuntimeException e) {
                    return e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return e;
                }
            });
            try (Connection c = postgres.connect("legacy"); Statement st = c.createStatement()) {
                for (int i = 0; i < 40 && !lost(st); i++) {
                    st.execute("INSERT INTO public.filler SELECT g FROM generate_series(1, 50000) g");
                    st.execute("SELECT pg_switch_wal()");
                    st.execute("CHECKPOINT");
                }
                assertThat(lost(st)).as("PostgreSQL invalidated the slot").isTrue();
            }
            Throwable failure = ended.get(90, TimeUnit.SECONDS);
            pipeline.stop();
            assertThat(failure).isInstanceOf(SourceNotReadyException.class)
                    .hasMessageContaining("'strangler_lostrun' was invalidated").hasMessageContaining("LOST")
                    .hasMessageContaining("snapshot.mode=when_needed");
            assertThatThrownBy(() -> new Pipeline(config, Pipeline.Options.defaults()).start())
                    .isInstanceOf(SourceNotReadyException.class)
                    .hasMessageContaining("'strangler_lostrun' was invalidated");
        }
    }

    private static boolean lost(Statement st) throws Exception {
        try (ResultSet rs = st.executeQuery(
                "SELECT wal_status = 'lost' FROM pg_replication_slots WHERE slot_name = 'strangler_lostrun'")) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}
