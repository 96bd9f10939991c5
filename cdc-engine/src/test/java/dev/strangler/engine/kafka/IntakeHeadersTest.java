package dev.strangler.engine.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.contract.IntakeHeaderNames;
import dev.strangler.contract.Lsn;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class IntakeHeadersTest {

    private final IntakeHeaders intake = new IntakeHeaders("billing");

    @Test
    void shouldGiveEveryEventOfOneTransactionTheSameTraceIdAndDistinctSpans() {
        String a = intake.traceparent(1234, 100, 1, 7);
        String b = intake.traceparent(1234, 200, 2, 8);
        assertThat(a).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        assertThat(a.substring(3, 35)).isEqualTo(b.substring(3, 35));
        assertThat(a.substring(36, 52)).isNotEqualTo(b.substring(36, 52));
    }

    @Test
    void shouldGiveDifferentTransactionsAndPipelinesDifferentTraceIds() {
        String trace = intake.traceparent(1234, 100, 1, 7).substring(3, 35);
        assertThat(intake.traceparent(1235, 100, 1, 7).substring(3, 35)).isNotEqualTo(trace);
        assertThat(new IntakeHeaders("shipping").traceparent(1234, 100, 1, 7).substring(3, 35)).isNotEqualTo(trace);
    }

    @Test
    void shouldBeStableSoAResentRecordCarriesTheSameTraceparent() {
        assertThat(intake.traceparent(99, 5, 3, 4)).isEqualTo(new IntakeHeaders("billing").traceparent(99, 5, 3, 4));
    }

    @Test
    void shouldStampAllFiveHeaders() {
        RecordHeaders headers = new RecordHeaders();
        intake.stamp(headers, 1_700_000_000_000L, 23_456_789L, 771L, 1, 2);
        assertThat(IntakeHeaders.parseLong(headers.lastHeader(IntakeHeaderNames.SOURCE_LSN).value())).isEqualTo(23_456_789L);
        assertThat(IntakeHeaders.parseLong(headers.lastHeader(IntakeHeaderNames.SOURCE_TXID).value())).isEqualTo(771L);
        assertThat(IntakeHeaders.parseLong(headers.lastHeader(IntakeHeaderNames.INGESTED_AT).value()))
                .isEqualTo(1_700_000_000_000L);
        assertThat(new String(headers.lastHeader(IntakeHeaderNames.PIPELINE).value(), StandardCharsets.UTF_8))
                .isEqualTo("billing");
        assertThat(headers.lastHeader(IntakeHeaderNames.TRACEPARENT)).isNotNull();
    }

    @Test
    void shouldPrintLsnsTheWayPostgresDoes() {
        assertThat(Lsn.format(0x16B3748L)).isEqualTo("0/16B3748");
        assertThat(Lsn.format((3L << 32) | 0xA0L)).isEqualTo("3/A0");
    }
}
