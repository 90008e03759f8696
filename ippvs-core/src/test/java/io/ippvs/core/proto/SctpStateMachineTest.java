package io.ippvs.core.proto;

import static io.ippvs.core.proto.SctpStateMachine.ABORT;
import static io.ippvs.core.proto.SctpStateMachine.COOKIE_ACK;
import static io.ippvs.core.proto.SctpStateMachine.COOKIE_ECHO;
import static io.ippvs.core.proto.SctpStateMachine.DATA;
import static io.ippvs.core.proto.SctpStateMachine.ERROR;
import static io.ippvs.core.proto.SctpStateMachine.EV_INIT;
import static io.ippvs.core.proto.SctpStateMachine.INIT_ACK;
import static io.ippvs.core.proto.SctpStateMachine.SHUTDOWN;
import static io.ippvs.core.proto.SctpStateMachine.SHUTDOWN_ACK;
import static io.ippvs.core.proto.SctpStateMachine.SHUTDOWN_COMPLETE;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SctpStateMachineTest {

    private static SctpState walk(Object... steps) {
        SctpState s = SctpState.NONE;
        for (int i = 0; i < steps.length; i += 3) {
            s = SctpStateMachine.next(s, (Direction) steps[i], (Integer) steps[i + 1]);
            assertThat(s).as("step %d", i / 3).isEqualTo(steps[i + 2]);
        }
        return s;
    }

    @Test
    void clientOpensAndClosesThroughNat() {
        walk(Direction.IN, EV_INIT, SctpState.INIT1,
                Direction.OUT, INIT_ACK, SctpState.INIT,
                Direction.IN, COOKIE_ECHO, SctpState.COOKIE_SENT,
                Direction.OUT, COOKIE_ACK, SctpState.ESTABLISHED,
                Direction.IN, DATA, SctpState.ESTABLISHED,
                Direction.OUT, ERROR, SctpState.ESTABLISHED,
                Direction.IN, SHUTDOWN, SctpState.SHUTDOWN_SENT,
                Direction.OUT, SHUTDOWN_ACK, SctpState.SHUTDOWN_ACK_SENT,
                Direction.IN, SHUTDOWN_COMPLETE, SctpState.CLOSED,
                Direction.IN, EV_INIT, SctpState.INIT1);
    }

    @Test
    void inputOnlyReachesEstablishedOnDataAfterTheCookie() {
        walk(Direction.INPUT_ONLY, EV_INIT, SctpState.INIT1,
                Direction.INPUT_ONLY, COOKIE_ECHO, SctpState.COOKIE_SENT,
                Direction.INPUT_ONLY, DATA, SctpState.ESTABLISHED,
                Direction.INPUT_ONLY, ABORT, SctpState.CLOSED);
    }

    @Test
    void serverOpens() {
        walk(Direction.OUT, EV_INIT, SctpState.COOKIE_WAIT,
                Direction.IN, INIT_ACK, SctpState.COOKIE_REPLIED,
                Direction.OUT, COOKIE_ECHO, SctpState.COOKIE_ECHOED,
                Direction.IN, COOKIE_ACK, SctpState.ESTABLISHED,
                Direction.OUT, SHUTDOWN, SctpState.SHUTDOWN_RECEIVED);
    }

    @Test
    void abortDuringTheHandshakeRejects() {
        walk(Direction.IN, EV_INIT, SctpState.INIT1, Direction.OUT, ABORT, SctpState.REJECTED);
        walk(Direction.IN, EV_INIT, SctpState.INIT1, Direction.IN, ABORT, SctpState.REJECTED);
        assertThat(SctpState.REJECTED.defaultTimeoutSeconds()).isEqualTo(4);
    }

    @Test
    void eventsFromChunkTypes() {
        assertThat(SctpStateMachine.event(0, -1)).isEqualTo(DATA);
        assertThat(SctpStateMachine.event(1, -1)).isEqualTo(EV_INIT);
        assertThat(SctpStateMachine.event(2, -1)).isEqualTo(INIT_ACK);
        assertThat(SctpStateMachine.event(3, -1)).isEqualTo(DATA); // SACK
        assertThat(SctpStateMachine.event(4, -1)).isEqualTo(DATA); // HEARTBEAT
        assertThat(SctpStateMachine.event(6, -1)).isEqualTo(ABORT);
        assertThat(SctpStateMachine.event(7, -1)).isEqualTo(SHUTDOWN);
        assertThat(SctpStateMachine.event(8, -1)).isEqualTo(SHUTDOWN_ACK);
        assertThat(SctpStateMachine.event(9, -1)).isEqualTo(ERROR);
        assertThat(SctpStateMachine.event(10, -1)).isEqualTo(COOKIE_ECHO);
        assertThat(SctpStateMachine.event(10, 0)).isEqualTo(COOKIE_ECHO);
        assertThat(SctpStateMachine.event(10, 6)).isEqualTo(ABORT);
        assertThat(SctpStateMachine.event(11, 6)).isEqualTo(ABORT);
        assertThat(SctpStateMachine.event(11, -1)).isEqualTo(COOKIE_ACK);
        assertThat(SctpStateMachine.event(14, -1)).isEqualTo(SHUTDOWN_COMPLETE);
        assertThat(SctpStateMachine.event(200, -1)).isEqualTo(DATA);
        assertThat(SctpStateMachine.startsConnection(EV_INIT)).isTrue();
        assertThat(SctpStateMachine.startsConnection(DATA)).isFalse();
    }

    @Test
    void namesAndActivity() {
        assertThat(SctpState.COOKIE_SENT.ipvsName()).isEqualTo("C-SENT");
        assertThat(SctpState.SHUTDOWN_ACK_SENT.ipvsName()).isEqualTo("S-ACK-SENT");
        for (SctpState s : SctpState.values()) {
            assertThat(s.isActive()).isEqualTo(s == SctpState.ESTABLISHED);
            assertThat(SctpState.isActive(s.code())).isEqualTo(s == SctpState.ESTABLISHED);
        }
        assertThat(SctpStateMachine.next(99, 0, DATA)).isEqualTo(99);
    }
}
