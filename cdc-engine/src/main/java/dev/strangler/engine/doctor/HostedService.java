package dev.strangler.engine.doctor;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Where PostgreSQL runs, as far as the server shows it: on a managed service the DBA cannot run {@code ALTER SYSTEM}
 * or grant REPLICATION as a superuser, so every fix the doctor prints goes through the provider's parameters and
 * roles instead. Recognised from the roles and settings each provider creates (never from a host name, which a
 * proxy or a private endpoint hides).
 */
enum HostedService {
    SELF_MANAGED("self-managed PostgreSQL"),
    AMAZON_RDS("Amazon RDS for PostgreSQL"),
    AMAZON_AURORA("Amazon Aurora PostgreSQL"),
    GOOGLE_CLOUD_SQL("Google Cloud SQL for PostgreSQL"),
    AZURE_FLEXIBLE_SERVER("Azure Database for PostgreSQL flexible server");

    private final String label;

    HostedService(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** The service and what gave it away ("role rds_superuser", "setting rds.logical_replication = 0"). */
    record Detected(HostedService service, List<String> evidence) {

        Detected {
            evidence = List.copyOf(evidence);
        }

        /** The doctor's line: which service, from what; nothing to fix either way. */
        Check check() {
            if (service == SELF_MANAGED) {
                return Check.pass("platform", service.label + " (no managed service's roles or settings seen): "
                        + "fixes are given as ALTER SYSTEM and ALTER ROLE");
            }
            return Check.pass("platform", service.label + " (" + String.join(", ", evidence) + "): fixes are given "
                    + "as the provider's parameters and roles");
        }
    }

    /** Reads the provider roles and settings; self-managed when none is there. */
    static Detected detect(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT to_regproc('aurora_version') IS NOT NULL,
                       EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rds_superuser'),
                       current_setting('rds.logical_replication', true),
                       EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsqlsuperuser'),
                       current_setting('cloudsql.logical_decoding', true),
                       EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'azure_pg_admin'),
                       current_setting('azure.extensions', true)""")) {
            rs.next();
            List<String> rds = new ArrayList<>();
            if (rs.getBoolean(1)) {
                rds.add("function aurora_version()");
            }
            if (rs.getBoolean(2)) {
                rds.add("role rds_superuser");
            }
            if (rs.getString(3) != null) {
                rds.add("setting rds.logical_replication = " + rs.getString(3));
            }
            if (!rds.isEmpty()) {
                return new Detected(rs.getBoolean(1) ? AMAZON_AURORA : AMAZON_RDS, rds);
            }
            List<String> cloudSql = new ArrayList<>();
            if (rs.getBoolean(4)) {
                cloudSql.add("role cloudsqlsuperuser");
            }
            if (rs.getString(5) != null) {
                cloudSql.add("setting cloudsql.logical_decoding = " + rs.getString(5));
            }
            if (!cloudSql.isEmpty()) {
                return new Detected(GOOGLE_CLOUD_SQL, cloudSql);
            }
            List<String> azure = new ArrayList<>();
            if (rs.getBoolean(6)) {
                azure.add("role azure_pg_admin");
            }
            if (rs.getString(7) != null) {
                azure.add("setting azure.extensions");
            }
            if (!azure.isEmpty()) {
                return new Detected(AZURE_FLEXIBLE_SERVER, azure);
            }
            return new Detected(SELF_MANAGED, List.of());
        }
    }

    /** How to make wal_level logical here; {@code selfManaged} is the ALTER SYSTEM way. */
    String enableLogicalDecoding(String selfManaged) {
        return switch (this) {
            case SELF_MANAGED -> selfManaged;
            case AMAZON_RDS -> "in the DB instance's parameter group (a custom one: the default group cannot be "
                    + "changed) set rds.logical_replication = 1, then reboot the instance: aws rds "
                    + "modify-db-parameter-group --db-parameter-group-name <group> --parameters "
                    + "\"ParameterName=rds.logical_replication,ParameterValue=1,ApplyMethod=pending-reboot\"; aws rds "
                    + "reboot-db-instance --db-instance-identifier <instance>";
            case AMAZON_AURORA -> "in the DB cluster parameter group (a custom one) set rds.logical_replication = 1, "
                    + "then reboot the writer: aws rds modify-db-cluster-parameter-group "
                    + "--db-cluster-parameter-group-name <group> --parameters "
                    + "\"ParameterName=rds.logical_replication,ParameterValue=1,ApplyMethod=pending-reboot\"; aws rds "
                    + "reboot-db-instance --db-instance-identifier <writer>";
            case GOOGLE_CLOUD_SQL -> "set the database flag cloudsql.logical_decoding = on (the instance restarts): "
                    + "gcloud sql instances patch <instance> --database-flags=cloudsql.logical_decoding=on,<the "
                    + "flags already set> (the option replaces every flag: list them with gcloud sql instances "
                    + "describe <instance>)";
            case AZURE_FLEXIBLE_SERVER -> "set the server parameter wal_level = logical, then restart: az postgres "
                    + "flexible-server parameter set --resource-group <group> --server-name <server> --name "
                    + "wal_level --value logical; az postgres flexible-server restart --resource-group <group> "
                    + "--name <server>";
        };
    }

    /**
     * How to set a server parameter here; {@code selfManaged} is the ALTER SYSTEM way.
     *
     * @param restart true when the parameter takes effect only at a restart
     */
    String setParameter(String name, String value, boolean restart, String selfManaged) {
        return switch (this) {
            case SELF_MANAGED -> selfManaged;
            case AMAZON_RDS, AMAZON_AURORA -> "in the " + (this == AMAZON_AURORA ? "DB cluster" : "DB instance")
                    + "'s parameter group set " + name + " = " + value + (restart ? ", then reboot the instance"
                    : " (applied without a reboot)") + ": aws rds " + (this == AMAZON_AURORA
                    ? "modify-db-cluster-parameter-group --db-cluster-parameter-group-name"
                    : "modify-db-parameter-group --db-parameter-group-name") + " <group> --parameters "
                    + "\"ParameterName=" + name + ",ParameterValue=" + value + ",ApplyMethod="
                    + (restart ? "pending-reboot" : "immediate") + "\"";
            case GOOGLE_CLOUD_SQL -> "set the database flag " + name + " = " + value + " where Cloud SQL offers it"
                    + (restart ? " (the instance restarts)" : "") + ": gcloud sql instances patch <instance> "
                    + "--database-flags=" + name + "=" + value + ",<the flags already set>";
            case AZURE_FLEXIBLE_SERVER -> "set the server parameter " + name + " = " + value + ": az postgres "
                    + "flexible-server parameter set --resource-group <group> --server-name <server> --name " + name
                    + " --value " + value + (restart ? "; then az postgres flexible-server restart" : "");
        };
    }

    /** How the pipeline's role gets what REPLICATION gives; on RDS only the rds_replication role can give it. */
    String grantReplication(String quotedRole) {
        return switch (this) {
            case AMAZON_RDS, AMAZON_AURORA -> "GRANT rds_replication TO " + quotedRole + "; (as a member of "
                    + "rds_superuser: ALTER ROLE ... REPLICATION needs a superuser, which RDS does not give)";
            case GOOGLE_CLOUD_SQL -> "ALTER ROLE " + quotedRole + " WITH REPLICATION; (as a cloudsqlsuperuser "
                    + "member, e.g. the postgres user)";
            case AZURE_FLEXIBLE_SERVER -> "ALTER ROLE " + quotedRole + " WITH REPLICATION; (as the server's "
                    + "administrator, a member of azure_pg_admin)";
            case SELF_MANAGED -> "ALTER ROLE " + quotedRole + " WITH REPLICATION; (on Amazon RDS/Aurora: GRANT "
                    + "rds_replication TO " + quotedRole + ";)";
        };
    }
}
