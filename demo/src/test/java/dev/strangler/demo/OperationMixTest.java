package dev.strangler.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OperationMixTest {

    enum Colour { RED, GREEN, BLUE }

    @Test
    void bothWorkloadsPickEachKindInProportionToItsWeight() {
        assertFollowsWeights(LegacyWorkload.MIX, 7);
        assertFollowsWeights(NewServiceWorkload.MIX, 43);
    }

    @Test
    void theSameSeedPicksTheSameKinds() {
        assertThat(picks(LegacyWorkload.MIX, 42)).isEqualTo(picks(LegacyWorkload.MIX, 42))
                .isNotEqualTo(picks(LegacyWorkload.MIX, 43));
        assertThat(picks(NewServiceWorkload.MIX, 43)).isEqualTo(picks(NewServiceWorkload.MIX, 43));
    }

    @Test
    void keysAreTheLowerCaseNamesAndEveryKindIsDescribed() {
        OperationMix<Colour> mix = OperationMix.of(Colour.class).with(Colour.RED, 1, "warm")
                .with(Colour.GREEN, 2, "calm").with(Colour.BLUE, 3, "cold");
        assertThat(mix.kinds()).containsExactly(Colour.RED, Colour.GREEN, Colour.BLUE);
        assertThat(mix.key(Colour.GREEN)).isEqualTo("green");
        assertThat(mix.description(Colour.BLUE)).isEqualTo("cold");
        assertThat(mix.totalWeight()).isEqualTo(6);
        for (OperationMix<?> workload : List.of(LegacyWorkload.MIX, NewServiceWorkload.MIX)) {
            assertThat(workload.totalWeight()).as("every kind of %s has a weight", workload.type()).isPositive();
        }
    }

    @Test
    void aKindWithoutWeightTwiceOrMissingIsRefusedWithItsName() {
        assertThatThrownBy(() -> OperationMix.of(Colour.class).with(Colour.RED, 0, "never"))
                .hasMessageContaining("RED");
        assertThatThrownBy(() -> OperationMix.of(Colour.class).with(Colour.RED, 1, "a").with(Colour.RED, 1, "b"))
                .hasMessageContaining("RED");
        OperationMix<Colour> incomplete = OperationMix.of(Colour.class).with(Colour.RED, 1, "warm");
        assertThatThrownBy(() -> incomplete.pick(new Random(1))).hasMessageContaining("is missing from the mix");
    }

    private static <K extends Enum<K>> void assertFollowsWeights(OperationMix<K> mix, long seed) {
        int n = 200_000;
        Map<K, Integer> seen = new EnumMap<>(mix.type());
        Random random = new Random(seed);
        for (int i = 0; i < n; i++) {
            seen.merge(mix.pick(random), 1, Integer::sum);
        }
        assertThat(seen).containsOnlyKeys(mix.kinds());
        for (K kind : mix.kinds()) {
            assertThat(seen.get(kind) / (double) n).as("share of %s", kind)
                    .isCloseTo(mix.weight(kind) / (double) mix.totalWeight(), within(0.01));
        }
    }

    private static <K extends Enum<K>> List<K> picks(OperationMix<K> mix, long seed) {
        Random random = new Random(seed);
        List<K> kinds = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            kinds.add(mix.pick(random));
        }
        return kinds;
    }
}
