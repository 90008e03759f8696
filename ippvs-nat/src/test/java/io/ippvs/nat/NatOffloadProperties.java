package io.ippvs.nat;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.NextHop;
import io.ippvs.api.Offload;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.Verdict;
import io.ippvs.core.director.Director;
import io.ippvs.core.director.Worker;
import io.ippvs.core.testing.FakeClock;
import io.ippvs.testkit.ChecksumVerifier;
import io.ippvs.testkit.Gso;
import io.ippvs.testkit.PacketBuilder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * NAT of offloaded packets, against what the kernel would make of them afterwards (the independent
 * {@link Gso}): a partial checksum rewritten and then finished equals the packet rewritten with a
 * full checksum, and a super-packet rewritten and then segmented equals the NAT of each of its
 * segments; IPv4 and IPv6, TCP and UDP, client to server and back. Linux: {@code tcp_dnat_handler}
 * / {@code tcp_snat_handler} with {@code CHECKSUM_PARTIAL} ({@code tcp_partial_csum_update}), and
 * {@code udp_partial_csum_update} likewise.
 */
class NatOffloadProperties {

    static final String CLIENT4 = "192.0.2.10";
    static final String VIP4 = "198.51.100.1";
    static final String SERVER4 = "10.1.0.21";
    static final String CLIENT6 = "2001:db8::10";
    static final String VIP6 = "2001:db8:100::1";
    static final String SERVER6 = "fd00:1::21";
    static final int VPORT = 80;
    static final int DPORT = 8080;

    /** One flow and one packet of it. */
    record Case(boolean v6, boolean tcp, boolean reply, int clientPort, long seq, int flags, byte[] payload,
            int segmentSize) {

        String client() {
            return v6 ? CLIENT6 : CLIENT4;
        }

        /** The packet, its payload cut to {@code max} bytes. */
        PacketBuilder packet(int max) {
            return new Case(v6, tcp, reply, clientPort, seq, flags,
                    java.util.Arrays.copyOf(payload, Math.min(max, payload.length)), segmentSize).packet();
        }

        PacketBuilder packet() {
            PacketBuilder p = reply
                    ? (v6 ? PacketBuilder.ipv6(SERVER6, CLIENT6) : PacketBuilder.ipv4(SERVER4, CLIENT4).dontFragment(true))
                    : (v6 ? PacketBuilder.ipv6(CLIENT6, VIP6) : PacketBuilder.ipv4(CLIENT4, VIP4).dontFragment(true));
            int sport = reply ? DPORT : clientPort;
            int dport = reply ? clientPort : VPORT;
            if (tcp) {
                return p.tcp(sport, dport).seq(seq).ack(7).flags(flags).payload(payload);
            }
            return p.udp(sport, dport).payload(payload);
        }

        @Override
        public String toString() {
            return (v6 ? "IPv6 " : "IPv4 ") + (tcp ? "TCP" : "UDP") + (reply ? " reply" : " inbound") + " port "
                    + clientPort + " flags " + flags + " payload " + payload.length + " mss " + segmentSize;
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(Arbitraries.of(false, true), Arbitraries.of(true, false), Arbitraries.of(false, true),
                Arbitraries.integers().between(1024, 65535), Arbitraries.longs().between(0, 0xFFFFFFFFL),
                Arbitraries.of(PacketBuilder.ACK, PacketBuilder.ACK | PacketBuilder.PSH,
                        PacketBuilder.ACK | PacketBuilder.FIN | PacketBuilder.PSH, 0x80 | PacketBuilder.ACK),
                Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(9000),
                Arbitraries.integers().between(1, 1400))
                .as(Case::new);
    }

    /** A director with one NAT service per family and protocol, and the connection of {@code c} open. */
    static Director director(Case c) {
        Director d = Director.builder().nanoClock(new FakeClock()).maxConnections(64).hashSeed(3)
                .rewriter(NatRewriter.builder().build()).build();
        for (boolean v6 : new boolean[] {false, true}) {
            for (Protocol p : new Protocol[] {Protocol.TCP, Protocol.UDP}) {
                ServiceKey key = ServiceKey.of(p, InetAddresses.forString(v6 ? VIP6 : VIP4), VPORT);
                d.addService(ServiceConfig.builder(key).build());
                d.addRealServer(key, RealServerConfig.builder(InetAddresses.forString(v6 ? SERVER6 : SERVER4), DPORT)
                        .forwardingMethod(ForwardingMethod.MASQUERADE).build());
            }
        }
        PacketBuilder open = c.v6() ? PacketBuilder.ipv6(CLIENT6, VIP6) : PacketBuilder.ipv4(CLIENT4, VIP4);
        open = c.tcp() ? open.tcp(c.clientPort(), VPORT).flags(PacketBuilder.SYN).seq(1) : open.udp(c.clientPort(), VPORT);
        assertThat(d.process(open.buffer(false, 64)).isForward()).isTrue();
        return d;
    }

    /** The packet through the worker with {@code offload} (null: none); the bytes after, or null unless forwarded. */
    static byte[] process(Director d, Worker w, byte[] packet, Offload offload) {
        ByteBuffer b = ByteBuffer.allocateDirect(packet.length + 128);
        b.position(64);
        b.put(packet);
        b.position(64).limit(64 + packet.length);
        Verdict v = w.process(b, 0, new NextHop(), d.nanoTime(), offload);
        return v.isForward() ? ChecksumVerifier.toBytes(b) : null;
    }

    static Offload partialOffload(byte[] packet) {
        Offload o = new Offload();
        int l4 = Gso.transportOffset(packet, 0);
        o.checksumPartial(l4, Gso.checksumOffset(Gso.protocol(packet, 0)));
        return o;
    }

    @Property(tries = 300)
    void partialChecksumRewrittenThenFinishedEqualsFullRewrite(@ForAll("cases") Case c) {
        byte[] full = c.packet(1400).bytes();
        Director d = director(c);
        Worker w = d.newWorker();
        byte[] expected = process(d, w, full, null);
        Offload o = partialOffload(full);
        byte[] rewritten = process(d, w, Gso.partial(full), o);

        assertThat(expected).as("plain packet forwarded").isNotNull();
        assertThat(rewritten).as("partial packet forwarded").isNotNull();
        assertThat(o.checksumPartial()).as("still partial: the sender's device finishes it").isTrue();
        byte[] finished = Gso.complete(rewritten, o.checksumStart(), o.checksumOffset());
        ChecksumVerifier.assertValid(finished);
        assertThat(finished).isEqualTo(expected);
    }

    @Property(tries = 200)
    void superPacketRewrittenThenSegmentedEqualsEachSegmentRewritten(@ForAll("cases") Case c) {
        byte[] full = c.packet().bytes();
        byte[] superPacket = Gso.partial(full);
        Director d = director(c);
        Worker w = d.newWorker();

        List<byte[]> expected = new ArrayList<>();
        for (byte[] segment : Gso.segment(superPacket, c.segmentSize())) {
            ChecksumVerifier.assertValid(segment);
            byte[] out = process(d, w, segment, null);
            assertThat(out).as("segment forwarded").isNotNull();
            expected.add(out);
        }
        long packetsBefore = d.totals().inPackets() + d.totals().outPackets();
        long bytesBefore = d.totals().inBytes() + d.totals().outBytes();

        Offload o = partialOffload(full);
        o.segmentation(c.v6() ? (c.tcp() ? Offload.GSO_TCPV6 : Offload.GSO_UDP_L4)
                : (c.tcp() ? Offload.GSO_TCPV4 : Offload.GSO_UDP_L4), c.segmentSize(), 0);
        byte[] rewritten = process(d, w, superPacket, o);
        assertThat(rewritten).as("super-packet forwarded").isNotNull();
        List<byte[]> actual = Gso.segment(rewritten, o.segmentSize());

        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.size(); i++) {
            assertThat(actual.get(i)).as("segment %d of %d", i, actual.size()).isEqualTo(expected.get(i));
        }
        // counted as the segments it becomes
        long bytes = expected.stream().mapToLong(s -> s.length).sum();
        assertThat(d.totals().inPackets() + d.totals().outPackets() - packetsBefore).isEqualTo(expected.size());
        assertThat(d.totals().inBytes() + d.totals().outBytes() - bytesBefore).isEqualTo(bytes);
    }
}
