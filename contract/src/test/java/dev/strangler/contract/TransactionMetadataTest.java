package dev.strangler.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class TransactionMetadataTest {

    @Test
    void shouldReadTheXidAndLsnOfAPostgresTransactionId() {
        assertThat(TransactionMetadata.xid("757:26556816")).hasValue(757);
        assertThat(TransactionMetadata.lsn("757:26556816")).hasValue(26556816);
        assertThat(TransactionMetadata.xid("757")).hasValue(757);
        assertThat(TransactionMetadata.lsn("757")).isEmpty();
    }

    @Test
    void shouldReadNothingFromAnIdOfAnotherForm() {
        assertThat(TransactionMetadata.xid("a1b2-c3")).isEmpty();
        assertThat(TransactionMetadata.xid(":12")).isEmpty();
        assertThat(TransactionMetadata.xid(null)).isEmpty();
        assertThat(TransactionMetadata.xid("99999999999999999999:1")).isEqualTo(OptionalLong.empty());
    }

    @Test
    void shouldNameTheTransactionTopicAsDebeziumDoesByDefault() {
        assertThat(TopicNames.transactions("shop")).isEqualTo("shop.transaction");
    }
}
