package io.ippvs.core.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.RealServer;
import io.ippvs.api.Scheduler;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailoverOverflowTest {

    private final FakeServer a = FakeServer.v4("A", 1, 2);
    private final FakeServer b = FakeServer.v4("B", 2, 5);
    private final FakeServer c = FakeServer.v4("C", 3, 5);

    private static RealServer pick(Scheduler s, FakeServer... servers) {
        s.update(List.of(servers));
        return s.schedule(new FakeFlow());
    }

    @Test
    void foTakesTheHighestWeightFirstOfEqualsRegardlessOfLoad() {
        b.conns(1000, 1000);
        assertThat(pick(new WeightedFailover(), a, b, c)).isSameAs(b);
        assertThat(pick(new WeightedFailover(), a, c, b)).isSameAs(c);
    }

    @Test
    void foFailsOverWhenTheBestIsUnusable() {
        b.overloaded(true);
        assertThat(pick(new WeightedFailover(), a, b, c)).isSameAs(c);
        c.weight(0);
        assertThat(pick(new WeightedFailover(), a, b, c)).isSameAs(a);
        a.inService = false;
        assertThat(pick(new WeightedFailover(), a, b, c)).isNull();
    }

    @Test
    void ovfTakesTheHighestWeightUntilItsActiveConnectionsExceedIt() {
        b.conns(5, 100);
        assertThat(pick(new WeightedOverflow(), a, b, c)).isSameAs(b); // 5 <= 5
        b.conns(6, 0);
        assertThat(pick(new WeightedOverflow(), a, b, c)).isSameAs(c);
        c.conns(6, 0);
        assertThat(pick(new WeightedOverflow(), a, b, c)).isSameAs(a);
        a.conns(3, 0);
        assertThat(pick(new WeightedOverflow(), a, b, c)).isNull();
    }

    @Test
    void ovfSkipsOverloadedAndQuiesced() {
        b.overloaded(true);
        c.weight(0);
        assertThat(pick(new WeightedOverflow(), a, b, c)).isSameAs(a);
    }
}
