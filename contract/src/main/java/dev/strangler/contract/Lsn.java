package dev.strangler.contract;

/**
 * PostgreSQL's text form of a WAL position ({@code 16/B374D848}) and the 64-bit number Debezium stores in offsets and
 * {@code source.lsn}, and Strangler in its intake headers.
 */
public final class Lsn {

    private Lsn() {
    }

    public static long parse(String text) {
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            throw new IllegalArgumentException("not a WAL position: '" + text + "'");
        }
        return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    }

    public static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }
}
