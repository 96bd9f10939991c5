package dev.strangler.parity.canonical;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/** Canonical text of numeric, money, real and double precision values. */
final class Numbers {

    static final String NAN = "\"NaN\"";
    static final String INFINITY = "\"Infinity\"";
    static final String NEGATIVE_INFINITY = "\"-Infinity\"";

    private static final MathContext[] CONTEXTS = new MathContext[18];

    static {
        for (int digits = 1; digits < CONTEXTS.length; digits++) {
            CONTEXTS[digits] = new MathContext(digits, RoundingMode.HALF_EVEN);
        }
    }

    private Numbers() {
    }

    /**
     * numeric: the value with trailing fractional zeros removed, in plain notation ({@code 1.500} and {@code 1.5}
     * are the same numeric for PostgreSQL's {@code =}, so they canonicalise alike); zero is {@code 0}.
     */
    static String numeric(BigDecimal value) {
        if (value.signum() == 0) {
            return "0";
        }
        return value.stripTrailingZeros().toPlainString();
    }

    /**
     * numeric from text: PostgreSQL's ({@code NaN}, {@code Infinity}, {@code -Infinity}, digits) and Debezium's
     * spellings of the special values ({@code NAN}, {@code POSITIVE_INFINITY}, {@code NEGATIVE_INFINITY}).
     */
    static String numeric(String text) {
        String plain = plainDecimal(text);
        return plain != null ? plain : numericByBigDecimal(text);
    }

    /** {@link #numeric(String)} through BigDecimal: the rule, for every text the plain reading leaves to it. */
    static String numericByBigDecimal(String text) {
        String t = text.trim();
        return switch (t.toUpperCase(Locale.ROOT)) {
            case "NAN" -> NAN;
            case "INFINITY", "+INFINITY", "POSITIVE_INFINITY" -> INFINITY;
            case "-INFINITY", "NEGATIVE_INFINITY" -> NEGATIVE_INFINITY;
            default -> numeric(new BigDecimal(t));
        };
    }

    /**
     * A numeric in the shape PostgreSQL prints and Debezium's string mode writes ({@code -12.30}), written canonically
     * without a BigDecimal: trailing fractional zeros and a bare point dropped, zero as {@code 0}. Null for anything
     * else (a sign other than a leading minus, leading zeros, an exponent, spaces, a special value, more than 40
     * characters), which BigDecimal reads; NumbersTest compares both on such texts.
     */
    static String plainDecimal(String t) {
        int n = t.length();
        if (n == 0 || n > 40) {
            return null;
        }
        int intStart = t.charAt(0) == '-' ? 1 : 0;
        int i = intStart;
        while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
            i++;
        }
        int intEnd = i;
        if (intEnd == intStart || (intEnd - intStart > 1 && t.charAt(intStart) == '0')) {
            return null;
        }
        int end = intEnd;
        if (i < n) {
            if (t.charAt(i) != '.') {
                return null;
            }
            int fractionStart = ++i;
            while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
                i++;
            }
            if (i != n || i == fractionStart) {
                return null;
            }
            end = i;
            while (end > fractionStart && t.charAt(end - 1) == '0') {
                end--;
            }
            if (end == fractionStart) {
                end = intEnd; // no fractional digit left: no point either
            }
        }
        if (end == intEnd && intEnd - intStart == 1 && t.charAt(intStart) == '0') {
            return "0"; // 0, -0, 0.000, -0.00
        }
        return end == n ? t : t.substring(0, end);
    }

    /**
     * money as PostgreSQL prints it with lc_monetary C or en_US ({@code $1,234.56}, {@code -$1.50}); a plain number
     * (a {@code money::numeric} cast, or the event's string) is accepted as well.
     */
    static String money(String text) {
        String t = text.trim();
        boolean negative = t.startsWith("-") || (t.startsWith("(") && t.endsWith(")"));
        StringBuilder digits = new StringBuilder();
        for (int i = 0; i < t.length(); i++) {
            char ch = t.charAt(i);
            if ((ch >= '0' && ch <= '9') || ch == '.') {
                digits.append(ch);
            }
        }
        if (digits.length() == 0) {
            throw new IllegalArgumentException("not a money value: " + text);
        }
        BigDecimal value = new BigDecimal(digits.toString());
        return numeric(negative ? value.negate() : value);
    }

    /**
     * double precision: NaN, Infinity and -Infinity as JSON strings; -0 as 0 (PostgreSQL's {@code =} treats them as
     * equal); otherwise the shortest decimal that reads back as the same double, laid out like PostgreSQL prints
     * floats (plain for exponents -4..14, else {@code 1.5e+300}).
     */
    static String float8(double d) {
        if (Double.isNaN(d)) {
            return NAN;
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? INFINITY : NEGATIVE_INFINITY;
        }
        if (d == 0) {
            return "0";
        }
        // the closest decimal with the fewest digits that reads back as d; reading back is monotone in the number of
        // digits (the closest p+1-digit decimal is at least as close as the closest p-digit one), so binary search
        BigDecimal exact = new BigDecimal(d);
        int low = 1;
        int high = 17;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (exact.round(CONTEXTS[mid]).doubleValue() == d) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return layout(exact.round(CONTEXTS[low]), 15);
    }

    /** real: like {@link #float8(double)} with the float's own width (shortest decimal that reads back as it). */
    static String float4(float f) {
        if (Float.isNaN(f)) {
            return NAN;
        }
        if (Float.isInfinite(f)) {
            return f > 0 ? INFINITY : NEGATIVE_INFINITY;
        }
        if (f == 0) {
            return "0";
        }
        BigDecimal exact = new BigDecimal((double) f);
        int low = 1;
        int high = 9;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (exact.round(CONTEXTS[mid]).floatValue() == f) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return layout(exact.round(CONTEXTS[low]), 6);
    }

    /** Parses PostgreSQL's or Java's float text ({@code NaN}, {@code Infinity}, {@code -Infinity}, {@code 1e+10}). */
    static double parseDouble(String text) {
        return Double.parseDouble(floatSpelling(text));
    }

    static float parseFloat(String text) {
        return Float.parseFloat(floatSpelling(text));
    }

    private static String floatSpelling(String text) {
        String t = text.trim();
        return switch (t.toLowerCase(Locale.ROOT)) {
            case "nan" -> "NaN";
            case "infinity", "+infinity", "inf", "+inf" -> "Infinity";
            case "-infinity", "-inf" -> "-Infinity";
            default -> t;
        };
    }

    private static String layout(BigDecimal value, int maxPlainExponent) {
        BigDecimal v = value.stripTrailingZeros();
        int exponent = v.precision() - v.scale() - 1;
        if (exponent >= -4 && exponent < maxPlainExponent) {
            return v.toPlainString();
        }
        String digits = v.unscaledValue().abs().toString();
        StringBuilder sb = new StringBuilder();
        if (v.signum() < 0) {
            sb.append('-');
        }
        sb.append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        sb.append('e').append(exponent < 0 ? '-' : '+');
        int abs = Math.abs(exponent);
        if (abs < 10) {
            sb.append('0');
        }
        return sb.append(abs).toString();
    }
}
