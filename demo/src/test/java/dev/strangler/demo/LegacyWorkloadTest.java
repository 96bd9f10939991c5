package dev.strangler.demo;

import static dev.strangler.demo.LegacyWorkload.MIX;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.demo.LegacyWorkload.Kind;
import org.junit.jupiter.api.Test;

class LegacyWorkloadTest {

    @Test
    void moreOrdersArePlacedThanDeletedSoTheShopDoesNotRunOutOfOrders() {
        assertThat(MIX.weight(Kind.ORDER_PLACE)).isGreaterThan(2 * MIX.weight(Kind.ORDER_DELETE));
    }

    @Test
    void keysAreStableNamesForSummaries() {
        assertThat(MIX.key(Kind.AUDIT_UPDATE)).isEqualTo("audit_update");
        assertThat(MIX.description(Kind.ORDER_PLACE)).contains("one transaction");
    }
}
