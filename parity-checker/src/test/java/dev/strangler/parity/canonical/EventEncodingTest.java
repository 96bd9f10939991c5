package dev.strangler.parity.canonical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.contract.EventEncoding;
import java.io.IOException;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Debezium's other value encodings read back to the same canonical text as PostgreSQL's own output. */
class EventEncodingTest {

    private static final ObjectMapper JSON = Canonicalizer.eventMapper();
    /** Debezium's defaults as Kafka Connect runs it. */
    private static final EventEncoding CONNECT_DEFAULTS = EventEncoding.of("precise", "adaptive", "bytes", "string");

    private static final int NUMERIC_10_2 = (10 << 16 | 2) + 4;

    private final Canonicalizer pg = new Canonicalizer();
    private final Canonicalizer defaults = new Canonicalizer(Canonicalizer.DEFAULT_UNAVAILABLE_PLACEHOLDER,
            CONNECT_DEFAULTS);

    private static String json(Canonicalizer c, String literal, ColumnType type) {
        try {
            return c.fromJson(JSON.readTree(literal), type).value();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64(long unscaled) {
        return "\"" + Base64.getEncoder().encodeToString(BigInteger.valueOf(unscaled).toByteArray()) + "\"";
    }

    @Test
    void shouldReadPreciseDecimalsWithTheColumnsScaleOrTheirOwn() {
        ColumnType price = ColumnType.scalar("price", "numeric").withTypmod(NUMERIC_10_2);
        assertThat(price.numericScale()).hasValue(2);
        assertThat(json(defaults, base64(1268), price)).isEqualTo(pg.fromPgText("12.68", price));
        assertThat(json(defaults, base64(-5), price)).isEqualTo(pg.fromPgText("-0.05", price));
        ColumnType unconstrained = ColumnType.scalar("amount", "numeric");
        assertThat(json(defaults, "{\"scale\":3,\"value\":" + base64(1500) + "}", unconstrained))
                .isEqualTo(pg.fromPgText("1.500", unconstrained)).isEqualTo("1.5");
        assertThatThrownBy(() -> json(defaults, base64(1500), unconstrained))
                .hasMessageContaining("unconstrained numeric");
        assertThat(json(defaults, "12.68", price)).as("JsonConverter decimal.format=NUMERIC")
                .isEqualTo(pg.fromPgText("12.68", price));
    }

    @Test
    void shouldReadAdaptiveDatesTimesAndTimestampsByTheColumnsPrecision() {
        ColumnType date = ColumnType.scalar("d", "date");
        long leapDay = LocalDate.of(2024, 2, 29).toEpochDay();
        assertThat(json(defaults, Long.toString(leapDay), date)).isEqualTo(pg.fromPgText("2024-02-29", date));
        assertThat(json(defaults, Long.toString(LocalDate.of(1, 1, 1).toEpochDay()), date))
                .isEqualTo(pg.fromPgText("0001-01-01", date));

        ColumnType time = ColumnType.scalar("t", "time");
        ColumnType timeMillis = time.withTypmod(3);
        assertThat(json(defaults, "45296789012", time)).isEqualTo(pg.fromPgText("12:34:56.789012", time));
        assertThat(json(defaults, "45296789", timeMillis)).isEqualTo(pg.fromPgText("12:34:56.789", timeMillis));

        ColumnType ts = ColumnType.scalar("ts", "timestamp");
        assertThat(json(defaults, "1709296496789012", ts)).isEqualTo(pg.fromPgText("2024-03-01 12:34:56.789012", ts));
        assertThat(json(defaults, "1709296496789", ts.withTypmod(3)))
                .isEqualTo(pg.fromPgText("2024-03-01 12:34:56.789", ts));
        assertThat(json(defaults, "-1", ts)).isEqualTo(pg.fromPgText("1969-12-31 23:59:59.999999", ts));
    }

    @Test
    void shouldReadConnectModeInMillisSoSubMillisecondDigitsDiffer() {
        Canonicalizer connect = new Canonicalizer(Canonicalizer.DEFAULT_UNAVAILABLE_PLACEHOLDER,
                EventEncoding.of("string", "connect", "base64", "string"));
        ColumnType ts = ColumnType.scalar("ts", "timestamp");
        assertThat(json(connect, "1709296496789", ts)).isEqualTo(pg.fromPgText("2024-03-01 12:34:56.789", ts))
                .isNotEqualTo(pg.fromPgText("2024-03-01 12:34:56.789012", ts));
        ColumnType time = ColumnType.scalar("t", "time");
        assertThat(json(connect, "45296789", time)).isEqualTo(pg.fromPgText("12:34:56.789", time));
    }

    @Test
    void shouldReadEveryBinaryMode() {
        ColumnType bytea = ColumnType.scalar("b", "bytea");
        String expected = pg.fromPgText("\\xdeadbeefff", bytea);
        assertThat(json(defaults, "\"3q2+7/8=\"", bytea)).isEqualTo(expected);
        assertThat(json(new Canonicalizer(Canonicalizer.DEFAULT_UNAVAILABLE_PLACEHOLDER,
                EventEncoding.of("string", "isostring", "hex", "string")), "\"deadbeefff\"", bytea)).isEqualTo(expected);
        assertThat(json(new Canonicalizer(Canonicalizer.DEFAULT_UNAVAILABLE_PLACEHOLDER,
                EventEncoding.of("string", "isostring", "base64-url-safe", "string")), "\"3q2-7_8=\"", bytea))
                .isEqualTo(expected);
    }

    @Test
    void shouldRefuseANumberWhereIsostringWritesText() {
        assertThatThrownBy(() -> json(pg, "1709296496789012", ColumnType.scalar("ts", "timestamp")))
                .hasMessageContaining("time.precision.mode");
    }

    @Test
    void shouldNameTheAcceptedValuesOfAnUnknownOption() {
        assertThat(EventEncoding.strangler()).isEqualTo(EventEncoding.of("string", "isostring", "base64", "string"));
        assertThatThrownBy(() -> EventEncoding.of("exact", "isostring", "base64", "string"))
                .hasMessage("decimal.handling.mode='exact' is not one of string, double, precise");
        assertThatThrownBy(() -> EventEncoding.of("string", "isostring", "base64", "numeric"))
                .hasMessageContaining("interval.handling.mode=numeric cannot be checked");
    }
}
