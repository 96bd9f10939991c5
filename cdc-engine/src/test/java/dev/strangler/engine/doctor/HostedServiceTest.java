package dev.strangler.engine.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Each provider's fix names its own tool and parameter, never ALTER SYSTEM, which no managed service allows. */
class HostedServiceTest {

    private static final String ALTER_SYSTEM = "ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL";

    @Test
    void logicalDecodingIsEnabledThroughTheProvidersParameters() {
        assertThat(HostedService.SELF_MANAGED.enableLogicalDecoding(ALTER_SYSTEM)).isEqualTo(ALTER_SYSTEM);
        assertThat(HostedService.AMAZON_RDS.enableLogicalDecoding(ALTER_SYSTEM))
                .contains("aws rds modify-db-parameter-group", "ParameterName=rds.logical_replication,ParameterValue=1",
                        "reboot-db-instance").doesNotContain("ALTER SYSTEM");
        assertThat(HostedService.AMAZON_AURORA.enableLogicalDecoding(ALTER_SYSTEM))
                .contains("modify-db-cluster-parameter-group", "rds.logical_replication");
        assertThat(HostedService.GOOGLE_CLOUD_SQL.enableLogicalDecoding(ALTER_SYSTEM))
                .contains("gcloud sql instances patch", "cloudsql.logical_decoding=on", "replaces every flag");
        assertThat(HostedService.AZURE_FLEXIBLE_SERVER.enableLogicalDecoding(ALTER_SYSTEM))
                .contains("az postgres flexible-server parameter set", "--name wal_level --value logical", "restart");
    }

    @Test
    void aParameterNeedingARestartSaysSoInTheProvidersTerms() {
        String self = "ALTER SYSTEM SET max_wal_senders = 14; and restart PostgreSQL";
        assertThat(HostedService.SELF_MANAGED.setParameter("max_wal_senders", "14", true, self)).isEqualTo(self);
        assertThat(HostedService.AMAZON_RDS.setParameter("max_wal_senders", "14", true, self))
                .contains("ParameterName=max_wal_senders,ParameterValue=14,ApplyMethod=pending-reboot");
        assertThat(HostedService.AMAZON_RDS.setParameter("max_slot_wal_keep_size", "20480", false, self))
                .contains("ApplyMethod=immediate", "without a reboot");
        assertThat(HostedService.GOOGLE_CLOUD_SQL.setParameter("max_wal_senders", "14", true, self))
                .contains("--database-flags=max_wal_senders=14", "restarts");
        assertThat(HostedService.AZURE_FLEXIBLE_SERVER.setParameter("max_wal_senders", "14", false, self))
                .contains("--name max_wal_senders --value 14").doesNotContain("restart");
    }

    @Test
    void replicationIsGrantedTheWayEachProviderAllows() {
        assertThat(HostedService.AMAZON_RDS.grantReplication("\"cdc\"")).startsWith("GRANT rds_replication TO \"cdc\";");
        assertThat(HostedService.AMAZON_AURORA.grantReplication("\"cdc\"")).startsWith("GRANT rds_replication");
        assertThat(HostedService.GOOGLE_CLOUD_SQL.grantReplication("\"cdc\""))
                .startsWith("ALTER ROLE \"cdc\" WITH REPLICATION;");
        assertThat(HostedService.SELF_MANAGED.grantReplication("\"cdc\""))
                .startsWith("ALTER ROLE \"cdc\" WITH REPLICATION;").contains("rds_replication");
    }
}
