package dev.strangler.demo;

import java.util.Random;
import java.util.function.ToIntFunction;

/** Picks one of several options with probability proportional to its weight: how the demo mixes its workloads. */
final class Weighted {

    private Weighted() {
    }

    static <E> E pick(Random random, E[] options, ToIntFunction<E> weight) {
        int total = 0;
        for (E option : options) {
            total += weight.applyAsInt(option);
        }
        int ticket = random.nextInt(total);
        for (E option : options) {
            ticket -= weight.applyAsInt(option);
            if (ticket < 0) {
                return option;
            }
        }
        throw new AssertionError("weights do not add up");
    }
}
