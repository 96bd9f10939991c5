package dev.strangler.parity.canonical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Per type: PostgreSQL's text output (what JDBC reads) and the event's JSON (as observed from the real pipeline,
 * see CanonicalizerPipelineIT) give the same canonical text exactly when they are the same value.
 */
class CanonicalizerTest {

    private static final ObjectMapper JSON = Canonicalizer.eventMapper();
    private static final ObjectMapper PLAIN_JSON = new ObjectMapper();
    private final Canonicalizer canon = new Canonicalizer();

    /** The JSON literal is the field value as it appears in the event, e.g. {@code "\"1.50\""} or {@code "0.1"}. */
    private String json(String jsonLiteral, ColumnType type) {
        try {
            return canon.fromJson(JSON.readTree(jsonLiteral), type).value();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String plainJson(String jsonLiteral, ColumnType type) {
        try {
            return canon.fromJson(PLAIN_JSON.readTree(jsonLiteral), type).value();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String pg(String text, ColumnType type) {
        return canon.fromPgText(text, type);
    }

    private void same(String pgText, String jsonLiteral, ColumnType type, String expected) {
        assertThat(pg(pgText, type)).as("JDBC %s", pgText).isEqualTo(expected);
        assertThat(json(jsonLiteral, type)).as("event %s", jsonLiteral).isEqualTo(expected);
    }

    private static ColumnType t(String typeName) {
        return ColumnType.scalar("c", typeName);
    }

    private static ColumnType a(String elementTypeName) {
        return ColumnType.arrayOf("c", elementTypeName);
    }

    @Nested
    class Arrays {
        @Test
        void textArraysKeepElementsQuotingAndNullElements() {
            ColumnType tags = a("text");
            assertThat(pg("{vip,\"été\",\"a,b\",NULL,\"NULL\"}", tags))
                    .isEqualTo(json("[\"vip\",\"été\",\"a,b\",null,\"NULL\"]", tags))
                    .isEqualTo("[\"vip\",\"été\",\"a,b\",null,\"NULL\"]");
            assertThat(pg("{a,b}", tags)).isNotEqualTo(json("[\"b\",\"a\"]", tags));
        }

        @Test
        void emptyArraysAreEqualAndDifferFromNull() {
            for (String element : List.of("text", "int4", "numeric", "date")) {
                assertThat(pg("{}", a(element))).isEqualTo(json("[]", a(element))).isEqualTo("[]")
                        .isNotEqualTo(Canonicalizer.NULL);
            }
        }

        @Test
        void elementsFollowTheirTypesRules() {
            assertThat(pg("{1.50,2}", a("numeric"))).isEqualTo(json("[\"1.5\",\"2.00\"]", a("numeric")));
            assertThat(pg("{1,-2}", a("int4"))).isEqualTo(json("[1,-2]", a("int4")));
            assertThat(pg("{2024-02-29}", a("date"))).isEqualTo(json("[\"2024-02-29Z\"]", a("date")));
            assertThat(pg("{t,f}", a("bool"))).isEqualTo(json("[true,false]", a("bool")));
        }

        @Test
        void multiDimensionalArraysNest() {
            assertThat(pg("{{1,2},{3,4}}", a("int4"))).isEqualTo(json("[[1,2],[3,4]]", a("int4")))
                    .isEqualTo("[[1,2],[3,4]]");
        }
    }

    @Nested
    class Nulls {
        @Test
        void sqlNullAndJsonNullAreTheSameAndCollideWithNoValue() {
            for (String type : List.of("text", "int4", "numeric", "jsonb", "bytea", "timestamptz", "_text")) {
                ColumnType ct = type.startsWith("_") ? a(type.substring(1)) : t(type);
                assertThat(pg(null, ct)).isEqualTo(Canonicalizer.NULL);
                assertThat(json("null", ct)).isEqualTo(Canonicalizer.NULL);
            }
            assertThat(pg("null", t("text"))).isEqualTo("\"null\"").isNotEqualTo(Canonicalizer.NULL);
            assertThat(pg("null", t("jsonb"))).isEqualTo("\"null\"").isNotEqualTo(Canonicalizer.NULL);
            assertThat(pg("NULL", t("text"))).isNotEqualTo(Canonicalizer.NULL);
            assertThat(pg("\u2400", t("text"))).isNotEqualTo(Canonicalizer.NULL);
        }

        @Test
        void aMissingFieldIsAbsentNotNull() {
            assertThat(canon.fromJson(null, t("text"))).isEqualTo(CanonicalValue.ABSENT);
            assertThat(canon.fromJson(JSON.createObjectNode().path("x"), t("text"))).isEqualTo(CanonicalValue.ABSENT);
            assertThatThrownBy(() -> CanonicalValue.ABSENT.value()).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void aValueTheEncodingsCannotReadIsUnreadableWithItsReason() {
            CanonicalValue unreadable = canon.readJson(JSON.getNodeFactory().textNode("twelve"), t("numeric"));
            assertThat(unreadable.kind()).isEqualTo(CanonicalValue.Kind.UNREADABLE);
            assertThat(unreadable.text()).isNull();
            assertThat(unreadable.reason()).contains("twelve").contains("decimal.handling.mode=string");
            assertThatThrownBy(unreadable::value).isInstanceOf(IllegalStateException.class);
            assertThat(canon.readJson(JSON.getNodeFactory().textNode("12.50"), t("numeric")))
                    .isEqualTo(CanonicalValue.of("12.5"));
        }
    }

    @Nested
    class Booleans {
        @Test
        void trueAndFalse() {
            same("t", "true", t("bool"), "true");
            same("f", "false", t("bool"), "false");
            assertThat(pg("t", t("bool"))).isNotEqualTo(json("false", t("bool")));
        }
    }

    @Nested
    class Integers {
        @Test
        void extremes() {
            same("-32768", "-32768", t("int2"), "-32768");
            same("2147483647", "2147483647", t("int4"), "2147483647");
            same("-9223372036854775808", "-9223372036854775808", t("int8"), "-9223372036854775808");
            assertThat(pg("41", t("int4"))).isNotEqualTo(json("42", t("int4")));
        }
    }

    @Nested
    class Numerics {
        @Test
        void theColumnScaleInTheEventDoesNotMatter() {
            same("1234567890.10", "\"1234567890.10\"", t("numeric"), "1234567890.1");
            same("0.500", "\"0.500\"", t("numeric"), "0.5");
            same("10.00", "\"10.00\"", t("numeric"), "10");
            // unscaled column: 1.500 and 1.5 are equal for PostgreSQL's =, so canonical forms are equal
            assertThat(pg("1.500", t("numeric"))).isEqualTo(json("\"1.5\"", t("numeric")));
        }

        @Test
        void zeroHasOneForm() {
            same("0", "\"0\"", t("numeric"), "0");
            same("0.00", "\"-0.00\"", t("numeric"), "0");
            assertThat(pg("-0", t("numeric"))).isEqualTo("0");
        }

        @Test
        void differentValuesDiffer() {
            assertThat(pg("1.10", t("numeric"))).isNotEqualTo(json("\"1.11\"", t("numeric")));
            assertThat(pg("100", t("numeric"))).isEqualTo(json("\"1E+2\"", t("numeric")));
            assertThat(pg("-1.5", t("numeric"))).isNotEqualTo(json("\"1.5\"", t("numeric")));
        }

        @Test
        void largeValuesStayExact() {
            String big = "123456789012345678901234567890.123456789012345678901234567890";
            same(big, "\"" + big + "\"", t("numeric"), "123456789012345678901234567890.12345678901234567890123456789");
            assertThat(pg("99999999999999999999999999999999999999.1", t("numeric")))
                    .isNotEqualTo(pg("99999999999999999999999999999999999999.2", t("numeric")));
            assertThat(pg("1E+5", t("numeric"))).isEqualTo("100000");
        }

        @Test
        void specialValuesInBothSpellings() {
            same("NaN", "\"NAN\"", t("numeric"), "\"NaN\"");
            same("Infinity", "\"POSITIVE_INFINITY\"", t("numeric"), "\"Infinity\"");
            same("-Infinity", "\"NEGATIVE_INFINITY\"", t("numeric"), "\"-Infinity\"");
            assertThat(json("\"NaN\"", t("numeric"))).isEqualTo("\"NaN\"");
        }

        @Test
        void moneyFromItsLocaleTextOrANumericCast() {
            same("$1,234.56", "\"1234.56\"", t("money"), "1234.56");
            same("-$1.50", "\"-1.50\"", t("money"), "-1.5");
            same("1234.56", "\"1234.56\"", t("money"), "1234.56");
            assertThat(pg("($1.50)", t("money"))).isEqualTo("-1.5");
            assertThat(Canonicalizer.selectExpression(t("money"))).isEqualTo("\"c\"::numeric AS \"c\"");
            assertThat(Canonicalizer.selectExpression(ColumnType.scalar("we\"ird", "text"))).isEqualTo("\"we\"\"ird\"");
        }

        @Test
        void numericAsAJsonNumberToo() {
            assertThat(json("12.50", t("numeric"))).isEqualTo("12.5");
        }
    }

    @Nested
    class Floats {
        @Test
        void realIsComparedAtItsOwnWidth() {
            same("0.1", "0.1", t("float4"), "0.1");
            same("0.3", "0.3", t("float4"), "0.3");
            // Java 17's Float.toString is not always the shortest: the event says 1.17549435E-38, PostgreSQL 1.1754944e-38
            same("1.1754944e-38", "1.17549435E-38", t("float4"), "1.1754944e-38");
            same("1e-45", "1.4E-45", t("float4"), "1e-45");
            same("3.4028235e+38", "3.4028235E38", t("float4"), "3.4028235e+38");
            same("1.6777216e+07", "1.6777216E7", t("float4"), "1.6777216e+07");
            same("100000", "100000.0", t("float4"), "100000");
        }

        @Test
        void realFromAPlainDoubleMapperToo() {
            assertThat(plainJson("0.1", t("float4"))).isEqualTo("0.1");
            assertThat(plainJson("1.17549435E-38", t("float4"))).isEqualTo("1.1754944e-38");
        }

        @Test
        void doublePrecision() {
            same("0.1", "0.1", t("float8"), "0.1");
            same("1.7976931348623157e+308", "1.7976931348623157E308", t("float8"), "1.7976931348623157e+308");
            same("5e-324", "4.9E-324", t("float8"), "5e-324");
            same("123456789012345", "1.23456789012345E14", t("float8"), "123456789012345");
            same("1e+15", "1.0E15", t("float8"), "1e+15");
            same("0.0001", "1.0E-4", t("float8"), "0.0001");
            same("1e-05", "1.0E-5", t("float8"), "1e-05");
            assertThat(plainJson("0.1", t("float8"))).isEqualTo("0.1");
        }

        @Test
        void negativeZeroIsZero() {
            same("-0", "-0.0", t("float8"), "0");
            same("-0", "-0.0", t("float4"), "0");
            assertThat(pg("0", t("float8"))).isEqualTo(json("-0.0", t("float8")));
        }

        @Test
        void nanEqualsNanAndInfinitiesAreStrings() {
            same("NaN", "\"NaN\"", t("float8"), "\"NaN\"");
            same("Infinity", "\"Infinity\"", t("float8"), "\"Infinity\"");
            same("-Infinity", "\"-Infinity\"", t("float4"), "\"-Infinity\"");
        }

        @Test
        void neighbouringValuesDiffer() {
            assertThat(pg("0.1", t("float8"))).isNotEqualTo(json("0.10000000000000002", t("float8")));
            assertThat(pg("0.1", t("float4"))).isNotEqualTo(json("0.100000009", t("float4")));
            // the same decimal is a different value at each width, each side uses its column's width
            assertThat(pg("0.1", t("float4"))).isEqualTo(json("0.1", t("float4")));
            assertThat(pg("1.0000001", t("float4"))).isNotEqualTo(pg("1", t("float4")));
        }
    }

    @Nested
    class Texts {
        @Test
        void exactTextAsJsonString() {
            same("héllo 🎉 é", "\"héllo \\uD83C\\uDF89 é\"", t("text"), "\"héllo 🎉 é\"");
            same("", "\"\"", t("text"), "\"\"");
            same("say \"hi\"\\\n", "\"say \\\"hi\\\"\\\\\\n\"", t("varchar"), "\"say \\\"hi\\\"\\\\\\n\"");
            same("MiXeD", "\"MiXeD\"", t("citext"), "\"MiXeD\"");
            same("192.168.0.1", "\"192.168.0.1\"", t("inet"), "\"192.168.0.1\"");
        }

        @Test
        void rangesCompareTheirBoundsAsTheSubtype() {
            same("[1,5)", "\"[1,5)\"", t("int4range"), "\"[1,5)\"");
            same("empty", "\"empty\"", t("int4range"), "\"empty\"");
            same("(,5)", "\"(,5)\"", t("int8range"), "\"(,5)\"");
            same("[1.50,2.5]", "\"[1.5,2.50]\"", t("numrange"), "\"[1.5,2.5]\"");
            same("[2000-02-29,infinity)", "\"[2000-02-29,infinity)\"", t("daterange"), "\"[2000-02-29,infinity)\"");
            same("[\"2024-03-01 12:00:00\",\"2024-03-02 00:00:00\")",
                    "\"[\\\"2024-03-01 12:00:00\\\",\\\"2024-03-02 00:00:00\\\")\"", t("tsrange"),
                    "\"[2024-03-01T12:00:00,2024-03-02T00:00:00)\"");
            // the same tstzrange read in two session time zones
            same("[\"2024-03-01 15:45:00+05:45\",)", "\"[\\\"2024-03-01 10:00:00+00\\\",)\"", t("tstzrange"),
                    "\"[2024-03-01T10:00:00Z,)\"");
            assertThat(pg("[1,5)", t("int4range"))).isNotEqualTo(json("\"[1,6)\"", t("int4range")));
            assertThat(pg("[1,5)", t("int4range"))).isNotEqualTo(json("\"(1,5)\"", t("int4range")));
        }

        @Test
        void noUnicodeNormalisation() {
            assertThat(pg("é", t("text"))).isNotEqualTo(json("\"e\u0301\"", t("text")));
            same("e\u0301", "\"e\\u0301\"", t("text"), "\"e\u0301\"");
        }

        @Test
        void charTrailingSpacesAreInsignificant() {
            same("ab   ", "\"ab   \"", t("bpchar"), "\"ab\"");
            assertThat(pg("ab", t("bpchar"))).isEqualTo(json("\"ab   \"", t("bpchar")));
            assertThat(pg(" ab", t("bpchar"))).isNotEqualTo(json("\"ab\"", t("bpchar")));
            assertThat(pg("ab ", t("varchar"))).isNotEqualTo(json("\"ab\"", t("varchar")));
        }

        @Test
        void uuidIsLowerCase() {
            same("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "\"A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11\"", t("uuid"),
                    "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"");
        }

        @Test
        void enums() {
            ColumnType mood = ColumnType.enumType("c", "mood");
            same("happy", "\"happy\"", mood, "\"happy\"");
            assertThat(pg("happy", mood)).isNotEqualTo(json("\"sad\"", mood));
        }
    }

    @Nested
    class Binary {
        @Test
        void byteaAsBase64() {
            same("\\xdeadbeef", "\"3q2+7w==\"", t("bytea"), "\"3q2+7w==\"");
            same("\\x", "\"\"", t("bytea"), "\"\"");
            assertThat(pg("abc\\000\\\\", t("bytea"))).isEqualTo(pg("\\x616263005c", t("bytea"))); // bytea_output=escape
            assertThat(pg("\\xdeadbeef", t("bytea"))).isNotEqualTo(json("\"3q2+7A==\"", t("bytea")));
        }

        @Test
        void bitStringsAsTheirValue() {
            same("1010101010", "\"qgI=\"", t("bit"), "\"1010101010\"");
            same("0000000001", "\"AQ==\"", t("bit"), "\"1\"");
            same("101", "\"BQ==\"", t("varbit"), "\"101\"");
            same("", "\"\"", t("varbit"), "\"0\"");
            same("1", "true", t("bit"), "\"1\"");
            same("0", "false", t("bit"), "\"0\"");
            assertThat(pg("1010101011", t("bit"))).isNotEqualTo(json("\"qgI=\"", t("bit")));
        }
    }

    @Nested
    class Json {
        @Test
        void jsonbDocumentsBySortedKeys() {
            same("{\"a\": [true, null], \"b\": 1}", "\"{\\\"a\\\": [true, null], \\\"b\\\": 1}\"", t("jsonb"),
                    "\"{\\\"a\\\":[true,null],\\\"b\\\":1}\"");
        }

        @Test
        void jsonKeepsItsTextButIsComparedByDocument() {
            assertThat(pg("{\"b\":1,  \"a\":[true,null]}", t("json")))
                    .isEqualTo(pg("{\"a\": [true, null], \"b\": 1}", t("jsonb")));
            assertThat(pg("[1, 2.0, 1e2]", t("json"))).isEqualTo(pg("[1, 2, 100]", t("jsonb")));
            assertThat(pg("{\"a\":\"\\u00e9\"}", t("json"))).isEqualTo(pg("{\"a\": \"é\"}", t("jsonb")));
        }

        @Test
        void duplicateKeysKeepTheLastValueAKnownLimitation() {
            assertThat(pg("{\"a\":1, \"a\":2}", t("json"))).isEqualTo(pg("{\"a\": 2}", t("jsonb")));
        }

        @Test
        void differentDocumentsDiffer() {
            assertThat(pg("{\"a\": 1}", t("jsonb"))).isNotEqualTo(json("\"{\\\"a\\\": \\\"1\\\"}\"", t("jsonb")));
            assertThat(pg("[1, 2]", t("jsonb"))).isNotEqualTo(pg("[2, 1]", t("jsonb")));
            assertThat(pg("null", t("jsonb"))).isNotEqualTo(Canonicalizer.NULL);
        }

        @Test
        void bigNumbersInsideDocumentsStayExact() {
            assertThat(pg("[12345678901234567890.123]", t("jsonb"))).isEqualTo("\"[12345678901234567890.123]\"");
            assertThat(pg("[1e400]", t("json"))).isEqualTo("\"[1E+400]\"");
        }

        @Test
        void hstoreAsASortedObject() {
            same("\"b\"=>NULL, \"a\"=>\"1\"", "\"{\\\"a\\\":\\\"1\\\",\\\"b\\\":null}\"", t("hstore"),
                    "{\"a\":\"1\",\"b\":null}");
            same("", "\"{}\"", t("hstore"), "{}");
            same("\"k\\\"ey\"=>\"v\\\\al\"", "\"{\\\"k\\\\\\\"ey\\\":\\\"v\\\\\\\\al\\\"}\"", t("hstore"),
                    "{\"k\\\"ey\":\"v\\\\al\"}");
        }
    }

    @Nested
    class Keys {
        private final List<ColumnType> key = List.of(t("int4"), ColumnType.scalar("line_no", "int2"));

        @Test
        void canonicalKeyFromTheKafkaKeyInKeyColumnOrder() throws Exception {
            List<ColumnType> cols = List.of(ColumnType.scalar("order_id", "int8"), ColumnType.scalar("line_no", "int4"));
            assertThat(canon.canonicalKey(JSON.readTree("{\"line_no\":1,\"order_id\":7}"), cols))
                    .isEqualTo("{\"order_id\":7,\"line_no\":1}");
            assertThat(canon.canonicalKey(JSON.readTree("{\"id\":42}"), List.of(ColumnType.scalar("id", "int4"))))
                    .isEqualTo("{\"id\":42}");
        }

        @Test
        void typedKeys() throws Exception {
            List<ColumnType> cols = List.of(ColumnType.scalar("u", "uuid"), ColumnType.scalar("ts", "timestamptz"),
                    ColumnType.scalar("n", "numeric"), ColumnType.scalar("d", "date"));
            assertThat(canon.canonicalKey(JSON.readTree("{\"u\":\"A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11\","
                    + "\"ts\":\"2024-03-01T10:34:56.500000Z\",\"n\":\"1.50\",\"d\":\"2000-02-29Z\"}"), cols))
                    .isEqualTo("{\"u\":\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\",\"ts\":\"2024-03-01T10:34:56.5Z\","
                            + "\"n\":1.5,\"d\":\"2000-02-29\"}");
        }

        @Test
        void aMissingKeyFieldIsAnError() {
            assertThatThrownBy(() -> canon.canonicalKey(JSON.readTree("{\"c\":1}"), key))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line_no");
            assertThatThrownBy(() -> canon.canonicalKey(null, key)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class Toast {
        @Test
        void placeholdersAreUnavailableNotValues() throws Exception {
            assertUnavailable("\"__debezium_unavailable_value\"", t("text"));
            assertUnavailable("\"__debezium_unavailable_value\"", t("jsonb"));
            assertUnavailable("\"__debezium_unavailable_value\"", t("numeric"));
            assertUnavailable("[\"__debezium_unavailable_value\"]", a("text"));
            assertUnavailable("[\"__debezium_unavailable_value\"]", a("jsonb"));
            assertUnavailable("[\"b68a35a7-17ad-35b3-af2a-ae46edb4545a\"]", a("uuid"));
            assertUnavailable("[95,95,100,101,98,101,122,105,117,109,95,117,110,97,118,97,105,108,97,98,108,101,95,"
                    + "118,97,108,117,101]", a("int4"));
            assertUnavailable("\"{\\\"__debezium_unavailable_value\\\":\\\"__debezium_unavailable_value\\\"}\"",
                    t("hstore"));
            assertThat(canon.fromJson(JSON.readTree("[95,95]"), a("int4")).value()).isEqualTo("[95,95]");
            assertThat(canon.fromJson(JSON.readTree("[\"a\"]"), a("text")).value()).isEqualTo("[\"a\"]");
        }

        @Test
        void theDeployedPlaceholderIsConfigurable() throws Exception {
            Canonicalizer custom = new Canonicalizer("<toast>");
            assertThat(custom.fromJson(JSON.readTree("\"<toast>\""), t("text"))).isEqualTo(CanonicalValue.UNAVAILABLE);
            assertThat(custom.fromJson(JSON.readTree("\"__debezium_unavailable_value\""), t("text")).value())
                    .isEqualTo("\"__debezium_unavailable_value\"");
        }

        private void assertUnavailable(String jsonLiteral, ColumnType type) throws Exception {
            JsonNode node = JSON.readTree(jsonLiteral);
            assertThat(canon.fromJson(node, type)).as(jsonLiteral).isEqualTo(CanonicalValue.UNAVAILABLE);
            assertThat(canon.fromJson(node, type).toString()).isEqualTo("<unavailable>");
        }
    }

    @Nested
    class Errors {
        @Test
        void unparseableValuesNameTheColumnAndType() {
            assertThatThrownBy(() -> pg("not a date", ColumnType.scalar("born", "date")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("born date");
            assertThatThrownBy(() -> json("12345", ColumnType.scalar("at", "timestamptz")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at timestamptz");
            assertThatThrownBy(() -> json("\"x\"", a("text"))).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void verifiedTypes() {
            assertThat(Canonicalizer.isVerified(t("numeric"))).isTrue();
            assertThat(Canonicalizer.isVerified(a("timestamptz"))).isTrue();
            assertThat(Canonicalizer.isVerified(ColumnType.enumType("c", "mood"))).isTrue();
            assertThat(Canonicalizer.isVerified(t("point"))).isFalse();
        }
    }
}
