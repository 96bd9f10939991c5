package dev.strangler.parity.report;

import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.model.TableResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class HtmlReportWriterTest {

    private final HtmlReportWriter writer = new HtmlReportWriter();

    static Stream<ParityReport> reports() {
        return ReportFixtures.all().stream();
    }

    @ParameterizedTest
    @MethodSource("reports")
    void showsTheVerdictAndEveryTableAndIsSelfContained(ParityReport report) {
        String html = writer.render(report);
        assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
        assertThat(html).contains("<h1><span class=\"sr\">Verdict: </span>" + report.verdict().label() + "</h1>");
        assertThat(html).contains("Exit code <strong>" + report.verdict().exitCode() + "</strong>");
        for (TableResult t : report.tables()) {
            assertThat(html).contains(Html.text(t.table().toString()));
        }
        // self-contained: nothing is fetched, nothing is run
        assertThat(html).doesNotContain("http://").doesNotContain("https://").doesNotContain("//:")
                .doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("<link")
                .doesNotContainIgnoringCase("<img").doesNotContainIgnoringCase("<iframe")
                .doesNotContainIgnoringCase("@import").doesNotContainIgnoringCase("url(");
        Matcher tag = Pattern.compile("<[a-zA-Z][^>]*>").matcher(html);
        while (tag.find()) {
            assertThat(tag.group()).as("no attribute loads or runs anything")
                    .doesNotContainPattern("(?i)\\s(src|srcset|action|formaction|xlink:href|on[a-z]+)\\s*=");
        }
        Matcher href = Pattern.compile("href=\"([^\"]*)\"").matcher(html);
        while (href.find()) {
            assertThat(href.group(1)).as("only links within the page").startsWith("#");
        }
        assertThat(html).contains("Content-Security-Policy").contains("default-src 'none'");
    }

    @ParameterizedTest
    @MethodSource("reports")
    void chartsAreLabelledForScreenReaders(ParityReport report) {
        String html = writer.render(report);
        int svgs = count(html, "<svg ");
        assertThat(count(html, "role=\"img\"")).isEqualTo(svgs);
        assertThat(count(html, "<desc id=")).isEqualTo(svgs);
        assertThat(html).doesNotContain("<svg xmlns"); // inline SVG in HTML needs no namespace (and no URL)
        if (!report.tables().isEmpty()) {
            assertThat(html).contains("<th scope=\"col\">").contains("<th scope=\"row\">");
        }
    }

    @Test
    void hostileValuesAreEscapedEverywhere() {
        String html = writer.render(ReportFixtures.noGo(true));
        assertThat(html).doesNotContain("<script").doesNotContain("<img").doesNotContain("<b>bold")
                .doesNotContain("</td></tr></table><h1>x").doesNotContain("<i>check");
        assertThat(html).contains("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;");
        assertThat(html).contains("He said &quot;<mark>hi</mark>&quot; &amp; left &#39;fast&#39; &lt;b&gt;bold&lt;/b&gt;")
                .contains("He said &quot;<mark>bye</mark>&quot;");
        assertThat(html).contains("&lt;img src=x onerror=alert(1)&gt;");
        assertThat(html).contains("&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;h1&gt;x&lt;/h1&gt;");
        assertThat(html).contains("Zoë Ångström — ").contains("🚀👩‍👩‍👧").contains("مرحبا");
        assertThat(html).contains("admin<mark><span class=\"esc\" title=\"direction control\">\\u202E</span>txt.exe</mark>")
                .doesNotContain("\u202E");
        assertThat(html).contains("line one<mark><span class=\"esc\" title=\"line feed\">\\n</span>line two"
                + "<span class=\"esc\" title=\"tab\">\\t</span>tabbed");
        // the long value: an excerpt around the first difference, marked, and the whole value (capped) behind it
        assertThat(html).contains("first difference at character 4,991")
                .contains("<mark>TABLE-TAIL").contains("<mark>STREAM-END</mark>")
                .contains("東京").contains("<mark>大阪</mark>")
                .contains("whole value (25,000 characters)").contains("report.json has the rest");
        assertThat(html).doesNotContain("y".repeat(HtmlReportWriter.MAX_VALUE));
    }

    @Test
    void everyVerdictHasItsColourAndItsWord() {
        assertThat(writer.render(ReportFixtures.go(false))).contains("<header class=\"verdict v-go\">")
                .contains("background: #1a7f37").contains(">GO</h1>");
        assertThat(writer.render(ReportFixtures.noGo(false))).contains("<header class=\"verdict v-no-go\">")
                .contains(">NO-GO</h1>");
        String unverifiable = writer.render(ReportFixtures.unverifiable(false));
        assertThat(unverifiable).contains("<header class=\"verdict v-unverifiable\">").contains(">UNVERIFIABLE</h1>")
                .contains("Why UNVERIFIABLE:</strong> 2 of 5 tables could not be checked")
                .contains("the pipeline has not caught up").contains("so keys created before it cannot be seen "
                        + "&lt;unknown&gt;");
    }

    @Test
    void cutIsExplained() {
        String html = writer.render(ReportFixtures.go(false));
        assertThat(html).contains("7843210:7843219:7843212,<wbr>7843215").contains("3/16B37480")
                .contains("2025-06-03 09:15:02 UTC")
                .contains("the table side is the database as of this snapshot".replace("the table", "The table"))
                .contains("the stream side is every event of a transaction visible in it");
        assertThat(writer.render(ReportFixtures.noCut())).contains("No cut was taken").contains("No table checked")
                .contains("No table was checked.");
    }

    @Test
    void emptyStatesAreExplicit() {
        String go = writer.render(ReportFixtures.go(false));
        assertThat(go).contains("No findings.").contains("First run: no history yet.")
                .doesNotContain("id=\"chart-findings").doesNotContain("id=\"chart-trend");
        String noGo = writer.render(ReportFixtures.noGo(true));
        assertThat(noGo).contains("id=\"chart-findings-title\"").contains("id=\"chart-trend-title\"")
                .contains("id=\"chart-rows-title\"").doesNotContain("First run: no history yet.")
                .contains("The runs as a table").contains("(this run)");
        String unverifiable = writer.render(ReportFixtures.unverifiable(false));
        assertThat(unverifiable).contains("No findings in the tables that could be checked.")
                .contains("3 tables were not checked");
        String big = writer.render(ReportFixtures.big());
        assertThat(big).contains("The chart shows the last 120 of 201 runs")
                .contains("over the last 120 runs (of 201)");
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
