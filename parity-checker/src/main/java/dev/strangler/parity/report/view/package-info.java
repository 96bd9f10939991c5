/**
 * The view model every report is rendered from: {@link dev.strangler.parity.report.view.ReportView} holds a run as it
 * is (for report.json's numbers) and everything derived from it once (totals, the order kinds and operations are
 * listed in, user data made visible as {@link dev.strangler.parity.report.view.Shown}, values cut around their first
 * difference, chart geometry as {@link dev.strangler.parity.report.view.Mark}s). Public only because the compiled
 * templates read it; nothing here escapes for a format.
 */
package dev.strangler.parity.report.view;
