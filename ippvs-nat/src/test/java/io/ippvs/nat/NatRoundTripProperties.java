package io.ippvs.nat;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.Verdict;
import io.ippvs.core.testing.FakeRewriteContext;
import io.ippvs.core.testing.Guarded;
import io.ippvs.testkit.ChecksumVerifier;
import io.ippvs.testkit.PacketBuilder;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * NAT in, then the reply direction of the same connection, restore the original addressing byte for
 * byte, and every packet either way passes the independent checksum recomputation.
 */
class NatRoundTripProperties {

    /** One random flow: who talks to which service on which server, and what it carries. */
    record Flow(boolean v6, int protocol, String client, String virtual, String server, int clientPort, int virtualPort,
            int serverPort, int ttl, int flags, long seq, long ack, byte[] payload, boolean zeroUdpChecksum) {

        PacketBuilder inbound() {
            PacketBuilder p = v6 ? PacketBuilder.ipv6(client, virtual) : PacketBuilder.ipv4(client, virtual);
            return body(p.ttl(ttl), clientPort, virtualPort);
        }

        PacketBuilder body(PacketBuilder p, int sport, int dport) {
            switch (protocol) {
                case 6:
                    return p.tcp(sport, dport).flags(flags).seq(seq).ack(ack).payload(payload);
                case 17:
                    p.udp(sport, dport).payload(payload);
                    return zeroUdpChecksum && !v6 ? p.zeroUdpChecksum() : p;
                default:
                    return p.sctp(sport, dport, seq & 0xFFFFFFFFL).chunk(PacketBuilder.SCTP_DATA, 3, payload);
            }
        }
    }

    @Provide
    Arbitrary<Flow> flows() {
        Arbitrary<Boolean> v6 = Arbitraries.of(false, true);
        Arbitrary<Integer> protocol = Arbitraries.of(6, 17, 132);
        Arbitrary<byte[]> addresses = Arbitraries.bytes().array(byte[].class).ofSize(16 * 3);
        Arbitrary<Integer> port = Arbitraries.integers().between(1, 65535);
        Arbitrary<Integer> ttl = Arbitraries.integers().between(2, 255);
        Arbitrary<Integer> flags = Arbitraries.integers().between(0, 0x3F);
        Arbitrary<Long> seq = Arbitraries.longs().between(0, 0xFFFFFFFFL);
        Arbitrary<byte[]> payload = Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(300);
        return Combinators.combine(v6, protocol, addresses, port, port, port, ttl, flags)
                .flatAs((six, proto, addr, cp, vp, dp, t, f) -> Combinators.combine(seq, seq, payload, Arbitraries.of(false, true))
                        .as((s, a, data, zero) -> new Flow(six, proto, address(six, addr, 0), address(six, addr, 16),
                                address(six, addr, 32), cp, vp, dp, t, f, s, a, data, zero)));
    }

    private static String address(boolean v6, byte[] pool, int from) {
        byte[] a = new byte[v6 ? 16 : 4];
        System.arraycopy(pool, from, a, 0, a.length);
        // keep clear of multicast / class E so every address is an ordinary unicast one
        a[0] = (byte) ((a[0] & 0x7F) | 0x01);
        try {
            return InetAddress.getByAddress(a).getHostAddress();
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Swaps source and destination addresses and ports in place: a reply that keeps every checksum valid. */
    private static void swap(ByteBuffer b, boolean v6, int l4) {
        int l3 = b.position();
        int a = v6 ? 8 : 12;
        int len = v6 ? 16 : 4;
        for (int i = 0; i < len; i++) {
            byte s = b.get(l3 + a + i);
            b.put(l3 + a + i, b.get(l3 + a + len + i));
            b.put(l3 + a + len + i, s);
        }
        short sp = b.getShort(l4);
        b.putShort(l4, b.getShort(l4 + 2));
        b.putShort(l4 + 2, sp);
        if ((b.get(l3) & 0xF0) == 0x40 ? b.get(l3 + 9) == (byte) 132 : b.get(l3 + 6) == (byte) 132) {
            // SCTP's CRC32c covers the ports in their order: the peer computes a new one (java.util.zip, not ours)
            b.putInt(l4 + 8, 0);
            CRC32C crc = new CRC32C();
            for (int i = l4; i < b.limit(); i++) {
                crc.update(b.get(i));
            }
            b.putInt(l4 + 8, Integer.reverseBytes((int) crc.getValue()));
        }
    }

    @Property(tries = 1000)
    void natInThenReplyRestoresTheOriginalAddressing(@ForAll("flows") Flow f) {
        NatRewriter rewriter = NatRewriter.builder().decrementTtl(false).defaultMtu(65535).build();
        FakeRewriteContext c = FakeRewriteContext.masquerade(f.client(), f.clientPort(), f.virtual(), f.virtualPort(), f.server(), f.serverPort(), 0);
        byte[] original = f.inbound().bytes();
        Guarded g = new Guarded(original, f.v6(), 8, 0);

        assertThat(rewriter.rewrite(c.packet(g.buffer, false))).isEqualTo(Verdict.FORWARD);
        byte[] in = g.packet();
        ChecksumVerifier.assertValid(in);
        byte[] towardsServer = (f.v6() ? PacketBuilder.ipv6(f.client(), f.server()) : PacketBuilder.ipv4(f.client(), f.server()))
                .ttl(f.ttl()).bytes();
        int addrOff = f.v6() ? 8 : 12;
        int addrLen = f.v6() ? 32 : 8;
        assertThat(java.util.Arrays.copyOfRange(in, addrOff, addrOff + addrLen))
                .isEqualTo(java.util.Arrays.copyOfRange(towardsServer, addrOff, addrOff + addrLen));

        int l4 = c.l4Offset();
        assertThat(g.buffer.getShort(l4 + 2) & 0xFFFF).isEqualTo(f.serverPort());
        swap(g.buffer, f.v6(), l4);
        assertThat(rewriter.rewrite(c.packet(g.buffer, true))).isEqualTo(Verdict.FORWARD);
        ChecksumVerifier.assertValid(g.packet());
        swap(g.buffer, f.v6(), l4);

        assertThat(g.packet()).isEqualTo(original);
        assertThat(g.guardsIntact()).isTrue();
    }

    @Property(tries = 500)
    void withTtlDecrementEveryOutputStillVerifies(@ForAll("flows") Flow f) {
        Assume.that(f.ttl() > 2); // the reply reuses the forwarded packet, TTL already one less
        NatRewriter rewriter = NatRewriter.builder().defaultMtu(65535).build();
        FakeRewriteContext c = FakeRewriteContext.masquerade(f.client(), f.clientPort(), f.virtual(), f.virtualPort(), f.server(), f.serverPort(), 0);
        Guarded g = new Guarded(f.inbound().bytes(), !f.v6(), 0, 0);
        assertThat(rewriter.rewrite(c.packet(g.buffer, false))).isEqualTo(Verdict.FORWARD);
        ChecksumVerifier.assertValid(g.packet());
        assertThat(g.buffer.get(g.buffer.position() + (f.v6() ? 7 : 8)) & 0xFF).isEqualTo(f.ttl() - 1);
        swap(g.buffer, f.v6(), c.l4Offset());
        assertThat(rewriter.rewrite(c.packet(g.buffer, true))).isEqualTo(Verdict.FORWARD);
        ChecksumVerifier.assertValid(g.packet());
        assertThat(g.guardsIntact()).isTrue();
    }

    /** Swaps the outer addresses of an ICMP error and the quoted packet's addresses and ports: every checksum still holds. */
    private static void swapError(ByteBuffer b, boolean v6, int in3, int in4) {
        swapAddresses(b, b.position(), v6);
        swapAddresses(b, in3, v6);
        short sp = b.getShort(in4);
        b.putShort(in4, b.getShort(in4 + 2));
        b.putShort(in4 + 2, sp);
    }

    private static void swapAddresses(ByteBuffer b, int l3, boolean v6) {
        int a = v6 ? 8 : 12;
        int len = v6 ? 16 : 4;
        for (int i = 0; i < len; i++) {
            byte s = b.get(l3 + a + i);
            b.put(l3 + a + i, b.get(l3 + a + len + i));
            b.put(l3 + a + len + i, s);
        }
    }

    @Property(tries = 500)
    void icmpErrorsTranslateBothWaysAndBack(@ForAll("flows") Flow f) {
        Assume.that(f.protocol() != 132); // a whole quoted SCTP packet's CRC covers the port order
        NatRewriter rewriter = NatRewriter.builder().decrementTtl(false).build();
        FakeRewriteContext c = FakeRewriteContext.masquerade(f.client(), f.clientPort(), f.virtual(), f.virtualPort(), f.server(), f.serverPort(), 0);
        // a router on the client's path returns a reply virtual -> client (the quote is the whole packet)
        PacketBuilder reply = f.v6() ? PacketBuilder.ipv6(f.virtual(), f.client()) : PacketBuilder.ipv4(f.virtual(), f.client());
        byte[] quoted = f.body(reply.ttl(f.ttl()), f.virtualPort(), f.clientPort()).bytes();
        String router = f.v6() ? "2001:db8:ffff::1" : "203.0.113.1";
        PacketBuilder outer = f.v6() ? PacketBuilder.ipv6(router, f.virtual()) : PacketBuilder.ipv4(router, f.virtual());
        byte[] error = outer.icmpError(f.v6() ? PacketBuilder.ICMPV6_DEST_UNREACHABLE : PacketBuilder.ICMP_DEST_UNREACHABLE,
                f.v6() ? 4 : 3, 0, java.util.Arrays.copyOf(quoted, Math.min(quoted.length, f.v6() ? 1232 : 548))).bytes();
        Guarded g = new Guarded(error, !f.v6(), 4, 0);

        assertThat(rewriter.rewrite(c.packet(g.buffer, false))).isEqualTo(Verdict.FORWARD);
        ChecksumVerifier.assertValid(g.packet());
        int in3 = c.innerL3Offset();
        int in4 = c.innerL4Offset();
        assertThat(g.buffer.getShort(in4) & 0xFFFF).isEqualTo(f.serverPort());

        swapError(g.buffer, f.v6(), in3, in4);
        assertThat(rewriter.rewrite(c.packet(g.buffer, true))).isEqualTo(Verdict.FORWARD);
        ChecksumVerifier.assertValid(g.packet());
        swapError(g.buffer, f.v6(), in3, in4);
        assertThat(g.packet()).isEqualTo(error);
        assertThat(g.guardsIntact()).isTrue();
    }
}
