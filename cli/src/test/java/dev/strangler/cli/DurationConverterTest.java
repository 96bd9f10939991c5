package dev.strangler.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

    @Test
    void readsWhatPeopleType() {
        assertThat(DurationConverter.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DurationConverter.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationConverter.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(DurationConverter.parse(" 8S ")).isEqualTo(Duration.ofSeconds(8));
        assertThat(DurationConverter.parse("PT45S")).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void rejectsAnythingElseWithAnExample() {
        assertThatThrownBy(() -> DurationConverter.parse("30"))
                .isInstanceOf(TypeConversionException.class).hasMessageContaining("e.g. 30s");
        assertThatThrownBy(() -> DurationConverter.parse("soon")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> DurationConverter.parse("-5s")).isInstanceOf(TypeConversionException.class);
    }

    @Test
    void formatsInTheUnitItWasLikelyWrittenIn() {
        assertThat(DurationConverter.format(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(DurationConverter.format(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(DurationConverter.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(DurationConverter.format(Duration.ofHours(1))).isEqualTo("1h");
        assertThat(DurationConverter.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }
}
