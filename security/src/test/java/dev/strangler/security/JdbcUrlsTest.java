package dev.strangler.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JdbcUrlsTest {

    @Test
    void shouldRedactTheQueryStringAndCredentialsBeforeTheHost() {
        assertThat(JdbcUrls.redact("jdbc:postgresql://db:5432/legacy?sslmode=verify-full&password=pw"))
                .isEqualTo("jdbc:postgresql://db:5432/legacy?...");
        assertThat(JdbcUrls.redact("jdbc:postgresql://app:pw@db:5432/legacy")).isEqualTo("jdbc:postgresql://***@db:5432/legacy");
        assertThat(JdbcUrls.redact("jdbc:postgresql://db/legacy")).isEqualTo("jdbc:postgresql://db/legacy");
        assertThat(JdbcUrls.redact("not a url ? password=pw")).isEqualTo("not a url ?...");
        assertThat(JdbcUrls.redact(null)).isEmpty();
    }

    @Test
    void shouldFindCredentialParametersByNameWhateverTheirCaseOrEncoding() {
        assertThat(JdbcUrls.credentialParameters("jdbc:postgresql://db/x?sslmode=require&PassWord=a&user=b"))
                .containsExactly("PassWord", "user");
        assertThat(JdbcUrls.credentialParameters("jdbc:postgresql://db/x?pass%77ord=a")).containsExactly("password");
        assertThat(JdbcUrls.credentialParameters("jdbc:postgresql://db/x?sslpassword=a&username=b")).isEmpty();
        assertThat(JdbcUrls.credentialParameters("jdbc:postgresql://db/x")).isEmpty();
    }

    @Test
    void shouldDecodeParametersAsTheDriverDoes() {
        assertThat(JdbcUrls.queryParameters("jdbc:postgresql://db/x?sslrootcert=%2Fetc%2Fca.pem&ssl&&a=b%ZZ"))
                .containsExactly(java.util.Map.entry("sslrootcert", "/etc/ca.pem"), java.util.Map.entry("ssl", ""),
                        java.util.Map.entry("a", "b%ZZ"));
    }

    @Test
    void shouldTellCredentialsBeforeTheHostFromAnAtSignInThePath() {
        assertThat(JdbcUrls.hasUserInfo("jdbc:postgresql://u:p@db/x")).isTrue();
        assertThat(JdbcUrls.hasUserInfo("jdbc:postgresql://db/x@y")).isFalse();
        assertThat(JdbcUrls.hasUserInfo("jdbc:postgresql://db/x?options=a@b")).isFalse();
    }
}
