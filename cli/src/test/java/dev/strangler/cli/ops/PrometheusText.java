package dev.strangler.cli.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A parser of Prometheus' text exposition format (0.0.4), strict enough to reject what Prometheus would reject: metric
 * and label names by the format's grammar, quoted and escaped label values, float values (NaN, +Inf, -Inf), an
 * optional timestamp, and # HELP / # TYPE lines that come before their family's samples and are not repeated. The
 * Java client (prometheus-metrics-*) only writes this format; no maintained Java parser of it exists on Maven
 * Central, so the tests carry this one (and test it on its own).
 */
final class PrometheusText {

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");
    private static final List<String> SUFFIXES = List.of("_total", "_bucket", "_count", "_sum", "_created", "_max",
            "_info");

    record Sample(String name, Map<String, String> labels, double value) {
    }

    record Family(String name, String type, String help, List<Sample> samples) {
    }

    private final Map<String, Family> families = new LinkedHashMap<>();
    private final List<Sample> samples = new ArrayList<>();

    static PrometheusText parse(String text) {
        PrometheusText parsed = new PrometheusText();
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            try {
                parsed.line(line);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + lineNo + " '" + line + "': " + e.getMessage(), e);
            }
        }
        return parsed;
    }

    private void line(String line) {
        if (line.isBlank()) {
            return;
        }
        if (line.startsWith("#")) {
            String[] parts = line.split(" ", 4);
            if (parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
                name(parts[2]);
                Family f = families.get(parts[2]);
                if (parts[1].equals("TYPE")) {
                    String type = parts.length == 4 ? parts[3].trim() : "";
                    if (!TYPES.contains(type)) {
                        throw new IllegalArgumentException("unknown type '" + type + "'");
                    }
                    if (f != null && f.type() != null) {
                        throw new IllegalArgumentException("second TYPE line for " + parts[2]);
                    }
                    if (f != null && !f.samples().isEmpty()) {
                        throw new IllegalArgumentException("TYPE after samples of " + parts[2]);
                    }
                    families.put(parts[2], new Family(parts[2], type, f == null ? null : f.help(),
                            f == null ? new ArrayList<>() : f.samples()));
                } else {
                    families.put(parts[2], new Family(parts[2], f == null ? null : f.type(),
                            parts.length == 4 ? parts[3] : "", f == null ? new ArrayList<>() : f.samples()));
                }
            }
            return; // other comments are allowed
        }
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = name(line.substring(0, i));
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i = labels(line, i + 1, labels);
        }
        String[] rest = line.substring(i).trim().split(" +");
        if (rest.length < 1 || rest.length > 2 || rest[0].isEmpty()) {
            throw new IllegalArgumentException("expected a value and an optional timestamp");
        }
        double value = value(rest[0]);
        if (rest.length == 2) {
            Long.parseLong(rest[1]);
        }
        Sample sample = new Sample(name, labels, value);
        samples.add(sample);
        Family family = familyOf(name);
        if (family != null) {
            family.samples().add(sample);
        }
    }

    private Family familyOf(String sampleName) {
        if (families.containsKey(sampleName)) {
            return families.get(sampleName);
        }
        for (String suffix : SUFFIXES) {
            if (sampleName.endsWith(suffix)) {
                Family f = families.get(sampleName.substring(0, sampleName.length() - suffix.length()));
                if (f != null) {
                    return f;
                }
            }
        }
        return null;
    }

    private static int labels(String line, int i, Map<String, String> labels) {
        while (true) {
            if (i >= line.length()) {
                throw new IllegalArgumentException("unterminated label set");
            }
            if (line.charAt(i) == '}') {
                return i + 1;
            }
            int eq = line.indexOf('=', i);
            if (eq < 0) {
                throw new IllegalArgumentException("label without '='");
            }
            String label = line.substring(i, eq).trim();
            if (!LABEL_NAME.matcher(label).matches()) {
                throw new IllegalArgumentException("bad label name '" + label + "'");
            }
            if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                throw new IllegalArgumentException("label value of " + label + " is not quoted");
            }
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; j < line.length() && line.charAt(j) != '"'; j++) {
                char c = line.charAt(j);
                if (c == '\\') {
                    char next = line.charAt(++j);
                    value.append(switch (next) {
                        case 'n' -> '\n';
                        case '\\' -> '\\';
                        case '"' -> '"';
                        default -> throw new IllegalArgumentException("bad escape \\" + next);
                    });
                } else {
                    value.append(c);
                }
            }
            if (j >= line.length()) {
                throw new IllegalArgumentException("unterminated value of " + label);
            }
            if (labels.put(label, value.toString()) != null) {
                throw new IllegalArgumentException("label " + label + " twice");
            }
            i = j + 1;
            if (i < line.length() && line.charAt(i) == ',') {
                i++;
            }
        }
    }

    private static String name(String name) {
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad metric name '" + name + "'");
        }
        return name;
    }

    private static double value(String text) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    Map<String, Family> families() {
        return families;
    }

    List<Sample> samples() {
        return samples;
    }

    /** Every sample name, e.g. strangler_commit_to_ack_seconds_bucket. */
    Set<String> sampleNames() {
        Set<String> names = new TreeSet<>();
        samples.forEach(s -> names.add(s.name()));
        return names;
    }

    List<Sample> samples(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** The sum of a sample's values over the series whose labels include {@code match}. */
    double sum(String name, Map<String, String> match) {
        return samples(name).stream().filter(s -> s.labels().entrySet().containsAll(match.entrySet()))
                .mapToDouble(Sample::value).sum();
    }

    double value(String name, Map<String, String> match) {
        List<Sample> found = samples(name).stream().filter(s -> s.labels().entrySet().containsAll(match.entrySet()))
                .toList();
        if (found.size() != 1) {
            throw new IllegalArgumentException(found.size() + " series of " + name + " match " + match);
        }
        return found.get(0).value();
    }
}
