package dev.strangler.engine.it;

import dev.strangler.engine.config.Durations;
import java.time.Duration;

/**
 * How hard the fault tests push. The suite's defaults keep every fault, each shorter; the soak profile
 * ({@code ./mvnw -Psoak verify}, README "Delivery guarantees") runs the full lengths: Kafka down 3 minutes,
 * PostgreSQL down 2 minutes, a 60 s freeze, 20 kills.
 */
record FaultPlan(Duration kafkaOutage, Duration postgresOutage, Duration freeze, int kills) {

    static FaultPlan fromSystemProperties() {
        return new FaultPlan(duration("strangler.faults.kafkaOutage", "20s"),
                duration("strangler.faults.postgresOutage", "15s"), duration("strangler.faults.freeze", "15s"),
                Integer.parseInt(System.getProperty("strangler.faults.kills", "3")));
    }

    private static Duration duration(String property, String fallback) {
        String value = System.getProperty(property, fallback);
        return Durations.parse(value).orElseThrow(() -> new IllegalArgumentException(property + "=" + value));
    }
}
