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

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SctpStateMachineTest {

    /**
     * {@code sctp_states[IP_VS_DIR_LAST][IP_VS_SCTP_EVENT_LAST][IP_VS_SCTP_S_LAST]} of
     * net/netfilter/ipvs/ip_vs_proto_sctp.c (Linux 6.x), copied literally: directions INPUT, OUTPUT,
     * INPUT-ONLY; events DATA, INIT, INIT_ACK, COOKIE_ECHO, COOKIE_ACK, SHUTDOWN, SHUTDOWN_ACK,
     * SHUTDOWN_COMPLETE, ERROR, ABORT; columns the states in {@code IP_VS_SCTP_S_*} order.
     */
    private static final String KERNEL = """
            	{ /* INPUT */
            /*        sNO, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL*/
            /* d   */{sES, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL},
            /* i   */{sI1, sIN, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sIN, sIN},
            /* i_a */{sCW, sCW, sCW, sCS, sCR, sCO, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL},
            /* c_e */{sCR, sIN, sIN, sCR, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL},
            /* c_a */{sES, sI1, sIN, sCS, sCR, sCW, sCO, sES, sES, sSS, sSR, sSA, sRJ, sCL},
            /* s   */{sSR, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sSR, sSS, sSR, sSA, sRJ, sCL},
            /* s_a */{sCL, sIN, sIN, sCS, sCR, sCW, sCO, sCE, sES, sCL, sSR, sCL, sRJ, sCL},
            /* s_c */{sCL, sCL, sCL, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sCL, sRJ, sCL},
            /* err */{sCL, sI1, sIN, sCS, sCR, sCW, sCO, sCL, sES, sSS, sSR, sSA, sRJ, sCL},
            /* ab  */{sCL, sCL, sCL, sCL, sCL, sRJ, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL},
            	},
            	{ /* OUTPUT */
            /*        sNO, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL*/
            /* d   */{sES, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL},
            /* i   */{sCW, sCW, sCW, sCW, sCW, sCW, sCW, sCW, sES, sCW, sCW, sCW, sCW, sCW},
            /* i_a */{sCS, sCS, sCS, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL},
            /* c_e */{sCE, sCE, sCE, sCE, sCE, sCE, sCE, sCE, sES, sSS, sSR, sSA, sRJ, sCL},
            /* c_a */{sES, sES, sES, sES, sES, sES, sES, sES, sES, sSS, sSR, sSA, sRJ, sCL},
            /* s   */{sSS, sSS, sSS, sSS, sSS, sSS, sSS, sSS, sSS, sSS, sSR, sSA, sRJ, sCL},
            /* s_a */{sSA, sSA, sSA, sSA, sSA, sCW, sCO, sCE, sES, sSA, sSA, sSA, sRJ, sCL},
            /* s_c */{sCL, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL},
            /* err */{sCL, sCL, sCL, sCL, sCL, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL},
            /* ab  */{sCL, sRJ, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL},
            	},
            	{ /* INPUT-ONLY */
            /*        sNO, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL*/
            /* d   */{sES, sI1, sIN, sCS, sCR, sES, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL},
            /* i   */{sI1, sIN, sIN, sIN, sIN, sIN, sCO, sCE, sES, sSS, sSR, sSA, sIN, sIN},
            /* i_a */{sCE, sCE, sCE, sCE, sCE, sCE, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL},
            /* c_e */{sES, sES, sES, sES, sES, sES, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL},
            /* c_a */{sES, sI1, sIN, sES, sES, sCW, sES, sES, sES, sSS, sSR, sSA, sRJ, sCL},
            /* s   */{sSR, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sSR, sSS, sSR, sSA, sRJ, sCL},
            /* s_a */{sCL, sIN, sIN, sCS, sCR, sCW, sCO, sCE, sCL, sCL, sSR, sCL, sRJ, sCL},
            /* s_c */{sCL, sCL, sCL, sCL, sCL, sCW, sCO, sCE, sES, sSS, sCL, sCL, sRJ, sCL},
            /* err */{sCL, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL},
            /* ab  */{sCL, sCL, sCL, sCL, sCL, sRJ, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL},
            	},
            """;

    /** The {@code #define sNO IP_VS_SCTP_S_NONE ...} list of the same file, in enum order. */
    private static final List<String> KERNEL_STATES = List.of("sNO", "sI1", "sIN", "sCS", "sCR", "sCW", "sCO",
            "sCE", "sES", "sSS", "sSR", "sSA", "sRJ", "sCL");

    /** {@code [direction][event][state]} parsed from {@link #KERNEL}. */
    private static int[][][] kernelTable() {
        Matcher row = Pattern.compile("\\{(s[A-Z0-9]{2}(?:, s[A-Z0-9]{2}){13})\\}").matcher(KERNEL);
        List<int[]> rows = new ArrayList<>();
        while (row.find()) {
            String[] cells = row.group(1).split(", ");
            int[] r = new int[cells.length];
            for (int i = 0; i < cells.length; i++) {
                r[i] = KERNEL_STATES.indexOf(cells[i]);
                assertThat(r[i]).as(cells[i]).isNotNegative();
            }
            rows.add(r);
        }
        assertThat(rows).hasSize(3 * 10);
        int[][][] t = new int[3][10][];
        for (int i = 0; i < rows.size(); i++) {
            t[i / 10][i % 10] = rows.get(i);
        }
        return t;
    }

    @Test
    void everyCellIsTheKernels() {
        int[][][] kernel = kernelTable();
        List<String> wrong = new ArrayList<>();
        int cells = 0;
        for (int dir = 0; dir < 3; dir++) {
            for (int ev = 0; ev < 10; ev++) {
                for (int st = 0; st < SctpState.count(); st++) {
                    cells++;
                    int got = SctpStateMachine.next(st, dir, ev);
                    if (got != kernel[dir][ev][st]) {
                        wrong.add(Direction.ofCode(dir) + "/" + ev + "/" + KERNEL_STATES.get(st) + " -> "
                                + got + " (kernel " + KERNEL_STATES.get(kernel[dir][ev][st]) + ")");
                    }
                }
            }
        }
        assertThat(cells).isEqualTo(3 * 10 * 14);
        assertThat(wrong).as("%d cells differ from sctp_states", wrong.size()).isEmpty();
    }

    /** The enum is the kernel's IP_VS_SCTP_S_* list: fourteen states, COOKIE at 6, ESTABLISHED at 8. */
    @Test
    void statesNamesAndTimeoutsAreTheKernels() {
        // sctp_state_name_table and sctp_timeouts (IP_VS_SCTP_MAX_RTO = 61 s, INIT1/REJECTED (0+3+1) s)
        String[] names = {"NONE", "INIT1", "INIT", "C-SENT", "C-REPLIED", "C-WAIT", "COOKIE", "C-ECHOED",
            "ESTABLISHED", "S-SENT", "S-RECEIVED", "S-ACK-SENT", "REJECTED", "CLOSED"};
        int[] timeouts = {2, 4, 61, 61, 61, 61, 61, 61, 900, 61, 61, 61, 4, 61};
        assertThat(SctpState.count()).isEqualTo(14);
        assertThat(SctpState.ESTABLISHED.code()).isEqualTo(8);
        assertThat(SctpState.COOKIE.code()).isEqualTo(6);
        for (int st = 0; st < 14; st++) {
            assertThat(SctpState.ofCode(st).ipvsName()).isEqualTo(names[st]);
            assertThat(SctpState.ofCode(st).defaultTimeoutSeconds()).as(names[st]).isEqualTo(timeouts[st]);
            assertThat(ProtocolTimeouts.defaults().sctp(st)).isEqualTo(timeouts[st]);
            // set_sctp_state: only ESTABLISHED leaves IP_VS_CONN_F_INACTIVE
            assertThat(SctpState.isActive(st)).isEqualTo(st == 8);
        }
    }

    private static SctpState walk(Object... steps) {
        SctpState s = SctpState.NONE;
        for (int i = 0; i < steps.length; i += 3) {
            s = SctpStateMachine.next(s, (Direction) steps[i], (Integer) steps[i + 1]);
            assertThat(s).as("step %d", i / 3).isEqualTo(steps[i + 2]);
        }
        return s;
    }

    /** A client's association through NAT, as the kernel's comment block describes it. */
    @Test
    void clientOpensAndClosesThroughNat() {
        walk(Direction.IN, EV_INIT, SctpState.INIT1,
                Direction.OUT, INIT_ACK, SctpState.COOKIE_SENT,
                Direction.IN, COOKIE_ECHO, SctpState.COOKIE_REPLIED,
                Direction.OUT, COOKIE_ACK, SctpState.ESTABLISHED,
                Direction.IN, DATA, SctpState.ESTABLISHED,
                Direction.OUT, ERROR, SctpState.ESTABLISHED,
                Direction.IN, SHUTDOWN, SctpState.SHUTDOWN_RECEIVED,
                Direction.OUT, SHUTDOWN_ACK, SctpState.SHUTDOWN_ACK_SENT,
                Direction.IN, SHUTDOWN_COMPLETE, SctpState.CLOSED,
                Direction.IN, EV_INIT, SctpState.INIT);
    }

    /** DR/TUN: the director sees the client only; the INIT ACK it never sees, COOKIE ECHO establishes. */
    @Test
    void inputOnlyEstablishesOnTheCookieEcho() {
        walk(Direction.INPUT_ONLY, EV_INIT, SctpState.INIT1,
                Direction.INPUT_ONLY, COOKIE_ECHO, SctpState.ESTABLISHED,
                Direction.INPUT_ONLY, SHUTDOWN, SctpState.SHUTDOWN_RECEIVED,
                Direction.INPUT_ONLY, ABORT, SctpState.CLOSED);
    }

    @Test
    void serverOpens() {
        walk(Direction.OUT, EV_INIT, SctpState.COOKIE_WAIT,
                Direction.IN, INIT_ACK, SctpState.COOKIE,
                Direction.OUT, COOKIE_ECHO, SctpState.COOKIE_ECHOED,
                Direction.IN, COOKIE_ACK, SctpState.ESTABLISHED,
                Direction.OUT, SHUTDOWN, SctpState.SHUTDOWN_SENT);
    }

    @Test
    void abortAnsweringTheFirstInitRejects() {
        walk(Direction.IN, EV_INIT, SctpState.INIT1, Direction.OUT, ABORT, SctpState.REJECTED);
        walk(Direction.IN, EV_INIT, SctpState.INIT1, Direction.IN, ABORT, SctpState.CLOSED);
    }

    /** sctp_events[]: chunk type to event, DATA for the rest; an ABORT after COOKIE ECHO/ACK wins. */
    @Test
    void eventsFromChunkTypes() {
        assertThat(SctpStateMachine.event(0, -1)).isEqualTo(DATA);
        assertThat(SctpStateMachine.event(1, -1)).isEqualTo(EV_INIT);
        assertThat(SctpStateMachine.event(2, -1)).isEqualTo(INIT_ACK);
        assertThat(SctpStateMachine.event(3, -1)).isEqualTo(DATA); // SACK
        assertThat(SctpStateMachine.event(4, -1)).isEqualTo(DATA); // HEARTBEAT
        assertThat(SctpStateMachine.event(5, -1)).isEqualTo(DATA); // HEARTBEAT ACK
        assertThat(SctpStateMachine.event(6, -1)).isEqualTo(ABORT);
        assertThat(SctpStateMachine.event(7, -1)).isEqualTo(SHUTDOWN);
        assertThat(SctpStateMachine.event(8, -1)).isEqualTo(SHUTDOWN_ACK);
        assertThat(SctpStateMachine.event(9, -1)).isEqualTo(ERROR);
        assertThat(SctpStateMachine.event(10, -1)).isEqualTo(COOKIE_ECHO);
        assertThat(SctpStateMachine.event(10, 0)).isEqualTo(COOKIE_ECHO);
        assertThat(SctpStateMachine.event(10, 6)).isEqualTo(ABORT);
        assertThat(SctpStateMachine.event(11, 6)).isEqualTo(ABORT);
        assertThat(SctpStateMachine.event(11, -1)).isEqualTo(COOKIE_ACK);
        assertThat(SctpStateMachine.event(12, -1)).isEqualTo(DATA); // ECNE
        assertThat(SctpStateMachine.event(13, -1)).isEqualTo(DATA); // CWR
        assertThat(SctpStateMachine.event(14, -1)).isEqualTo(SHUTDOWN_COMPLETE);
        assertThat(SctpStateMachine.event(1, 6)).isEqualTo(EV_INIT); // only COOKIE ECHO/ACK look further
        assertThat(SctpStateMachine.event(200, -1)).isEqualTo(DATA);
        assertThat(SctpStateMachine.startsConnection(EV_INIT)).isTrue();
        assertThat(SctpStateMachine.startsConnection(DATA)).isFalse();
        assertThat(SctpStateMachine.next(99, 0, DATA)).isEqualTo(99);
    }
}
