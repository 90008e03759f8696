package io.ippvs.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ConfigValidationTest {

    private static final InetAddress VIP = address("203.1.1.10");

    @Test
    void serviceDefaultsAreIpvsadmDefaults() {
        ServiceConfig c = ServiceConfig.builder(ServiceKey.of(Protocol.TCP, VIP, 8080)).build();
        assertThat(c.scheduler()).isEqualTo("wlc");
        assertThat(c.persistent()).isFalse();
        assertThat(c.persistenceNetmask()).isEqualTo(32);
        assertThat(c.toBuilder().persistent().build().persistenceTimeout()).isEqualTo(360);
    }

    @Test
    void badServiceFieldsAreNamed() {
        assertThatThrownBy(() -> ServiceKey.of(Protocol.TCP, VIP, 65536)).hasMessageStartingWith("port:");
        assertThatThrownBy(() -> ServiceKey.fwmark(0, 4)).hasMessageStartingWith("fwmark:");
        ServiceConfig.Builder b = ServiceConfig.builder(ServiceKey.of(Protocol.TCP, VIP, 80));
        assertThatThrownBy(() -> b.persistent(0)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("persistenceTimeout:");
        assertThatThrownBy(() -> b.persistenceNetmask(33)).hasMessageStartingWith("persistenceNetmask:");
        assertThatThrownBy(() -> b.onePacket(true)).hasMessageStartingWith("onePacket:");
        assertThatThrownBy(() -> b.scheduler(" ")).hasMessageStartingWith("scheduler:");
    }

    @Test
    void realServerDefaultsAndBadFields() {
        RealServerConfig r = RealServerConfig.builder(address("10.1.1.2"), 8080).build();
        assertThat(r.forwardingMethod()).isEqualTo(ForwardingMethod.DIRECT_ROUTE);
        assertThat(r.weight()).isEqualTo(1);
        RealServerConfig.Builder b = RealServerConfig.builder(address("10.1.1.2"), 8080);
        assertThatThrownBy(() -> b.weight(65536)).hasMessageStartingWith("weight:");
        assertThatThrownBy(() -> b.weight(-1)).hasMessageStartingWith("weight:");
        assertThatThrownBy(() -> b.mtu(67)).hasMessageStartingWith("mtu:");
        assertThatThrownBy(() -> b.upperThreshold(10).lowerThreshold(11).build()).hasMessageStartingWith("lowerThreshold:");
        assertThatThrownBy(() -> RealServerConfig.builder(address("10.1.1.2"), 1).forwardingMethod(ForwardingMethod.TUNNEL)
                .tunnelType(TunnelType.GUE).build()).hasMessageStartingWith("tunnelPort:");
        assertThatThrownBy(() -> RealServerConfig.builder(null, 1)).hasMessageStartingWith("address:");
        assertThat(RealServerConfig.builder(address("10.1.1.2"), 8080, ForwardingMethod.MASQUERADE).build())
                .hasToString("10.1.1.2:8080 Masq w1");
        assertThatThrownBy(() -> RealServerConfig.builder(address("10.1.1.2"), 8080, null))
                .hasMessageStartingWith("forwardingMethod:");
    }

    @Test
    void schedulerFlagsParseIpvsadmNames() {
        assertThat(SchedulerFlag.parse("sh-port")).isEqualTo(SchedulerFlag.FLAG_2);
        assertThat(SchedulerFlag.parse("mh-fallback")).isEqualTo(SchedulerFlag.FLAG_1);
        assertThat(SchedulerFlag.FLAG_2.nameFor("mh")).isEqualTo("mh-port");
        assertThat(SchedulerFlag.FLAG_2.nameFor("rr")).isEqualTo("flag-2");
        assertThatThrownBy(() -> SchedulerFlag.parse("bogus")).hasMessageContaining("bogus");
        assertThatThrownBy(() -> SchedulerConfig.builder().mhTableSize(4096)).hasMessageStartingWith("mhTableSize:");
    }

    @Test
    void verdictsAreSharedConstants() {
        assertThat(Verdict.drop(DropReason.TABLE_FULL)).isSameAs(Verdict.drop(DropReason.TABLE_FULL));
        assertThat(Verdict.drop(DropReason.TABLE_FULL).dropReason()).isEqualTo(DropReason.TABLE_FULL);
        assertThat(Verdict.FORWARD.dropReason()).isNull();
        assertThat(Protocol.ofNumber(132)).isEqualTo(Protocol.SCTP);
        assertThat(Protocol.ofNumber(999)).isNull();
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
