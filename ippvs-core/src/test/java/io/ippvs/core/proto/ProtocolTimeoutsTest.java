package io.ippvs.core.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProtocolTimeoutsTest {

    private static final int[] TCP = {2, 900, 120, 60, 120, 120, 10, 60, 30, 120, 120};
    // sctp_timeouts (ip_vs_proto_sctp.c), IP_VS_SCTP_S_* order: COOKIE at 6, ESTABLISHED at 8
    private static final int[] SCTP = {2, 4, 61, 61, 61, 61, 61, 61, 900, 61, 61, 61, 4, 61};

    @Test
    void everyDefaultTimeout() {
        ProtocolTimeouts t = ProtocolTimeouts.defaults();
        for (int state = 0; state < TCP.length; state++) {
            assertThat(t.tcp(state)).as("tcp %s", TcpState.ofCode(state)).isEqualTo(TCP[state]);
            assertThat(t.tcp(TcpState.ofCode(state))).isEqualTo(TCP[state]);
            assertThat(t.timeout(ProtocolTimeouts.TCP, state)).isEqualTo(TCP[state]);
        }
        for (int state = 0; state < SCTP.length; state++) {
            assertThat(t.sctp(state)).as("sctp %s", SctpState.ofCode(state)).isEqualTo(SCTP[state]);
            assertThat(t.sctp(SctpState.ofCode(state))).isEqualTo(SCTP[state]);
            assertThat(t.timeout(ProtocolTimeouts.SCTP, state)).isEqualTo(SCTP[state]);
        }
        assertThat(t.udp()).isEqualTo(300);
        assertThat(t.timeout(ProtocolTimeouts.UDP, 0)).isEqualTo(300);
        assertThat(t.tcpEstablished()).isEqualTo(900);
        assertThat(t.tcpFin()).isEqualTo(120);
        assertThat(t).hasToString("Timeout (tcp tcpfin udp): 900 120 300");
    }

    @Test
    void setChangesEstablishedFinWaitAndUdpOnly() {
        ProtocolTimeouts t = ProtocolTimeouts.defaults().withSet(3600, 30, 60);
        for (int state = 0; state < TCP.length; state++) {
            int expected = state == 1 ? 3600 : state == 4 ? 30 : TCP[state];
            assertThat(t.tcp(state)).isEqualTo(expected);
        }
        assertThat(t.udp()).isEqualTo(60);
        for (int state = 0; state < SCTP.length; state++) {
            assertThat(t.sctp(state)).isEqualTo(SCTP[state]);
        }
        assertThat(t).hasToString("Timeout (tcp tcpfin udp): 3600 30 60");
        assertThat(ProtocolTimeouts.defaults().tcpEstablished()).isEqualTo(900);
    }

    @Test
    void zeroLeavesATimeoutUnchanged() {
        ProtocolTimeouts t = ProtocolTimeouts.defaults().withSet(100, 0, 0).withSet(0, 7, 0);
        assertThat(t.tcpEstablished()).isEqualTo(100);
        assertThat(t.tcpFin()).isEqualTo(7);
        assertThat(t.udp()).isEqualTo(300);
        assertThat(ProtocolTimeouts.defaults().withSet(0, 0, 0)).isEqualTo(ProtocolTimeouts.defaults());
    }

    @Test
    void negativeValuesAreRejectedNamingTheField() {
        assertThatThrownBy(() -> ProtocolTimeouts.defaults().withSet(-1, 0, 0)).hasMessageStartingWith("tcp:");
        assertThatThrownBy(() -> ProtocolTimeouts.defaults().withSet(0, -1, 0)).hasMessageStartingWith("tcpfin:");
        assertThatThrownBy(() -> ProtocolTimeouts.defaults().withSet(0, 0, -1)).hasMessageStartingWith("udp:");
    }
}
