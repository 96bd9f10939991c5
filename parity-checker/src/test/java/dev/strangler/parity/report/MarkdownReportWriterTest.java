package dev.strangler.parity.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.parity.model.FindingKind;
import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.model.TableResult;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MarkdownReportWriterTest {

    private final MarkdownReportWriter writer = new MarkdownReportWriter();

    static Stream<ParityReport> reports() {
        return ReportFixtures.all().stream();
    }

    @ParameterizedTest
    @MethodSource("reports")
    void verdictLineComesFirstAndEveryTableIsListed(ParityReport report) {
        String md = writer.render(report);
        assertThat(md.lines().findFirst()).hasValue("**Verdict: " + report.verdict().label() + "** (exit "
                + report.verdict().exitCode() + ")");
        for (TableResult t : report.tables()) {
            assertThat(md).contains(MarkdownOutput.codeSpan(t.table().toString()));
        }
        assertThat(withoutCodeSpans(md)).doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("<img");
    }

    @Test
    void noGoShowsTheCutTheTableSamplesAndAdvice() {
        String md = writer.render(ReportFixtures.noGo(false));
        assertThat(md).startsWith("**Verdict: NO-GO** (exit 1)");
        assertThat(md).contains("`7843210:7843219:7843212,7843215`", "`3/16B37480`", "2025-06-03 09:15:02 UTC");
        assertThat(md).contains("| table | verdict | rows in table | live keys in stream | missing in stream "
                + "| extra in stream | content differs | not comparable | stream anomaly | duplicates "
                + "| events visible c/u/d/r | after cut |");
        assertThat(md).contains("| `public.customers` | **NO-GO** | 12,430 | 12,432 | **3** | **5** | **1,204** | 0 "
                + "| **2** | 3 | 12,298/120/14/0 | 4 |");
        for (FindingKind k : FindingKind.values()) {
            if (k != FindingKind.NOT_COMPARABLE) {
                assertThat(md).contains(MarkdownOutput.text(k.advice()));
            }
        }
        assertThat(md).contains(MarkdownOutput.text(FindingKind.NOT_COMPARABLE.advice())); // the TOAST table
        assertThat(md).contains("| kind | key | column | table value | stream value | note |");
        assertThat(md).contains("First run: no history yet.");
    }

    @Test
    void hostileValuesAreCodeSpansOrEscapedAndCannotBreakTheTable() {
        String md = writer.render(ReportFixtures.noGo(false));
        // a value with a pipe stays in its cell: every sample row has exactly the table's 7 unescaped pipes
        md.lines().filter(l -> l.startsWith("| content differs") || l.startsWith("| missing in stream")
                        || l.startsWith("| extra in stream"))
                .forEach(l -> assertThat(l.replace("\\|", "").chars().filter(c -> c == '|').count()).as(l)
                        .isEqualTo(7));
        assertThat(md).contains("`<script>alert('pwned')</script>`");
        assertThat(md).contains("``He said \"hi\" & left 'fast' <b>bold</b> `tick` \\| pipe *star* _under_ "
                + "[link](x)``");
        assertThat(md).contains("Zoë Ångström — 東京 — 🚀👩‍👩‍👧 — مرحبا");
        assertThat(md).contains("`admin\\u202Etxt.exe`").doesNotContain("\u202E");
        assertThat(md).contains("`line one\\nline two\\ttabbed\\r\\n`");
        assertThat(md).contains("| *(empty)* | *(only whitespace (3 characters))* |");
        // outside code spans, HTML from the data is escaped
        assertThat(md).contains("- update of a key the stream never created: 1").contains("- update after delete: 1");
        assertThat(md).contains("deleted in the stream only? &lt;i&gt;check&lt;/i&gt;");
        // the 25,000-character value is cut around its first difference
        assertThat(md).doesNotContain("y".repeat(200)).contains("TABLE-TAIL").contains("STREAM-END")
                .contains("(25,000 chars)");
    }

    @Test
    void aSinkTableNamesItsDirection() {
        String md = writer.render(ReportFixtures.bothDirections());
        assertThat(md).contains("| `shop.web_orders` | **GO**", "| `shop.web_orders` (topic → table via sink) | "
                + "**NO-GO**", "### `shop.web_orders` — **NO-GO** (topic → table via sink)",
                "> **Folded up to the sink's positions:** Folded sink 'web-orders'");
    }

    @Test
    void unverifiableShowsEveryReason() {
        ParityReport report = ReportFixtures.unverifiable(true);
        String md = writer.render(report);
        assertThat(md).startsWith("**Verdict: UNVERIFIABLE** (exit 2)");
        assertThat(md).contains("**Why UNVERIFIABLE:** 2 of 5 tables could not be checked");
        assertThat(md).contains("the pipeline has not caught up").contains("topic history cut by retention")
                .contains("&lt;unknown&gt;");
        assertThat(md).contains("| `public.payments` | **UNVERIFIABLE** | — | — |");
        assertThat(md).contains("## Earlier runs").contains("(this run)");
    }

    @Test
    void runWithoutCutSaysSo() {
        String md = writer.render(ReportFixtures.noCut());
        assertThat(md).contains("No cut was taken").contains("No table was checked.");
    }

    @Test
    void theOutputEscapesEveryValueAndCodeSpansShowThemVerbatim() {
        assertThat(MarkdownOutput.text("# not a heading")).isEqualTo("\\# not a heading");
        assertThat(MarkdownOutput.text("1. not a list")).isEqualTo("1\\. not a list");
        assertThat(MarkdownOutput.text("a|b <c> & *d*")).isEqualTo("a\\|b &lt;c&gt; &amp; \\*d\\*");
        assertThat(MarkdownOutput.codeSpan("a`b")).isEqualTo("``a`b``");
        assertThat(MarkdownOutput.codeSpan("`x`")).isEqualTo("`` `x` ``");
        assertThat(MarkdownOutput.codeSpan("a|b")).isEqualTo("`a\\|b`");
        MarkdownOutput out = new MarkdownOutput();
        out.writeContent("**");
        out.writeUserContent("<b>x</b>");
        out.writeContent("** ");
        out.writeUserContent(MarkdownOutput.code("<b>"));
        assertThat(out).hasToString("**&lt;b&gt;x&lt;/b&gt;** `<b>`");
    }

    @Test
    void columnGapsReasoningAndAcceptanceAreWritten() {
        String md = writer.render(ReportFixtures.noGo(false));
        assertThat(md).contains("- `body` unavailable (TOAST placeholder) in 48 rows — ")
                .contains("- `summary` absent from the event in 3 rows — ")
                .contains("| not comparable | `7` | `body` | *(not compared)* | *(unavailable (TOAST placeholder))* |")
                .contains("| content differs | `49` | `balance` | `12.5` | *(unreadable)* | cannot canonicalise");
        assertThat(md).contains("Why NO-GO:").contains("- 51 findings (51 not comparable) against a tolerance of 0");
        assertThat(md).contains("| Not-comparable rows | counted against tolerances like any finding |");
        String unverifiable = writer.render(ReportFixtures.unverifiable(false));
        assertThat(unverifiable).contains("Columns that never arrive in the stream: `email` — the connector never "
                + "sends it");
        String accepted = writer.render(ReportFixtures.accepted());
        assertThat(accepted).contains("| Not-comparable rows | accepted (--accept-not-comparable): reported, not "
                + "counted against tolerances |").contains("accepted by --accept-not-comparable, not counted");
    }

    /** The Markdown with every code span removed (their content is shown verbatim, never read as HTML). */
    static String withoutCodeSpans(String md) {
        return md.replaceAll("(`+)(?:(?!\\1).)+?\\1", "");
    }
}
