package dev.strangler.engine.doctor;

import dev.strangler.contract.ServerCapabilities;
import dev.strangler.contract.SqlIdentifier;
import dev.strangler.engine.config.PipelineConfig;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The role's attributes: LOGIN and REPLICATION (or rds_replication on Amazon RDS), and whether it is a superuser,
 * which works but is not least privilege. Table privileges are checked per table by {@link TableProbe}.
 */
final class RoleProbe implements Probe {

    static final String SCRIPT_02 = "sql/dba/02_pipeline_role.sql";

    @Override
    public String name() {
        return "role";
    }

    @Override
    public List<Check> run(Connection c, ServerCapabilities server, HostedService.Detected platform,
                           PipelineConfig config) throws SQLException {
        String user = config.source().user();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT r.rolsuper, r.rolreplication, r.rolcanlogin,
                       EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = 'rds_replication'
                               AND pg_has_role(r.oid, g.oid, 'MEMBER'))
                FROM pg_roles r WHERE r.rolname = current_user""")) {
            rs.next();
            boolean superuser = rs.getBoolean(1);
            boolean replication = rs.getBoolean(2);
            boolean login = rs.getBoolean(3);
            boolean rds = rs.getBoolean(4);
            if (superuser) {
                return List.of(Check.warn("role", "role '" + user + "' is a superuser: it works, but the pipeline "
                        + "needs only LOGIN, REPLICATION and SELECT on the captured and outbox tables",
                        "create a least-privilege role with " + SCRIPT_02 + " and set source.user to it"));
            }
            if (!replication && !rds) {
                return List.of(Check.fail("role", "role '" + user + "' lacks the REPLICATION attribute: it cannot "
                        + "create or read a replication slot", platform.service()
                        .grantReplication(SqlIdentifier.quote(user))));
            }
            String how = replication ? "REPLICATION" : "rds_replication membership";
            return List.of(Check.pass("role", "role '" + user + "': " + (login ? "LOGIN, " : "") + how
                    + ", not a superuser"));
        }
    }
}
