package dev.strangler.outbox;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.sandbox.SandboxPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Database helpers shared by the outbox's integration tests. */
final class OutboxFixture {

    private OutboxFixture() {
    }

    /** A fresh database, so tests never share tables or slots. */
    static String newDatabase(SandboxPostgres postgres) {
        String db = "svc_" + UUID.randomUUID().toString().substring(0, 8);
        postgres.createDatabase(db);
        return db;
    }

    /** A small HikariCP pool, the way a service would hold its connections. */
    static HikariDataSource pool(SandboxPostgres postgres, String db) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.jdbcUrl(db));
        config.setUsername(postgres.superuser());
        config.setPassword(postgres.superuserPassword());
        config.setMaximumPoolSize(4);
        config.setPoolName("svc-" + db);
        return new HikariDataSource(config);
    }

    static void execute(SandboxPostgres postgres, String db, String... statements) {
        try (Connection c = postgres.connect(db); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> strings(SandboxPostgres postgres, String db, String sql) {
        List<String> result = new ArrayList<>();
        try (Connection c = postgres.connect(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                result.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return result;
    }

    static long count(SandboxPostgres postgres, String db, String sql) {
        return Long.parseLong(strings(postgres, db, sql).get(0));
    }
}
