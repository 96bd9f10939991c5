package dev.strangler.engine.kafka;

import dev.strangler.contract.IntakeHeaderNames;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.apache.kafka.common.header.Headers;

/**
 * The intake metadata Strangler stamps on every record, so a consumer can tell when the event entered the pipeline,
 * which source transaction and WAL position it came from, and follow one transaction across topics.
 *
 * <p>The W3C trace id is derived from (pipeline, source transaction id), not drawn at random: every event of one
 * transaction carries the same trace id, and a record sent again after a crash carries the same trace id as the
 * first copy. Transaction ids wrap around after about four billion transactions, so a trace id may recur across
 * such a wrap-around; it is a correlation id, not a global key. The span id is derived from the record's LSN, topic
 * and key, so it is stable across re-sends as well. The header names are the contract's ({@link IntakeHeaderNames}).
 */
public final class IntakeHeaders {

    private static final HexFormat HEX = HexFormat.of();

    private final byte[] pipelineBytes;
    private final long pipelineSeed;

    public IntakeHeaders(String pipelineName) {
        this.pipelineBytes = pipelineName.getBytes(StandardCharsets.UTF_8);
        long seed = 0xcbf29ce484222325L;
        for (byte b : pipelineBytes) {
            seed = (seed ^ (b & 0xff)) * 0x100000001b3L;
        }
        this.pipelineSeed = seed;
    }

    /** Adds the five headers; lsn and txId may be null for records that carry no source position. */
    public void stamp(Headers headers, long ingestedAtMillis, Long lsn, Long txId, int topicHash, int keyHash) {
        stamp(headers, ingestedAtMillis, lsn, txId, topicHash, keyHash, true);
    }

    /**
     * As {@link #stamp(Headers, long, Long, Long, int, int)}; {@code withTraceparent} false keeps a trace context the
     * record already carries (an outbox event written inside a traced request) instead of adding the derived one.
     */
    public void stamp(Headers headers, long ingestedAtMillis, Long lsn, Long txId, int topicHash, int keyHash,
                      boolean withTraceparent) {
        headers.add(IntakeHeaderNames.INGESTED_AT, ascii(Long.toString(ingestedAtMillis)));
        headers.add(IntakeHeaderNames.PIPELINE, pipelineBytes);
        if (lsn != null) {
            headers.add(IntakeHeaderNames.SOURCE_LSN, ascii(Long.toString(lsn)));
        }
        if (txId != null) {
            headers.add(IntakeHeaderNames.SOURCE_TXID, ascii(Long.toString(txId)));
            if (withTraceparent) {
                headers.add(IntakeHeaderNames.TRACEPARENT, ascii(traceparent(txId, lsn == null ? 0 : lsn, topicHash, keyHash)));
            }
        }
    }

    String traceparent(long txId, long lsn, int topicHash, int keyHash) {
        long span = mix(lsn * 0x9e3779b97f4a7c15L ^ ((long) topicHash << 32) ^ (keyHash & 0xffffffffL));
        if (span == 0) {
            span = 1;
        }
        return "00-" + traceId(txId) + "-" + HEX.toHexDigits(span) + "-01";
    }

    /** The W3C trace id (32 hex digits) every event of source transaction {@code txId} carries, e.g. for logs. */
    public String traceId(long txId) {
        long hi = mix(pipelineSeed ^ txId);
        long lo = mix(hi + 0x9e3779b97f4a7c15L * (txId + 1));
        if (hi == 0 && lo == 0) {
            lo = 1; // the W3C spec forbids an all-zero trace id
        }
        return HEX.toHexDigits(hi) + HEX.toHexDigits(lo);
    }

    /** SplitMix64's finaliser: cheap, and spreads neighbouring transaction ids over the whole id space. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Parses a header value written by this class back into a number, for consumers and tests. */
    public static long parseLong(byte[] value) {
        return Long.parseLong(new String(value, StandardCharsets.US_ASCII));
    }
}
