package dev.strangler.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strangler.contract.TableId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineConfigLoaderTest {

    private static Map<String, String> minimal() {
        Map<String, String> m = new HashMap<>();
        m.put("source.url", "jdbc:postgresql://db.internal:6543/legacy?sslmode=require");
        m.put("source.user", "strangler");
        m.put("source.tables", "public.orders, shop.customers");
        m.put("kafka.bootstrap.servers", "k1:9092,k2:9092");
        return m;
    }

    private static PipelineConfig load(Map<String, String> settings) {
        return new PipelineConfigLoader(Map.of()).fromMap(settings);
    }

    @Test
    void shouldApplyDocumentedDefaultsToAMinimalConfig() {
        PipelineConfig c = load(minimal());
        assertThat(c.pipelineName()).isEqualTo("strangler");
        assertThat(c.source().endpoint().host()).isEqualTo("db.internal");
        assertThat(c.source().endpoint().port()).isEqualTo(6543);
        assertThat(c.source().endpoint().database()).isEqualTo("legacy");
        assertThat(c.source().tables()).containsExactly(new TableId("public", "orders"),
                new TableId("shop", "customers"));
        assertThat(c.source().slot()).isEqualTo("strangler_strangler");
        assertThat(c.source().publication()).isEqualTo("strangler_strangler");
        assertThat(c.kafka().topicPrefix()).isEqualTo("strangler");
        assertThat(c.kafka().topicFor(new TableId("shop", "customers"))).isEqualTo("strangler.shop.customers");
        assertThat(c.kafka().topicReplicationFactor()).isEmpty();
        assertThat(c.offsets().storage()).isEqualTo(PipelineConfig.OffsetStorage.KAFKA);
        assertThat(c.offsets().topic()).isEqualTo("strangler.offsets");
        assertThat(c.snapshotMode()).isEqualTo(PipelineConfig.SnapshotMode.INITIAL);
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void shouldServeTheEndpointByDefaultAndTakeTheOperationsKeys() {
        assertThat(load(minimal()).operations()).isEqualTo(PipelineConfig.Operations.defaults());
        assertThat(PipelineConfig.Operations.defaults().httpPort()).isEqualTo(9393);
        Map<String, String> m = minimal();
        m.put("http.enabled", "false");
        m.put("http.port", "0");
        m.put("http.bind", "127.0.0.1");
        m.put("health.ready.max.lag", "2m");
        m.put("monitor.interval", "5s");
        m.put("snapshot.progress.interval", "0");
        m.put("log.format", "json");
        PipelineConfig.Operations ops = load(m).operations();
        assertThat(ops).isEqualTo(new PipelineConfig.Operations(false, "127.0.0.1", 0, Duration.ofMinutes(2),
                Duration.ofSeconds(5), Duration.ZERO, PipelineConfig.LogFormat.JSON));
    }

    @Test
    void shouldRefuseAReadinessLagTheHeartbeatAloneWouldExceedAndBadPorts() {
        Map<String, String> m = minimal();
        m.put("heartbeat.interval", "5m");
        assertThat(load(m).operations().readyMaxLag()).as("derived: twice the heartbeat")
                .isEqualTo(Duration.ofMinutes(10));
        m.put("health.ready.max.lag", "1m");
        assertThatThrownBy(() -> load(m)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("health.ready.max.lag (60s) must be more than heartbeat.interval (300s)");
        m.put("heartbeat.interval", "0");
        assertThat(load(m).operations().readyMaxLag()).isEqualTo(Duration.ofSeconds(60));
        Map<String, String> port = minimal();
        port.put("http.port", "70000");
        assertThatThrownBy(() -> load(port)).hasMessageContaining("http.port: 70000 is out of range 0 to 65535");
        Map<String, String> format = minimal();
        format.put("log.format", "xml");
        assertThatThrownBy(() -> load(format)).hasMessageContaining("log.format: 'xml' is not one of [text, json]");
        Map<String, String> monitor = minimal();
        monitor.put("monitor.interval", "0");
        assertThatThrownBy(() -> load(monitor)).hasMessageContaining("monitor.interval must be greater than zero");
    }

    @Test
    void shouldDeriveSlotAndPublicationFromThePipelineName() {
        Map<String, String> m = minimal();
        m.put("pipeline.name", "Billing-EU.1");
        PipelineConfig c = load(m);
        assertThat(c.source().slot()).isEqualTo("strangler_billing_eu_1");
        assertThat(c.kafka().topicPrefix()).isEqualTo("Billing-EU.1");
    }

    @Test
    void shouldLetEnvironmentVariablesOverrideTheFile() {
        Map<String, String> m = minimal();
        m.put("source.password", "from-file");
        m.put("debezium.max.batch.size", "100");
        PipelineConfig c = new PipelineConfigLoader(Map.of("STRANGLER_SOURCE_PASSWORD", "from-env",
                "STRANGLER_DEBEZIUM_MAX_BATCH_SIZE", "200", "STRANGLER_TOPIC_PARTITIONS", "6")).fromMap(m);
        assertThat(c.source().password().reveal()).isEqualTo("from-env");
        assertThat(c.debeziumOverrides()).containsEntry("max.batch.size", "200");
        assertThat(c.kafka().topicPartitions()).isEqualTo(6);
    }

    @Test
    void shouldNeverPrintThePassword() {
        Map<String, String> m = minimal();
        m.put("source.password", "s3cr3t-value");
        assertThat(load(m).toString()).doesNotContain("s3cr3t-value");
    }

    @Test
    void shouldRejectAnUnknownKeyAndSuggestTheClosestOne() {
        Map<String, String> m = minimal();
        m.put("source.tabels", "public.x");
        assertThatThrownBy(() -> load(m)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown config key 'source.tabels'")
                .hasMessageContaining("did you mean 'source.tables'");
    }

    @Test
    void shouldNameTheMissingRequiredKeyAndItsEnvironmentVariable() {
        Map<String, String> m = minimal();
        m.remove("source.user");
        assertThatThrownBy(() -> load(m)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("missing required config key 'source.user'")
                .hasMessageContaining("STRANGLER_SOURCE_USER");
    }

    @Test
    void shouldRejectBadValuesNamingKeyValueAndRule() {
        assertRejected("source.tables", "orders", "'orders' is not schema.table");
        assertRejected("source.url", "postgres://x/y", "is not a PostgreSQL JDBC URL");
        assertRejected("snapshot.mode", "always", "'always' is not one of [initial, no_data, when_needed]");
        assertRejected("heartbeat.interval", "ten seconds", "'ten seconds' is not a duration");
        assertRejected("topic.partitions", "0", "0 is out of range 1 to 10000");
        assertRejected("topic.partitions", "many", "'many' is not a whole number");
        assertRejected("kafka.bootstrap.servers", "localhost", "'localhost' is not host:port");
        assertRejected("source.slot", "My-Slot", "source.slot: 'My-Slot' is not allowed");
        assertRejected("offsets.storage", "redis", "is not one of [kafka, file]");
        assertRejected("source.tables", "public.a,public.a", "listed twice");
        assertRejected("source.tables", "strangler.heartbeat", "schema strangler");
        assertRejected("debezium.slot.name", "x", "set source.slot");
        assertRejected("debezium.time.precision.mode", "adaptive", "the event contract fixes it to isostring");
        assertRejected("debezium.tombstones.on.delete", "false", "the event contract fixes it to true");
        assertRejected("offsets.flush.interval", "0", "must be greater than zero");
    }

    @Test
    void shouldRefuseEveryPassThroughKeyThatWouldBreakTheContractTheSlotOrTheDeliveryGuarantee() {
        assertRejected("debezium.slot.drop.on.stop", "true", "the slot must outlive a stop");
        assertRejected("debezium.skipped.operations", "u", "every change is published");
        assertRejected("debezium.offset.mismatch.strategy", "trust_offset", "start decision");
        assertRejected("debezium.lsn.flush.mode", "manual", "confirmed exactly up to what Kafka has committed");
        assertRejected("debezium.flush.lsn.source", "false", "confirmed exactly up to what Kafka has committed");
        assertRejected("debezium.errors.max.retries", "-1", "restarts are Strangler's own");
        assertRejected("debezium.offset.storage.topic", "x", "set offsets.storage");
        assertRejected("debezium.event.processing.failure.handling.mode", "skip", "instead of being skipped");
        assertRejected("debezium.transforms", "route", "the event contract is fixed");
        assertRejected("debezium.unavailable.value.placeholder", "x", "placeholder");
        assertRejected("debezium.signal.data.collection", "public.signals", "nothing is written to the legacy database");
        assertRejected("debezium.notification.enabled.channels", "log", "strangler snapshot follows");
        assertRejected("debezium.read.only", "false", "read-only whenever the server allows it");
        assertRejected("kafka.producer.acks", "1", "acks=all");
        assertRejected("kafka.producer.enable.idempotence", "false", "idempotence");
        assertRejected("kafka.producer.transactional.id", "x", "fences a second instance");
        assertRejected("kafka.producer.max.request.size", "99", "set kafka.max.record.bytes");
        assertRejected("kafka.producer.linger.msec", "5", "not a Kafka producer setting");
        assertRejected("kafka.client.slot.name", "other", "not a Kafka client setting");
        assertRejected("kafka.client.publication.autocreate.mode", "all_tables", "Kafka's clients only");
        assertRejected("kafka.client.bootstrap.servers", "x:1", "set kafka.bootstrap.servers");
        assertRejected("kafka.client.isolation.level", "read_uncommitted", "read_committed");
    }

    @Test
    void shouldPublishTransactionMetadataOnlyWhenAskedAndRefuseDebeziumsOwnKeysForIt() {
        assertThat(load(minimal()).transactionMetadata()).isFalse();
        assertThat(load(minimal()).transactionTopic()).isEmpty();
        Map<String, String> m = minimal();
        m.put("topic.prefix", "legacy");
        m.put("transactions.metadata", "true");
        assertThat(load(m).transactionMetadata()).isTrue();
        assertThat(load(m).transactionTopic()).hasValue("legacy.transaction");
        assertRejected("transactions.metadata", "yes", "'yes' is not one of [true, false]");
        assertRejected("debezium.provide.transaction.metadata", "true", "set transactions.metadata=true");
        assertRejected("debezium.topic.transaction", "tx", "set transactions.metadata=true");
        assertRejected("debezium.transaction.metadata.factory", "x", "set transactions.metadata=true");
    }

    @Test
    void shouldPassTuningThroughUntouched() {
        Map<String, String> m = minimal();
        m.put("debezium.max.batch.size", "8192");
        m.put("kafka.producer.linger.ms", "20");
        m.put("kafka.client.security.protocol", "SASL_SSL");
        PipelineConfig c = load(m);
        assertThat(c.debeziumOverrides()).containsEntry("max.batch.size", "8192");
        assertThat(c.kafka().producerOverrides()).containsEntry("linger.ms", "20");
        assertThat(c.kafka().clientOverrides()).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void shouldDeliverExactlyOnceByDefaultAndRefuseItWithAFileForPositions() {
        assertThat(load(minimal()).delivery()).isEqualTo(PipelineConfig.DeliveryGuarantee.EXACTLY_ONCE);
        Map<String, String> m = minimal();
        m.put("offsets.storage", "file");
        assertThat(load(m).delivery()).as("a position in a file cannot be in a Kafka transaction")
                .isEqualTo(PipelineConfig.DeliveryGuarantee.AT_LEAST_ONCE);
        m.put("delivery.guarantee", "exactly_once");
        assertThatThrownBy(() -> load(m)).hasMessageContaining("exactly_once needs offsets.storage=kafka");
        m.put("delivery.guarantee", "at_most_once");
        assertThatThrownBy(() -> load(m)).hasMessageContaining("is not one of [exactly_once, at_least_once]");
    }

    @Test
    void shouldAskForTwoInSyncReplicasOnceThereAreThree() {
        assertThat(load(minimal()).kafka().topicMinInsyncReplicas()).isEmpty();
        Map<String, String> m = minimal();
        m.put("topic.replication.factor", "3");
        assertThat(load(m).kafka().topicMinInsyncReplicas()).hasValue(2);
        m.put("topic.min.insync.replicas", "3");
        assertThat(load(m).kafka().topicMinInsyncReplicas()).hasValue(3);
        m.put("topic.min.insync.replicas", "4");
        assertThatThrownBy(() -> load(m)).hasMessageContaining("no write could ever be acknowledged");
        assertThat(load(minimal()).kafka().maxRecordBytes()).isEqualTo(16 * 1024 * 1024);
    }

    @Test
    void shouldAcceptAPipelineThatOnlyRoutesAnOutboxButNotOneWithNoTableAtAll() {
        Map<String, String> m = minimal();
        m.remove("source.tables");
        assertThatThrownBy(() -> load(m)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("source.tables is empty");
        m.put("outbox.tables", "messaging.outbox");
        PipelineConfig c = load(m);
        assertThat(c.capturedTables()).isEmpty();
        assertThat(c.outbox().tables()).containsExactly(new TableId("messaging", "outbox"));
        assertThat(c.outbox().topicPattern()).isEqualTo("strangler.outbox.{aggregatetype}");
        assertThat(c.streamedTables()).containsExactly(new TableId("messaging", "outbox"));
    }

    @Test
    void shouldStreamTheCapturedTablesThenTheOutboxTablesAndPublishTheHeartbeatToo() {
        Map<String, String> m = minimal();
        m.put("source.tables", "shop.customers,shop.orders");
        m.put("outbox.tables", "messaging.outbox");
        PipelineConfig c = load(m);
        TableId heartbeat = new TableId("strangler", "heartbeat");
        assertThat(c.capturedTables()).containsExactly(new TableId("shop", "customers"), new TableId("shop", "orders"));
        assertThat(c.streamedTables()).containsExactly(new TableId("shop", "customers"), new TableId("shop", "orders"),
                new TableId("messaging", "outbox"));
        assertThat(c.publishedTables(heartbeat)).containsExactly(new TableId("shop", "customers"),
                new TableId("shop", "orders"), new TableId("messaging", "outbox"), heartbeat,
                new TableId("strangler", "sink_marker"));
    }

    @Test
    void shouldDropASinksEchoByDefaultAndLeaveTheMarkerOutOfThePublicationWhenOff() {
        Map<String, String> m = minimal();
        assertThat(load(m).sinkEcho()).isEqualTo(PipelineConfig.SinkEcho.DROP);
        m.put("sink.echo", "mark");
        assertThat(load(m).sinkEcho()).isEqualTo(PipelineConfig.SinkEcho.MARK);
        m.put("sink.echo", "off");
        PipelineConfig off = load(m);
        assertThat(off.publishedTables(new TableId("strangler", "heartbeat")))
                .doesNotContain(new TableId("strangler", "sink_marker"));
        m.put("sink.echo", "ignore");
        assertThatThrownBy(() -> load(m)).hasMessageContaining("sink.echo: 'ignore' is not one of [drop, mark, off]");
    }

    @Test
    void shouldRefuseAnOutboxTableThatIsAlsoATableTopicOrATopicPatternWithoutTheAggregateType() {
        Map<String, String> m = minimal();
        m.put("outbox.tables", "public.orders");
        assertThatThrownBy(() -> load(m)).hasMessageContaining("outbox.tables: public.orders is also in source.tables");
        m.put("outbox.tables", "public.outbox");
        m.put("outbox.topic", "events.all");
        assertThatThrownBy(() -> load(m)).hasMessageContaining("has no {aggregatetype}");
    }

    @Test
    void shouldParseDurationsInEveryDocumentedForm() {
        for (var entry : Map.of("500ms", Duration.ofMillis(500), "10s", Duration.ofSeconds(10), "5m",
                Duration.ofMinutes(5), "1h", Duration.ofHours(1), "PT2S", Duration.ofSeconds(2), "0",
                Duration.ZERO).entrySet()) {
            Map<String, String> m = minimal();
            m.put("heartbeat.interval", entry.getKey());
            assertThat(load(m).heartbeatInterval()).as(entry.getKey()).isEqualTo(entry.getValue());
        }
    }

    @Test
    void shouldLoadAPropertiesFileAndExplainAMissingOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pipeline.properties");
        StringBuilder text = new StringBuilder();
        minimal().forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(file, text);
        assertThat(new PipelineConfigLoader(Map.of()).load(file).source().user()).isEqualTo("strangler");
        assertThatThrownBy(() -> new PipelineConfigLoader(Map.of()).load(dir.resolve("nope.properties")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("does not exist");
    }

    @Test
    void shouldDeclareEveryKeyWithDocumentation() {
        List<ConfigKey> keys = PipelineKeys.ALL;
        assertThat(keys).allSatisfy(k -> assertThat(k.doc()).isNotBlank());
        assertThat(keys).extracting(ConfigKey::name).doesNotHaveDuplicates()
                .contains("pipeline.name", "source.url", "source.user", "source.password", "source.tables",
                        "source.slot", "source.publication", "kafka.bootstrap.servers", "topic.prefix",
                        "offsets.storage", "offsets.file", "snapshot.mode", "heartbeat.interval");
    }

    private static void assertRejected(String key, String value, String expected) {
        Map<String, String> m = minimal();
        m.put(key, value);
        assertThatThrownBy(() -> load(m)).as(key + "=" + value).isInstanceOf(ConfigException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void shouldTakeTheStandbysPrimaryWithTheSameRoleAndItsOwnUrlParameters() {
        Map<String, String> m = minimal();
        m.put("source.password", "s3cret");
        m.put("source.primary.url", "jdbc:postgresql://db-primary.internal:5432/legacy?sslmode=verify-full");
        PipelineConfig.Source source = load(m).source();
        assertThat(source.primary()).hasValueSatisfying(p -> assertThat(p.toString())
                .isEqualTo("db-primary.internal:5432/legacy"));
        PipelineConfig.Source onPrimary = source.onPrimary().orElseThrow();
        assertThat(onPrimary.endpoint().parameters()).containsEntry("sslmode", "verify-full");
        assertThat(onPrimary.user()).isEqualTo("strangler");
        assertThat(onPrimary.password().reveal()).isEqualTo("s3cret");
        assertThat(onPrimary.slot()).isEqualTo(source.slot());
        assertThat(load(minimal()).source().onPrimary()).isEmpty();
    }

    @Test
    void shouldRefuseAPrimaryUrlWithCredentialsOrNamingTheSourceOrAnotherDatabase() {
        Map<String, String> credentials = minimal();
        credentials.put("source.primary.url", "jdbc:postgresql://db-primary:5432/legacy?password=hunter2");
        assertThatThrownBy(() -> load(credentials)).hasMessageContaining("source.primary.url")
                .hasMessageContaining("credentials never go in the URL").hasMessageNotContaining("hunter2");
        Map<String, String> itself = minimal();
        itself.put("source.primary.url", "jdbc:postgresql://db.internal:6543/legacy");
        assertThatThrownBy(() -> load(itself)).hasMessageContaining("source.primary.url")
                .hasMessageContaining("is the server of source.url");
        Map<String, String> otherDatabase = minimal();
        otherDatabase.put("source.primary.url", "jdbc:postgresql://db-primary:5432/other");
        assertThatThrownBy(() -> load(otherDatabase)).hasMessageContaining("database 'other' is not source.url's "
                + "'legacy'");
    }
}
