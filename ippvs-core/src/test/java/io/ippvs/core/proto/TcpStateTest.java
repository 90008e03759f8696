package io.ippvs.core.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TcpStateTest {

    @Test
    void namesCodesTimeoutsAndActivityMatchIpvs() {
        Object[][] expected = {
            {"NONE", 2, false}, {"ESTABLISHED", 900, true}, {"SYN_SENT", 120, true}, {"SYN_RECV", 60, true},
            {"FIN_WAIT", 120, false}, {"TIME_WAIT", 120, false}, {"CLOSE", 10, false}, {"CLOSE_WAIT", 60, false},
            {"LAST_ACK", 30, false}, {"LISTEN", 120, false}, {"SYNACK", 120, true},
        };
        assertThat(TcpState.count()).isEqualTo(expected.length);
        for (int code = 0; code < expected.length; code++) {
            TcpState s = TcpState.ofCode(code);
            assertThat(s.code()).isEqualTo(code);
            assertThat(s.ipvsName()).isEqualTo(expected[code][0]);
            assertThat(s.defaultTimeoutSeconds()).isEqualTo(expected[code][1]);
            assertThat(s.isActive()).isEqualTo(expected[code][2]);
            assertThat(TcpState.isActive(code)).isEqualTo(expected[code][2]);
        }
        assertThatThrownBy(() -> TcpState.ofCode(11)).hasMessageStartingWith("state:");
    }

    @Test
    void udpHasOneInactiveStateNamedUdp() {
        assertThat(UdpState.values()).hasSize(1);
        assertThat(UdpState.NORMAL.code()).isZero();
        assertThat(UdpState.NORMAL.ipvsName()).isEqualTo("UDP");
        assertThat(UdpState.DEFAULT_TIMEOUT_SECONDS).isEqualTo(300);
    }
}
