package dev.strangler.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    @Test
    void shouldReadFamiliesSamplesLabelsAndSpecialValues() {
        PrometheusText p = PrometheusText.parse("""
                # HELP strangler_events_published_total Events
                # TYPE strangler_events_published_total counter
                strangler_events_published_total{op="create",table="shop.a\\\\b",note="say \\"hi\\"\\n"} 3.0
                # TYPE strangler_lag_seconds gauge
                strangler_lag_seconds NaN
                # TYPE strangler_commit_to_ack_seconds histogram
                strangler_commit_to_ack_seconds_bucket{le="+Inf"} 2 1700000000000
                strangler_commit_to_ack_seconds_count 2
                """);
        assertThat(p.families()).containsKeys("strangler_events_published_total", "strangler_lag_seconds",
                "strangler_commit_to_ack_seconds");
        assertThat(p.families().get("strangler_commit_to_ack_seconds").samples()).hasSize(2);
        assertThat(p.value("strangler_events_published_total", Map.of("op", "create"))).isEqualTo(3.0);
        assertThat(p.samples("strangler_events_published_total").get(0).labels())
                .containsEntry("table", "shop.a\\b").containsEntry("note", "say \"hi\"\n");
        assertThat(p.value("strangler_lag_seconds", Map.of())).isNaN();
        assertThat(p.value("strangler_commit_to_ack_seconds_bucket", Map.of("le", "+Inf"))).isEqualTo(2);
    }

    @Test
    void shouldRejectWhatPrometheusRejects() {
        assertThatThrownBy(() -> PrometheusText.parse("1bad 1\n")).hasMessageContaining("bad metric name");
        assertThatThrownBy(() -> PrometheusText.parse("m{a=b} 1\n")).hasMessageContaining("not quoted");
        assertThatThrownBy(() -> PrometheusText.parse("m{a=\"b} 1\n")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> PrometheusText.parse("m one\n")).hasMessageContaining("For input string");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE m gauge\n# TYPE m gauge\n"))
                .hasMessageContaining("second TYPE");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE m sometimes\n")).hasMessageContaining("unknown type");
        assertThatThrownBy(() -> PrometheusText.parse("m{a=\"1\",a=\"2\"} 1\n")).hasMessageContaining("twice");
    }
}
