package dev.strangler.parity.canonical;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** JDBC text (DateStyle ISO) and Debezium isostring forms of the same value meet; neighbours do not. */
class TemporalsTest {

    @Test
    void datesIncludingLeapDaysBcAndFarFuture() {
        assertThat(Temporals.date("2000-02-29")).isEqualTo(Temporals.date("2000-02-29Z")).isEqualTo("\"2000-02-29\"");
        assertThat(Temporals.date("1960-01-01")).isEqualTo("\"1960-01-01\"");
        assertThat(Temporals.date("0044-03-15 BC")).isEqualTo(Temporals.date("-0043-03-15Z"))
                .isEqualTo("\"-0043-03-15\"");
        assertThat(Temporals.date("0001-01-01 BC")).isEqualTo("\"0000-01-01\"");
        assertThat(Temporals.date("5874897-12-31")).isEqualTo(Temporals.date("+5874897-12-31Z"))
                .isEqualTo("\"+5874897-12-31\"");
        assertThat(Temporals.date("2000-02-29")).isNotEqualTo(Temporals.date("2000-03-01Z"));
    }

    @Test
    void infiniteDatesInDebeziumsSnapshotAndStreamingSpellings() {
        assertThat(Temporals.date("infinity")).isEqualTo(Temporals.date("+292278994-08-16Z"))
                .isEqualTo(Temporals.date("-5877611-06-21Z")).isEqualTo("\"infinity\"");
        assertThat(Temporals.date("-infinity")).isEqualTo(Temporals.date("+292269055-12-02Z"))
                .isEqualTo(Temporals.date("-5877611-06-22Z")).isEqualTo("\"-infinity\"");
    }

    @Test
    void timestampsAreWallClockAndIgnoreDebeziumsZ() {
        assertThat(Temporals.timestamp("2024-03-01 12:34:56.789012"))
                .isEqualTo(Temporals.timestamp("2024-03-01T12:34:56.789012Z"))
                .isEqualTo("\"2024-03-01T12:34:56.789012\"");
        assertThat(Temporals.timestamp("2024-03-01 12:34:57")).isEqualTo(Temporals.timestamp("2024-03-01T12:34:57Z"))
                .isEqualTo("\"2024-03-01T12:34:57\"");
        assertThat(Temporals.timestamp("2024-03-01 12:34:56.5")).isEqualTo("\"2024-03-01T12:34:56.5\"");
        assertThat(Temporals.timestamp("0044-03-15 12:00:00 BC"))
                .isEqualTo(Temporals.timestamp("-0043-03-15T12:00:00Z"));
        assertThat(Temporals.timestamp("294276-12-31 23:59:59.999999"))
                .isEqualTo(Temporals.timestamp("+294276-12-31T23:59:59.999999Z"));
        assertThat(Temporals.timestamp("infinity")).isEqualTo(Temporals.timestamp("+294247-01-10T04:00:25.2Z"))
                .isEqualTo("\"infinity\"");
        assertThat(Temporals.timestamp("-infinity")).isEqualTo(Temporals.timestamp("-290308-12-21T19:59:27.6Z"))
                .isEqualTo("\"-infinity\"");
    }

    @Test
    void oneMicrosecondApartDiffers() {
        assertThat(Temporals.timestamp("1970-01-01 00:00:00.000001"))
                .isNotEqualTo(Temporals.timestamp("1970-01-01T00:00:00Z"));
        assertThat(Temporals.timestamptz("2024-03-01 10:34:56.789012+00"))
                .isNotEqualTo(Temporals.timestamptz("2024-03-01T10:34:56.789013Z"));
    }

    @Test
    void timestamptzIsTheInstantInUtcWhateverTheOffset() {
        String expected = "\"2024-03-01T10:34:56.789012Z\"";
        assertThat(Temporals.timestamptz("2024-03-01 12:34:56.789012+02")).isEqualTo(expected);
        assertThat(Temporals.timestamptz("2024-03-01 10:34:56.789012+00")).isEqualTo(expected);
        assertThat(Temporals.timestamptz("2024-03-01 16:04:56.789012+05:30")).isEqualTo(expected);
        assertThat(Temporals.timestamptz("2024-03-01 07:04:56.789012-03:30")).isEqualTo(expected);
        assertThat(Temporals.timestamptz("2024-03-01T10:34:56.789012Z")).isEqualTo(expected);
        // local mean time offsets with seconds (Europe/Amsterdam before 1937)
        assertThat(Temporals.timestamptz("1895-01-01 00:19:32+00:19:32")).isEqualTo("\"1895-01-01T00:00:00Z\"");
        // the event pads to the column precision
        assertThat(Temporals.timestamptz("1960-01-01 08:00:00+00"))
                .isEqualTo(Temporals.timestamptz("1960-01-01T08:00:00.000000Z")).isEqualTo("\"1960-01-01T08:00:00Z\"");
        assertThat(Temporals.timestamptz("1969-12-31 23:59:59.999999+00"))
                .isEqualTo(Temporals.timestamptz("1969-12-31T23:59:59.999999Z"));
        // crossing midnight and the date line
        assertThat(Temporals.timestamptz("2024-03-01 23:59:59.999+14")).isEqualTo("\"2024-03-01T09:59:59.999Z\"");
        assertThat(Temporals.timestamptz("infinity")).isEqualTo("\"infinity\"");
        assertThat(Temporals.timestamptz("0001-01-01 00:00:00+00")).isEqualTo("\"0001-01-01T00:00:00Z\"");
    }

    @Test
    void timesAndTimetz() {
        assertThat(Temporals.time("12:34:56.789012")).isEqualTo(Temporals.time("12:34:56.789012Z"))
                .isEqualTo("\"12:34:56.789012\"");
        assertThat(Temporals.time("00:00:00")).isEqualTo(Temporals.time("00:00:00Z")).isEqualTo("\"00:00:00\"");
        assertThat(Temporals.time("24:00:00")).isEqualTo("\"24:00:00\"").isNotEqualTo(Temporals.time("00:00:00Z"));
        assertThat(Temporals.timetz("12:34:56.789012+02")).isEqualTo(Temporals.timetz("10:34:56.789012Z"))
                .isEqualTo("\"10:34:56.789012Z\"");
        assertThat(Temporals.timetz("00:00:00-08")).isEqualTo(Temporals.timetz("08:00:00Z"));
        assertThat(Temporals.timetz("23:59:59.999999+14")).isEqualTo(Temporals.timetz("09:59:59.999999Z"));
        assertThat(Temporals.timetz("12:34:56.5-03:30")).isEqualTo(Temporals.timetz("16:04:56.5Z"));
        assertThat(Temporals.timetz("01:00:00+02")).isEqualTo("\"23:00:00Z\"");
    }

    @Test
    void intervalsFromEveryIntervalStyleAndDebezium() {
        String expected = "\"P1Y2M3DT4H5M6.78S\"";
        assertThat(Temporals.interval("1 year 2 mons 3 days 04:05:06.78")).isEqualTo(expected);
        assertThat(Temporals.interval("P1Y2M3DT4H5M6.78S")).isEqualTo(expected);
        assertThat(Temporals.interval("@ 1 year 2 mons 3 days 4 hours 5 mins 6.78 secs")).isEqualTo(expected);
        assertThat(Temporals.interval("+1-2 +3 +4:05:06.78")).isEqualTo(expected);
        assertThat(Temporals.interval("-1 years -2 mons -3 days -04:05:06.5"))
                .isEqualTo(Temporals.interval("P-1Y-2M-3DT-4H-5M-6.5S"))
                .isEqualTo(Temporals.interval("@ 1 year 2 mons 3 days 4 hours 5 mins 6.5 secs ago"));
        assertThat(Temporals.interval("-1 mons +02:00:00.000001"))
                .isEqualTo(Temporals.interval("P0Y-1M0DT2H0M0.000001S")).isEqualTo("\"P-1MT2H0.000001S\"");
        assertThat(Temporals.interval("-00:00:00.5")).isEqualTo(Temporals.interval("P0Y0M0DT0H0M-0.5S"))
                .isEqualTo("\"PT-0.5S\"");
        assertThat(Temporals.interval("3 days 25:00:00")).isEqualTo(Temporals.interval("P0Y0M3DT25H0M0S"))
                .isEqualTo("\"P3DT25H\"");
        assertThat(Temporals.interval("1 year 6 mons 00:45:15")).isEqualTo(Temporals.interval("P1Y6M0DT0H45M15S"));
        assertThat(Temporals.interval("100 years")).isEqualTo(Temporals.interval("P100Y0M0DT0H0M0S"));
        assertThat(Temporals.interval("00:00:00")).isEqualTo(Temporals.interval("P0Y0M0DT0H0M0S"))
                .isEqualTo("\"PT0S\"");
    }

    @Test
    void intervalsKeepTheirStoredFields() {
        assertThat(Temporals.interval("1 day")).isNotEqualTo(Temporals.interval("24:00:00"));
        assertThat(Temporals.interval("1 mon")).isNotEqualTo(Temporals.interval("30 days"));
        assertThat(Temporals.interval("00:00:00.000001")).isNotEqualTo(Temporals.interval("00:00:00"));
    }
}
