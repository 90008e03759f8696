package io.ippvs.core.sync.table;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The sync feed's division-free {@code pkts % sync_period} equals the remainder. */
class FastModProperties {

    @Property(tries = 5000)
    void fastModIsTheRemainder(@ForAll long n, @ForAll @IntRange(min = 1, max = Integer.MAX_VALUE) int d) {
        long inverse = Long.divideUnsigned(-1L, d) + 1;
        assertThat(ConnectionFeed.fastMod(n, inverse, d)).isEqualTo((int) ((n & 0xFFFFFFFFL) % d));
    }

    @Property(tries = 2000)
    void smallPeriods(@ForAll @IntRange(min = 0, max = 100_000) int n, @ForAll @IntRange(min = 1, max = 1000) int d) {
        long inverse = Long.divideUnsigned(-1L, d) + 1;
        assertThat(ConnectionFeed.fastMod(n, inverse, d)).isEqualTo(n % d);
    }
}
