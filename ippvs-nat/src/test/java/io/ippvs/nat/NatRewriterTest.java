package io.ippvs.nat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ippvs.api.DropReason;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Verdict;
import io.ippvs.core.checksum.InternetChecksum;
import io.ippvs.core.testing.FakeRewriteContext;
import io.ippvs.core.testing.Guarded;
import io.ippvs.nat.testing.NatFixtures;
import io.ippvs.testkit.ChecksumVerifier;
import io.ippvs.testkit.PacketBuilder;
import org.junit.jupiter.api.Test;

class NatRewriterTest {

    private static final String CLIENT = "198.51.100.7";
    private static final String VIP = "192.0.2.1";
    private static final String SERVER = "10.1.1.2";

    private final FakeRewriteContext web = FakeRewriteContext.masquerade(CLIENT, 40000, VIP, 80, SERVER, 8080, 0);

    private static Verdict run(NatRewriter r, FakeRewriteContext c, PacketBuilder p, boolean reply, int tailroom) {
        Guarded g = new Guarded(p.bytes(), false, 0, tailroom);
        Verdict v = r.rewrite(c.packet(g.buffer, reply));
        assertThat(g.guardsIntact()).isTrue();
        return v;
    }

    @Test
    void timeExceededIsRateLimited() {
        NatRewriter r = NatRewriter.builder().icmpRateLimit(10, 2).build();
        PacketBuilder dying = NatFixtures.tcp4(CLIENT, VIP, 1, 40000, 80, PacketBuilder.ACK, 1, 1, "");
        assertThat(run(r, web, dying, false, 64)).isEqualTo(Verdict.REPLY);
        assertThat(run(r, web, dying, false, 64)).isEqualTo(Verdict.REPLY);
        assertThat(run(r, web, dying, false, 64)).isEqualTo(Verdict.drop(DropReason.TTL_EXPIRED));
        web.now += 100_000_000L;
        assertThat(run(r, web, dying, false, 64)).isEqualTo(Verdict.REPLY);
        assertThat(r.icmpErrorsGenerated()).isEqualTo(3);
        assertThat(r.icmpErrorsSuppressed()).isEqualTo(1);
        // no room to quote: counted as suppressed too
        web.now += 1_000_000_000L;
        assertThat(run(r, web, dying, false, 0)).isEqualTo(Verdict.drop(DropReason.TTL_EXPIRED));
    }

    @Test
    void withoutTtlDecrementTtlOneIsForwarded() {
        NatRewriter r = NatRewriter.builder().decrementTtl(false).build();
        Guarded g = new Guarded(NatFixtures.tcp4(CLIENT, VIP, 1, 40000, 80, PacketBuilder.ACK, 1, 1, "").bytes(), true, 0, 0);
        assertThat(r.rewrite(web.packet(g.buffer, false))).isEqualTo(Verdict.FORWARD);
        assertThat(g.packet()).isEqualTo(NatFixtures.tcp4(CLIENT, SERVER, 1, 40000, 8080, PacketBuilder.ACK, 1, 1, "").bytes());
    }

    @Test
    void sctpRefusals() {
        NatRewriter r = NatRewriter.builder().build();
        FakeRewriteContext sctp = FakeRewriteContext.masquerade(CLIENT, 6000, VIP, 3868, SERVER, 3869, 0);
        PacketBuilder corrupt = PacketBuilder.ipv4(CLIENT, VIP).sctp(6000, 3868, 1).chunk(PacketBuilder.SCTP_DATA, 3, new byte[8])
                .corruptChecksum();
        assertThat(run(r, sctp, corrupt, false, 0)).isEqualTo(Verdict.drop(DropReason.BAD_CHECKSUM));
        PacketBuilder first = PacketBuilder.ipv4(CLIENT, VIP).fragment(0, true).sctp(6000, 3868, 1)
                .chunk(PacketBuilder.SCTP_DATA, 3, new byte[8]);
        assertThat(run(r, sctp, first, false, 0)).isEqualTo(Verdict.drop(DropReason.FRAGMENT));
        // same port on both sides: the CRC does not cover addresses, nothing to refuse
        FakeRewriteContext samePort = FakeRewriteContext.masquerade(CLIENT, 6000, VIP, 3868, SERVER, 3868, 0);
        assertThat(run(r, samePort, first, false, 0)).isEqualTo(Verdict.FORWARD);
    }

    @Test
    void ipv6UdpWithoutChecksumIsRefused() {
        NatRewriter r = NatRewriter.builder().build();
        FakeRewriteContext dns6 = FakeRewriteContext.masquerade("2001:db8::7", 5000, "2001:db8:1::1", 53, "2001:db8:2::4", 5353, 0);
        PacketBuilder zero = PacketBuilder.ipv6("2001:db8::7", "2001:db8:1::1").udp(5000, 53).zeroUdpChecksum().payload("x");
        assertThat(run(r, dns6, zero, false, 0)).isEqualTo(Verdict.drop(DropReason.BAD_CHECKSUM));
    }

    @Test
    void tooBigWithoutDfIsForwardedAndDefaultMtuApplies() {
        NatRewriter r = NatRewriter.builder().defaultMtu(576).build();
        String big = "z".repeat(600);
        assertThat(run(r, web, NatFixtures.tcp4(CLIENT, VIP, 64, 40000, 80, PacketBuilder.ACK, 1, 1, big), false, 0))
                .isEqualTo(Verdict.FORWARD);
        assertThat(run(r, web, NatFixtures.tcp4(CLIENT, VIP, 64, 40000, 80, PacketBuilder.ACK, 1, 1, big).dontFragment(true),
                false, 0)).isEqualTo(Verdict.REPLY);
        // replies are not held to the real server's MTU
        assertThat(run(r, web, NatFixtures.tcp4(SERVER, CLIENT, 64, 8080, 40000, PacketBuilder.ACK, 1, 1, big).dontFragment(true),
                true, 0)).isEqualTo(Verdict.FORWARD);
    }

    @Test
    void icmpErrorWithExpiringTtlIsDroppedNotAnswered() {
        NatRewriter r = NatRewriter.builder().build();
        byte[] quoted = NatFixtures.tcp4(VIP, CLIENT, 60, 80, 40000, PacketBuilder.ACK, 1, 1, "").bytes();
        PacketBuilder error = PacketBuilder.ipv4(NatFixtures.ROUTER, VIP).ttl(1)
                .icmpError(PacketBuilder.ICMP_DEST_UNREACHABLE, 1, 0, quoted);
        assertThat(run(r, web, error, false, 64)).isEqualTo(Verdict.drop(DropReason.TTL_EXPIRED));
    }

    @Test
    void builderDefaultsAndValidation() {
        NatRewriter r = NatRewriter.builder().build();
        assertThat(r.method()).isEqualTo(ForwardingMethod.MASQUERADE);
        assertThat(r).hasToString("NatRewriter[decrementTtl=true, defaultMtu=1500, ftp=[21]]");
        assertThat(NatRewriter.builder().ftpHelper(false).build().ftpRewrites()).isZero();
        assertThatThrownBy(() -> NatRewriter.builder().defaultMtu(67)).hasMessageStartingWith("defaultMtu:");
        assertThatThrownBy(() -> NatRewriter.builder().ftpPorts()).hasMessageStartingWith("ftpPorts:");
        assertThatThrownBy(() -> NatRewriter.builder().ftpPorts(1)).hasMessageStartingWith("ftpPorts:");
        assertThatThrownBy(() -> NatRewriter.builder().icmpRateLimit(0, 1)).hasMessageStartingWith("icmpRateLimit:");
    }

    @Test
    void ftpOnAnotherPortAndOff() {
        PacketBuilder pasv = NatFixtures.tcp4(CLIENT, VIP, 64, 40000, 2121, PacketBuilder.PSH | PacketBuilder.ACK, 1, 1, "PASV\r\n");
        PacketBuilder reply = NatFixtures.tcp4(SERVER, CLIENT, 64, 2121, 40000, PacketBuilder.PSH | PacketBuilder.ACK, 1, 7,
                "227 Entering Passive Mode (10,1,1,2,4,1)\r\n");
        NatRewriter on = NatRewriter.builder().ftpPorts(2121).build();
        FakeRewriteContext c = FakeRewriteContext.masquerade(CLIENT, 40000, VIP, 2121, SERVER, 2121, 0);
        run(on, c, pasv, false, 0);
        run(on, c, reply, true, 64);
        assertThat(on.ftpRewrites()).isEqualTo(1);
        NatRewriter off = NatRewriter.builder().ftpHelper(false).build();
        FakeRewriteContext d = FakeRewriteContext.masquerade(CLIENT, 40000, VIP, 2121, SERVER, 2121, 0);
        run(off, d, pasv, false, 0);
        run(off, d, reply, true, 64);
        assertThat(d.expectations).isEmpty();
        assertThat(d.attachment()).isNull();
    }

    /**
     * A UDP checksum that is 0 after the address update but before the port update (found by the
     * round-trip property): the field must still end up a valid non-zero checksum.
     */
    @Test
    void udpChecksumPassingThroughZeroMidwayStaysValid() {
        FakeRewriteContext dns6 = FakeRewriteContext.masquerade("2001:db8::7", 5000, "2001:db8:1::1", 53, "2001:db8:2::4", 5353, 0);
        long[] client = {0x20010db800000000L, 7};
        long[] vip = {0x20010db800010000L, 1};
        long[] server = {0x20010db800020000L, 4};
        byte[] base = PacketBuilder.ipv6("2001:db8::7", "2001:db8:1::1").udp(5000, 53).payload(new byte[2]).bytes();
        int field0 = ((base[46] & 0xFF) << 8) | (base[47] & 0xFF);
        int word = -1;
        for (int w = 0; w <= 0xFFFF && word < 0; w++) {
            int field = InternetChecksum.udpField(InternetChecksum.update16(field0, 0, w));
            if (InternetChecksum.update128(field, vip[0], vip[1], server[0], server[1]) == 0) {
                word = w;
            }
        }
        assertThat(word).isNotNegative();
        assertThat(client[1]).isEqualTo(7); // the client's address is not part of the inbound update
        PacketBuilder in = PacketBuilder.ipv6("2001:db8::7", "2001:db8:1::1").udp(5000, 53)
                .payload((byte) (word >>> 8), (byte) word);
        Guarded g = new Guarded(in.bytes(), false, 0, 0);
        assertThat(NatRewriter.builder().build().rewrite(dns6.packet(g.buffer, false))).isEqualTo(Verdict.FORWARD);
        assertThat(g.packet()).isEqualTo(PacketBuilder.ipv6("2001:db8::7", "2001:db8:2::4").ttl(63).udp(5000, 5353)
                .payload((byte) (word >>> 8), (byte) word).bytes());
        ChecksumVerifier.assertValid(g.packet());
    }
}
