package dev.strangler.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlIdentifierTest {

    @Test
    void quotesEveryNameSoCaseAndKeywordsSurvive() {
        assertThat(SqlIdentifier.quote("strangler_pub")).isEqualTo("\"strangler_pub\"");
        assertThat(SqlIdentifier.quote("Billing")).isEqualTo("\"Billing\"");
        assertThat(SqlIdentifier.quote("user")).isEqualTo("\"user\"");
    }

    @Test
    void doublesAnEmbeddedQuoteSoTheNameCannotEndTheIdentifier() {
        assertThat(SqlIdentifier.quote("a\"; DROP TABLE t; --")).isEqualTo("\"a\"\"; DROP TABLE t; --\"");
    }
}
