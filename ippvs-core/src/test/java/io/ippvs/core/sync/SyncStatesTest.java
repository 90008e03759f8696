package io.ippvs.core.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.core.proto.SctpState;
import io.ippvs.core.proto.TcpState;
import org.junit.jupiter.api.Test;

/** Wire state codes are the kernel's enums (include/uapi/linux/ip_vs.h): ESTABLISHED is 1 for TCP, 8 for SCTP. */
class SyncStatesTest {

    @Test
    void kernelCodesBothWays() {
        assertThat(SyncStates.toWire(6, TcpState.ESTABLISHED.code())).isEqualTo(1);
        assertThat(SyncStates.toWire(6, TcpState.SYNACK.code())).isEqualTo(10);
        assertThat(SyncStates.toWire(132, SctpState.ESTABLISHED.code())).isEqualTo(8);
        assertThat(SyncStates.toWire(132, SctpState.CLOSED.code())).isEqualTo(13);
        assertThat(SyncStates.fromWire(132, 8)).isEqualTo(SctpState.ESTABLISHED.code());
        for (SctpState s : SctpState.values()) {
            assertThat(SyncStates.fromWire(132, SyncStates.toWire(132, s.code()))).as(s.name()).isEqualTo(s.code());
        }
        assertThat(SyncProtocol.stateCount(132)).isEqualTo(14);
    }
}
