package io.ippvs.core.proto;

import static io.ippvs.core.proto.TcpState.CLOSE;
import static io.ippvs.core.proto.TcpState.CLOSE_WAIT;
import static io.ippvs.core.proto.TcpState.ESTABLISHED;
import static io.ippvs.core.proto.TcpState.FIN_WAIT;
import static io.ippvs.core.proto.TcpState.LAST_ACK;
import static io.ippvs.core.proto.TcpState.LISTEN;
import static io.ippvs.core.proto.TcpState.NONE;
import static io.ippvs.core.proto.TcpState.SYNACK;
import static io.ippvs.core.proto.TcpState.SYN_RECV;
import static io.ippvs.core.proto.TcpState.SYN_SENT;
import static io.ippvs.core.proto.TcpState.TIME_WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Walks every cell of both IPVS TCP transition tables (DESIGN.md section 3). The expected rows are
 * written out here as enum constants, independently of the production table's text.
 */
class TcpStateMachineTest {

    private static final TcpState NO = NONE;
    private static final TcpState ES = ESTABLISHED;
    private static final TcpState SS = SYN_SENT;
    private static final TcpState SR = SYN_RECV;
    private static final TcpState FW = FIN_WAIT;
    private static final TcpState TW = TIME_WAIT;
    private static final TcpState CL = CLOSE;
    private static final TcpState CW = CLOSE_WAIT;
    private static final TcpState LA = LAST_ACK;
    private static final TcpState LI = LISTEN;
    private static final TcpState SA = SYNACK;

    // current state order of the columns
    private static final TcpState[] COLUMNS = {NO, ES, SS, SR, FW, TW, CL, CW, LA, LI, SA};

    private static final int SYN = TcpStateMachine.SYN;
    private static final int FIN = TcpStateMachine.FIN;
    private static final int ACK = TcpStateMachine.ACK;
    private static final int RST = TcpStateMachine.RST;

    private static final TcpState[][] NORMAL_IN = {
        {SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR}, // syn
        {CL, CW, SS, TW, TW, TW, CL, CW, LA, LI, TW}, // fin
        {ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES}, // ack
        {CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, SR}, // rst
    };
    private static final TcpState[][] NORMAL_OUT = {
        {SS, ES, SS, SR, SS, SS, SS, SS, SS, LI, SR},
        {TW, FW, SS, TW, FW, TW, CL, TW, LA, LI, TW},
        {ES, ES, SS, ES, FW, TW, CL, CW, LA, ES, ES},
        {CL, CL, SS, CL, CL, TW, CL, CL, CL, CL, CL},
    };
    private static final TcpState[][] NORMAL_INPUT_ONLY = {
        {SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR},
        {CL, FW, SS, TW, FW, TW, CL, CW, LA, LI, TW},
        {ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES},
        {CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL},
    };
    private static final TcpState[][] SECURE_IN = {
        {SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SA},
        {CL, CW, SS, TW, TW, TW, CL, CW, LA, LI, SA},
        {ES, ES, SS, SR, FW, TW, CL, CW, CL, LI, SA},
        {CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL},
    };
    private static final TcpState[][] SECURE_OUT = {
        {SS, ES, SS, SA, SS, SS, SS, SS, SS, LI, SA},
        {TW, FW, SS, TW, FW, TW, CL, TW, LA, LI, TW},
        {ES, ES, SS, ES, FW, TW, CL, CW, LA, ES, ES},
        {CL, CL, SS, CL, CL, TW, CL, CL, CL, CL, CL},
    };
    private static final TcpState[][] SECURE_INPUT_ONLY = {
        {SA, ES, ES, SR, SA, SA, SA, SA, SA, SA, SA},
        {CL, FW, SS, TW, FW, TW, CL, CW, LA, LI, TW},
        {ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES},
        {CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL},
    };

    // the packets that select each row; the extra flags check the precedence RST > SYN > FIN > ACK
    private static final int[][] ROW_FLAGS = {
        {SYN, SYN | ACK, SYN | FIN, SYN | FIN | ACK},
        {FIN, FIN | ACK},
        {ACK, ACK | 0x08},
        {RST, RST | ACK, RST | SYN, RST | SYN | FIN | ACK},
    };
    private static final String[] ROW_NAMES = {"syn", "fin", "ack", "rst"};

    static Stream<Arguments> cells() {
        List<Arguments> cells = new ArrayList<>();
        addTable(cells, "normal", TcpStateMachine.normal(), NORMAL_IN, NORMAL_OUT, NORMAL_INPUT_ONLY);
        addTable(cells, "secure", TcpStateMachine.secure(), SECURE_IN, SECURE_OUT, SECURE_INPUT_ONLY);
        return cells.stream();
    }

    private static void addTable(List<Arguments> cells, String name, TcpStateMachine machine, TcpState[][]... rows) {
        Direction[] directions = {Direction.IN, Direction.OUT, Direction.INPUT_ONLY};
        for (int d = 0; d < 3; d++) {
            for (int event = 0; event < 4; event++) {
                for (int column = 0; column < COLUMNS.length; column++) {
                    cells.add(Arguments.of(name, machine, directions[d], ROW_NAMES[event], event, COLUMNS[column],
                            rows[d][event][column]));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} {2} {3} in {5} -> {6}")
    @MethodSource("cells")
    void everyCell(String table, TcpStateMachine machine, Direction direction, String row, int event, TcpState from,
            TcpState expected) {
        for (int flags : ROW_FLAGS[event]) {
            assertThat(machine.next(from, direction, flags)).as("flags 0x%x", flags).isEqualTo(expected);
            assertThat(machine.next(from.code(), direction.code(), flags)).isEqualTo(expected.code());
        }
    }

    @Test
    void cellCountCoversBothTablesCompletely() {
        assertThat(cells().count()).isEqualTo(2 * 3 * 4 * 11);
    }

    /**
     * set_tcp_state (ip_vs_proto_tcp.c): new_state starts as IP_VS_TCP_S_CLOSE and, when
     * tcp_state_idx returns -1 (none of RST/SYN/FIN/ACK), the table is skipped: the segment closes.
     */
    @Test
    void segmentsWithoutSynFinAckOrRstClose() {
        for (TcpState s : TcpState.values()) {
            for (Direction d : Direction.values()) {
                assertThat(TcpStateMachine.normal().next(s, d, 0)).isEqualTo(CLOSE);
                assertThat(TcpStateMachine.secure().next(s, d, 0x08 | 0x20)).isEqualTo(CLOSE); // PSH|URG
                assertThat(TcpStateMachine.normal().next(s.code(), d.code(), 0x40 | 0x80)).isEqualTo(CLOSE.code());
            }
        }
    }

    @Test
    void outOfRangeInputLeavesTheStateAlone() {
        assertThat(TcpStateMachine.normal().next(11, 0, SYN)).isEqualTo(11);
        assertThat(TcpStateMachine.normal().next(-1, 0, SYN)).isEqualTo(-1);
        assertThat(TcpStateMachine.normal().next(0, 3, SYN)).isEqualTo(0);
    }

    @Test
    void onlySynWithoutRstStartsAConnection() {
        assertThat(TcpStateMachine.startsConnection(SYN)).isTrue();
        assertThat(TcpStateMachine.startsConnection(SYN | ACK)).isTrue();
        assertThat(TcpStateMachine.startsConnection(SYN | RST)).isFalse();
        assertThat(TcpStateMachine.startsConnection(ACK)).isFalse();
        assertThat(TcpStateMachine.startsConnection(0)).isFalse();
    }

    @Test
    void aClientHandshakeThroughNatReachesEstablishedAndCloses() {
        TcpStateMachine m = TcpStateMachine.normal();
        TcpState s = NONE;
        s = m.next(s, Direction.IN, SYN); // NAT: no IP_VS_CONN_F_NOOUTPUT, the INPUT rows at once
        assertThat(s).isEqualTo(SYN_RECV);
        s = m.next(s, Direction.OUT, SYN | ACK);
        assertThat(s).isEqualTo(SYN_RECV);
        s = m.next(s, Direction.IN, ACK);
        assertThat(s).isEqualTo(ESTABLISHED);
        s = m.next(s, Direction.IN, FIN | ACK);
        assertThat(s).isEqualTo(CLOSE_WAIT);
        s = m.next(s, Direction.OUT, FIN | ACK);
        assertThat(s).isEqualTo(TIME_WAIT);
    }
}
