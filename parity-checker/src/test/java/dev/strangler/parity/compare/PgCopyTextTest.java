package dev.strangler.parity.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The COPY text format read as COPY FROM reads it (copyfromparse.c); PgCopyTextIT checks it against a server. */
class PgCopyTextTest {

    private static byte[] row(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String[] texts(String row, int width) {
        byte[][] columns = PgCopyText.columns(row(row), width);
        String[] texts = new String[columns.length];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = columns[i] == null ? null : new String(columns[i], StandardCharsets.UTF_8);
        }
        return texts;
    }

    @Test
    void splitsAtTabsAndReadsNullAndEmptyApart() {
        assertThat(texts("1\tabc\t\\N\t\n", 4)).containsExactly("1", "abc", null, "");
        assertThat(texts("\n", 1)).containsExactly("");
        assertThat(texts("\\N\n", 1)).containsExactly((String) null);
        assertThat(texts("héllo 🎉\t\\N\n", 2)).containsExactly("héllo 🎉", null);
    }

    @Test
    void readsTheEscapesPostgresqlWrites() {
        assertThat(texts("a\\tb\\nc\\rd\\\\e\\bf\\fg\\vh\n", 1)).containsExactly("a\tb\nc\rd\\e\bf\fg\u000Bh");
        // a value that is the two characters \N is written with its backslash escaped: not NULL
        assertThat(texts("\\\\N\n", 1)).containsExactly("\\N");
        assertThat(texts("\\N\\N\n", 1)).containsExactly("NN");
    }

    @Test
    void readsOctalHexAndOtherEscapesAsCopyFromDoes() {
        assertThat(texts("\\101\\0\\7x\\1018\n", 1)).containsExactly("A\u0000\u0007xA8");
        assertThat(texts("\\x41\\x4g\\xz\\x\n", 1)).containsExactly("A\u0004gxzx");
        assertThat(texts("\\q\\\"\\.\n", 1)).containsExactly("q\".");
        // an escaped tab is part of the value, not a separator
        assertThat(texts("a\\\tb\tc\n", 2)).containsExactly("a\tb", "c");
        // octal past one byte keeps its low byte, as PostgreSQL's & 0377
        assertThat(PgCopyText.columns(row("\\777\n"), 1)[0]).containsExactly((byte) 0xFF);
    }

    @Test
    void refusesARowOfAnotherShape() {
        assertThatThrownBy(() -> PgCopyText.columns(row("1\t2\n"), 3))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("has 2 columns, not the 3 selected");
        assertThatThrownBy(() -> PgCopyText.columns(row("1\t2\t3\n"), 2))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("more than the 2 columns");
        assertThatThrownBy(() -> PgCopyText.columns(row("1\t2"), 2))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not end in a newline");
        assertThatThrownBy(() -> PgCopyText.columns(new byte[0], 1)).isInstanceOf(IllegalStateException.class);
    }
}
