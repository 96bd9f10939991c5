package dev.strangler.outbox;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Map;

/** JSON checks and serialisation for the outbox, done on the client so PostgreSQL never rejects a statement. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory STRICT = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** PostgreSQL's numeric (jsonb numbers): up to 131072 digits before the decimal point, 16383 after. */
    private static final int MAX_NUMERIC_INTEGER_DIGITS = 131_072;
    private static final int MAX_NUMERIC_FRACTION_DIGITS = 16_383;

    private Json() {
    }

    /**
     * Checks that {@code text} is exactly one JSON object that PostgreSQL's jsonb accepts: well-formed,
     * nothing after it, no duplicate keys (jsonb would silently keep the last), no U+0000 character in a string or key
     * (jsonb refuses it, which would abort the caller's transaction).
     *
     * @return null when fine, else the reason
     */
    static String problem(String text) {
        try (JsonParser parser = STRICT.createParser(text)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return "it is empty";
            }
            if (token != JsonToken.START_OBJECT) {
                return "it is " + describe(token) + ", not a JSON object (an event payload is an object, {...}, "
                        + "so it can gain fields later)";
            }
            int depth = 0;
            while (true) {
                if (token.isStructStart()) {
                    depth++;
                } else if (token.isStructEnd()) {
                    depth--;
                } else if (token == JsonToken.VALUE_STRING || token == JsonToken.FIELD_NAME) {
                    if (parser.getText().indexOf('\0') >= 0) {
                        return "it contains \\u0000, which PostgreSQL's jsonb does not accept";
                    }
                } else if (token.isNumeric()) {
                    BigDecimal number = parser.getDecimalValue();
                    if (number.precision() - number.scale() > MAX_NUMERIC_INTEGER_DIGITS
                            || number.scale() > MAX_NUMERIC_FRACTION_DIGITS) {
                        return "the number " + abbreviate(parser.getText()) + " is beyond PostgreSQL's numeric range";
                    }
                }
                if (depth == 0) {
                    break;
                }
                token = parser.nextToken();
                if (token == null) {
                    return "it ends before the JSON value is complete";
                }
            }
            if (parser.nextToken() != null) {
                return "there is more text after the first JSON value";
            }
            return null;
        } catch (JsonProcessingException e) {
            return e.getOriginalMessage() + " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "a JSON array";
            case VALUE_STRING -> "a JSON string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a JSON number";
            case VALUE_TRUE, VALUE_FALSE -> "a JSON boolean";
            case VALUE_NULL -> "JSON null";
            default -> "not JSON";
        };
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("payload could not be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    static String write(Map<String, String> headers) {
        try {
            return MAPPER.writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
