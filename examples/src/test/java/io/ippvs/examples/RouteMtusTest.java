package io.ippvs.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** What the director reads from {@code ip -o route get} and {@code ip -o link show} (iproute2 6.x output). */
class RouteMtusTest {

    private static final String LINK_1280 = "3: rs1@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1280 qdisc noqueue state UP"
            + " mode DEFAULT group default qlen 1000\\    link/ether aa:f3:f9:3b:2b:9f brd ff:ff:ff:ff:ff:ff link-netns rs1";

    @Test
    void aPlainRouteTakesItsDevicesMtu() throws IOException {
        String route = "10.10.11.2 dev rs1 src 10.10.11.1 uid 0 \\    cache ";
        assertThat(RouteMtus.mtu(route, dev -> dev.equals("rs1") ? LINK_1280 : "")).isEqualTo(1280);
    }

    @Test
    void aRoutesOwnOrLearnedMtuComesFirst() throws IOException {
        String attribute = "10.10.11.2 via 10.10.1.254 dev eth0 src 10.10.1.1 uid 0 \\    cache  mtu 1400";
        String learned = "10.10.11.2 dev rs1 src 10.10.11.1 uid 0 \\    cache expires 587sec mtu 1300";
        assertThat(RouteMtus.mtu(attribute, dev -> LINK_1280)).isEqualTo(1400);
        assertThat(RouteMtus.mtu(learned, dev -> LINK_1280)).isEqualTo(1300);
        String v6 = "fd00:11::2 from :: dev rs1 proto kernel src fd00:11::1 metric 256 pref medium";
        assertThat(RouteMtus.mtu(v6, dev -> LINK_1280)).isEqualTo(1280);
    }

    @Test
    void noRouteNoMtu() throws IOException {
        assertThat(RouteMtus.mtu("", dev -> LINK_1280)).isZero();
        assertThat(RouteMtus.mtu("unreachable 10.9.9.9 table 100", dev -> LINK_1280)).isZero();
    }
}
