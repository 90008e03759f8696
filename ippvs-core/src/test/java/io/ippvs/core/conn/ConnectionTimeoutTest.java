package io.ippvs.core.conn;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.core.proto.Direction;
import io.ippvs.core.proto.ProtocolTimeouts;
import io.ippvs.core.proto.SctpState;
import io.ippvs.core.proto.TcpState;
import io.ippvs.core.proto.TcpStateMachine;
import io.ippvs.core.proto.UdpState;
import io.ippvs.core.testing.FakeClock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every protocol state's timeout, applied through the table on a fake clock: an entry answers
 * lookups until its timeout has fully elapsed and is reclaimed, exactly once, at that instant.
 */
class ConnectionTimeoutTest {

    private static final int TCP = ProtocolTimeouts.TCP;
    private static final int UDP = ProtocolTimeouts.UDP;
    private static final int SCTP = ProtocolTimeouts.SCTP;

    private final FakeClock clock = new FakeClock();
    private final List<Integer> expired = new ArrayList<>();
    private final ConnectionTable table = new ConnectionTable(16, 3L, (t, h, e) -> {
        if (e) {
            expired.add(h);
        }
    });

    static Stream<Arguments> states() {
        ProtocolTimeouts d = ProtocolTimeouts.defaults();
        ProtocolTimeouts set = d.withSet(3600, 45, 30);
        List<Arguments> all = new ArrayList<>();
        for (TcpState s : TcpState.values()) {
            all.add(Arguments.of("tcp " + s.ipvsName(), TCP, s.code(), d.tcp(s), s.defaultTimeoutSeconds()));
        }
        all.add(Arguments.of("udp", UDP, UdpState.NORMAL.code(), d.udp(), 300));
        for (SctpState s : SctpState.values()) {
            all.add(Arguments.of("sctp " + s.ipvsName(), SCTP, s.code(), d.sctp(s), s.defaultTimeoutSeconds()));
        }
        all.add(Arguments.of("--set tcp", TCP, TcpState.ESTABLISHED.code(), set.tcpEstablished(), 3600));
        all.add(Arguments.of("--set tcpfin", TCP, TcpState.FIN_WAIT.code(), set.tcpFin(), 45));
        all.add(Arguments.of("--set udp", UDP, 0, set.udp(), 30));
        return all.stream();
    }

    private int lookup(int protocol) {
        return table.lookupInbound(4, protocol, 0, 0xC0000201L, 5555, 0, 0x0A000001L, 80, clock.nanos());
    }

    @ParameterizedTest(name = "{0}: {4} s")
    @MethodSource("states")
    void entryLivesExactlyItsTimeout(String name, int protocol, int state, int timeout, int expectedSeconds) {
        assertThat(timeout).isEqualTo(expectedSeconds);
        int h = table.insert(new ConnectionSpec().protocol(protocol).client(0, 0xC0000201L, 5555)
                .virtual(0, 0x0A000001L, 80).destination(0, 0xC0A80101L, 80).state(state, timeout), clock.nanos());

        clock.advanceSeconds(timeout).advanceNanos(-1);
        assertThat(lookup(protocol)).isEqualTo(h);
        assertThat(table.sweep(clock.nanos())).isZero();
        clock.advanceNanos(1);
        assertThat(lookup(protocol)).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(expired).containsExactly(h);
        assertThat(table.sweep(clock.nanos())).isZero();
        assertThat(table.size()).isZero();
    }

    @Test
    void eachTransitionRestartsTheTimeoutOfTheNewState() {
        ProtocolTimeouts timeouts = ProtocolTimeouts.defaults();
        TcpStateMachine machine = TcpStateMachine.normal();
        int h = table.insert(new ConnectionSpec().protocol(TCP).client(0, 0xC0000201L, 5555)
                .virtual(0, 0x0A000001L, 80).destination(0, 0xC0A80101L, 80)
                .state(TcpState.NONE.code(), timeouts.tcp(TcpState.NONE)), clock.nanos());
        int[][] packets = {
            {Direction.INPUT_ONLY.code(), TcpStateMachine.SYN},
            {Direction.OUT.code(), TcpStateMachine.SYN | TcpStateMachine.ACK},
            {Direction.IN.code(), TcpStateMachine.ACK},
            {Direction.IN.code(), TcpStateMachine.FIN | TcpStateMachine.ACK},
            {Direction.OUT.code(), TcpStateMachine.FIN | TcpStateMachine.ACK},
        };
        for (int[] p : packets) {
            clock.advanceSeconds(1);
            int from = table.state(h);
            int to = machine.next(from, p[0], p[1]);
            if (to != from) {
                assertThat(table.compareAndSetState(h, from, to, timeouts.tcp(to), clock.nanos())).isTrue();
            } else {
                table.refresh(h, clock.nanos());
            }
            assertThat(table.expiresAtNanos(h) - clock.nanos()).isEqualTo(timeouts.tcp(to) * 1_000_000_000L);
        }
        assertThat(TcpState.ofCode(table.state(h))).isEqualTo(TcpState.TIME_WAIT);
        clock.advanceSeconds(120);
        assertThat(lookup(TCP)).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(expired).containsExactly(h);
    }
}
