package dev.strangler.cli.dba;

import dev.strangler.contract.SqlIdentifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The part of psql the DBA scripts use, so they can be run and printed without a psql binary: variable substitution
 * ({@code :name} as is, {@code :'name'} as a string literal, {@code :"name"} as an identifier), statements split at
 * semicolons outside quotes, comments, dollar quotes and parentheses, and the meta-commands {@code \gexec} (run each
 * value the query returns as a statement) and {@code \set}. Like psql, nothing is substituted inside quotes or
 * comments, and {@code ::} is a cast.
 *
 * <p>Two uses: {@link #parse} for running (an undefined variable is an error, like psql's ON_ERROR_STOP would make
 * the resulting syntax error), and {@link #render} for printing with the variables that are known filled in and the
 * others left for psql.
 */
public final class PsqlScript {

    /** One command as psql would send it; {@code gexec} when it ended with \gexec instead of a semicolon. */
    public record Command(String sql, boolean gexec, int line) {
    }

    /** A script that cannot be run as written; the message names the line. */
    public static final class ScriptException extends RuntimeException {
        ScriptException(String message) {
            super(message);
        }
    }

    private final String text;
    private final Map<String, String> variables;
    private final boolean strict;
    private final StringBuilder rendered = new StringBuilder();
    private final StringBuilder command = new StringBuilder();
    private final List<Command> commands = new ArrayList<>();
    private boolean commandHasCode;
    private int commandLine = 1;
    private int line = 1;
    private int pos;

    private PsqlScript(String text, Map<String, String> variables, boolean strict) {
        this.text = text;
        this.variables = new TreeMap<>(variables);
        this.strict = strict;
    }

    /** The commands to send, in order; throws {@link ScriptException} on an undefined variable or meta-command. */
    public static List<Command> parse(String text, Map<String, String> variables) {
        PsqlScript script = new PsqlScript(text, variables, true);
        script.scan();
        return List.copyOf(script.commands);
    }

    /** The whole script with the known variables substituted; comments, meta-commands and unknown variables kept. */
    public static String render(String text, Map<String, String> variables) {
        PsqlScript script = new PsqlScript(text, variables, false);
        script.scan();
        return script.rendered.toString();
    }

    /** psql's :'name': a string literal, E'' when the value has a backslash (as PQescapeLiteral). */
    public static String literal(String value) {
        String quoted = "'" + value.replace("'", "''").replace("\\", "\\\\") + "'";
        return value.contains("\\") ? "E" + quoted : quoted;
    }

    /** psql's :"name": an identifier, always quoted (as PQescapeIdentifier). */
    public static String identifier(String value) {
        return SqlIdentifier.quote(value);
    }

    private void scan() {
        int depth = 0;
        while (pos < text.length()) {
            char ch = text.charAt(pos);
            char next = pos + 1 < text.length() ? text.charAt(pos + 1) : '\0';
            if (ch == '-' && next == '-') {
                copyUntil(text.indexOf('\n', pos) < 0 ? text.length() : text.indexOf('\n', pos), false);
            } else if (ch == '/' && next == '*') {
                copyUntil(blockCommentEnd(), false);
            } else if (ch == '\'') {
                boolean escapes = pos > 0 && (text.charAt(pos - 1) == 'E' || text.charAt(pos - 1) == 'e')
                        && (pos < 2 || !isIdentifierChar(text.charAt(pos - 2)));
                copyUntil(quotedEnd('\'', escapes), true);
            } else if (ch == '"') {
                copyUntil(quotedEnd('"', false), true);
            } else if (ch == '$' && dollarTag() != null) {
                String tag = dollarTag();
                int close = text.indexOf(tag, pos + tag.length());
                if (close < 0) {
                    throw new ScriptException("line " + line + ": unterminated dollar quote " + tag);
                }
                copyUntil(close + tag.length(), true);
            } else if (ch == ':' && next == ':') {
                copyUntil(pos + 2, true);
            } else if (ch == ':' && variableReference()) {
                continue;
            } else if (ch == '\\') {
                metaCommand();
            } else if (ch == ';' && depth == 0) {
                append(";", true);
                pos++;
                endCommand(false);
            } else {
                if (ch == '(') {
                    depth++;
                } else if (ch == ')' && depth > 0) {
                    depth--;
                }
                copyUntil(pos + 1, !Character.isWhitespace(ch));
            }
        }
        endCommand(false);
    }

    /** Substitutes :name, :'name' or :"name" at pos; false when what follows the colon is no variable reference. */
    private boolean variableReference() {
        int start = pos + 1;
        char quote = start < text.length() && (text.charAt(start) == '\'' || text.charAt(start) == '"')
                ? text.charAt(start) : 0;
        int nameStart = quote == 0 ? start : start + 1;
        int end = nameStart;
        while (end < text.length() && isIdentifierChar(text.charAt(end))) {
            end++;
        }
        if (end == nameStart || (quote != 0 && (end >= text.length() || text.charAt(end) != quote))) {
            return false;
        }
        String name = text.substring(nameStart, end);
        int after = quote == 0 ? end : end + 1;
        String value = variables.get(name);
        if (value == null) {
            if (strict) {
                throw new ScriptException("line " + line + ": psql variable '" + name + "' is not set; pass it "
                        + "as -v " + name + "=...");
            }
            copyUntil(after, true);
            return true;
        }
        append(quote == '\'' ? literal(value) : quote == '"' ? identifier(value) : value, true);
        pos = after;
        return true;
    }

    /** A backslash command runs to the end of the line; only \gexec and \set are understood. */
    private void metaCommand() {
        int end = text.indexOf('\n', pos);
        end = end < 0 ? text.length() : end;
        String meta = text.substring(pos, end).trim();
        String[] words = meta.substring(1).trim().split("\\s+", 3);
        String name = words[0];
        rendered.append(text, pos, end);
        int at = line;
        pos = end;
        switch (name) {
            case "gexec" -> endCommand(true);
            case "set" -> {
                if (words.length >= 2) {
                    variables.put(words[1], words.length == 3 ? words[2] : "");
                }
            }
            default -> {
                if (strict) {
                    throw new ScriptException("line " + at + ": psql meta-command \\" + name + " is not supported "
                            + "here (only \\gexec and \\set)");
                }
            }
        }
    }

    private void endCommand(boolean gexec) {
        if (commandHasCode) {
            commands.add(new Command(command.toString().trim(), gexec, commandLine));
        } else if (gexec && strict) {
            throw new ScriptException("line " + line + ": \\gexec without a query before it");
        }
        command.setLength(0);
        commandHasCode = false;
    }

    private void copyUntil(int end, boolean code) {
        append(text.substring(pos, end), code);
        pos = end;
    }

    private void append(String s, boolean code) {
        if (code && !commandHasCode) {
            commandLine = line;
        }
        rendered.append(s);
        command.append(s);
        commandHasCode |= code;
        line += (int) s.chars().filter(c -> c == '\n').count();
    }

    private int blockCommentEnd() {
        int depth = 0;
        int i = pos;
        while (i < text.length() - 1) {
            if (text.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (text.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        throw new ScriptException("line " + line + ": unterminated /* comment");
    }

    private int quotedEnd(char quote, boolean backslashEscapes) {
        int i = pos + 1;
        while (i < text.length()) {
            char ch = text.charAt(i);
            if (backslashEscapes && ch == '\\') {
                i += 2;
            } else if (ch == quote) {
                if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        throw new ScriptException("line " + line + ": unterminated " + (quote == '"' ? "quoted identifier"
                : "string literal"));
    }

    /** The $tag$ starting at pos, or null when the $ is not a dollar quote (e.g. $1, or inside a name like a$b). */
    private String dollarTag() {
        if (pos > 0 && isIdentifierChar(text.charAt(pos - 1))) {
            return null;
        }
        int i = pos + 1;
        if (i < text.length() && Character.isDigit(text.charAt(i))) {
            return null;
        }
        while (i < text.length() && isIdentifierChar(text.charAt(i))) {
            i++;
        }
        return i < text.length() && text.charAt(i) == '$' ? text.substring(pos, i + 1) : null;
    }

    private static boolean isIdentifierChar(char ch) {
        return Character.isLetterOrDigit(ch) || ch == '_' || ch >= 0x80;
    }
}
