/**
 * A parity run's reports: {@code report.json} (machine-readable, JSON Schema {@code report.schema.json} beside this
 * package's classes), {@code report.md} (for a ticket or pull request) and {@code report.html} (self-contained, for
 * people). {@link dev.strangler.parity.report.ReportWriter} writes all three from one
 * {@link dev.strangler.parity.report.view.ReportView}: HTML and Markdown through jte templates
 * ({@code src/main/jte}, compiled at build time), JSON with Jackson.
 */
package dev.strangler.parity.report;
