package io.ippvs.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class AddressesTest {

    @Property(tries = 10_000)
    void ipv6WordsRoundTripThroughInetAddress(@ForAll long high, @ForAll long low) throws Exception {
        InetAddress a = Addresses.toInetAddress(Addresses.IPV6, high, low);
        assertThat(Addresses.high(a)).isEqualTo(high);
        assertThat(Addresses.low(a)).isEqualTo(low);
        // the compressed text parses back to the same address
        assertThat(InetAddress.getByName(Addresses.format(Addresses.IPV6, high, low))).isEqualTo(a);
    }

    @Property(tries = 10_000)
    void ipv4RoundTrips(@ForAll int v) throws Exception {
        long low = v & 0xFFFFFFFFL;
        InetAddress a = Addresses.toInetAddress(Addresses.IPV4, 0, low);
        assertThat(Addresses.family(a)).isEqualTo(Addresses.IPV4);
        assertThat(Addresses.low(a)).isEqualTo(low);
        assertThat(Addresses.format(Addresses.IPV4, 0, low)).isEqualTo(a.getHostAddress());
    }

    @Test
    void formatsIpv6AsRfc5952Says() throws Exception {
        assertThat(fmt("2001:db8:0:0:0:0:0:1")).isEqualTo("2001:db8::1");
        assertThat(fmt("0:0:0:0:0:0:0:0")).isEqualTo("::");
        assertThat(fmt("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(fmt("2001:db8:0:1:0:0:0:1")).isEqualTo("2001:db8:0:1::1");
        assertThat(fmt("2001:0:0:1:0:0:0:1")).isEqualTo("2001:0:0:1::1");
        assertThat(fmt("2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");
        assertThat(fmt("fe80:0:0:0:0:0:0:0")).isEqualTo("fe80::");
        assertThat(fmt("1:2:3:4:5:6:7:8")).isEqualTo("1:2:3:4:5:6:7:8");
    }

    @Test
    void foldsIpv6ByXorOfWords() {
        assertThat(Addresses.fold32(Addresses.IPV6, 0x11111111_22222222L, 0x44444444_88888888L)).isEqualTo(0xFFFFFFFF);
        assertThat(Addresses.fold32(Addresses.IPV4, 0, 0xC0A80001L)).isEqualTo(0xC0A80001);
    }

    private static String fmt(String text) throws Exception {
        InetAddress a = InetAddress.getByName(text);
        return Addresses.format(Addresses.IPV6, Addresses.high(a), Addresses.low(a));
    }
}
