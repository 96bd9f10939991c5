package dev.strangler.parity.report.view;

import java.util.List;

/**
 * One element of an inline SVG chart, laid out by {@link ChartLayout} and drawn by the {@code svg} template.
 * Coordinates are preformatted ({@code "12.5"}); a null attribute is left out; a {@code tooltip} becomes the
 * element's {@code <title>}.
 */
public sealed interface Mark permits Mark.Rect, Mark.Label, Mark.Line, Mark.Circle, Mark.Polygon, Mark.Polyline,
        Mark.Group {

    record Rect(String x, String y, String width, String height, String fill, String stroke, String strokeWidth,
                String tooltip) implements Mark {
    }

    /** A {@code <text>}: {@code anchor} is text-anchor, {@code cssClass} one of muted, ok, panel, strong. */
    record Label(String x, String y, String anchor, String cssClass, String fill, String text, String tooltip)
            implements Mark {
    }

    record Line(String x1, String y1, String x2, String y2, String stroke) implements Mark {
    }

    record Circle(String cx, String cy, String r, String fill, String stroke, String strokeWidth) implements Mark {
    }

    record Polygon(String points, String fill) implements Mark {
    }

    record Polyline(String points, String stroke, String strokeWidth) implements Mark {
    }

    /** A {@code <g>} of marks, moved by {@code transform}, with one tooltip for all of them. */
    record Group(String transform, String tooltip, List<Mark> marks) implements Mark {
        public Group {
            marks = List.copyOf(marks);
        }
    }
}
