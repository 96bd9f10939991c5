package dev.strangler.cli.parity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strangler.engine.config.ConfigException;
import org.junit.jupiter.api.Test;

class SinkDatabaseTest {

    @Test
    void acceptsTheSameDatabaseOnAnotherHostAsAReadReplicaIs() {
        assertThatCode(() -> SinkDatabase.requireSame("jdbc:postgresql://replica:5432/legacy?sslmode=verify-full",
                "jdbc:postgresql://primary:5432/legacy")).doesNotThrowAnyException();
    }

    @Test
    void refusesAnotherDatabaseNamingBothAndTheFix() {
        assertThatThrownBy(() -> SinkDatabase.requireSame("jdbc:postgresql://db:5432/legacy",
                "jdbc:postgresql://db:5432/backoffice")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("--sink-config: the sink writes database 'backoffice' (target.url)",
                        "captures 'legacy' (source.url)", "pass the pipeline of the database the sink writes");
    }

    @Test
    void readsTheDatabaseNameOrNothingFromAUrl() {
        assertThat(SinkDatabase.database("jdbc:postgresql://db:5432/legacy?user=x")).isEqualTo("legacy");
        assertThat(SinkDatabase.database("jdbc:postgresql://db:5432/")).isNull();
        assertThat(SinkDatabase.database("jdbc:postgresql://h1:5432,h2:5432/legacy")).isEqualTo("legacy");
        assertThat(SinkDatabase.database("not a url")).isNull();
    }
}
