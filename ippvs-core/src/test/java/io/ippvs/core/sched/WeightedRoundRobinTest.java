package io.ippvs.core.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class WeightedRoundRobinTest {

    private final FakeServer a = FakeServer.v4("A", 1, 4);
    private final FakeServer b = FakeServer.v4("B", 2, 3);
    private final FakeServer c = FakeServer.v4("C", 3, 2);
    private final WeightedRoundRobin wrr = new WeightedRoundRobin();

    @Test
    void weights432GiveTheIpvsSequence() {
        wrr.update(List.of(a, b, c));
        String cycle = "A A B A B C A B C";
        assertThat(Picks.of(wrr, 27)).isEqualTo(cycle + " " + cycle + " " + cycle);
    }

    @Test
    void gcdStepsTheCurrentWeight() {
        a.weight(4);
        b.weight(2);
        wrr.update(List.of(a, b));
        // di = 2, mw = 4 - 1 = 3: cw runs 3, 1
        assertThat(Picks.of(wrr, 9)).isEqualTo("A A B A A B A A B");
    }

    @Test
    void weightChangeResetsTheCursorAndKeepsTheCurrentWeight() {
        wrr.update(List.of(a, b, c));
        assertThat(Picks.of(wrr, 2)).isEqualTo("A A"); // cl = A, cw = 3
        c.weight(4);
        wrr.update(List.of(a, b, c)); // cl = head; mw = 4; cw = 3 kept
        assertThat(wrr.currentWeight()).isEqualTo(3);
        assertThat(Picks.of(wrr, 14)).isEqualTo("A B C A B C A B C A C A B C");
    }

    @Test
    void weightChangeWithGcdRoundsTheCurrentWeightToTheNewSteps() {
        wrr.update(List.of(a, b, c));
        assertThat(Picks.of(wrr, 1)).isEqualTo("A"); // cl = A, cw = 4
        a.weight(6);
        b.weight(4);
        c.weight(2);
        wrr.update(List.of(a, b, c)); // di = 2, mw = 5, cw = (4 / 2) * 2 + 1 = 5
        assertThat(wrr.currentWeight()).isEqualTo(5);
        assertThat(Picks.of(wrr, 12)).isEqualTo("A A B A B C A A B A B C");
    }

    @Test
    void currentWeightAboveTheNewMaximumRestartsAtTheMaximum() {
        wrr.update(List.of(a, b, c));
        assertThat(Picks.of(wrr, 1)).isEqualTo("A"); // cw = 4
        a.weight(2);
        wrr.update(List.of(a, b, c)); // mw = 3 < 4
        assertThat(wrr.currentWeight()).isEqualTo(3);
        assertThat(Picks.of(wrr, 6)).isEqualTo("B A B C A B");
    }

    @Test
    void skipsOverloadedAndQuiescedServers() {
        wrr.update(List.of(a, b, c));
        a.overloaded(true);
        assertThat(Picks.of(wrr, 5)).isEqualTo("B B C B C");
        a.overloaded(false);
        b.weight(0);
        wrr.update(List.of(a, b, c)); // di = 2, mw = 3, cw = (1 / 2) * 2 + 1 = 1
        assertThat(Picks.of(wrr, 8)).isEqualTo("A C A A C A A C");
    }

    @Test
    void noneWhenAllAreOverloadedFromAnyCursorPosition() {
        wrr.update(List.of(a, b, c));
        for (int start = 0; start < 9; start++) {
            WeightedRoundRobin w = new WeightedRoundRobin();
            a.overloaded(false);
            b.overloaded(false);
            c.overloaded(false);
            w.update(List.of(a, b, c));
            Picks.of(w, start);
            a.overloaded(true);
            b.overloaded(true);
            c.overloaded(true);
            assertThat(Picks.of(w, 3)).isEqualTo("- - -");
        }
    }

    @Test
    void onlyQuiescedServersOrNoneGiveNone() {
        assertThat(wrr.schedule(new FakeFlow())).isNull();
        a.weight(0);
        b.weight(0);
        c.weight(0);
        wrr.update(List.of(a, b, c));
        assertThat(Picks.of(wrr, 2)).isEqualTo("- -");
    }

    @Test
    void sharesFollowWeights() {
        FakeServer x = FakeServer.v4("X", 10, 7);
        FakeServer y = FakeServer.v4("Y", 11, 5);
        FakeServer z = FakeServer.v4("Z", 12, 1);
        wrr.update(List.of(x, y, z));
        String s = Picks.of(wrr, 13 * 10);
        assertThat(s.chars().filter(ch -> ch == 'X').count()).isEqualTo(70);
        assertThat(s.chars().filter(ch -> ch == 'Y').count()).isEqualTo(50);
        assertThat(s.chars().filter(ch -> ch == 'Z').count()).isEqualTo(10);
    }
}
