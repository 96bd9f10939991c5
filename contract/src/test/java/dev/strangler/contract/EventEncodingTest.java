package dev.strangler.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventEncodingTest {

    @Test
    void shouldReadBackEveryEncodingItPrints() {
        List<EventEncoding> all = new ArrayList<>();
        for (EventEncoding.DecimalMode d : EventEncoding.DecimalMode.values()) {
            for (EventEncoding.TimePrecisionMode t : EventEncoding.TimePrecisionMode.values()) {
                for (EventEncoding.BinaryMode b : EventEncoding.BinaryMode.values()) {
                    all.add(new EventEncoding(d, t, b, EventEncoding.IntervalMode.STRING));
                }
            }
        }
        for (EventEncoding e : all) {
            assertThat(EventEncoding.parse(e.toString())).as(e.toString()).isEqualTo(e);
        }
    }

    @Test
    void shouldTakeStranglersSettingForOneLeftOut() {
        assertThat(EventEncoding.parse("binary.handling.mode=hex")).isEqualTo(new EventEncoding(
                EventEncoding.DecimalMode.STRING, EventEncoding.TimePrecisionMode.ISOSTRING,
                EventEncoding.BinaryMode.HEX, EventEncoding.IntervalMode.STRING));
        assertThat(EventEncoding.parse("")).isEqualTo(EventEncoding.strangler());
    }

    @Test
    void shouldRefuseWhatItNeverPrints() {
        assertThatThrownBy(() -> EventEncoding.parse("decimal.handling.mode"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not one of");
        assertThatThrownBy(() -> EventEncoding.parse("decimal.mode=string"))
                .hasMessageContaining("'decimal.mode=string'");
        assertThatThrownBy(() -> EventEncoding.parse("decimal.handling.mode=string, decimal.handling.mode=double"))
                .hasMessageContaining("appears twice");
        assertThatThrownBy(() -> EventEncoding.parse("decimal.handling.mode=float"))
                .hasMessageContaining("decimal.handling.mode='float' is not one of string, double, precise");
        assertThatThrownBy(() -> EventEncoding.parse("interval.handling.mode=numeric"))
                .hasMessageContaining("cannot be checked");
    }
}
