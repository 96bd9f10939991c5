package dev.strangler.outbox;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.sandbox.SandboxPostgres;
import dev.strangler.sandbox.SandboxSql;
import java.util.List;

/** Database helpers shared by the outbox's integration tests. */
final class OutboxFixture {

    private OutboxFixture() {
    }

    /** A fresh database, so tests never share tables or slots. */
    static String newDatabase(SandboxPostgres postgres) {
        return SandboxSql.newDatabase(postgres, "svc").database();
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
        SandboxSql.on(postgres, db).execute(statements);
    }

    static List<String> strings(SandboxPostgres postgres, String db, String sql) {
        return SandboxSql.on(postgres, db).queryStrings(sql);
    }

    static long count(SandboxPostgres postgres, String db, String sql) {
        return SandboxSql.on(postgres, db).queryLong(sql);
    }
}
