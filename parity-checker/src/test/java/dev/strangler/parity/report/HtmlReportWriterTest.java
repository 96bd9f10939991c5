package dev.strangler.parity.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.parity.model.FindingKind;
import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.model.TableResult;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** report.html read as a browser reads it: elements selected with jsoup, their text and attributes checked. */
class HtmlReportWriterTest {

    private final HtmlReportWriter writer = new HtmlReportWriter();

    static Stream<ParityReport> reports() {
        return ReportFixtures.all().stream();
    }

    private Document page(ParityReport report) {
        return Jsoup.parse(writer.render(report));
    }

    /** The sample row of a table's section whose key is {@code key}. */
    private static Element sampleRow(Document doc, int table, String key) {
        return doc.select("#t-" + table + " table.sample tbody tr").stream()
                .filter(tr -> tr.selectFirst("th").text().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError("no sample row for key " + key));
    }

    @ParameterizedTest
    @MethodSource("reports")
    void showsTheVerdictAndEveryTableAndIsSelfContained(ParityReport report) {
        Document doc = page(report);
        assertThat(doc.selectFirst("header.verdict h1").text()).isEqualTo("Verdict: " + report.verdict().label());
        assertThat(doc.selectFirst("header.verdict .exit strong").text())
                .isEqualTo(Integer.toString(report.verdict().exitCode()));
        assertThat(doc.title()).isEqualTo("Parity " + report.verdict().label() + " · run " + report.runId());
        Elements rows = doc.select("table.tables tbody tr");
        assertThat(rows).hasSize(report.tables().size());
        for (int i = 0; i < report.tables().size(); i++) {
            TableResult t = report.tables().get(i);
            assertThat(rows.get(i).attr("data-table")).isEqualTo(t.table().toString());
            assertThat(rows.get(i).selectFirst("td .badge").text()).isEqualTo(t.verdict().label());
        }
        // self-contained: nothing is fetched, nothing is run
        assertThat(doc.select("script, link, img, iframe, object, embed, base, form, meta[http-equiv=refresh]"))
                .isEmpty();
        for (Element e : doc.getAllElements()) {
            for (Attribute a : e.attributes()) {
                assertThat(a.getKey()).as("no attribute loads or runs anything: " + e.tagName())
                        .doesNotMatch("(?i)(src|srcset|action|formaction|xlink:href|on[a-z]+)");
                assertThat(a.getValue()).as("no URL in " + e.tagName() + " " + a.getKey())
                        .doesNotContainIgnoringCase("url(").doesNotContainIgnoringCase("javascript:");
            }
        }
        for (Element a : doc.select("a[href]")) {
            assertThat(a.attr("href")).as("only links within the page").startsWith("#");
            assertThat(doc.getElementById(a.attr("href").substring(1))).as("link target " + a.attr("href"))
                    .isNotNull();
        }
        String css = doc.select("style").html();
        assertThat(css).doesNotContainIgnoringCase("url(").doesNotContainIgnoringCase("@import")
                .doesNotContain("http");
        assertThat(doc.selectFirst("meta[http-equiv=Content-Security-Policy]").attr("content"))
                .contains("default-src 'none'").contains("style-src 'unsafe-inline'");
    }

    @ParameterizedTest
    @MethodSource("reports")
    void chartsAreLabelledForScreenReaders(ParityReport report) {
        Document doc = page(report);
        for (Element svg : doc.select("svg")) {
            assertThat(svg.attr("role")).isEqualTo("img");
            assertThat(svg.hasAttr("xmlns")).as("inline SVG in HTML needs no namespace (and no URL)").isFalse();
            String[] labels = svg.attr("aria-labelledby").split(" ");
            assertThat(labels).hasSize(2);
            assertThat(svg.getElementById(labels[0]).tagName()).isEqualTo("title");
            assertThat(svg.getElementById(labels[1]).tagName()).isEqualTo("desc");
            assertThat(svg.getElementById(labels[1]).text()).isNotBlank();
        }
        if (!report.tables().isEmpty()) {
            assertThat(doc.select("table.tables th[scope=col]")).isNotEmpty();
            assertThat(doc.select("table.tables th[scope=row]")).hasSize(report.tables().size());
        }
    }

    @Test
    void theOverviewHasAColumnPerFindingKindInTheKindsOwnOrder() {
        Document doc = page(ReportFixtures.noGo(false));
        List<String> headers = doc.select("table.tables thead th").eachText();
        List<String> kinds = Arrays.stream(FindingKind.values())
                .map(k -> Character.toUpperCase(k.label().charAt(0)) + k.label().substring(1)).toList();
        assertThat(headers.subList(5, 5 + kinds.size())).containsExactlyElementsOf(kinds);
        Element customers = doc.selectFirst("table.tables tr[data-table=public.customers]");
        assertThat(customers.select("td[data-kind]").eachAttr("data-kind"))
                .containsExactly("MISSING_IN_STREAM", "EXTRA_IN_STREAM", "CONTENT_DIFFERS", "NOT_COMPARABLE",
                        "STREAM_ANOMALY");
        assertThat(customers.select("td[data-kind]").eachText()).containsExactly("3", "5", "1,204", "0", "2");
        assertThat(customers.select("td.hit").eachAttr("data-kind")).containsExactly("MISSING_IN_STREAM",
                "EXTRA_IN_STREAM", "CONTENT_DIFFERS", "STREAM_ANOMALY");
        assertThat(customers.selectFirst("td.ops").text()).isEqualTo("12,298/120/14/0");
        Element lagging = page(ReportFixtures.unverifiable(false)).selectFirst("tr[data-table=public.payments]");
        assertThat(lagging.select("td.n").eachText()).as("unknown counts are dashes").contains("—");
    }

    @Test
    void aSinkTableNamesItsDirectionInTheOverviewAndItsSection() {
        Document doc = page(ReportFixtures.bothDirections());
        List<Element> rows = doc.select("table.tables tr[data-table=shop.web_orders]");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).selectFirst(".topic").text()).isEqualTo("topic legacy.shop.web_orders");
        assertThat(rows.get(1).selectFirst(".topic").text()).startsWith("topic → table via sink orders-svc");
        Element section = doc.select("article.table-detail").stream()
                .filter(a -> a.selectFirst("h3").text().contains("shop.web_orders")).findFirst().orElseThrow();
        assertThat(section.selectFirst("h3").text()).contains("topic → table via sink");
        assertThat(section.text()).contains("Folded up to the sink's positions: " + ReportFixtures.REVERSE_FOLD)
                .contains("{order_ref=o-7}", "999.99", "11.07");
    }

    @Test
    void hostileValuesAreShownAsTextNeverAsMarkup() {
        Document doc = page(ReportFixtures.noGo(true));
        assertThat(doc.select("script, img, b, i, iframe")).as("no element came from the data").isEmpty();
        assertThat(doc.select("h1")).as("the injected </td>...<h1> stayed text").hasSize(1);

        assertThat(sampleRow(doc, 0, "42").selectFirst("td.stream-value code").text())
                .isEqualTo(ReportFixtures.SCRIPT);
        Element quotes = sampleRow(doc, 0, "43");
        assertThat(quotes.selectFirst("td.table-value code").text()).isEqualTo(ReportFixtures.QUOTES);
        assertThat(quotes.selectFirst("td.table-value mark").text()).isEqualTo("hi");
        assertThat(quotes.selectFirst("td.stream-value mark").text()).isEqualTo("bye");
        assertThat(quotes.selectFirst("td .note").text()).isEqualTo("hand-written event?");

        Element hostileTable = doc.selectFirst("table.tables tr[data-table]:nth-child(4)");
        assertThat(hostileTable.attr("data-table")).isEqualTo(ReportFixtures.HOSTILE_TABLE.toString());
        assertThat(hostileTable.selectFirst("th code").text()).isEqualTo(ReportFixtures.HOSTILE_TABLE.toString());
        Element injected = doc.select("#t-3 table.sample tbody tr").first();
        assertThat(injected.selectFirst("th").text()).isEqualTo("</td></tr></table><h1>x</h1>");
        assertThat(injected.selectFirst(".note").text()).isEqualTo("deleted in the stream only? <i>check</i>");
        assertThat(doc.select("#t-0 table.sample .note").eachText())
                .anySatisfy(n -> assertThat(n).isEqualTo("update after delete: source lsn 99 <b>"));

        Element unicode = sampleRow(doc, 0, "44");
        assertThat(unicode.selectFirst("td.table-value code").text()).isEqualTo(ReportFixtures.UNICODE);
        assertThat(unicode.selectFirst("td.table-value mark").text()).isEqualTo("東京");
        assertThat(unicode.selectFirst("td.stream-value mark").text()).isEqualTo("大阪");

        Element bidi = sampleRow(doc, 0, "46").selectFirst("td.table-value");
        assertThat(bidi.text()).isEqualTo("admin\\u202Etxt.exe").doesNotContain("\u202E");
        assertThat(bidi.selectFirst("span.esc").attr("title")).isEqualTo("direction control");
        assertThat(doc.text()).doesNotContain("\u202E");
        Element newlines = sampleRow(doc, 0, "47").selectFirst("td.table-value");
        assertThat(newlines.select("span.esc").eachAttr("title"))
                .containsExactly("line feed", "tab", "carriage return", "line feed");

        // the long value: an excerpt around the first difference, marked, the whole value (capped) behind it
        Element tableSide = sampleRow(doc, 0, "45").selectFirst("td.table-value");
        assertThat(tableSide.select(".note").eachText()).contains("first difference at character 4,991");
        assertThat(tableSide.selectFirst("mark").text()).startsWith("TABLE-TAIL");
        assertThat(tableSide.selectFirst("details summary").text()).isEqualTo("whole value (25,000 characters)");
        assertThat(tableSide.selectFirst("details code.whole").text()).hasSize(HtmlReportWriter.WHOLE_VALUE + 1)
                .endsWith("…");
        assertThat(tableSide.selectFirst("details .note").text())
                .isEqualTo("the first 10,000 characters; report.json has the rest");
        assertThat(sampleRow(doc, 0, "45").selectFirst("td.stream-value mark").text()).isEqualTo("STREAM-END");
        Element blank = sampleRow(doc, 0, "48");
        assertThat(blank.selectFirst("td.table-value").text()).isEqualTo("empty string");
        assertThat(blank.selectFirst("td.stream-value .note").text()).isEqualTo("only whitespace (3 characters)");
    }

    @Test
    void everyVerdictHasItsStyleAndItsWord() {
        assertThat(page(ReportFixtures.go(false)).selectFirst("header.verdict").classNames()).contains("v-go");
        assertThat(page(ReportFixtures.noGo(false)).selectFirst("header.verdict").classNames()).contains("v-no-go");
        Document unverifiable = page(ReportFixtures.unverifiable(false));
        assertThat(unverifiable.selectFirst("header.verdict").classNames()).contains("v-unverifiable");
        assertThat(unverifiable.selectFirst("header.verdict .reason").text())
                .startsWith("Why UNVERIFIABLE: 2 of 5 tables could not be checked");
        assertThat(unverifiable.select("article.table-detail .reason").eachText())
                .anySatisfy(r -> assertThat(r).contains("the pipeline has not caught up"))
                .anySatisfy(r -> assertThat(r).endsWith("so keys created before it cannot be seen <unknown>"));
        assertThat(unverifiable.select("table.tables .badge").eachText()).containsExactly("GO", "UNVERIFIABLE", "GO",
                "UNVERIFIABLE", "UNVERIFIABLE");
    }

    @Test
    void cutIsExplained() {
        Document doc = page(ReportFixtures.go(false));
        Element facts = doc.selectFirst("section[aria-labelledby=cut-h] dl");
        assertThat(facts.select("dt").eachText()).containsExactly("Snapshot (xmin:xmax:in-progress)",
                "WAL position (LSN)", "Taken at");
        assertThat(facts.select("dd").eachText()).containsExactly("7843210:7843219:7843212,7843215", "3/16B37480",
                "2025-06-03 09:15:02 UTC");
        assertThat(facts.select("dd code wbr")).as("the snapshot may wrap after its commas").hasSize(1);
        assertThat(doc.selectFirst("section[aria-labelledby=cut-h] .explain").text())
                .startsWith("The table side is the database as of this snapshot")
                .contains("the stream side is every event of a transaction visible in it");
        Document noCut = page(ReportFixtures.noCut());
        assertThat(noCut.selectFirst("section[aria-labelledby=cut-h] p").text()).startsWith("No cut was taken");
        assertThat(noCut.selectFirst("header .stats").text()).startsWith("No table checked");
        assertThat(noCut.selectFirst("section[aria-labelledby=tables-h] .empty").text())
                .isEqualTo("No table was checked.");
    }

    @Test
    void theRunStatesHowItReadEventsAndTreatedNotComparableRows() {
        Document doc = page(ReportFixtures.noGo(false));
        Element run = doc.selectFirst("section[aria-labelledby=run-h] dl");
        assertThat(run.select("dt").eachText()).containsExactly("Run id", "Source database", "Replication slot",
                "Topic prefix", "Events read as", "Not-comparable rows", "History gaps", "Transaction completeness",
                "Started", "Finished");
        assertThat(run.select("dd").get(5).text()).isEqualTo("counted against tolerances like any finding");
        assertThat(doc.select("header .accepted")).isEmpty();
        Document accepted = page(ReportFixtures.accepted());
        assertThat(accepted.selectFirst("header .accepted").text()).contains("--accept-not-comparable");
        assertThat(accepted.select("section[aria-labelledby=run-h] dd").get(5).text()).startsWith("accepted");
        assertThat(accepted.select("#t-0 ul.reasoning li").eachText())
                .anySatisfy(l -> assertThat(l).contains("accepted by --accept-not-comparable"));
    }

    @Test
    void columnGapsAreNamedPerRowWithTheirOwnAdvice() {
        Document doc = page(ReportFixtures.noGo(false));
        Element documents = doc.getElementById("t-2");
        assertThat(documents.selectFirst("li[data-gap=UNAVAILABLE]").text()).startsWith("body unavailable")
                .contains("48 rows").contains("REPLICA IDENTITY FULL");
        assertThat(documents.selectFirst("li[data-gap=ABSENT]").text()).startsWith("summary absent from the event")
                .contains("3 rows").contains("new snapshot");
        assertThat(documents.select("ul.reasoning li").eachText()).anySatisfy(l -> assertThat(l)
                .startsWith("51 findings (51 not comparable) against a tolerance of 0"))
                .anySatisfy(l -> assertThat(l).contains("counted against the tolerance"));
        Elements sample = documents.select("table.sample tbody tr");
        assertThat(sample.eachAttr("data-kind")).containsOnly("NOT_COMPARABLE");
        assertThat(sample.stream().map(tr -> tr.select("td").get(1).text() + ": "
                + tr.selectFirst("td.stream-value").text())).containsExactly(
                "body: unavailable (TOAST placeholder)", "attachment: unavailable (TOAST placeholder)",
                "summary: absent from the event");
        Element unreadable = sampleRow(doc, 0, "49");
        assertThat(unreadable.selectFirst("td.stream-value").text()).isEqualTo("unreadable");
        assertThat(unreadable.selectFirst(".note").text()).isEqualTo(ReportFixtures.UNREADABLE_REASON);

        Element filtered = page(ReportFixtures.unverifiable(false)).getElementById("t-4");
        assertThat(filtered.selectFirst(".reason").text()).contains("column email never arrives");
        assertThat(filtered.selectFirst("ul.never li").text()).startsWith("email —").contains("column.exclude.list");
    }

    @Test
    void emptyStatesAreExplicit() {
        Document go = page(ReportFixtures.go(false));
        assertThat(go.selectFirst("section[aria-labelledby=kinds-h] .empty.ok").text()).startsWith("No findings.");
        assertThat(go.selectFirst("section[aria-labelledby=trend-h] .empty").text())
                .startsWith("First run: no history yet.");
        assertThat(go.getElementById("chart-findings-title")).isNull();
        assertThat(go.getElementById("chart-trend-title")).isNull();
        assertThat(go.select("section[aria-labelledby=details-h]")).as("nothing noteworthy").isEmpty();

        Document noGo = page(ReportFixtures.noGo(true));
        assertThat(noGo.getElementById("chart-rows-title").text())
                .isEqualTo("Rows in table vs live keys in stream, per table");
        assertThat(noGo.getElementById("chart-findings-title").text()).isEqualTo("Findings by class, per table");
        assertThat(noGo.getElementById("chart-trend-title").text()).startsWith("Findings and rows in tables");
        assertThat(noGo.selectFirst("section[aria-labelledby=trend-h] details summary").text())
                .isEqualTo("The runs as a table");
        Elements runs = noGo.select("table.runs tbody tr");
        assertThat(runs).hasSize(31);
        assertThat(runs.last().selectFirst("th").text()).endsWith("(this run)");
        assertThat(runs.last().selectFirst(".badge").text()).isEqualTo("NO-GO");

        Document unverifiable = page(ReportFixtures.unverifiable(false));
        assertThat(unverifiable.selectFirst("section[aria-labelledby=kinds-h] .empty").text())
                .startsWith("No findings in the tables that could be checked.")
                .contains("2 tables were not checked");
        Document big = page(ReportFixtures.big());
        assertThat(big.selectFirst("section[aria-labelledby=trend-h] .explain").text())
                .contains("The chart shows the last 120 of 201 runs");
        assertThat(big.getElementById("chart-trend-title").text()).endsWith("over the last 120 runs (of 201)");
    }

    @Test
    void chartsCarryTheNumbersOfTheViewModel() {
        Document doc = page(ReportFixtures.noGo(false));
        Elements bars = doc.select("#chart-rows-title").parents().select("svg rect title");
        assertThat(bars.eachText()).contains("public.customers: 12,430 rows in table",
                "public.customers: 12,432 live keys in stream");
        Element findings = doc.getElementById("chart-findings-title").parent();
        assertThat(findings.select("rect title").eachText()).contains("public.customers: 1,204 content differs",
                "public.documents: 51 not comparable");
        assertThat(findings.selectFirst("desc").text()).contains("public.customers: 3 missing in stream, "
                + "5 extra in stream, 1,204 content differs, 2 stream anomaly");
    }
}
