package io.ippvs.core.header;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.core.checksum.InternetChecksum;
import io.ippvs.core.packet.PacketInfo;
import io.ippvs.core.packet.PacketParser;
import io.ippvs.core.packet.ParseStatus;
import io.ippvs.testkit.ChecksumVerifier;
import io.ippvs.testkit.PacketBuilder;
import io.ippvs.core.testing.RandomPackets;
import java.nio.ByteBuffer;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Parse, then serialise: a random packet is parsed (parser and flyweight getters), then written
 * field by field through the flyweights' setters into a zeroed buffer; recomputing the checksums
 * with the flyweights must give back the original bytes exactly.
 */
class HeaderRoundTripTest {

    private static final PacketParser PARSER = new PacketParser(true);

    @Property(tries = 10_000)
    void ipv4TcpRoundTrips(@ForAll long seed) {
        Random r = new Random(seed);
        byte[] options = new byte[4 * r.nextInt(11)];
        r.nextBytes(options);
        byte[] tcpOptions = new byte[4 * r.nextInt(11)];
        r.nextBytes(tcpOptions);
        byte[] payload = new byte[r.nextInt(100)];
        r.nextBytes(payload);
        byte[] p = PacketBuilder.ipv4(RandomPackets.address4(r), RandomPackets.address4(r))
                .tos(r.nextInt(256)).id(r.nextInt(65536)).dontFragment(r.nextBoolean()).ttl(r.nextInt(256)).ipOptions(options)
                .tcp(r.nextInt(65536), r.nextInt(65536)).seq(r.nextInt() & 0xFFFFFFFFL).ack(r.nextInt() & 0xFFFFFFFFL)
                .flags(r.nextInt(256)).window(r.nextInt(65536)).urgentPointer(r.nextInt(65536)).tcpOptions(tcpOptions)
                .payload(payload).bytes();
        int headroom = r.nextInt(32);
        ByteBuffer in = place(p, headroom, r.nextBoolean());
        PacketInfo info = new PacketInfo();
        assertThat(PARSER.parse(in, info)).isEqualTo(ParseStatus.OK);
        Ipv4Header ip = new Ipv4Header().wrap(in, headroom);
        TcpHeader tcp = new TcpHeader().wrap(in, info.l4Offset());

        ByteBuffer out = place(new byte[p.length], headroom, r.nextBoolean());
        Ipv4Header ip2 = new Ipv4Header().wrap(out, headroom);
        ip2.version(ip.version()).headerLength(ip.headerLength()).tos(info.trafficClass()).totalLength(ip.totalLength())
                .identification((int) info.fragmentId()).dontFragment(info.dontFragment())
                .moreFragments(info.moreFragments()).fragmentOffset(info.fragmentOffset()).ttl(info.ttl())
                .protocol(info.protocolNumber()).sourceAddress((int) info.srcLow())
                .destinationAddress((int) info.dstLow());
        copy(in, ip.optionsOffset(), out, ip2.optionsOffset(), ip.headerLength() - Ipv4Header.MIN_LENGTH);
        ip2.updateChecksum();
        TcpHeader tcp2 = new TcpHeader().wrap(out, ip2.payloadOffset());
        tcp2.sourcePort(info.srcPort()).destinationPort(info.dstPort()).sequenceNumber(info.tcpSeq())
                .acknowledgmentNumber(info.tcpAck()).headerLength(tcp.headerLength()).flags(info.tcpFlags())
                .window(tcp.window()).urgentPointer(tcp.urgentPointer());
        copy(in, tcp.optionsOffset(), out, tcp2.optionsOffset(), info.end() - tcp.optionsOffset());
        int length = info.end() - info.l4Offset();
        tcp2.checksum(InternetChecksum.checksum(out, tcp2.offset(), length,
                InternetChecksum.pseudoHeaderV4(out, headroom, 6, length)));

        assertThat(ChecksumVerifier.toBytes(out)).isEqualTo(p);
    }

    @Property(tries = 10_000)
    void ipv6UdpRoundTrips(@ForAll long seed) {
        Random r = new Random(seed);
        byte[] payload = new byte[r.nextInt(100)];
        r.nextBytes(payload);
        PacketBuilder b = PacketBuilder.ipv6(RandomPackets.address6(r), RandomPackets.address6(r))
                .tos(r.nextInt(256)).flowLabel(r.nextInt(1 << 20)).ttl(r.nextInt(256));
        if (r.nextBoolean()) {
            b.hopByHop(new byte[r.nextInt(20)]);
        }
        if (r.nextBoolean()) {
            b.routing(r.nextInt(256), 0, new byte[r.nextInt(30)]);
        }
        byte[] p = b.udp(r.nextInt(65536), r.nextInt(65536)).payload(payload).bytes();
        int headroom = r.nextInt(32);
        ByteBuffer in = place(p, headroom, r.nextBoolean());
        PacketInfo info = new PacketInfo();
        assertThat(PARSER.parse(in, info)).isEqualTo(ParseStatus.OK);
        Ipv6Header ip = new Ipv6Header().wrap(in, headroom);
        UdpHeader udp = new UdpHeader().wrap(in, info.l4Offset());

        ByteBuffer out = place(new byte[p.length], headroom, r.nextBoolean());
        Ipv6Header ip2 = new Ipv6Header().wrap(out, headroom);
        ip2.version(ip.version()).trafficClass(info.trafficClass()).flowLabel(ip.flowLabel())
                .payloadLength(ip.payloadLength()).nextHeader(ip.nextHeader()).hopLimit(info.ttl())
                .sourceAddress(info.srcHigh(), info.srcLow()).destinationAddress(info.dstHigh(), info.dstLow());
        copy(in, ip.payloadOffset(), out, ip2.payloadOffset(), info.l4Offset() - ip.payloadOffset());
        UdpHeader udp2 = new UdpHeader().wrap(out, info.l4Offset());
        udp2.sourcePort(info.srcPort()).destinationPort(info.dstPort()).length(udp.length());
        copy(in, udp.payloadOffset(), out, udp2.payloadOffset(), info.end() - udp.payloadOffset());
        int length = udp.length();
        udp2.checksum(InternetChecksum.udpField(InternetChecksum.checksum(out, udp2.offset(), length,
                InternetChecksum.pseudoHeaderV6(info.srcHigh(), info.srcLow(), info.dstHigh(), info.dstLow(), 17, length))));

        assertThat(ChecksumVerifier.toBytes(out)).isEqualTo(p);
    }

    @Property(tries = 10_000)
    void icmpAndSctpRoundTrip(@ForAll long seed) {
        Random r = new Random(seed);
        boolean sctp = r.nextBoolean();
        boolean v6 = r.nextBoolean();
        PacketBuilder b = v6 ? PacketBuilder.ipv6(RandomPackets.address6(r), RandomPackets.address6(r))
                : PacketBuilder.ipv4(RandomPackets.address4(r), RandomPackets.address4(r));
        byte[] value = new byte[r.nextInt(40)];
        r.nextBytes(value);
        if (sctp) {
            b.sctp(r.nextInt(65536), r.nextInt(65536), r.nextInt() & 0xFFFFFFFFL).chunk(r.nextInt(256), r.nextInt(256), value);
        } else {
            b.icmp(r.nextInt(256), r.nextInt(256)).icmpRest(r.nextInt()).payload(value);
        }
        byte[] p = b.bytes();
        int l4 = v6 ? 40 : 20;
        ByteBuffer in = ByteBuffer.wrap(p);
        ByteBuffer out = ByteBuffer.allocateDirect(p.length);
        copy(in, 0, out, 0, l4); // the IP header is covered by the other properties
        int length = p.length - l4;
        if (sctp) {
            SctpHeader s = new SctpHeader().wrap(in, l4);
            SctpHeader s2 = new SctpHeader().wrap(out, l4);
            s2.sourcePort(s.sourcePort()).destinationPort(s.destinationPort()).verificationTag(s.verificationTag());
            copy(in, s.firstChunkOffset(), out, s2.firstChunkOffset(), length - SctpHeader.LENGTH);
            s2.updateChecksum(length);
            assertThat(s2.checksum()).isEqualTo(s.checksum());
        } else if (v6) {
            Icmpv6Header i = new Icmpv6Header().wrap(in, l4);
            Icmpv6Header i2 = new Icmpv6Header().wrap(out, l4);
            i2.type(i.type()).code(i.code()).mtu(i.mtu());
            assertThat(i2.identifier()).isEqualTo(i.identifier());
            assertThat(i2.sequence()).isEqualTo(i.sequence());
            assertThat(i2.pointer()).isEqualTo(i.pointer());
            copy(in, i.quotedOffset(), out, i2.quotedOffset(), length - Icmpv6Header.LENGTH);
            i2.updateChecksum(InternetChecksum.pseudoHeaderV6(out, 0, 58, length), length);
        } else {
            Icmpv4Header i = new Icmpv4Header().wrap(in, l4);
            Icmpv4Header i2 = new Icmpv4Header().wrap(out, l4);
            i2.type(i.type()).code(i.code()).identifier(i.identifier()).sequence(i.sequence());
            assertThat(i2.rest()).isEqualTo(i.rest());
            assertThat(i2.mtu()).isEqualTo(i.sequence());
            copy(in, i.quotedOffset(), out, i2.quotedOffset(), length - Icmpv4Header.LENGTH);
            i2.updateChecksum(length);
        }
        assertThat(ChecksumVerifier.toBytes(out)).isEqualTo(p);
    }

    private static ByteBuffer place(byte[] p, int headroom, boolean direct) {
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(headroom + p.length) : ByteBuffer.allocate(headroom + p.length);
        b.position(headroom);
        b.put(p);
        b.position(headroom);
        return b;
    }

    private static void copy(ByteBuffer from, int fromOffset, ByteBuffer to, int toOffset, int length) {
        for (int i = 0; i < length; i++) {
            to.put(toOffset + i, from.get(fromOffset + i));
        }
    }
}
