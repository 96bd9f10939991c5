/**
 * Reverse parity: the topics a sink applies, folded up to exactly the positions the sink stored in the legacy
 * database, against the legacy tables, in the same consistent cut as the forward check. The checker does not know
 * the sink module: the caller hands it a {@link dev.strangler.parity.reverse.SinkModel} (the command line wires the
 * sink's own projection into it), so the expected rows come from the sink's decoding, not from a copy of it.
 */
package dev.strangler.parity.reverse;
