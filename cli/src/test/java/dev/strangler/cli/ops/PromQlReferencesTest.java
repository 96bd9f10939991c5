package dev.strangler.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlReferencesTest {

    @Test
    void shouldFindMetricsAndLabelsAndNothingElse() {
        PromQlReferences r = PromQlReferences.of("histogram_quantile(0.99, sum by (le) (rate("
                + "strangler_commit_to_ack_seconds_bucket{pipeline=~\"$pipeline\"}[5m]))) > 0.5 "
                + "or max by (pipeline) (strangler_slot_wal_status{status=\"reserved\"}) == 0 and up{job=\"x\"}");
        assertThat(r.metrics()).containsExactly("strangler_commit_to_ack_seconds_bucket", "strangler_slot_wal_status",
                "up");
        assertThat(r.labels()).containsExactlyInAnyOrder("le", "pipeline", "status", "job");
    }

    @Test
    void shouldReadGrafanasLabelValues() {
        PromQlReferences r = PromQlReferences.of("label_values(strangler_pipeline_state, pipeline)");
        assertThat(r.metrics()).containsExactly("strangler_pipeline_state");
        assertThat(r.labels()).containsExactly("pipeline");
    }
}
