package dev.strangler.parity.report.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.parity.model.Operation;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TextTest {

    @Test
    void invisibleCharactersBecomeVisible() {
        assertThat(Text.visible("a\nb\tc\u0000")).isEqualTo("a\\nb\\tc\\u0000");
        assertThat(Text.visible("x\u202Ey\u200Bz\u00A0")).isEqualTo("x\\u202Ey\\u200Bz\u00A0");
        assertThat(Shown.of("<\n>").parts()).containsExactly(new Shown.Part("<", null),
                new Shown.Part("\\n", "line feed"), new Shown.Part(">", null));
        assertThat(Shown.of("a\u202Eb").plain()).isEqualTo("a\\u202Eb");
        assertThat(Shown.of(null).isEmpty()).isTrue();
        assertThat(Text.visible("🚀👩‍👩‍👧")).isEqualTo("🚀👩‍👩‍👧");
        assertThat(Text.visible(null)).isNull();
    }

    @Test
    void differenceIsTheMiddleBetweenCommonPrefixAndSuffix() {
        assertThat(Text.difference("He said hi!", "He said bye!")).isEqualTo(new Text.Difference(8, 10, 11));
        assertThat(Text.difference("abc", "abXc")).isEqualTo(new Text.Difference(2, 2, 3));
        assertThat(Text.difference("aaa", "aa")).isEqualTo(new Text.Difference(2, 3, 2));
        assertThat(Text.difference("abc", "abc")).isNull();
        assertThat(Text.difference(null, "abc")).isNull();
        assertThat(Text.difference("🚀a", "🚀b")).isEqualTo(new Text.Difference(1, 2, 2)); // code points
        assertThat(Text.difference("", "x")).isEqualTo(new Text.Difference(0, 0, 1));
    }

    @Test
    void excerptKeepsTheDifferenceInView() {
        String v = "a".repeat(1000) + "XYZ" + "b".repeat(1000);
        Text.Excerpt e = Text.excerpt(v, 1000, 1003, 100);
        assertThat(e.before()).isTrue();
        assertThat(e.after()).isTrue();
        assertThat(e.head()).isEqualTo("a".repeat(Text.CONTEXT_BEFORE_DIFFERENCE));
        assertThat(e.marked()).isEqualTo("XYZ");
        assertThat(e.tail()).startsWith("bbb");
        assertThat(e.shown()).hasSize(100);
        assertThat(e.total()).isEqualTo(2003);

        Text.Excerpt whole = Text.excerpt("short", 2, 3, 100);
        assertThat(whole.cut()).isFalse();
        assertThat(whole.head()).isEqualTo("sh");
        assertThat(whole.marked()).isEqualTo("o");
        assertThat(whole.tail()).isEqualTo("rt");

        Text.Excerpt emoji = Text.excerpt("🚀".repeat(10), 4);
        assertThat(emoji.shown()).isEqualTo("🚀".repeat(4)); // never half a surrogate pair
    }

    @Test
    void opsAndNumbers() {
        assertThat(Text.ops(Map.of(Operation.CREATE, 1_234L, Operation.DELETE, 1L, Operation.TRUNCATE, 2L)))
                .isEqualTo("1,234/0/1/0 +t:2");
        assertThat(Text.count(-1)).isEqualTo("—");
    }

    @Test
    void axesAreTightAndRound() {
        assertThat(ChartLayout.scale(0, 4)).isEqualTo(new ChartLayout.Scale(4, 1, 4));
        assertThat(ChartLayout.scale(1_014, 5)).isEqualTo(new ChartLayout.Scale(1_250, 250, 5));
        assertThat(ChartLayout.scale(1_250_001, 5)).isEqualTo(new ChartLayout.Scale(1_500_000, 500_000, 3));
        assertThat(ChartLayout.scale(100, 5)).isEqualTo(new ChartLayout.Scale(100, 20, 5));
        assertThat(ChartLayout.scale(3, 5)).isEqualTo(new ChartLayout.Scale(3, 1, 3));
    }
}
