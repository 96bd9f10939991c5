package dev.strangler.cli.ops;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names and label names a PromQL expression refers to, read the way PromQL's grammar has them: label names
 * inside selectors ({@code {a="x", b=~"y"}}) and in grouping clauses ({@code by (a, b)}, {@code on}, ...); metric
 * names as the remaining identifiers that are not functions, keywords or aggregation operators. String literals,
 * range and offset durations and numbers are dropped first.
 */
record PromQlReferences(Set<String> metrics, Set<String> labels) {

    private static final Set<String> NOT_METRICS = Set.of("sum", "min", "max", "avg", "count", "stddev", "stdvar",
            "topk", "bottomk", "quantile", "count_values", "group", "rate", "irate", "increase", "delta", "idelta",
            "deriv", "histogram_quantile", "absent", "absent_over_time", "avg_over_time", "min_over_time",
            "max_over_time", "sum_over_time", "count_over_time", "last_over_time", "clamp_min", "clamp_max", "clamp",
            "abs", "ceil", "floor", "round", "time", "timestamp", "vector", "scalar", "label_replace", "label_join",
            "label_values", "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
            "bool", "offset", "inf", "nan");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern SELECTOR = Pattern.compile("\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)"
            + "(?:\\{[^}]*})?\\s*,\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)");

    static PromQlReferences of(String expr) {
        Set<String> metrics = new LinkedHashSet<>();
        Set<String> labels = new LinkedHashSet<>();
        Matcher values = LABEL_VALUES.matcher(expr); // Grafana's template function
        while (values.find()) {
            metrics.add(values.group(1));
            labels.add(values.group(2));
        }
        String e = LABEL_VALUES.matcher(expr).replaceAll(" ");
        e = STRING.matcher(e).replaceAll("\"\"");
        Matcher selector = SELECTOR.matcher(e);
        while (selector.find()) {
            Matcher m = MATCHER.matcher(selector.group(1));
            while (m.find()) {
                labels.add(m.group(1));
            }
        }
        e = SELECTOR.matcher(e).replaceAll(" ");
        Matcher grouping = GROUPING.matcher(e);
        while (grouping.find()) {
            for (String label : grouping.group(2).split(",")) {
                if (!label.isBlank()) {
                    labels.add(label.trim());
                }
            }
        }
        e = GROUPING.matcher(e).replaceAll(" ");
        e = RANGE.matcher(e).replaceAll(" ");
        e = e.replaceAll("\\b\\d+(\\.\\d+)?([eE][+-]?\\d+)?[smhdwy]?\\b", " ");
        Matcher ident = IDENT.matcher(e);
        while (ident.find()) {
            if (!NOT_METRICS.contains(ident.group().toLowerCase(java.util.Locale.ROOT))) {
                metrics.add(ident.group());
            }
        }
        return new PromQlReferences(metrics, labels);
    }
}
