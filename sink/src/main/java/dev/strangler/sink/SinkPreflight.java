package dev.strangler.sink;

import dev.strangler.contract.TableId;
import dev.strangler.sink.config.Mapping;
import dev.strangler.sink.config.SinkConfig;
import dev.strangler.sql.StranglerSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the sink checks before it consumes anything, each failure one line with its fix: the database (reachable,
 * Strangler's sink tables there and writable), every mapping against its table (columns, a unique key ON CONFLICT can
 * use, privileges), the publications (none may publish a mapped table without the marker table: echo), and Kafka
 * (reachable; the dead-letter topic created when missing).
 */
final class SinkPreflight {

    private static final Logger LOG = LoggerFactory.getLogger(SinkPreflight.class);
    static final String ROLE_SCRIPT = "sql/dba/05_sink_role.sql";

    private SinkPreflight() {
    }

    /** The checked mappings, ready to apply. */
    static List<MappingPlan> run(SinkConfig config, boolean migrate, Duration kafkaTimeout) {
        List<MappingPlan> plans;
        try (Connection c = TargetConnections.openOrExplain(config.target(), "strangler-sink-preflight-"
                + config.name())) {
            if (migrate) {
                migrate(config);
            }
            ownTables(c, config);
            plans = plans(c, config, true);
            echo(c, config);
            c.rollback();
        } catch (SQLException e) {
            throw new TargetNotReadyException("preflight query on PostgreSQL at " + config.target().where()
                    + " failed: " + SqlStates.describe(e), e);
        }
        kafka(config, kafkaTimeout);
        return plans;
    }

    private static void migrate(SinkConfig config) {
        try {
            StranglerSchema.flyway(config.target().jdbcUrl(), config.target().user(),
                    config.target().password().reveal()).migrate();
        } catch (RuntimeException e) {
            throw new TargetNotReadyException("applying Strangler's migrations (schema strangler) as '"
                    + config.target().user() + "' failed: " + e.getMessage().lines().findFirst().orElse("")
                    + "; --migrate needs the owner of schema strangler: start the pipeline once (strangler run "
                    + "applies them) or have a DBA apply `strangler sql print migrations`, then run the sink without "
                    + "--migrate", e);
        }
    }

    private static void ownTables(Connection c, SinkConfig config) throws SQLException {
        Map<String, List<String>> needed = new TreeMap<>(Map.of(PositionStore.OFFSETS,
                List.of("SELECT", "INSERT", "UPDATE"), PositionStore.MARKER, List.of("SELECT", "INSERT", "DELETE")));
        for (Map.Entry<String, List<String>> table : needed.entrySet()) {
            // by name in the catalogs, not to_regclass: that needs USAGE on the schema, which may be what is missing
            String name = table.getKey().substring(table.getKey().indexOf('.') + 1);
            Long oid = null;
            boolean usage = false;
            try (PreparedStatement ps = c.prepareStatement("SELECT c.oid, has_schema_privilege(n.oid, 'USAGE') "
                    + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    + "WHERE n.nspname = 'strangler' AND c.relname = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        oid = rs.getLong(1);
                        usage = rs.getBoolean(2);
                    }
                }
            }
            if (oid == null) {
                throw new TargetNotReadyException(table.getKey() + " does not exist in " + where(config)
                        + ": Strangler's migrations have not created it yet. Start the pipeline on this database once (strangler "
                        + "run applies them), or have the owner of schema strangler apply `strangler sql print "
                        + "migrations`, or run strangler sink --migrate as that owner; then " + ROLE_SCRIPT
                        + " grants the sink's role what it needs");
            }
            List<String> missing = new ArrayList<>();
            if (!usage) {
                missing.add("USAGE on schema strangler");
            }
            for (String privilege : table.getValue()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT has_table_privilege(?::oid, ?)")) {
                    ps.setLong(1, oid);
                    ps.setString(2, privilege);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (!rs.getBoolean(1)) {
                            missing.add(privilege);
                        }
                    }
                }
            }
            if (!missing.isEmpty()) {
                throw new TargetNotReadyException("role '" + config.target().user() + "' lacks "
                        + String.join(", ", missing) + " on " + table.getKey() + " (the sink's bookkeeping): run "
                        + ROLE_SCRIPT + " for it");
            }
        }
    }

    /**
     * Every mapping checked against its table.
     *
     * @param privileges whether the connection's role must hold the sink's privileges (false for a reader that only
     *                   needs the tables' shape, such as the reverse parity check)
     */
    static List<MappingPlan> plans(Connection c, SinkConfig config, boolean privileges) throws SQLException {
        List<MappingPlan> plans = new ArrayList<>();
        for (Mapping m : config.mappings()) {
            String key = "mapping." + m.id() + ".";
            TargetCatalog.Table table = TargetCatalog.read(c, m.table()).orElseThrow(() ->
                    new TargetNotReadyException(key + "table: " + m.table() + " does not exist in " + where(config)
                            + (config.target().user().isEmpty() ? "" : " (or role '" + config.target().user()
                            + "' cannot see it)") + "; fix the name or create the table"));
            List<String> keyColumns = m.keyColumns().isEmpty() ? table.primaryKey() : m.keyColumns();
            if (keyColumns.isEmpty()) {
                throw new TargetNotReadyException(key + "key: " + m.table() + " has no primary key; name the columns "
                        + "of a unique index that identifies a row in " + key + "key");
            }
            for (String column : keyColumns) {
                column(table, key + "key", column);
            }
            if (!table.hasUniqueIndexOn(keyColumns)) {
                throw new TargetNotReadyException(key + "key: " + m.table() + " has no unique index on exactly ("
                        + String.join(", ", keyColumns) + "), which the upsert's ON CONFLICT needs; a DBA creates "
                        + "one (CREATE UNIQUE INDEX ON " + m.table().quoted() + " (" + keyColumns.stream()
                        .map(TableWriter::ident).collect(Collectors.joining(", ")) + ")), or set " + key + "key to "
                        + "the columns of an existing one");
            }
            m.renames().forEach((field, column) -> writable(table, key + "rename." + field, column));
            m.constants().keySet().forEach(column -> writable(table, key + "constant." + column, column));
            m.columns().keySet().forEach(column -> writable(table, key + "column." + column, column));
            m.versionColumn().ifPresent(column -> column(table, key + "version.column", column));
            if (m.format() == Mapping.Format.OUTBOX && m.action() != Mapping.Action.IGNORE) {
                for (String column : keyColumns) {
                    if (!m.columns().containsKey(column) && !m.constants().containsKey(column)) {
                        throw new TargetNotReadyException(key + "column." + column + ": key column " + column + " of "
                                + m.table() + " has no value source; map it, e.g. " + key + "column." + column
                                + "=/id");
                    }
                }
            }
            if (privileges) {
                privileges(config, m, table);
            }
            plans.add(new MappingPlan(m, table, keyColumns));
        }
        return plans;
    }

    private static TargetCatalog.Column column(TargetCatalog.Table table, String key, String column) {
        return table.column(column).orElseThrow(() -> new TargetNotReadyException(key + ": " + table.name()
                + " has no column " + column + " (its columns: " + String.join(", ", table.columns().keySet())
                + ")"));
    }

    private static void writable(TargetCatalog.Table table, String key, String column) {
        if (column(table, key, column).generated()) {
            throw new TargetNotReadyException(key + ": column " + column + " of " + table.name() + " is generated "
                    + "and cannot be written; leave it out");
        }
    }

    private static void privileges(SinkConfig config, Mapping m, TargetCatalog.Table table) {
        Set<String> needed = new LinkedHashSet<>(List.of("USAGE"));
        switch (m.action()) {
            case UPSERT -> needed.addAll(m.format() == Mapping.Format.ENVELOPE
                    ? List.of("SELECT", "INSERT", "UPDATE", "DELETE") : List.of("SELECT", "INSERT", "UPDATE"));
            case UPDATE -> needed.addAll(List.of("SELECT", "UPDATE"));
            case DELETE -> needed.addAll(List.of("SELECT", "DELETE"));
            case IGNORE -> needed.clear();
        }
        needed.removeAll(table.privileges());
        if (!needed.isEmpty()) {
            throw new TargetNotReadyException("role '" + config.target().user() + "' lacks " + String.join(", ",
                    needed) + " on " + m.table() + " (" + m.describe() + "): run " + ROLE_SCRIPT + " with "
                    + "sink_tables including " + m.table());
        }
    }

    /**
     * No echo: a publication that publishes a mapped table must publish strangler.sink_marker too, or its pipeline
     * cannot tell the sink's writes from the legacy app's and sends them out again as new legacy events.
     */
    private static void echo(Connection c, SinkConfig config) throws SQLException {
        List<TableId> tables = config.tables();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT p.pubname, string_agg(DISTINCT pt.schemaname || '.' || pt.tablename, ', ')
                  FROM pg_publication p
                  JOIN pg_publication_tables pt ON pt.pubname = p.pubname
                 WHERE (pt.schemaname || '.' || pt.tablename) = ANY (?)
                   AND NOT EXISTS (SELECT 1 FROM pg_publication_tables m WHERE m.pubname = p.pubname
                                      AND m.schemaname = 'strangler' AND m.tablename = 'sink_marker')
                 GROUP BY p.pubname ORDER BY p.pubname""")) {
            ps.setArray(1, c.createArrayOf("text", tables.stream().map(TableId::toString).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String publication = rs.getString(1);
                    if (config.ignoredPublications().contains(publication)) {
                        LOG.info("publication {} publishes {} but not strangler.sink_marker; ignored "
                                + "(sink.publications.ignored)", publication, rs.getString(2));
                        continue;
                    }
                    throw new TargetNotReadyException("publication " + publication + " publishes "
                            + rs.getString(2) + " but not strangler.sink_marker: the pipeline reading it could not "
                            + "tell the sink's writes from the legacy application's and would publish them again "
                            + "(echo). As its owner: ALTER PUBLICATION \"" + publication + "\" ADD TABLE "
                            + "strangler.sink_marker; then restart that pipeline (its sink.echo decides drop or mark). "
                            + "If no Strangler pipeline reads it, list it in sink.publications.ignored");
                }
            }
        }
    }

    private static void kafka(SinkConfig config, Duration timeout) {
        Admin admin = Admin.create(SinkClients.admin(config));
        try {
            Set<String> existing = admin.listTopics(new ListTopicsOptions().timeoutMs((int) timeout.toMillis()))
                    .names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            for (String topic : config.topics()) {
                if (!existing.contains(topic)) {
                    LOG.warn("topic {} does not exist yet; the sink reads it once it does", topic);
                }
            }
            if (config.errors() == SinkConfig.Errors.DEAD_LETTER
                    && !existing.contains(config.kafka().deadLetterTopic())) {
                try {
                    admin.createTopics(List.of(new NewTopic(config.kafka().deadLetterTopic(), Optional.of(1),
                            Optional.empty()))).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    LOG.info("created dead-letter topic {}", config.kafka().deadLetterTopic());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinkKafkaException("interrupted while checking Kafka", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new SinkKafkaException("Kafka at " + config.kafka().bootstrapServers() + " did not answer within "
                    + timeout.toSeconds() + " s (" + cause.getClass().getSimpleName() + ": " + cause.getMessage()
                    + "): check kafka.bootstrap.servers and the kafka.client.* security settings", cause);
        } finally {
            admin.close(Duration.ofSeconds(5)); // an unanswered call would otherwise hold the close for a minute
        }
    }

    private static String where(SinkConfig config) {
        return config.target().where();
    }
}
