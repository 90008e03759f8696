package io.ippvs.core.header;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.core.checksum.InternetChecksum;
import io.ippvs.testkit.ChecksumVerifier;
import io.ippvs.testkit.PacketBuilder;
import java.nio.ByteBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each flyweight reads what PacketBuilder wrote, at a non-zero offset, in heap and direct buffers. */
class HeaderFlyweightTest {

    private static final int HEADROOM = 13;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void ipv4AndTcp(boolean direct) {
        ByteBuffer b = PacketBuilder.ipv4("10.1.2.3", "192.168.100.7").tos(0xb8).id(0xbeef).dontFragment(true).ttl(17)
                .ipOptions((byte) 0x94, (byte) 4, (byte) 0, (byte) 0) // router alert
                .tcp(40001, 443).flags(PacketBuilder.SYN | PacketBuilder.ACK).seq(0xfffffff0L).ack(0x80000001L)
                .window(1234).urgentPointer(9)
                .tcpOptions(TcpHeaderBytes.OPTIONS).payload("data").buffer(direct, HEADROOM);
        Ipv4Header ip = new Ipv4Header().wrap(b, HEADROOM);
        assertThat(ip.version()).isEqualTo(4);
        assertThat(ip.headerLength()).isEqualTo(24);
        assertThat(ip.tos()).isEqualTo(0xb8);
        assertThat(ip.totalLength()).isEqualTo(b.remaining());
        assertThat(ip.identification()).isEqualTo(0xbeef);
        assertThat(ip.dontFragment()).isTrue();
        assertThat(ip.moreFragments()).isFalse();
        assertThat(ip.fragmentOffset()).isZero();
        assertThat(ip.isFragment()).isFalse();
        assertThat(ip.ttl()).isEqualTo(17);
        assertThat(ip.protocol()).isEqualTo(6);
        assertThat(ip.sourceAddress()).isEqualTo(0x0a010203);
        assertThat(ip.destinationAddress()).isEqualTo(0xc0a86407);
        assertThat(ip.checksumValid()).isTrue();
        assertThat(ip.computeChecksum()).isEqualTo(ip.checksum());
        assertThat(ip.payloadOffset()).isEqualTo(HEADROOM + 24);

        TcpHeader tcp = new TcpHeader().wrap(b, ip.payloadOffset());
        assertThat(tcp.sourcePort()).isEqualTo(40001);
        assertThat(tcp.destinationPort()).isEqualTo(443);
        assertThat(tcp.sequenceNumber()).isEqualTo(0xfffffff0L);
        assertThat(tcp.acknowledgmentNumber()).isEqualTo(0x80000001L);
        assertThat(tcp.headerLength()).isEqualTo(20 + TcpHeaderBytes.OPTIONS.length);
        assertThat(tcp.flags()).isEqualTo(TcpHeader.SYN | TcpHeader.ACK);
        assertThat(tcp.hasFlags(TcpHeader.SYN)).isTrue();
        assertThat(tcp.hasFlags(TcpHeader.SYN | TcpHeader.FIN)).isFalse();
        assertThat(tcp.window()).isEqualTo(1234);
        assertThat(tcp.urgentPointer()).isEqualTo(9);
        assertThat(tcp.mss()).isEqualTo(1460);
        assertThat(tcp.findOption(TcpHeader.OPTION_WINDOW_SCALE)).isEqualTo(tcp.optionsOffset() + 5);
        assertThat(tcp.findOption(TcpHeader.OPTION_TIMESTAMPS)).isEqualTo(tcp.optionsOffset() + 8);
        assertThat(tcp.findOption(TcpHeader.OPTION_SACK)).isEqualTo(-1);

        // rewrite like NAT would: destination address and port, checksums updated incrementally
        int oldTcp = tcp.checksum();
        tcp.destinationPort(8443).checksum(InternetChecksum.update16(oldTcp, 443, 8443));
        tcp.checksum(InternetChecksum.update32(tcp.checksum(), ip.destinationAddress(), 0x0a000064));
        ip.checksum(InternetChecksum.update32(ip.checksum(), ip.destinationAddress(), 0x0a000064));
        ip.destinationAddress(0x0a000064);
        assertThat(tcp.mss(1400)).isTrue();
        tcp.checksum(InternetChecksum.update16(tcp.checksum(), 1460, 1400));
        ChecksumVerifier.assertValid(b);
        assertThat(tcp.mss()).isEqualTo(1400);
        ip.ttl(16).updateChecksum();
        assertThat(ip.checksumValid()).isTrue();
        ChecksumVerifier.assertValid(b);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void ipv4FragmentFields(boolean direct) {
        ByteBuffer b = PacketBuilder.ipv4("1.2.3.4", "5.6.7.8").id(7).fragment(1480, true).raw(17, new byte[16])
                .buffer(direct, HEADROOM);
        Ipv4Header ip = new Ipv4Header().wrap(b, HEADROOM);
        assertThat(ip.fragmentOffset()).isEqualTo(1480);
        assertThat(ip.moreFragments()).isTrue();
        assertThat(ip.dontFragment()).isFalse();
        assertThat(ip.isFragment()).isTrue();
        ip.moreFragments(false).fragmentOffset(8).dontFragment(true);
        assertThat(ip.flagsAndFragmentOffset()).isEqualTo(0x4001);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void ipv6WithExtensionsAndUdp(boolean direct) {
        ByteBuffer b = PacketBuilder.ipv6("2001:db8::1", "2001:db8:ffff::2").tos(0x2e).flowLabel(0xabcde).ttl(3)
                .hopByHop().destinationOptions(new byte[10]).routing(4, 1, new byte[20])
                .authenticationHeader(0x100, 1, 12).fragmentHeader(0, true, 0xcafef00d)
                .udp(53, 5353).payload("query").buffer(direct, HEADROOM);
        Ipv6Header ip = new Ipv6Header().wrap(b, HEADROOM);
        assertThat(ip.version()).isEqualTo(6);
        assertThat(ip.trafficClass()).isEqualTo(0x2e);
        assertThat(ip.flowLabel()).isEqualTo(0xabcde);
        assertThat(ip.payloadLength()).isEqualTo(b.remaining() - 40);
        assertThat(ip.nextHeader()).isEqualTo(Ipv6ExtensionHeaders.HOP_BY_HOP);
        assertThat(ip.hopLimit()).isEqualTo(3);
        assertThat(ip.sourceAddressHigh()).isEqualTo(0x20010db800000000L);
        assertThat(ip.sourceAddressLow()).isEqualTo(1L);
        assertThat(ip.destinationAddressHigh()).isEqualTo(0x20010db8ffff0000L);
        assertThat(ip.destinationAddressLow()).isEqualTo(2L);

        Ipv6ExtensionHeaders ext = new Ipv6ExtensionHeaders();
        assertThat(ext.walk(b, HEADROOM, b.limit())).isZero();
        assertThat(ext.count()).isEqualTo(5);
        assertThat(ext.upperLayerProtocol()).isEqualTo(17);
        int expectedUpper = HEADROOM + 40 + 8 + 16 + 24 + 24 + 8;
        assertThat(ext.upperLayerOffset()).isEqualTo(expectedUpper);
        assertThat(ext.fragmentHeaderOffset()).isEqualTo(expectedUpper - 8);
        assertThat(ext.moreFragments()).isTrue();
        assertThat(ext.fragmentOffset()).isZero();
        assertThat(ext.fragmentIdentification()).isEqualTo(0xcafef00dL);

        UdpHeader udp = new UdpHeader().wrap(b, ext.upperLayerOffset());
        assertThat(udp.sourcePort()).isEqualTo(53);
        assertThat(udp.destinationPort()).isEqualTo(5353);
        assertThat(udp.length()).isEqualTo(13);
        assertThat(udp.payloadOffset()).isEqualTo(expectedUpper + 8);

        // the walk never reads past the end it is given
        assertThat(ext.walk(b, HEADROOM, expectedUpper - 1)).isEqualTo(Ipv6ExtensionHeaders.TRUNCATED);
        ip.destinationAddress(5, 6).sourceAddress(7, 8).hopLimit(2).trafficClass(1).flowLabel(2).payloadLength(3);
        assertThat(ip.destinationAddressLow()).isEqualTo(6);
        assertThat(ip.sourceAddressHigh()).isEqualTo(7);
        assertThat(ip.trafficClass()).isEqualTo(1);
        assertThat(ip.flowLabel()).isEqualTo(2);
        assertThat(ip.version()).isEqualTo(6);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void extensionChainLimits(boolean direct) {
        PacketBuilder nine = PacketBuilder.ipv6("::1", "::2");
        for (int i = 0; i < 9; i++) {
            nine.destinationOptions();
        }
        ByteBuffer b = nine.udp(1, 2).buffer(direct, 0);
        assertThat(new Ipv6ExtensionHeaders().walk(b, 0, b.limit())).isEqualTo(Ipv6ExtensionHeaders.TOO_LONG);
        ByteBuffer late = PacketBuilder.ipv6("::1", "::2").destinationOptions().hopByHop().udp(1, 2).buffer(direct, 0);
        assertThat(new Ipv6ExtensionHeaders().walk(late, 0, late.limit())).isEqualTo(Ipv6ExtensionHeaders.MALFORMED);
        ByteBuffer later = PacketBuilder.ipv6("::1", "::2").destinationOptions().fragmentHeader(64, false, 9)
                .raw(6, new byte[5]).buffer(direct, 0);
        Ipv6ExtensionHeaders ext = new Ipv6ExtensionHeaders();
        assertThat(ext.walk(later, 0, later.limit())).isZero();
        assertThat(ext.upperLayerProtocol()).isEqualTo(6);
        assertThat(ext.fragmentOffset()).isEqualTo(64);
        assertThat(ext.upperLayerOffset()).isEqualTo(56);
        assertThat(ext.fragmentIdentification()).isEqualTo(9);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void sctpAndIcmp(boolean direct) {
        ByteBuffer b = PacketBuilder.ipv4("10.0.0.1", "10.0.0.2").sctp(3868, 3868, 0xdeadbeefL)
                .chunk(PacketBuilder.SCTP_INIT, 0, PacketBuilder.initChunkValue(1, 2, 3, 4, 5)).buffer(direct, HEADROOM);
        SctpHeader sctp = new SctpHeader().wrap(b, HEADROOM + 20);
        int length = b.limit() - sctp.offset();
        assertThat(sctp.sourcePort()).isEqualTo(3868);
        assertThat(sctp.verificationTag()).isEqualTo(0xdeadbeefL);
        assertThat(sctp.firstChunkType()).isEqualTo(SctpHeader.CHUNK_INIT);
        assertThat(sctp.firstChunkLength()).isEqualTo(20);
        assertThat(sctp.computeChecksum(length)).isEqualTo(sctp.checksum());
        sctp.destinationPort(9999).updateChecksum(length);
        ChecksumVerifier.assertValid(b);

        byte[] inner = PacketBuilder.ipv4("10.0.0.2", "8.8.8.8").dontFragment(true).udp(1000, 53).payload(new byte[1400]).bytes();
        ByteBuffer e = PacketBuilder.ipv4("10.0.0.254", "10.0.0.2")
                .icmpError(Icmpv4Header.TYPE_DEST_UNREACHABLE, Icmpv4Header.CODE_FRAGMENTATION_NEEDED, 1300,
                        java.util.Arrays.copyOf(inner, 28)).buffer(direct, HEADROOM);
        Icmpv4Header icmp = new Icmpv4Header().wrap(e, HEADROOM + 20);
        assertThat(icmp.isError()).isTrue();
        assertThat(icmp.code()).isEqualTo(4);
        assertThat(icmp.mtu()).isEqualTo(1300);
        assertThat(new Ipv4Header().wrap(e, icmp.quotedOffset()).destinationAddress()).isEqualTo(0x08080808);
        assertThat(new UdpHeader().wrap(e, icmp.quotedOffset() + 20).destinationPort()).isEqualTo(53);
        assertThat(icmp.computeChecksum(36)).isEqualTo(icmp.checksum());
        icmp.mtu(1200).updateChecksum(36);
        ChecksumVerifier.assertValid(e);

        ByteBuffer v6 = PacketBuilder.ipv6("2001:db8::fe", "2001:db8::1")
                .icmpError(Icmpv6Header.TYPE_PACKET_TOO_BIG, 0, 1280,
                        PacketBuilder.ipv6("2001:db8::1", "2001:db8::2").tcp(1, 2).bytes()).buffer(direct, HEADROOM);
        Icmpv6Header icmp6 = new Icmpv6Header().wrap(v6, HEADROOM + 40);
        assertThat(icmp6.isError()).isTrue();
        assertThat(icmp6.mtu()).isEqualTo(1280);
        int pseudo = InternetChecksum.pseudoHeaderV6(v6, HEADROOM, 58, 68);
        assertThat(icmp6.computeChecksum(pseudo, 68)).isEqualTo(icmp6.checksum());
        icmp6.mtu(1400).updateChecksum(pseudo, 68);
        ChecksumVerifier.assertValid(v6);
        ByteBuffer echo = PacketBuilder.ipv6("::1", "::2").icmpEcho(0x1234, 7).buffer(direct, 0);
        Icmpv6Header ping = new Icmpv6Header().wrap(echo, 40);
        assertThat(ping.isError()).isFalse();
        assertThat(ping.type()).isEqualTo(Icmpv6Header.TYPE_ECHO_REQUEST);
        assertThat(ping.identifier()).isEqualTo(0x1234);
        assertThat(ping.sequence()).isEqualTo(7);
    }

    /** Options of a typical Linux SYN: MSS, NOP, window scale, NOP, NOP, timestamps... */
    private static final class TcpHeaderBytes {
        static final byte[] OPTIONS = {
            2, 4, 0x05, (byte) 0xb4,        // MSS 1460
            1, 3, 3, 7,                      // NOP, window scale 7
            8, 10, 0, 0, 0, 1, 0, 0, 0, 0,   // timestamps
            1, 1,                            // NOP NOP
        };
    }
}
