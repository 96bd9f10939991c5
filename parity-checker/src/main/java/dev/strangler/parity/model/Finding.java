package dev.strangler.parity.model;

/**
 * One sampled finding, written so a person can act on it: which key, which column, the table's value against the
 * stream's value, and what it means.
 *
 * @param column      null when the finding is about the whole row
 * @param tableValue  canonical text of the table's value, null when the table has no such row
 * @param streamValue canonical text of the stream's value, null when the stream has no such row
 */
public record Finding(FindingKind kind, String key, String column, String tableValue, String streamValue,
                      String note) {
}
