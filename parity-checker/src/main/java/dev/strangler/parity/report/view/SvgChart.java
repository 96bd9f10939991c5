package dev.strangler.parity.report.view;

import java.util.List;

/**
 * A chart as an inline SVG image: {@code <svg role="img">} labelled by its title and a description that says in
 * words what it shows, so it reads without the picture too.
 *
 * @param id element id prefix ({@code <id>-title}, {@code <id>-desc})
 */
public record SvgChart(String id, int width, int height, String title, String desc, List<Mark> marks) {

    public SvgChart {
        marks = List.copyOf(marks);
    }

    public String viewBox() {
        return "0 0 " + width + " " + height;
    }

    public String labelledBy() {
        return id + "-title " + id + "-desc";
    }
}
