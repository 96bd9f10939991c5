package dev.strangler.parity.report.view;

import dev.strangler.parity.model.Verdict;
import java.util.Locale;

/** A verdict as the reports show it: its word, its exit code, what it means, and a style name for the page. */
public record VerdictView(Verdict verdict) {

    public String label() {
        return verdict.label();
    }

    public int exitCode() {
        return verdict.exitCode();
    }

    /** {@code go}, {@code no-go}, {@code unverifiable}: the page's style for the verdict. */
    public String style() {
        return verdict.label().toLowerCase(Locale.ROOT);
    }

    public String meaning() {
        return Text.meaning(verdict);
    }
}
