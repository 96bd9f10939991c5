package dev.strangler.parity.canonical;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parsers for PostgreSQL's text output of arrays, hstore and bytea. */
final class PgText {

    private PgText() {
    }

    /**
     * Parses an array literal ({@code {a,NULL,"b,c"}}, {@code {{1,2},{3,4}}}, {@code [0:1]={1,2}}) into nested
     * lists whose leaves are element texts or null (SQL NULL). Non-default lower bounds are dropped: Debezium does
     * not carry them either.
     */
    static List<Object> parseArray(String literal) {
        String s = literal.trim();
        int start = 0;
        if (s.startsWith("[")) { // dimension decoration: [0:1]={...}
            int eq = s.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("not an array literal: " + literal);
            }
            start = eq + 1;
        }
        int[] pos = {start};
        List<Object> result = parseLevel(s, pos);
        skipSpace(s, pos);
        if (pos[0] != s.length()) {
            throw new IllegalArgumentException("trailing text in array literal: " + literal);
        }
        return result;
    }

    private static List<Object> parseLevel(String s, int[] pos) {
        skipSpace(s, pos);
        expect(s, pos, '{');
        List<Object> items = new ArrayList<>();
        skipSpace(s, pos);
        if (peek(s, pos) == '}') {
            pos[0]++;
            return items;
        }
        while (true) {
            skipSpace(s, pos);
            char ch = peek(s, pos);
            if (ch == '{') {
                items.add(parseLevel(s, pos));
            } else if (ch == '"') {
                items.add(quoted(s, pos));
            } else {
                int begin = pos[0];
                while (pos[0] < s.length() && s.charAt(pos[0]) != ',' && s.charAt(pos[0]) != '}') {
                    pos[0]++;
                }
                String raw = s.substring(begin, pos[0]).trim();
                items.add(raw.equalsIgnoreCase("NULL") ? null : unescape(raw));
            }
            skipSpace(s, pos);
            char next = peek(s, pos);
            pos[0]++;
            if (next == '}') {
                return items;
            }
            if (next != ',') {
                throw new IllegalArgumentException("unexpected '" + next + "' in array literal: " + s);
            }
        }
    }

    private static String quoted(String s, int[] pos) {
        expect(s, pos, '"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos[0] >= s.length()) {
                throw new IllegalArgumentException("unterminated quote in: " + s);
            }
            char ch = s.charAt(pos[0]++);
            if (ch == '\\') {
                sb.append(s.charAt(pos[0]++));
            } else if (ch == '"') {
                return sb.toString();
            } else {
                sb.append(ch);
            }
        }
    }

    private static String unescape(String raw) {
        if (raw.indexOf('\\') < 0) {
            return raw;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
            char ch = raw.charAt(i);
            if (ch == '\\' && i + 1 < raw.length()) {
                ch = raw.charAt(++i);
            }
            sb.append(ch);
        }
        return sb.toString();
    }

    /**
     * The two bounds of a range's text between its brackets ({@code 1,5} or {@code "2024-03-01 12:00:00+00",}):
     * null for an unbounded side, quotes and escapes removed.
     */
    static List<String> parseRangeBounds(String inner) {
        List<String> bounds = new ArrayList<>(2);
        int[] pos = {0};
        for (int i = 0; i < 2; i++) {
            if (pos[0] < inner.length() && inner.charAt(pos[0]) == '"') {
                StringBuilder sb = new StringBuilder();
                pos[0]++;
                while (true) {
                    if (pos[0] >= inner.length()) {
                        throw new IllegalArgumentException("unterminated quote in range: " + inner);
                    }
                    char ch = inner.charAt(pos[0]++);
                    if (ch == '\\') {
                        sb.append(inner.charAt(pos[0]++));
                    } else if (ch == '"') {
                        if (pos[0] < inner.length() && inner.charAt(pos[0]) == '"') { // doubled quote
                            sb.append('"');
                            pos[0]++;
                        } else {
                            break;
                        }
                    } else {
                        sb.append(ch);
                    }
                }
                bounds.add(sb.toString());
            } else {
                int begin = pos[0];
                while (pos[0] < inner.length() && inner.charAt(pos[0]) != ',') {
                    pos[0]++;
                }
                String raw = inner.substring(begin, pos[0]);
                bounds.add(raw.isEmpty() ? null : unescape(raw));
            }
            if (i == 0) {
                if (pos[0] >= inner.length() || inner.charAt(pos[0]) != ',') {
                    throw new IllegalArgumentException("expected ',' in range: " + inner);
                }
                pos[0]++;
            }
        }
        if (pos[0] != inner.length()) {
            throw new IllegalArgumentException("trailing text in range: " + inner);
        }
        return bounds;
    }

    /** Parses hstore output ({@code "a"=>"1", "b"=>NULL}) into a map in text order (values null for NULL). */
    static Map<String, String> parseHstore(String text) {
        Map<String, String> map = new LinkedHashMap<>();
        String s = text.trim();
        int[] pos = {0};
        while (true) {
            skipSpace(s, pos);
            if (pos[0] >= s.length()) {
                return map;
            }
            String key = hstoreToken(s, pos);
            if (key == null) {
                throw new IllegalArgumentException("NULL hstore key in: " + text);
            }
            skipSpace(s, pos);
            expect(s, pos, '=');
            expect(s, pos, '>');
            skipSpace(s, pos);
            map.put(key, hstoreToken(s, pos));
            skipSpace(s, pos);
            if (pos[0] < s.length()) {
                expect(s, pos, ',');
            }
        }
    }

    private static String hstoreToken(String s, int[] pos) {
        if (peek(s, pos) == '"') {
            return quoted(s, pos);
        }
        int begin = pos[0];
        while (pos[0] < s.length() && s.charAt(pos[0]) != ',' && s.charAt(pos[0]) != '='
                && !Character.isWhitespace(s.charAt(pos[0]))) {
            pos[0]++;
        }
        String raw = s.substring(begin, pos[0]);
        return raw.equalsIgnoreCase("NULL") ? null : unescape(raw);
    }

    /** Decodes bytea text output in hex ({@code \xdeadbeef}) or escape format ({@code abc\\000\\\\}). */
    static byte[] decodeBytea(String text) {
        if (text.startsWith("\\x")) {
            String hex = text.substring(2);
            if (hex.length() % 2 != 0) {
                throw new IllegalArgumentException("odd hex bytea: " + text);
            }
            byte[] bytes = new byte[hex.length() / 2];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
            }
            return bytes;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '\\') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '\\') {
                    out.write('\\');
                    i++;
                } else {
                    out.write(Integer.parseInt(text.substring(i + 1, i + 4), 8));
                    i += 3;
                }
            } else {
                out.write(ch);
            }
        }
        return out.toByteArray();
    }

    private static void skipSpace(String s, int[] pos) {
        while (pos[0] < s.length() && Character.isWhitespace(s.charAt(pos[0]))) {
            pos[0]++;
        }
    }

    private static char peek(String s, int[] pos) {
        if (pos[0] >= s.length()) {
            throw new IllegalArgumentException("unexpected end of: " + s);
        }
        return s.charAt(pos[0]);
    }

    private static void expect(String s, int[] pos, char expected) {
        if (peek(s, pos) != expected) {
            throw new IllegalArgumentException("expected '" + expected + "' at " + pos[0] + " in: " + s);
        }
        pos[0]++;
    }
}
