package dev.strangler.parity.model;

/**
 * What the run found about transaction completeness (README, "Transaction completeness"): whether the pipeline's
 * transaction topic was read, how many transactions visible at the cut it checked against the table topics, and how
 * many of those were incomplete (each named under its tables).
 *
 * @param topic        the transaction topic, {@code <topic prefix>.transaction}
 * @param checked      false when there was nothing to check against (no such topic, an empty one) or the check
 *                     could not run; the note says why
 * @param transactions transactions visible at the cut, touching a checked table, whose END was compared
 * @param incomplete   of those, the ones some table's topic does not hold exactly as the END counts
 * @param note         what was not checked and why, in a sentence; null when everything was
 */
public record TransactionCheck(String topic, boolean checked, long transactions, long incomplete, String note) {

    /** Transaction completeness was not checked, for the reason given. */
    public static TransactionCheck notChecked(String topic, String why) {
        return new TransactionCheck(topic, false, 0, 0, why);
    }

    /** The check in one line, for summaries. */
    public String describe() {
        if (!checked) {
            return "not checked: " + note;
        }
        return String.format(java.util.Locale.US, "%,d transactions visible at the cut checked in %s, %,d "
                + "incomplete", transactions, topic, incomplete) + (note == null ? "" : "; " + note);
    }
}
