package dev.strangler.parity.compare;

import dev.strangler.contract.TableId;
import dev.strangler.parity.model.FindingKind;

/**
 * Told every key a comparison finds missing, extra, different or not comparable (all of them, not a sample), so that
 * a repair can re-publish exactly those keys.
 */
@FunctionalInterface
public interface DifferingKeys {

    /** Keeps nothing. */
    DifferingKeys NONE = (table, kind, key, partition, offset) -> { };

    /**
     * @param canonicalKey the key as the comparison matches it: a JSON object of the primary key's canonical values
     * @param partition    for {@link FindingKind#EXTRA_IN_STREAM}, the partition of the key's last event; else -1
     * @param offset       for {@link FindingKind#EXTRA_IN_STREAM}, that event's offset; else -1
     */
    void accept(TableId table, FindingKind kind, String canonicalKey, int partition, long offset);
}
