package dev.strangler.parity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strangler.parity.model.Verdict;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistoryTest {

    @Test
    void shouldReadTheVerdictAsTheReportsSpellIt() {
        assertThat(History.parse("NO-GO")).isEqualTo(Verdict.NO_GO);
        assertThat(History.parse("GO")).isEqualTo(Verdict.GO);
        assertThat(History.parse("UNVERIFIABLE")).isEqualTo(Verdict.UNVERIFIABLE);
    }

    @Test
    void shouldFailWithTheFixWhenTheDatabaseCannotBeReached() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort(); // closed again: nothing listens there
        }
        ParityConfig config = new ParityConfig("jdbc:postgresql://127.0.0.1:" + port + "/legacy?password=secret",
                "strangler", "secret", "slot", "localhost:9092", Map.of(), "legacy", List.of("shop.orders"), 0,
                Map.of(), Duration.ofSeconds(1), 20, null, ParityConfig.DEBEZIUM_UNAVAILABLE_VALUE);
        assertThatThrownBy(() -> History.read(config, 10)).isInstanceOf(ParityException.class)
                .hasMessageContaining("cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:" + port + "/legacy")
                .hasMessageNotContaining("secret").hasMessageContaining("check source.url");
    }
}
