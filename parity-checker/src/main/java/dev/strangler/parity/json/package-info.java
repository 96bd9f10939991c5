/**
 * RFC 8259's grammar at the byte level, shared by the hand-written readers of the hot path (the envelope scanner,
 * the after-image reader, the strict document reader), so that what one of them accepts the others accept the same
 * way. It depends on nothing else in the checker.
 */
package dev.strangler.parity.json;
