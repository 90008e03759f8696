package io.ippvs.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link RouteMtus} reading {@code ip -o route get} and {@code ip -o link show} as iproute2 prints them. */
class RouteMtusTest {

    private static final Map<String, Integer> DEVICES = Map.of("a0", 1400, "rs1", 1280);

    private static int mtu(String line) {
        return RouteMtus.routeMtu(line, DEVICES::get);
    }

    @Test
    void aRouteWithoutAnMtuTakesItsDevicesMtu() {
        assertThat(mtu("10.9.0.5 dev a0 src 10.9.0.1 uid 0 \\    cache \n")).isEqualTo(1400);
        assertThat(mtu("10.10.11.2 via 10.10.1.1 dev rs1 src 10.10.11.1 uid 0 \\    cache \n")).isEqualTo(1280);
    }

    @Test
    void aRouteMtuLockedOrNotAndALearntExceptionWin() {
        assertThat(mtu("10.9.1.5 dev a0 src 10.9.0.1 uid 0 \\    cache mtu lock 1280 \n")).isEqualTo(1280);
        assertThat(mtu("10.9.2.5 dev a0 src 10.9.0.1 uid 0 \\    cache mtu 1300 \n")).isEqualTo(1300);
        assertThat(mtu("10.9.2.5 via 10.9.0.2 dev a0 src 10.9.0.1 uid 0 \\    cache expires 597sec mtu 1360 \n"))
                .isEqualTo(1360);
    }

    @Test
    void ipv6RoutesWithMetricAndPreference() {
        assertThat(mtu("fd09::5 from :: dev a0 proto kernel src fd09::1 metric 256 pref medium\n")).isEqualTo(1400);
        assertThat(mtu("fd0a::5 from :: dev a0 src fd09::1 metric 1024 mtu 1280 pref medium\n")).isEqualTo(1280);
        assertThat(mtu("fd0a::5 from :: dev a0 src fd09::1 metric 1024 mtu lock 1300 pref medium\n")).isEqualTo(1300);
    }

    @Test
    void noRouteIsZero() {
        assertThat(mtu(null)).isZero();
        assertThat(mtu("unreachable 10.1.1.1 uid 0 \\    cache <error> \n")).isZero();
        assertThat(mtu("10.9.0.5 dev unknown0 src 10.9.0.1 uid 0 \\    cache \n")).isZero();
    }

    @Test
    void linkMtuFromIpLinkShow() {
        assertThat(RouteMtus.linkMtu("2: a0@b0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1400 qdisc noqueue state UP mode DEFAULT"))
                .isEqualTo(1400);
        assertThat(RouteMtus.linkMtu(null)).isNull();
    }
}
