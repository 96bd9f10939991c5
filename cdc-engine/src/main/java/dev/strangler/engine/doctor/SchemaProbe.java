package dev.strangler.engine.doctor;

import dev.strangler.contract.ServerCapabilities;
import dev.strangler.contract.SqlIdentifier;
import dev.strangler.engine.config.PipelineConfig;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.OptionalInt;

/**
 * Schema strangler: the role owns it (or may create it), and how far Strangler's own migrations got compared with
 * the ones this build ships. Not yet migrated is normal before the first start: {@code strangler run} migrates.
 */
final class SchemaProbe implements Probe {

    static final String NAME = "schema strangler";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Check> run(Connection c, ServerCapabilities server, HostedService.Detected platform,
                           PipelineConfig config) throws SQLException {
        String user = config.source().user();
        String role = SqlIdentifier.quote(user);
        int latest = SqlScripts.latestMigrationVersion();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT n.oid IS NOT NULL, pg_get_userbyid(n.nspowner), pg_has_role(n.nspowner, 'USAGE'),
                       has_database_privilege(current_database(), 'CREATE'),
                       to_regclass('strangler.heartbeat') IS NOT NULL,
                       to_regclass('strangler.flyway_schema_history') IS NOT NULL
                  FROM (SELECT 1) one LEFT JOIN pg_namespace n ON n.nspname = 'strangler'""")) {
            rs.next();
            boolean exists = rs.getBoolean(1);
            String owner = rs.getString(2);
            boolean owned = rs.getBoolean(3);
            boolean createOnDatabase = rs.getBoolean(4);
            boolean heartbeat = rs.getBoolean(5);
            boolean history = rs.getBoolean(6);
            if (!exists && server.standby() && config.source().primary().isEmpty()) {
                return List.of(Check.fail(NAME, "schema strangler does not exist, and the source is a standby: "
                        + "without source.primary.url the pipeline cannot migrate it anywhere", "a DBA applies "
                        + "`strangler sql print migrations` on the primary; or set source.primary.url"));
            }
            if (!exists) {
                return List.of(createOnDatabase
                        ? Check.pass(NAME, "not created yet: strangler run creates it" + (server.standby()
                                ? " on the primary (source.primary.url)" : "") + " and applies " + latest
                                + " migration(s) at start")
                        : Check.fail(NAME, "schema strangler does not exist and role '" + user + "' may not create "
                                + "it (no CREATE on the database)", "CREATE SCHEMA strangler AUTHORIZATION " + role
                                + "; (" + RoleProbe.SCRIPT_02 + ")"));
            }
            if (!owned) {
                return List.of(Check.fail(NAME, "schema strangler is owned by '" + owner + "', not by role '" + user
                        + "': the pipeline cannot create or alter its heartbeat and history tables",
                        "ALTER SCHEMA strangler OWNER TO " + role + "; (" + RoleProbe.SCRIPT_02 + ")"));
            }
            if (!history) {
                return List.of(heartbeat
                        ? Check.warn(NAME, "migrated by hand (heartbeat present, no Flyway history): Flyway would "
                                + "refuse the non-empty schema", "always start with strangler run --no-migrate, "
                                + "and apply new migrations with strangler sql print migrations")
                        : Check.pass(NAME, "owned by " + owner + ", empty: strangler run applies " + latest
                                + " migration(s) at start"));
            }
            return List.of(versionCheck(c, latest));
        }
    }

    private static Check versionCheck(Connection c, int latest) throws SQLException {
        OptionalInt current = currentVersion(c);
        if (current.isEmpty()) {
            return Check.pass(NAME, "Flyway history present, no migration applied yet: strangler run applies "
                    + latest + " at start");
        }
        int v = current.getAsInt();
        if (v == latest) {
            return Check.pass(NAME, "migrated to V" + v + " (the latest this build ships)");
        }
        if (v < latest) {
            return Check.pass(NAME, "at V" + v + "; V" + (v + 1) + "..V" + latest + " are applied at the next start "
                    + "(with --no-migrate, a DBA applies them: strangler sql print migrations)");
        }
        return Check.warn(NAME, "at V" + v + ", newer than this build's V" + latest + ": a newer Strangler migrated "
                + "it", "run the Strangler version that migrated the schema");
    }

    private static OptionalInt currentVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT version FROM strangler.flyway_schema_history WHERE success AND version IS NOT NULL")) {
            int max = -1;
            while (rs.next()) {
                try {
                    max = Math.max(max, Integer.parseInt(rs.getString(1).split("\\.")[0]));
                } catch (NumberFormatException e) {
                    // a baseline or a non-numeric version: not one of ours, ignore it
                }
            }
            return max < 0 ? OptionalInt.empty() : OptionalInt.of(max);
        }
    }
}
