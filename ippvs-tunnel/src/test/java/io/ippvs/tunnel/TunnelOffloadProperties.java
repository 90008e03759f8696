package io.ippvs.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import io.ippvs.api.Addresses;
import io.ippvs.api.DropReason;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.NextHop;
import io.ippvs.api.Offload;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.TunnelChecksum;
import io.ippvs.api.TunnelType;
import io.ippvs.api.Verdict;
import io.ippvs.core.director.Director;
import io.ippvs.core.testing.FakeClock;
import io.ippvs.testkit.ChecksumVerifier;
import io.ippvs.testkit.Gso;
import io.ippvs.testkit.PacketBuilder;
import io.ippvs.tunnel.testing.TunnelFixtures;
import io.ippvs.tunnel.testing.Wire;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * IP-in-IP (4in4, 6in4, 4in6, 6in6) of offloaded packets: a partial checksum stays partial with its
 * place moved by the outer header and, finished, equals the tunnelled packet with a full checksum;
 * a super-packet becomes tunnelled GSO ({@code SKB_GSO_IPXIP4/6}, as {@code ip_vs_tunnel_xmit}'s
 * {@code iptunnel_handle_offloads} marks it) whose segmentation, outer header repeated with the
 * identification counting up, equals the tunnelling of each segment. GUE and GRE refuse super-packets.
 */
class TunnelOffloadProperties {

    record Case(boolean innerV6, boolean outerV6, boolean tcp, int clientPort, long seq, byte[] payload,
            int segmentSize) {

        PacketBuilder packet(int max) {
            byte[] data = java.util.Arrays.copyOf(payload, Math.min(max, payload.length));
            PacketBuilder p = innerV6 ? PacketBuilder.ipv6(Wire.CLIENT_V6, Wire.VIP_V6)
                    : PacketBuilder.ipv4(Wire.CLIENT_V4, Wire.VIP_V4).dontFragment(true);
            return tcp ? p.tcp(clientPort, 80).seq(seq).flags(PacketBuilder.ACK | PacketBuilder.PSH).payload(data)
                    : p.udp(clientPort, 80).payload(data);
        }

        int gsoType() {
            return !tcp ? Offload.GSO_UDP_L4 : innerV6 ? Offload.GSO_TCPV6 : Offload.GSO_TCPV4;
        }

        @Override
        public String toString() {
            return (innerV6 ? "6in" : "4in") + (outerV6 ? "6 " : "4 ") + (tcp ? "TCP" : "UDP") + " payload "
                    + payload.length + " mss " + segmentSize;
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(Arbitraries.of(false, true), Arbitraries.of(false, true), Arbitraries.of(true, false),
                Arbitraries.integers().between(1024, 65535), Arbitraries.longs().between(0, 0xFFFFFFFFL),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(9000), Arbitraries.integers().between(1, 1380))
                .as(Case::new);
    }

    static Director director(Case c, TunnelType type) {
        Director d = Director.builder().nanoClock(new FakeClock()).maxConnections(64).hashSeed(5)
                .rewriter(TunnelFixtures.tunnelBuilder(Wire.ID).build()).build();
        ServiceKey key = ServiceKey.of(c.tcp() ? Protocol.TCP : Protocol.UDP,
                InetAddresses.forString(c.innerV6() ? Wire.VIP_V6 : Wire.VIP_V4), 80);
        d.addService(ServiceConfig.builder(key).build());
        d.addRealServer(key, RealServerConfig.builder(InetAddresses.forString(c.outerV6() ? Wire.SERVER_V6 : Wire.SERVER_V4), 0)
                .forwardingMethod(ForwardingMethod.TUNNEL).tunnelType(type).tunnelPort(Wire.GUE_PORT)
                .tunnelChecksum(TunnelChecksum.NONE).build());
        PacketBuilder open = c.innerV6() ? PacketBuilder.ipv6(Wire.CLIENT_V6, Wire.VIP_V6)
                : PacketBuilder.ipv4(Wire.CLIENT_V4, Wire.VIP_V4);
        open = c.tcp() ? open.tcp(c.clientPort(), 80).flags(PacketBuilder.SYN) : open.udp(c.clientPort(), 80);
        assertThat(d.process(open.buffer(false, 64)).isForward()).isTrue();
        return d;
    }

    /** Through the director with {@code offload}; the forwarded bytes, or null with the verdict in {@code verdict[0]}. */
    static byte[] process(Director d, byte[] packet, Offload offload, Verdict[] verdict) {
        ByteBuffer b = ByteBuffer.allocate(packet.length + 128);
        b.position(64);
        b.put(packet);
        b.position(64).limit(64 + packet.length);
        Verdict v = d.newWorker().process(b, 0, new NextHop(), d.nanoTime(), offload);
        verdict[0] = v;
        return v.isForward() ? ChecksumVerifier.toBytes(b) : null;
    }

    static byte[] process(Director d, byte[] packet, Offload offload) {
        Verdict[] v = new Verdict[1];
        byte[] out = process(d, packet, offload, v);
        assertThat(out).as("forwarded, not %s", v[0]).isNotNull();
        return out;
    }

    static Offload partial(byte[] p) {
        Offload o = new Offload();
        o.checksumPartial(Gso.transportOffset(p, 0), Gso.checksumOffset(Gso.protocol(p, 0)));
        return o;
    }

    @Property(tries = 200)
    void partialChecksumTunnelledThenFinishedEqualsFullTunnel(@ForAll("cases") Case c) {
        byte[] full = c.packet(1380).bytes();
        byte[] expected = process(director(c, TunnelType.IPIP), full, null);
        Offload o = partial(full);
        int before = o.checksumStart();
        byte[] actual = process(director(c, TunnelType.IPIP), Gso.partial(full), o);
        int outer = c.outerV6() ? 40 : 20;
        assertThat(o.checksumStart()).isEqualTo(before + outer);
        assertThat(o.encapsulation()).as("not a super-packet").isZero();
        byte[] finished = Gso.complete(actual, o.checksumStart(), o.checksumOffset());
        ChecksumVerifier.assertValid(finished);
        assertThat(finished).isEqualTo(expected);
    }

    @Property(tries = 150)
    void superPacketTunnelledThenSegmentedEqualsEachSegmentTunnelled(@ForAll("cases") Case c) {
        byte[] superPacket = Gso.partial(c.packet(Integer.MAX_VALUE).bytes());
        Director perSegment = director(c, TunnelType.IPIP);
        List<byte[]> expected = new ArrayList<>();
        for (byte[] segment : Gso.segment(superPacket, c.segmentSize())) {
            expected.add(process(perSegment, segment, null));
        }
        Offload o = partial(superPacket);
        o.segmentation(c.gsoType(), c.segmentSize(), 0);
        Director tunnelling = director(c, TunnelType.IPIP);
        byte[] actual = process(tunnelling, superPacket, o);
        if (!c.outerV6()) {
            // the segments took the identifications up to n - 1 past the outer header's: the next packet gets n
            byte[] next = process(tunnelling, Gso.segment(superPacket, c.segmentSize()).get(0), null);
            int first = ((actual[4] & 0xFF) << 8) | (actual[5] & 0xFF);
            int following = ((next[4] & 0xFF) << 8) | (next[5] & 0xFF);
            assertThat(following).isEqualTo((first + expected.size()) & 0xFFFF);
        }

        assertThat(o.encapsulation()).isEqualTo(c.outerV6() ? Addresses.IPV6 : Addresses.IPV4);
        List<byte[]> segments = Gso.segment(actual, o.segmentSize());
        assertThat(segments).hasSameSizeAs(expected);
        for (int i = 0; i < segments.size(); i++) {
            ChecksumVerifier.assertValid(segments.get(i));
            assertThat(segments.get(i)).as("segment %d of %d", i, segments.size()).isEqualTo(expected.get(i));
        }
    }

    @Example
    void gueAndGreRefuseASuperPacket() {
        for (TunnelType type : new TunnelType[] {TunnelType.GUE, TunnelType.GRE}) {
            Case c = new Case(false, false, true, 4000, 1, new byte[4000], 1000);
            byte[] p = Gso.partial(c.packet(4000).bytes());
            Offload o = partial(p);
            o.segmentation(Offload.GSO_TCPV4, 1000, 0);
            Verdict[] v = new Verdict[1];
            Director d = director(c, type);
            assertThat(process(d, p, o, v)).isNull();
            assertThat(v[0]).isEqualTo(Verdict.drop(DropReason.UNSUPPORTED));
        }
    }

    @Example
    void aPartialChecksumUnderAGueChecksumIsFinishedFirst() {
        Case c = new Case(false, false, true, 4000, 1, new byte[700], 1000);
        byte[] full = c.packet(700).bytes();
        Director d = director(c, TunnelType.GUE);
        d.editRealServer(d.services().get(0).key(), RealServerConfig.builder(InetAddresses.forString(Wire.SERVER_V4), 0)
                .forwardingMethod(ForwardingMethod.TUNNEL).tunnelType(TunnelType.GUE).tunnelPort(Wire.GUE_PORT)
                .tunnelChecksum(TunnelChecksum.CHECKSUM).build());
        Offload o = partial(full);
        byte[] out = process(d, Gso.partial(full), o);
        assertThat(o.checksumPartial()).isFalse();
        ChecksumVerifier.assertValid(out);
    }
}
