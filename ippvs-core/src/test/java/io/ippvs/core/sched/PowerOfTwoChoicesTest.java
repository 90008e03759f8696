package io.ippvs.core.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.RealServer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class PowerOfTwoChoicesTest {

    /** Returns queued draws and records the bounds asked for. */
    static final class ScriptedRandom implements RandomGenerator {
        final Deque<Long> draws = new ArrayDeque<>();
        final List<Long> bounds = new ArrayList<>();

        ScriptedRandom draw(long... values) {
            for (long v : values) {
                draws.add(v);
            }
            return this;
        }

        @Override
        public long nextLong(long bound) {
            bounds.add(bound);
            long v = draws.remove();
            assertThat(v).isBetween(0L, bound - 1);
            return v;
        }

        @Override
        public long nextLong() {
            throw new AssertionError("twos draws bounded values only");
        }
    }

    private final FakeServer a = FakeServer.v4("A", 1, 1);
    private final FakeServer b = FakeServer.v4("B", 2, 2);
    private final FakeServer c = FakeServer.v4("C", 3, 1);

    @Test
    void drawsFromZeroToTheTotalWeightInclusive() {
        ScriptedRandom r = new ScriptedRandom().draw(0, 4);
        PowerOfTwoChoices twos = new PowerOfTwoChoices(r);
        twos.update(List.of(a, b, c));
        // r = 0 and r = 1 land on A (the first server gets one extra chance), r = 4 on C
        a.conns(1, 0);
        assertThat(twos.schedule(new FakeFlow())).isSameAs(c);
        assertThat(r.bounds).containsExactly(5L, 5L);
    }

    @Test
    void keepsTheLessLoadedPerWeightAndTheFirstOnTies() {
        ScriptedRandom r = new ScriptedRandom();
        PowerOfTwoChoices twos = new PowerOfTwoChoices(r);
        twos.update(List.of(a, b, c));
        a.conns(1, 0); // 256 / 1
        b.conns(2, 0); // 512 / 2: equal
        r.draw(1, 3);
        assertThat(twos.schedule(new FakeFlow())).isSameAs(a);
        r.draw(3, 1);
        assertThat(twos.schedule(new FakeFlow())).isSameAs(b);
        b.conns(2, 1);
        r.draw(3, 1);
        assertThat(twos.schedule(new FakeFlow())).isSameAs(a);
    }

    @Test
    void skipsUnusableServersInBothScans() {
        ScriptedRandom r = new ScriptedRandom().draw(0, 0);
        PowerOfTwoChoices twos = new PowerOfTwoChoices(r);
        a.weight(0);
        b.overloaded(true);
        twos.update(List.of(a, b, c));
        assertThat(twos.schedule(new FakeFlow())).isSameAs(c);
        assertThat(r.bounds).containsExactly(2L, 2L);
    }

    @Test
    void idleServersShareByWeight() {
        PowerOfTwoChoices twos = new PowerOfTwoChoices(new SplittableRandom(7));
        FakeServer x = FakeServer.v4("X", 10, 30);
        FakeServer y = FakeServer.v4("Y", 11, 10);
        twos.update(List.of(x, y));
        int xs = 0;
        for (int i = 0; i < 40_000; i++) {
            RealServer s = twos.schedule(new FakeFlow());
            if (s == x) {
                xs++;
            }
        }
        // both idle: the first pick decides; X wins with probability 31/41
        assertThat(xs / 40_000.0).isBetween(31 / 41.0 - 0.01, 31 / 41.0 + 0.01);
    }
}
