package io.ippvs.core.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.RealServer;
import io.ippvs.api.Scheduler;
import java.util.List;
import org.junit.jupiter.api.Test;

/** lc, wlc, sed and nq: load formulas, product comparisons and first-in-list tie-breaks. */
class LeastConnectionFamilyTest {

    private final FakeServer a = FakeServer.v4("A", 1, 1);
    private final FakeServer b = FakeServer.v4("B", 2, 1);
    private final FakeServer c = FakeServer.v4("C", 3, 1);

    private static RealServer pick(Scheduler s, FakeServer... servers) {
        s.update(List.of(servers));
        return s.schedule(new FakeFlow());
    }

    @Test
    void lcWeighsAnActiveConnectionAs256Inactive() {
        a.conns(1, 0);
        b.conns(0, 255);
        assertThat(pick(new LeastConnection(), a, b)).isSameAs(b);
        b.conns(0, 256);
        assertThat(pick(new LeastConnection(), a, b)).isSameAs(a); // tie: the first wins
        b.conns(0, 257);
        assertThat(pick(new LeastConnection(), a, b)).isSameAs(a);
    }

    @Test
    void lcIgnoresWeightsButSkipsQuiescedAndOverloaded() {
        a.weight(100).conns(5, 0);
        b.weight(1).conns(4, 0);
        c.conns(0, 0).weight(0);
        assertThat(pick(new LeastConnection(), a, b, c)).isSameAs(b);
        b.overloaded(true);
        assertThat(pick(new LeastConnection(), a, b, c)).isSameAs(a);
    }

    @Test
    void lcTieBreakIsListOrder() {
        assertThat(pick(new LeastConnection(), c, b, a)).isSameAs(c);
        assertThat(pick(new LeastConnection(), a, b, c)).isSameAs(a);
    }

    @Test
    void wlcComparesOverheadPerWeightByProducts() {
        a.weight(1).conns(1, 0); // 256 / 1
        b.weight(2).conns(2, 0); // 512 / 2: a tie, the first wins
        assertThat(pick(new WeightedLeastConnection(), a, b)).isSameAs(a);
        b.weight(3);
        assertThat(pick(new WeightedLeastConnection(), a, b)).isSameAs(b);
        b.weight(2).conns(2, 1);
        assertThat(pick(new WeightedLeastConnection(), a, b)).isSameAs(a);
    }

    @Test
    void wlcTieBreakIsListOrderAndSkipsUnusable() {
        assertThat(pick(new WeightedLeastConnection(), b, a, c)).isSameAs(b);
        b.weight(0);
        assertThat(pick(new WeightedLeastConnection(), b, a, c)).isSameAs(a);
        a.overloaded(true);
        assertThat(pick(new WeightedLeastConnection(), b, a, c)).isSameAs(c);
        c.inService = false;
        assertThat(pick(new WeightedLeastConnection(), b, a, c)).isNull();
    }

    @Test
    void wlcHandlesLargeCountsWithoutOverflow() {
        a.weight(65535).conns(Integer.MAX_VALUE / 2, Integer.MAX_VALUE / 2);
        b.weight(1).conns(Integer.MAX_VALUE / 2, 0);
        assertThat(pick(new WeightedLeastConnection(), b, a)).isSameAs(a);
    }

    @Test
    void sedCountsActiveConnectionsPlusOneAndIgnoresInactive() {
        a.weight(1).conns(0, 1000); // (0 + 1) / 1
        b.weight(2).conns(1, 0); // (1 + 1) / 2: a tie, the first wins
        assertThat(pick(new ShortestExpectedDelay(), a, b)).isSameAs(a);
        assertThat(pick(new ShortestExpectedDelay(), b, a)).isSameAs(b);
        b.weight(3);
        assertThat(pick(new ShortestExpectedDelay(), a, b)).isSameAs(b);
    }

    @Test
    void sedPrefersTheHeavierServerWhenBothAreIdle() {
        a.weight(1);
        b.weight(5);
        assertThat(pick(new ShortestExpectedDelay(), a, b)).isSameAs(b);
    }

    @Test
    void nqTakesTheFirstIdleServerAtOnce() {
        a.weight(1);
        b.weight(5);
        // sed would pick B (1/5 < 1/1); nq takes the first idle one
        assertThat(pick(new NeverQueue(), a, b)).isSameAs(a);
        a.conns(1, 0);
        assertThat(pick(new NeverQueue(), a, b)).isSameAs(b);
        a.conns(0, 50).overloaded(true);
        assertThat(pick(new NeverQueue(), a, b)).isSameAs(b);
    }

    @Test
    void nqFallsBackToSedWhenNoServerIsIdle() {
        a.weight(1).conns(1, 0); // 2 / 1
        b.weight(4).conns(5, 0); // 6 / 4
        c.weight(2).conns(2, 0); // 3 / 2: equal to b's 6 / 4, b comes first
        assertThat(pick(new NeverQueue(), a, b, c)).isSameAs(b);
        assertThat(pick(new NeverQueue(), a, c, b)).isSameAs(c);
    }
}
