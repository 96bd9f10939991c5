package dev.strangler.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class TraceContextTest {

    private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @AfterEach
    void clearMdc() {
        MDC.clear();
    }

    @Test
    void shouldValidateW3cTraceparent() {
        assertThat(TraceContext.isValidTraceparent(VALID)).isTrue();
        assertThat(TraceContext.isValidTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"))
                .isTrue();
        assertThat(TraceContext.isValidTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-ext"))
                .as("a later version may append fields").isTrue();
        assertThat(TraceContext.isValidTraceparent(VALID + "-ext")).as("version 00 has exactly four fields")
                .isFalse();
        assertThat(TraceContext.isValidTraceparent(null)).isFalse();
        assertThat(TraceContext.isValidTraceparent("")).isFalse();
        assertThat(TraceContext.isValidTraceparent(VALID.toUpperCase())).isFalse();
        assertThat(TraceContext.isValidTraceparent(VALID.replace('-', '_'))).isFalse();
        assertThat(TraceContext.isValidTraceparent("ff" + VALID.substring(2))).isFalse();
        assertThat(TraceContext.isValidTraceparent("00-" + "0".repeat(32) + "-00f067aa0ba902b7-01")).isFalse();
        assertThat(TraceContext.isValidTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-" + "0".repeat(16) + "-01"))
                .isFalse();
        assertThat(TraceContext.isValidTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x"))
                .isFalse();
    }

    @Test
    void shouldReadTheTraceparentFromTheSlf4jMdc() {
        assertThat(TraceContext.mdc().currentTraceparent()).isNull();
        MDC.put(TraceContext.MDC_KEY, VALID);
        assertThat(TraceContext.mdc().currentTraceparent()).isEqualTo(VALID);
        assertThat(TraceContext.none().currentTraceparent()).isNull();
    }
}
