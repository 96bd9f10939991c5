package dev.strangler.engine.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Which open transactions are leftovers: the pipeline's producer's, on a partition, while its coordinator has none. */
class StaleTransactionsTest {

    private static final TopicPartition OFFSETS = new TopicPartition("p.offsets", 0);
    private static final TopicPartition ORDERS = new TopicPartition("p.shop.orders", 0);

    private static TransactionDescription own(TransactionState state) {
        return new TransactionDescription(1, state, 8, 21, 60_000, OptionalLong.empty(), Set.of());
    }

    private static ProducerState open(long producerId, int epoch, long startOffset) {
        return new ProducerState(producerId, epoch, 3, 0L, OptionalInt.of(4), OptionalLong.of(startOffset));
    }

    private static ProducerState idle(long producerId) {
        return new ProducerState(producerId, 20, 3, 0L, OptionalInt.empty(), OptionalLong.empty());
    }

    @Test
    void theProducersOpenTransactionOnAPartitionIsStaleOnceItsCoordinatorHasNone() {
        List<AbortTransactionSpec> stale = StaleTransactions.find(own(TransactionState.EMPTY),
                Map.of(OFFSETS, List.of(open(8, 20, 40), idle(9)), ORDERS, List.of(idle(8))));
        assertThat(stale).singleElement().satisfies(spec -> {
            assertThat(spec.topicPartition()).isEqualTo(OFFSETS);
            assertThat(spec.producerId()).isEqualTo(8);
            assertThat(spec.producerEpoch()).isEqualTo((short) 20);
            assertThat(spec.coordinatorEpoch()).isEqualTo(4);
        });
        assertThat(StaleTransactions.find(own(TransactionState.COMPLETE_ABORT),
                Map.of(OFFSETS, List.of(open(8, 20, 40))))).hasSize(1);
    }

    @Test
    void anotherProducersTransactionOrOneTheCoordinatorKnowsIsLeftAlone() {
        assertThat(StaleTransactions.find(own(TransactionState.EMPTY), Map.of(OFFSETS, List.of(open(9, 2, 40)))))
                .as("another producer's: named by the settle check, never aborted").isEmpty();
        assertThat(StaleTransactions.find(own(TransactionState.ONGOING), Map.of(OFFSETS, List.of(open(8, 21, 40)))))
                .as("open at the coordinator: it ends by itself").isEmpty();
    }
}
