package io.ippvs.core.director;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.DropReason;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Protocol;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.Verdict;
import io.ippvs.testkit.PacketBuilder;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The fragment cache seam: later fragments follow the connection their first fragment found. */
class DirectorFragmentTest {

    private static final String VIP = "10.0.0.1";
    private static final String CLIENT = "198.51.100.7";
    private static final String SERVER = "192.168.1.10";

    private final DirectorTest base = new DirectorTest();
    private final ServiceKey dns = DirectorTest.key(Protocol.UDP, VIP, 53);

    private Director director() {
        Director d = base.builder().build();
        d.addService(ServiceConfig.builder(dns).build());
        d.addRealServer(dns, DirectorTest.server(SERVER, 5353, ForwardingMethod.MASQUERADE));
        return d;
    }

    private static ByteBuffer fragment(String src, String dst, int id, int offset, boolean more, int sport, int dport) {
        PacketBuilder p = PacketBuilder.ipv4(src, dst).id(id).fragment(offset, more);
        // a first fragment carries the UDP header; a later one only data
        return offset == 0 ? p.udp(sport, dport).payload(new byte[24]).buffer() : p.raw(17, new byte[16]).buffer();
    }

    @Test
    void laterFragmentsFollowTheFirstInBothDirections() {
        Director d = director();
        assertThat(d.process(fragment(CLIENT, VIP, 7, 0, true, 5000, 53))).isEqualTo(Verdict.FORWARD);
        base.nat.calls = 0;
        ByteBuffer second = fragment(CLIENT, VIP, 7, 32, false, 0, 0);
        assertThat(d.process(second)).isEqualTo(Verdict.FORWARD);
        assertThat(base.nat.calls).isEqualTo(1);
        assertThat(base.nat.reply).isFalse();
        assertThat(base.nat.destination).isEqualTo(SERVER);
        assertThat(base.nat.destinationPort).isEqualTo(5353);

        assertThat(d.process(fragment(SERVER, CLIENT, 9, 0, true, 5353, 5000))).isEqualTo(Verdict.FORWARD);
        assertThat(d.process(fragment(SERVER, CLIENT, 9, 32, false, 0, 0))).isEqualTo(Verdict.FORWARD);
        assertThat(base.nat.reply).isTrue();
        assertThat(base.nat.calls).isEqualTo(3);
    }

    @Test
    void unknownStaleOrForeignFragmentsAreDropped() {
        Director d = director();
        d.process(fragment(CLIENT, VIP, 7, 0, true, 5000, 53));
        // another datagram id, another source, another protocol: no match
        assertThat(d.process(fragment(CLIENT, VIP, 8, 32, false, 0, 0))).isEqualTo(Verdict.drop(DropReason.FRAGMENT));
        assertThat(d.process(fragment("198.51.100.8", VIP, 7, 32, false, 0, 0))).isEqualTo(Verdict.drop(DropReason.FRAGMENT));
        ByteBuffer tcp = PacketBuilder.ipv4(CLIENT, VIP).id(7).fragment(32, false).raw(6, new byte[16]).buffer();
        assertThat(d.process(tcp)).isEqualTo(Verdict.drop(DropReason.FRAGMENT));
        // the cache forgets after a few seconds
        base.clock.advanceSeconds(6);
        assertThat(d.process(fragment(CLIENT, VIP, 7, 32, false, 0, 0))).isEqualTo(Verdict.drop(DropReason.FRAGMENT));
        // an IPv6 later fragment of an unknown datagram
        ByteBuffer v6 = PacketBuilder.ipv6("2001:db8::7", "2001:db8::1").fragmentHeader(32, false, 7).raw(17, new byte[16]).buffer();
        assertThat(d.process(v6)).isEqualTo(Verdict.drop(DropReason.FRAGMENT));
        assertThat(d.drops(DropReason.FRAGMENT)).isEqualTo(5);
    }

    private static ByteBuffer fragment6(String src, String dst, int id, int offset, boolean more, int sport, int dport) {
        PacketBuilder p = PacketBuilder.ipv6(src, dst).fragmentHeader(offset, more, id);
        return offset == 0 ? p.udp(sport, dport).payload(new byte[24]).buffer() : p.raw(17, new byte[16]).buffer();
    }

    @Test
    void ipv6LaterFragmentsFollowTheFirstAndForeignOnesAreDropped() {
        Director d = base.builder().build();
        ServiceKey dns6 = DirectorTest.key(Protocol.UDP, "2001:db8::1", 53);
        d.addService(ServiceConfig.builder(dns6).build());
        d.addRealServer(dns6, DirectorTest.server("2001:db8:2::4", 5353, ForwardingMethod.MASQUERADE));
        assertThat(d.process(fragment6("2001:db8::7", "2001:db8::1", 0x01020304, 0, true, 5000, 53))).isEqualTo(Verdict.FORWARD);
        base.nat.calls = 0;
        assertThat(d.process(fragment6("2001:db8::7", "2001:db8::1", 0x01020304, 32, false, 0, 0))).isEqualTo(Verdict.FORWARD);
        assertThat(base.nat.calls).isEqualTo(1);
        assertThat(base.nat.reply).isFalse();
        assertThat(base.nat.destination).isEqualTo("2001:db8:2::4");
        assertThat(base.nat.destinationPort).isEqualTo(5353);
        // the reply's fragments
        assertThat(d.process(fragment6("2001:db8:2::4", "2001:db8::7", 99, 0, true, 5353, 5000))).isEqualTo(Verdict.FORWARD);
        assertThat(d.process(fragment6("2001:db8:2::4", "2001:db8::7", 99, 32, false, 0, 0))).isEqualTo(Verdict.FORWARD);
        assertThat(base.nat.reply).isTrue();
        // another id; and a source whose folded address equals the client's (::7 vs 7::) is compared in full
        assertThat(d.process(fragment6("2001:db8::7", "2001:db8::1", 0x01020305, 32, false, 0, 0)))
                .isEqualTo(Verdict.drop(DropReason.FRAGMENT));
        assertThat(d.process(fragment6("2001:db8:0:7::", "2001:db8::1", 0x01020304, 32, false, 0, 0)))
                .isEqualTo(Verdict.drop(DropReason.FRAGMENT));
        assertThat(d.drops(DropReason.FRAGMENT)).isEqualTo(2);
    }
}
