package dev.strangler.engine.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.contract.ServerCapabilities;
import org.junit.jupiter.api.Test;

/** The doctor's (and so the start's) verdict on the server's version, from the capabilities alone: no server needed. */
class ServerVersionCheckTest {

    @Test
    void shouldFailOnPostgres11InOneLineThatNamesTheVersionAndTheUpgrade() {
        Check check = ServerProbe.version(ServerCapabilities.of(110022, "11.22"));
        assertThat(check.status()).isEqualTo(Status.FAIL);
        // what a refused start prints (SourcePreflight throws the first failure's message)
        assertThat(check.message()).contains("PostgreSQL 11.22 is not supported", "PostgreSQL 12 or newer")
                .doesNotContain("\n");
        assertThat(check.fix()).contains("upgrade PostgreSQL to 12 or newer");
    }

    @Test
    void shouldWarnOn12And13AboutWhatTheyLack() {
        Check pg12 = ServerProbe.version(ServerCapabilities.of(120022, "12.22"));
        assertThat(pg12.status()).isEqualTo(Status.WARN);
        assertThat(pg12.detail()).contains("decoded only at commit", "nothing caps the WAL");
        Check pg13 = ServerProbe.version(ServerCapabilities.of(130022, "13.22"));
        assertThat(pg13.status()).isEqualTo(Status.WARN);
        assertThat(pg13.detail()).contains("decoded only at commit").doesNotContain("caps the WAL");
    }

    @Test
    void shouldPassFrom14() {
        assertThat(ServerProbe.version(ServerCapabilities.of(140019, "14.19")).status()).isEqualTo(Status.PASS);
        assertThat(ServerProbe.version(ServerCapabilities.of(180001, "18.1")).status()).isEqualTo(Status.PASS);
    }
}
