package dev.strangler.demo;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * What a demo workload does: each kind of operation with how often it is picked relative to the others, and what it
 * does in the summary's words. A workload declares its mix once, next to its kinds ({@code LegacyWorkload.MIX}); the
 * run loop picks from it and the summaries describe from it.
 *
 * @param <K> the workload's kinds of operation
 */
final class OperationMix<K extends Enum<K>> {

    private record Share(int weight, String description) {
    }

    private final Class<K> type;
    private final Map<K, Share> shares;

    private OperationMix(Class<K> type) {
        this.type = type;
        this.shares = new EnumMap<>(type);
    }

    /** An empty mix of these kinds; {@link #with} adds each of them. */
    static <K extends Enum<K>> OperationMix<K> of(Class<K> type) {
        return new OperationMix<>(type);
    }

    /** Adds a kind, while the mix is being declared. */
    OperationMix<K> with(K kind, int weight, String description) {
        if (weight <= 0 || shares.containsKey(kind)) {
            throw new IllegalArgumentException(kind + ": a positive weight, once, got " + weight);
        }
        shares.put(kind, new Share(weight, description));
        return this;
    }

    Class<K> type() {
        return type;
    }

    /** Every kind, in declaration order. */
    List<K> kinds() {
        return List.of(type.getEnumConstants());
    }

    /** Picks a kind with probability proportional to its weight. */
    K pick(Random random) {
        return Weighted.pick(random, type.getEnumConstants(), this::weight);
    }

    int weight(K kind) {
        return share(kind).weight();
    }

    int totalWeight() {
        return kinds().stream().mapToInt(this::weight).sum();
    }

    String description(K kind) {
        return share(kind).description();
    }

    /** The stable name summaries and summary.json use: the constant's name in lower case. */
    String key(K kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private Share share(K kind) {
        Share share = shares.get(kind);
        if (share == null) {
            throw new IllegalStateException(kind + " is missing from the mix of " + type.getSimpleName());
        }
        return share;
    }
}
