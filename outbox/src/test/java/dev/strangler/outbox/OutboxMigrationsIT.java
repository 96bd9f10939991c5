package dev.strangler.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strangler.sandbox.SandboxPostgres;
import dev.strangler.sql.StranglerSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Both ways to create the outbox and inbox tables in a service's database, next to the service's own Flyway. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxMigrationsIT {

    private SandboxPostgres postgres;

    @BeforeAll
    void start() {
        postgres = SandboxPostgres.start();
    }

    @AfterAll
    void stop() {
        postgres.close();
    }

    @Test
    void shouldApplyNextToTheServicesOwnFlywayWithItsOwnHistoryTable() throws Exception {
        String db = newDatabase();
        Flyway service = Flyway.configure().dataSource(postgres.jdbcUrl(db), postgres.superuser(),
                postgres.superuserPassword()).schemas("svc").locations("classpath:service-migrations").load();
        assertThat(service.migrate().migrationsExecuted).isEqualTo(1);

        try (var ds = OutboxFixture.pool(postgres, db)) {
            assertThat(OutboxMigrations.apply(ds, "svc")).isEqualTo(1);
            assertThat(OutboxMigrations.apply(ds, "svc")).as("idempotent").isZero();
        }
        assertThat(tables(db, "svc")).containsExactlyInAnyOrder("orders", "flyway_schema_history", "outbox", "inbox",
                OutboxMigrations.HISTORY_TABLE);
        service.validate(); // the service's own history did not see the outbox migration
        assertThat(service.info().applied()).extracting(MigrationInfo::getDescription).contains("orders")
                .doesNotContain("outbox and inbox");
    }

    @Test
    void shouldTripTheServicesFirstFlywayRunWhenTheOutboxCameFirstInTheSameSchema() {
        String db = newDatabase();
        OutboxMigrations.apply(postgres.jdbcUrl(db), postgres.superuser(), postgres.superuserPassword(), null);
        Flyway service = Flyway.configure().dataSource(postgres.jdbcUrl(db), postgres.superuser(),
                postgres.superuserPassword()).locations("classpath:service-migrations").load();
        assertThatThrownBy(service::migrate).isInstanceOf(FlywayException.class)
                .hasMessageContaining("non-empty schema");
    }

    @Test
    void shouldCoexistInAnyOrderInItsOwnSchema() throws Exception {
        String db = newDatabase();
        assertThat(OutboxMigrations.apply(postgres.jdbcUrl(db), postgres.superuser(), postgres.superuserPassword(),
                "messaging")).isEqualTo(1);
        Flyway service = Flyway.configure().dataSource(postgres.jdbcUrl(db), postgres.superuser(),
                postgres.superuserPassword()).locations("classpath:service-migrations").load();
        assertThat(service.migrate().migrationsExecuted).isEqualTo(1);
        assertThat(tables(db, "messaging")).containsExactlyInAnyOrder("outbox", "inbox",
                OutboxMigrations.HISTORY_TABLE);
        try (Connection c = postgres.connect(db)) {
            c.setAutoCommit(false);
            new Outbox(OutboxOptions.defaults().withTable("messaging.outbox").withDeleteAfterInsert(false))
                    .write(c, OutboxEvent.of("order", "1", "OrderPlaced", "{}"));
            assertThat(new Inbox("messaging.inbox").processOnce(c, "billing", java.util.UUID.randomUUID(), tx -> {
            })).isTrue();
            c.commit();
        }
        assertThat(OutboxFixture.count(postgres, db, "SELECT count(*) FROM messaging.outbox")).isEqualTo(1);
    }

    @Test
    void shouldApplyToTheConnectionsCurrentSchemaWithAUrl() throws Exception {
        String db = newDatabase();
        assertThat(OutboxMigrations.apply(postgres.jdbcUrl(db), postgres.superuser(), postgres.superuserPassword(),
                null)).isEqualTo(1);
        assertThat(tables(db, "public")).contains("outbox", "inbox", OutboxMigrations.HISTORY_TABLE);
    }

    @Test
    void shouldLiveInTheServicesOwnFlywayUnderTheServicesNextVersion(@TempDir Path dir) throws Exception {
        String db = newDatabase();
        Files.writeString(dir.resolve("V2__strangler_outbox.sql"),
                StranglerSchema.classpathScript("strangler/sql/outbox/V1__outbox_and_inbox.sql"));
        Flyway service = Flyway.configure().dataSource(postgres.jdbcUrl(db), postgres.superuser(),
                        postgres.superuserPassword())
                .locations("classpath:service-migrations", "filesystem:" + dir).load();
        assertThat(service.migrate().migrationsExecuted).isEqualTo(2);
        assertThat(tables(db, "public")).contains("orders", "outbox", "inbox");
    }

    @Test
    void shouldClashWithAServicesOwnVersionOneWhenTheLocationIsAddedAsItIs() {
        String db = newDatabase();
        Flyway service = Flyway.configure().dataSource(postgres.jdbcUrl(db), postgres.superuser(),
                        postgres.superuserPassword())
                .locations("classpath:service-migrations", OutboxMigrations.LOCATION).load();
        assertThatThrownBy(service::migrate).isInstanceOf(FlywayException.class)
                .hasMessageContaining("more than one migration with version 1");
    }

    @Test
    void shouldReportAFailureClearly() {
        String db = newDatabase();
        OutboxFixture.execute(postgres, db, "CREATE TABLE outbox (something text)");
        assertThatThrownBy(() -> OutboxMigrations.apply(postgres.jdbcUrl(db), postgres.superuser(),
                postgres.superuserPassword(), null)).isInstanceOf(OutboxException.class)
                .hasMessageContaining("applying the outbox migrations")
                .hasMessageContaining("already exists");
    }

    private String newDatabase() {
        return OutboxFixture.newDatabase(postgres);
    }

    private List<String> tables(String db, String schema) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection c = postgres.connect(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = '" + schema + "'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }
}
