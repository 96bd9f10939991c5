package dev.strangler.parity.canonical;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** numeric texts written without a BigDecimal give exactly what BigDecimal gives (or the same error). */
class NumbersFastPathTest {

    private static String outcome(boolean plain, String text) {
        try {
            return plain ? Numbers.numeric(text) : Numbers.numericByBigDecimal(text);
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private static void same(String text) {
        assertThat(outcome(true, text)).as("%s", text).isEqualTo(outcome(false, text));
    }

    @Test
    void edges() {
        List.of("0", "-0", "0.0", "-0.00", "0.50", "-0.50", "1", "-1", "10", "100", "100.00", "1.10", "12.30",
                "123456789.12", "0.000001", "-0.0000010", "12.", ".5", "-.5", "+5", "007", "00.5", "-007.50", "1e5",
                "1.5E-3", " 1.5", "1.5 ", "", "-", ".", "1.2.3", "1,5", "NaN", "Infinity", "-Infinity", "nan",
                "POSITIVE_INFINITY", "99999999999999999999999999999999999999.99",
                "999999999999999999999999999999999999999999.99", "１２").forEach(NumbersFastPathTest::same);
    }

    @Test
    void randomTexts() {
        Random r = new Random(11);
        for (int i = 0; i < 100_000; i++) {
            StringBuilder sb = new StringBuilder();
            if (r.nextInt(3) == 0) {
                sb.append('-');
            }
            int digits = r.nextInt(r.nextInt(10) == 0 ? 45 : 8);
            for (int d = 0; d < digits; d++) {
                sb.append(r.nextInt(4) == 0 ? '0' : (char) ('0' + r.nextInt(10)));
            }
            if (r.nextBoolean()) {
                sb.append('.');
                int fraction = r.nextInt(6);
                for (int d = 0; d < fraction; d++) {
                    sb.append(r.nextInt(3) == 0 ? '0' : (char) ('0' + r.nextInt(10)));
                }
            }
            same(sb.toString());
        }
    }
}
