package dev.strangler.parity.canonical;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NumbersTest {

    @Test
    void floatTextReadsBackAsTheSameValueAndIsShortest() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            // any bit pattern, and values of everyday magnitude
            double d = i % 2 == 0 ? Double.longBitsToDouble(random.nextLong()) : random.nextDouble(-1e6, 1e6);
            if (Double.isFinite(d) && d != 0) {
                String text = Numbers.float8(d);
                if (Double.parseDouble(text) != d || digits(text) > digits(Double.toString(d))) {
                    throw new AssertionError(d + " -> " + text);
                }
            }
            float f = i % 2 == 0 ? Float.intBitsToFloat(random.nextInt()) : (float) random.nextDouble(-1e6, 1e6);
            if (Float.isFinite(f) && f != 0) {
                String text = Numbers.float4(f);
                if (Float.parseFloat(text) != f || digits(text) > digits(Float.toString(f))) {
                    throw new AssertionError(f + " -> " + text);
                }
            }
        }
    }

    @Test
    void floatLayoutLikePostgres() {
        assertThat(Numbers.float8(1e14)).isEqualTo("100000000000000");
        assertThat(Numbers.float8(1e15)).isEqualTo("1e+15");
        assertThat(Numbers.float8(-1.5e-5)).isEqualTo("-1.5e-05");
        assertThat(Numbers.float8(0.0001)).isEqualTo("0.0001");
        assertThat(Numbers.float4(123456f)).isEqualTo("123456");
        assertThat(Numbers.float4(1234567f)).isEqualTo("1.234567e+06");
        assertThat(Numbers.float8(1e300)).isEqualTo("1e+300");
    }

    @Test
    void numericKeepsEveryDigit() {
        assertThat(Numbers.numeric("000123.4500")).isEqualTo("123.45");
        assertThat(Numbers.numeric("-0.000")).isEqualTo("0");
        assertThat(Numbers.numeric("1" + "0".repeat(500))).isEqualTo("1" + "0".repeat(500));
        assertThat(Numbers.numeric("0." + "0".repeat(300) + "1")).isEqualTo("0." + "0".repeat(300) + "1");
    }

    private static int digits(String text) {
        String mantissa = text.toLowerCase().split("e")[0].replace("-", "").replace(".", "");
        return mantissa.replaceAll("^0+", "").replaceAll("0+$", "").length();
    }
}
