package dev.strangler.parity.report;

import dev.strangler.parity.model.Verdict;

/** The HTML report's inline style sheet: system fonts only, nothing loaded. */
final class Css {

    private Css() {
    }

    static final String STYLE = """
            :root { color-scheme: light; --text: %s; --muted: %s; --grid: %s; --panel: #f5f7fa; --line: #c9ced6; }
            * { box-sizing: border-box; }
            body { margin: 0; color: var(--text); background: #ffffff; line-height: 1.45;
                   font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans",
                   "Liberation Sans", Arial, sans-serif; }
            main, footer { max-width: 1240px; margin: 0 auto; padding: 0 24px; }
            code, .whole { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono",
                   "Liberation Mono", monospace; font-size: 0.92em; }
            h2 { font-size: 1.3rem; margin: 2.2rem 0 0.6rem; padding-bottom: 0.25rem; border-bottom: 1px solid var(--line); }
            h3 { font-size: 1.1rem; margin: 1.6rem 0 0.5rem; overflow-wrap: anywhere; }
            .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
            .verdict { padding: 28px 24px 22px; }
            .verdict .inner { max-width: 1192px; margin: 0 auto; }
            .verdict h1 { font-size: 3.4rem; line-height: 1.05; margin-top: 0; margin-bottom: 0.35rem;
                   letter-spacing: 0.02em; }
            .verdict .kicker { margin-top: 0; margin-bottom: 0.2rem; font-size: 0.85rem; text-transform: uppercase;
                   letter-spacing: 0.08em; font-weight: 600; }
            .verdict .meaning { font-size: 1.2rem; margin-top: 0; margin-bottom: 0.6rem; }
            .verdict .stats { margin: 0 0 0.2rem; font-size: 1.02rem; font-weight: 600; }
            .verdict .exit { margin: 0; font-size: 0.98rem; }
            .verdict .reason { font-size: 1.05rem; background: rgba(255,255,255,0.88); color: #1b1b1b;
                   padding: 8px 12px; border-radius: 4px; overflow-wrap: anywhere; }
            .v-go { background: %s; color: %s; }
            .v-no-go { background: %s; color: %s; }
            .v-unverifiable { background: %s; color: %s; }
            .badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 0.8rem; font-weight: 700;
                   letter-spacing: 0.03em; white-space: nowrap; vertical-align: middle; }
            .facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 8px 24px; margin: 0; }
            .facts div { background: var(--panel); padding: 8px 12px; border-radius: 4px; min-width: 0; }
            .facts dt { font-size: 0.8rem; color: var(--muted); font-weight: 600; }
            .facts dd { margin: 0; overflow-wrap: anywhere; }
            .explain { color: var(--muted); max-width: 75ch; }
            .scroll { overflow-x: auto; }
            table.grid { border-collapse: collapse; width: 100%%; font-size: 0.86rem; }
            table.grid caption { text-align: left; color: var(--muted); padding: 4px 0 8px; caption-side: top; }
            table.grid th, table.grid td { border-bottom: 1px solid var(--grid); padding: 6px 7px; text-align: left;
                   vertical-align: top; }
            table.grid thead th { background: var(--panel); border-bottom: 2px solid var(--line); font-weight: 600;
                   vertical-align: bottom; }
            table.grid tbody tr:nth-child(even) { background: #fafbfc; }
            table.grid tbody th { font-weight: 600; }
            table.tables tbody th { min-width: 12rem; max-width: 22rem; overflow-wrap: anywhere; }
            table.grid th.n { text-align: right; }
            table.grid td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            table.grid td.hit { color: #a3161a; }
            table.grid td.ops { white-space: normal; min-width: 6rem; }
            .topic { font-weight: 400; color: var(--muted); font-size: 0.85em; }
            a { color: #0b57b0; }
            .glossary { margin-top: 0.6rem; color: var(--muted); }
            .glossary dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
            .glossary dt { font-weight: 600; color: var(--text); }
            .glossary dd { margin: 0; }
            summary { cursor: pointer; }
            figure.chart { margin: 0.5rem 0 0; overflow-x: auto; }
            svg.chart { max-width: 100%%; height: auto; font-family: inherit; }
            svg.chart text { fill: var(--text); }
            svg.chart text.muted { fill: var(--muted); }
            svg.chart text.ok { fill: #1a7f37; font-weight: 600; }
            svg.chart text.panel { font-weight: 600; }
            svg.chart text.strong { font-weight: 700; }
            .empty { background: var(--panel); border-left: 4px solid var(--line); padding: 12px 16px; }
            .empty.ok { border-left-color: #1a7f37; }
            .table-detail { border-top: 1px solid var(--grid); }
            h2 + .table-detail { border-top: 0; }
            .table-detail .reason { background: #fff4d6; border-left: 4px solid #b26200; padding: 8px 12px;
                   overflow-wrap: anywhere; }
            ul.advice { padding-left: 0; list-style: none; }
            ul.advice li { margin: 4px 0; }
            .swatch { display: inline-block; width: 11px; height: 11px; margin-right: 6px; border-radius: 2px;
                   vertical-align: baseline; background: transparent; border: 1px solid rgba(0,0,0,0.25); }
            table.sample td.val { max-width: 420px; overflow-wrap: anywhere; word-break: break-word; }
            table.sample td, table.sample th { overflow-wrap: anywhere; }
            table.sample code { white-space: pre-wrap; }
            .esc { border: 1px solid #8a94a3; border-radius: 3px; padding: 0 2px; margin: 0 1px; color: #5a2d82;
                   background: #f1ecf8; font-size: 0.85em; }
            mark { background: #ffe58a; color: #000; padding: 0 1px; }
            .note { color: var(--muted); font-size: 0.85em; }
            .absent { color: var(--muted); }
            details code.whole { display: block; max-height: 16rem; overflow: auto; white-space: pre-wrap;
                   background: var(--panel); padding: 6px; margin-top: 4px; }
            footer { color: var(--muted); font-size: 0.85rem; margin-top: 2.5rem; padding-bottom: 2rem; }
            @media print { .verdict { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
            """.formatted(Palette.TEXT, Palette.MUTED, Palette.GRID,
            bg(Verdict.GO), fg(Verdict.GO),
            bg(Verdict.NO_GO), fg(Verdict.NO_GO),
            bg(Verdict.UNVERIFIABLE), fg(Verdict.UNVERIFIABLE));

    private static String bg(Verdict v) {
        return Palette.verdictBackground(v);
    }

    private static String fg(Verdict v) {
        return Palette.verdictForeground(v);
    }
}
