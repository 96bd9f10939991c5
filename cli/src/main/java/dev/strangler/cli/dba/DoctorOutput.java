package dev.strangler.cli.dba;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.strangler.engine.doctor.Check;
import dev.strangler.engine.doctor.DoctorReport;
import dev.strangler.engine.doctor.Status;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders a {@link DoctorReport}: a table for people, JSON for scripts and monitoring. */
final class DoctorOutput {

    static final int WIDTH = 118;
    private static final int MAX_NAME = 44;
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DoctorOutput() {
    }

    static String text(DoctorReport report) {
        StringBuilder b = new StringBuilder();
        b.append("strangler doctor: pipeline '").append(report.pipeline()).append("', PostgreSQL at ")
                .append(report.source()).append(" as '").append(report.role()).append("'")
                .append(report.server().isEmpty() ? "" : " (" + report.server() + ")").append("\n\n");
        int nameWidth = Math.min(MAX_NAME, report.checks().stream().mapToInt(c -> c.name().length()).max().orElse(4));
        String indent = " ".repeat(6 + nameWidth + 2);
        for (Check check : report.checks()) {
            String name = check.name().length() > nameWidth ? check.name().substring(0, nameWidth - 1) + "~"
                    : check.name();
            b.append(String.format("%-4s  %-" + nameWidth + "s  ", check.status(), name));
            appendWrapped(b, check.detail(), indent);
            if (!check.fix().isEmpty()) {
                b.append(indent);
                appendWrapped(b, "fix: " + check.fix(), indent + "     ");
            }
        }
        b.append('\n').append(summary(report)).append('\n');
        return b.toString();
    }

    static String summary(DoctorReport report) {
        String counts = report.count(Status.PASS) + " PASS, " + report.count(Status.WARN) + " WARN, "
                + report.count(Status.FAIL) + " FAIL";
        return report.ok()
                ? counts + ": the pipeline can start" + (report.count(Status.WARN) > 0 ? "; review the warnings" : "")
                : counts + ": fix every FAIL before strangler run";
    }

    static String json(DoctorReport report) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("pipeline", report.pipeline());
        root.put("source", report.source());
        root.put("role", report.role());
        root.put("server", report.server());
        root.put("ok", report.ok());
        Map<String, Object> summary = new LinkedHashMap<>();
        for (Status s : Status.values()) {
            summary.put(s.name().toLowerCase(java.util.Locale.ROOT), report.count(s));
        }
        root.put("summary", summary);
        List<Map<String, Object>> checks = new ArrayList<>();
        for (Check c : report.checks()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("status", c.status().name());
            m.put("detail", c.detail());
            m.put("fix", c.fix());
            checks.add(m);
        }
        root.put("checks", checks);
        return write(root);
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Word-wraps {@code text} so each line fits WIDTH; continuation lines start with {@code indent}. */
    static void appendWrapped(StringBuilder b, String text, String indent) {
        int available = Math.max(40, WIDTH - indent.length());
        int lineLength = 0;
        for (String word : text.split(" ")) {
            if (lineLength > 0 && lineLength + 1 + word.length() > available) {
                b.append('\n').append(indent);
                lineLength = 0;
            } else if (lineLength > 0) {
                b.append(' ');
                lineLength++;
            }
            b.append(word);
            lineLength += word.length();
        }
        b.append('\n');
    }
}
