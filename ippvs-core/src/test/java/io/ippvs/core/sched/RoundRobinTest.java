package io.ippvs.core.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoundRobinTest {

    private final FakeServer a = FakeServer.v4("A", 1, 1);
    private final FakeServer b = FakeServer.v4("B", 2, 1);
    private final FakeServer c = FakeServer.v4("C", 3, 5);
    private final FakeServer d = FakeServer.v4("D", 4, 1);
    private final RoundRobin rr = new RoundRobin();

    @Test
    void takesServersInTurnIgnoringWeights() {
        rr.update(List.of(a, b, c));
        assertThat(Picks.of(rr, 7)).isEqualTo("A B C A B C A");
    }

    @Test
    void skipsQuiescedAndOverloadedServers() {
        rr.update(List.of(a, b, c, d));
        b.weight(0);
        d.overloaded(true);
        assertThat(Picks.of(rr, 5)).isEqualTo("A C A C A");
        b.weight(1);
        // the cursor is on A: B is next again
        assertThat(Picks.of(rr, 4)).isEqualTo("B C A B");
    }

    @Test
    void noneWhenEveryServerIsUnusableAndTheCursorStays() {
        rr.update(List.of(a, b, c));
        assertThat(Picks.of(rr, 2)).isEqualTo("A B");
        a.weight(0);
        b.weight(0);
        c.overloaded(true);
        assertThat(Picks.of(rr, 3)).isEqualTo("- - -");
        a.weight(1);
        b.weight(1);
        c.overloaded(false);
        assertThat(Picks.of(rr, 3)).isEqualTo("C A B");
    }

    @Test
    void cursorStaysOnItsServerWhenOthersAreAddedOrRemoved() {
        rr.update(List.of(a, b, c));
        assertThat(Picks.of(rr, 2)).isEqualTo("A B");
        rr.update(List.of(d, b, c)); // A removed, D added in front: the cursor stays on B
        assertThat(Picks.of(rr, 3)).isEqualTo("C D B");
    }

    @Test
    void removingTheLastChoiceMovesTheCursorToItsPredecessor() {
        rr.update(List.of(a, b, c, d));
        assertThat(Picks.of(rr, 2)).isEqualTo("A B");
        rr.update(List.of(a, c, d));
        assertThat(Picks.of(rr, 2)).isEqualTo("C D");
        rr.update(List.of(a, c, d));
        rr.update(List.of(b)); // A, C and D all gone: back to the head
        assertThat(Picks.of(rr, 2)).isEqualTo("B B");
    }

    @Test
    void emptyListGivesNone() {
        assertThat(rr.schedule(new FakeFlow())).isNull();
        rr.update(List.of());
        assertThat(rr.schedule(new FakeFlow())).isNull();
    }
}
