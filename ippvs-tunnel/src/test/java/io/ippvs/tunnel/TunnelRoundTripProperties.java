package io.ippvs.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import io.ippvs.api.RealServer;
import io.ippvs.api.TunnelChecksum;
import io.ippvs.api.TunnelType;
import io.ippvs.api.Verdict;
import io.ippvs.core.testing.FakeRealServer;
import io.ippvs.core.testing.FakeRewriteContext;
import io.ippvs.testkit.ChecksumVerifier;
import io.ippvs.testkit.PacketBuilder;
import io.ippvs.tunnel.testing.TunnelFixtures;
import io.ippvs.tunnel.testing.Wire;
import java.nio.ByteBuffer;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * decapsulate(encapsulate(p)) == p for random inner packets, every tunnel type, checksum mode, outer
 * family and buffer layout; every outer header and checksum verified by an independent recomputation.
 */
class TunnelRoundTripProperties {

    /** What varies in an inner packet. */
    record Inner(boolean v6, int protocol, int tos, int ttl, boolean df, int sourcePort, int destinationPort,
                 byte[] payload) {

        PacketBuilder builder(int ttlValue) {
            PacketBuilder b = v6 ? PacketBuilder.ipv6(Wire.CLIENT_V6, Wire.VIP_V6)
                    : PacketBuilder.ipv4(Wire.CLIENT_V4, Wire.VIP_V4).dontFragment(df).id(sourcePort);
            b.tos(tos).ttl(ttlValue);
            switch (protocol) {
                case 6:
                    b.tcp(sourcePort, destinationPort).seq(sourcePort * 31L).flags(PacketBuilder.ACK);
                    break;
                case 17:
                    b.udp(sourcePort, destinationPort);
                    break;
                default:
                    b.icmpEcho(sourcePort, destinationPort);
                    break;
            }
            return b.payload(payload);
        }

        @Override
        public String toString() {
            return (v6 ? "IPv6" : "IPv4") + " proto " + protocol + " tos " + tos + " ttl " + ttl + " df " + df
                    + " ports " + sourcePort + "/" + destinationPort + " payload " + payload.length;
        }
    }

    @Provide
    Arbitrary<Inner> inner() {
        return Combinators.combine(
                Arbitraries.of(true, false),
                Arbitraries.of(6, 17, 1),
                Arbitraries.integers().between(0, 255),
                Arbitraries.integers().between(2, 255),
                Arbitraries.of(true, false),
                Arbitraries.integers().between(1, 65535),
                Arbitraries.integers().between(1, 65535),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(1400))
                .as(Inner::new);
    }

    static RealServer server(TunnelType type, TunnelChecksum checksum, boolean outerV6) {
        String address = outerV6 ? Wire.SERVER_V6 : Wire.SERVER_V4;
        if (type == TunnelType.GUE) {
            return FakeRealServer.tunnel(address, type, Wire.GUE_PORT, checksum, 0);
        }
        return FakeRealServer.tunnel(address, type, 0, checksum == TunnelChecksum.REMOTE ? TunnelChecksum.CHECKSUM : checksum, 0);
    }

    static final Decapsulator DECAPSULATOR = DecapsulatorTest.all().build();

    @Property(tries = 10_000)
    void decapsulateUndoesEncapsulate(@ForAll("inner") Inner inner, @ForAll TunnelType type,
                                      @ForAll TunnelChecksum checksum, @ForAll boolean outerV6, @ForAll boolean direct,
                                      @ForAll @IntRange(min = 0, max = 80) int headroom, @ForAll int seed) {
        byte[] p = inner.builder(inner.ttl()).bytes();
        TunnelRewriter rewriter = TunnelFixtures.tunnelBuilder().decrementTtl(false).linkMtu(9000)
                .flowHash(FlowHash.seeded(seed)).build();
        ByteBuffer buffer = place(p, direct, headroom);
        RealServer server = server(type, checksum, outerV6);

        Verdict verdict = rewriter.rewrite(FakeRewriteContext.fromPacket(buffer, server, 0));

        assertThat(verdict).isEqualTo(Verdict.FORWARD);
        byte[] outer = ChecksumVerifier.toBytes(buffer);
        verifyOuter(outer, p, type, server, outerV6);
        assertThat(DECAPSULATOR.decapsulate(buffer)).isEqualTo(DecapStatus.OK);
        assertThat(ChecksumVerifier.toBytes(buffer)).isEqualTo(p);
    }

    @Property(tries = 2_000)
    void decrementedTtlSurvivesTheTunnel(@ForAll("inner") Inner inner, @ForAll TunnelType type, @ForAll boolean outerV6) {
        byte[] p = inner.builder(inner.ttl()).bytes();
        byte[] expected = inner.builder(inner.ttl() - 1).bytes();
        TunnelRewriter rewriter = TunnelFixtures.tunnelBuilder().linkMtu(9000).build();
        ByteBuffer buffer = place(p, false, 64);
        RealServer server = server(type, TunnelChecksum.CHECKSUM, outerV6);

        assertThat(rewriter.rewrite(FakeRewriteContext.fromPacket(buffer, server, 0))).isEqualTo(Verdict.FORWARD);
        verifyOuter(ChecksumVerifier.toBytes(buffer), expected, type, server, outerV6);
        assertThat(DECAPSULATOR.decapsulate(buffer)).isEqualTo(DecapStatus.OK);
        assertThat(ChecksumVerifier.toBytes(buffer)).isEqualTo(expected);
    }

    static ByteBuffer place(byte[] p, boolean direct, int headroom) {
        int capacity = headroom + p.length + 64;
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
        b.position(headroom);
        b.put(p);
        b.position(headroom).limit(headroom + p.length);
        return b;
    }

    /** Checks the outer headers field by field and every checksum, independently of the tunnel code. */
    static void verifyOuter(byte[] outer, byte[] inner, TunnelType type, RealServer server, boolean outerV6) {
        int ip = outerV6 ? 40 : 20;
        int encap = type == TunnelType.GUE ? 12 : type == TunnelType.GRE ? (server.config().tunnelChecksum()
                == TunnelChecksum.CHECKSUM ? 8 : 4) : 0;
        assertThat(outer.length).isEqualTo(ip + encap + inner.length);
        assertThat(Arrays.copyOfRange(outer, ip + encap, outer.length)).isEqualTo(inner);
        int innerTos = (inner[0] & 0xF0) == 0x60 ? ((inner[0] & 0x0F) << 4) | ((inner[1] & 0xF0) >>> 4) : inner[1] & 0xFF;
        int innerTtl = (inner[0] & 0xF0) == 0x60 ? inner[7] & 0xFF : inner[8] & 0xFF;
        byte[] destination = InetAddresses.forString(outerV6 ? Wire.SERVER_V6 : Wire.SERVER_V4).getAddress();
        int protocol;
        if (outerV6) {
            assertThat((outer[0] & 0xF0) >>> 4).isEqualTo(6);
            assertThat(((outer[0] & 0x0F) << 4) | ((outer[1] & 0xF0) >>> 4)).as("traffic class").isEqualTo(innerTos);
            assertThat(u16(outer, 4)).isEqualTo(outer.length - 40);
            assertThat(outer[7] & 0xFF).as("hop limit").isEqualTo(innerTtl);
            assertThat(Arrays.copyOfRange(outer, 24, 40)).isEqualTo(destination);
            protocol = outer[6] & 0xFF;
        } else {
            assertThat(outer[0]).isEqualTo((byte) 0x45);
            assertThat(outer[1] & 0xFF).as("TOS").isEqualTo(innerTos);
            assertThat(u16(outer, 2)).isEqualTo(outer.length);
            assertThat(outer[8] & 0xFF).as("TTL").isEqualTo(innerTtl);
            assertThat(Arrays.copyOfRange(outer, 16, 20)).isEqualTo(destination);
            boolean innerDf = (inner[0] & 0xF0) == 0x60 || (inner[6] & 0x40) != 0;
            assertThat((outer[6] & 0x40) != 0).as("DF").isEqualTo(innerDf);
            protocol = outer[9] & 0xFF;
        }
        boolean innerV6 = (inner[0] & 0xF0) == 0x60;
        switch (type) {
            case IPIP:
                assertThat(protocol).isEqualTo(innerV6 ? 41 : 4);
                break;
            case GUE:
                assertThat(protocol).isEqualTo(17);
                assertThat(u16(outer, ip + 2)).isEqualTo(Wire.GUE_PORT);
                assertThat(u16(outer, ip)).isBetween(49152, 65535);
                assertThat(u16(outer, ip + 4)).isEqualTo(outer.length - ip);
                assertThat(Arrays.copyOfRange(outer, ip + 8, ip + 12)).isEqualTo(Wire.gue(innerV6 ? 41 : 4));
                boolean wanted = server.config().tunnelChecksum() == TunnelChecksum.CHECKSUM || outerV6;
                assertThat(u16(outer, ip + 6) != 0).as("UDP checksum present").isEqualTo(wanted);
                break;
            case GRE:
                assertThat(protocol).isEqualTo(47);
                assertThat(u16(outer, ip + 2)).isEqualTo(innerV6 ? 0x86DD : 0x0800);
                if (encap == 8) {
                    assertThat(u16(outer, ip)).isEqualTo(0x8000);
                    assertThat(Wire.checksum(Arrays.copyOfRange(outer, ip, outer.length))).as("GRE checksum").isZero();
                } else {
                    assertThat(u16(outer, ip)).isZero();
                }
                break;
            default:
                throw new AssertionError(type);
        }
        // the outer IPv4 header and the GUE UDP checksum, then the inner packet's own checksums
        assertThat(ChecksumVerifier.problems(outer)).isEmpty();
        assertThat(ChecksumVerifier.problems(inner)).isEmpty();
    }

    static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }
}
