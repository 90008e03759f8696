package io.ippvs.core.packet;

import static io.ippvs.testkit.PacketBuilder.ACK;
import static io.ippvs.testkit.PacketBuilder.FIN;
import static io.ippvs.testkit.PacketBuilder.PSH;
import static io.ippvs.testkit.PacketBuilder.SYN;

import com.google.common.net.InetAddresses;
import io.ippvs.api.Addresses;
import io.ippvs.testkit.PacketBuilder;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Golden packets: each built byte by byte, with the parse result expected for it. Offsets in the
 * expectations are relative to the start of the packet. Also the seed corpus of the fuzz properties.
 */
final class GoldenPackets {

    /** One golden packet: its bytes, the status with and without checksum verification, the expected fields. */
    record Golden(String name, byte[] packet, ParseStatus verified, ParseStatus unverified,
                  PacketInfo expectedVerified, PacketInfo expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final String C4 = "198.51.100.7";
    static final String V4 = "203.0.113.10";
    static final String R4 = "192.0.2.254";
    static final String C6 = "2001:db8:c::7";
    static final String V6 = "2001:db8:f::10";
    static final String R6 = "2001:db8:ffff::1";

    private static final byte[] LINUX_SYN_OPTIONS = {
        2, 4, 0x05, (byte) 0xb4, 4, 2, 8, 10, 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0, 1, 3, 3, 7};

    private GoldenPackets() {}

    static List<Golden> all() {
        List<Golden> g = new ArrayList<>();

        // ---------------- IPv4 ----------------
        g.add(ok("ipv4 tcp syn with linux options",
                PacketBuilder.ipv4(C4, V4).dontFragment(true).id(0x4d2).tcp(51000, 80).flags(SYN).seq(0x9a0b1c2dL)
                        .window(64240).tcpOptions(LINUX_SYN_OPTIONS).bytes(),
                e -> { v4(e, C4, V4, 6, 60); e.dontFragment = true; e.fragmentId = 0x4d2;
                    tcp(e, 20, 60, 51000, 80, SYN, 0x9a0b1c2dL, 0); }));
        g.add(ok("ipv4 tcp ack with payload and router-alert option",
                PacketBuilder.ipv4(C4, V4).ipOptions((byte) 0x94, (byte) 4, (byte) 0, (byte) 0).ttl(1).tos(0x10)
                        .tcp(51000, 80).flags(ACK | PSH).seq(1).ack(0xffffffffL).payload("GET / HTTP/1.0\r\n\r\n").bytes(),
                e -> { v4(e, C4, V4, 6, 24 + 20 + 18); e.ttl = 1; e.trafficClass = 0x10;
                    tcp(e, 24, 44, 51000, 80, ACK | PSH, 1, 0xffffffffL); }));
        g.add(ok("ipv4 tcp with 40 bytes of options (data offset 15)",
                PacketBuilder.ipv4(C4, V4).tcp(1, 65535).flags(FIN | ACK).tcpOptions(nops(40)).payload("z").bytes(),
                e -> { v4(e, C4, V4, 6, 81); tcp(e, 20, 80, 1, 65535, FIN | ACK, 0, 0); }));
        g.add(ok("ipv4 udp dns query",
                PacketBuilder.ipv4(C4, V4).udp(33333, 53).payload(new byte[29]).bytes(),
                e -> { v4(e, C4, V4, 17, 57); ports(e, 20, 28, 33333, 53); }));
        g.add(ok("ipv4 udp without checksum",
                PacketBuilder.ipv4(C4, V4).udp(5000, 5001).zeroUdpChecksum().payload("abc").bytes(),
                e -> { v4(e, C4, V4, 17, 31); ports(e, 20, 28, 5000, 5001); }));
        g.add(ok("ipv4 sctp init",
                PacketBuilder.ipv4(C4, V4).sctp(2905, 2905, 0).chunk(PacketBuilder.SCTP_INIT, 0,
                        PacketBuilder.initChunkValue(0x01020304, 65536, 10, 65535, 7)).bytes(),
                e -> { v4(e, C4, V4, 132, 52); ports(e, 20, 32, 2905, 2905); }));
        g.add(ok("ipv4 sctp data with padding",
                PacketBuilder.ipv4(C4, V4).sctp(1234, 80, 0xcafebabeL).chunk(PacketBuilder.SCTP_DATA, 3,
                        new byte[] {0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 'h', 'e', 'l'}).bytes(),
                e -> { v4(e, C4, V4, 132, 52); ports(e, 20, 32, 1234, 80); }));
        g.add(ok("ipv4 icmp echo request",
                PacketBuilder.ipv4(C4, V4).icmpEcho(0x4242, 1).payload(new byte[56]).bytes(),
                e -> { v4(e, C4, V4, 1, 84); e.l4Offset = 20; e.payloadOffset = 28; e.srcPort = 0x4242;
                    e.icmpType = 8; e.icmpCode = 0; }));
        g.add(ok("ipv4 icmp echo reply",
                PacketBuilder.ipv4(V4, C4).icmpEchoReply(0x4242, 1).bytes(),
                e -> { v4(e, V4, C4, 1, 28); e.l4Offset = 20; e.payloadOffset = 28; e.srcPort = 0x4242;
                    e.icmpType = 0; e.icmpCode = 0; }));
        g.add(ok("ipv4 icmp timestamp request (not echo, not error)",
                PacketBuilder.ipv4(C4, V4).icmp(13, 0).payload(new byte[12]).bytes(),
                e -> { v4(e, C4, V4, 1, 40); e.l4Offset = 20; e.payloadOffset = 28; e.icmpType = 13; e.icmpCode = 0; }));

        byte[] realReply = PacketBuilder.ipv4(R4, C4).dontFragment(true).tcp(8080, 51000).flags(ACK).payload(new byte[1400]).bytes();
        g.add(ok("ipv4 icmp fragmentation needed quoting tcp (ip header + 8 bytes)",
                PacketBuilder.ipv4("192.0.2.1", R4).icmpError(3, 4, 1400, Arrays.copyOf(realReply, 28)).bytes(),
                e -> { v4(e, "192.0.2.1", R4, 1, 56); e.l4Offset = 20; e.payloadOffset = 28; e.icmpType = 3; e.icmpCode = 4;
                    inner4(e, 28, 48, 6, R4, C4, 8080, 51000); }));
        byte[] udpWithOptions = PacketBuilder.ipv4(C4, V4).ipOptions(new byte[] {7, 7, 4, 0, 0, 0, 0})
                .udp(40000, 53).payload("q").bytes();
        g.add(ok("ipv4 icmp time exceeded quoting udp with ip options",
                PacketBuilder.ipv4(R4, C4).icmpError(11, 0, 0, Arrays.copyOf(udpWithOptions, 36)).bytes(),
                e -> { v4(e, R4, C4, 1, 64); e.l4Offset = 20; e.payloadOffset = 28; e.icmpType = 11; e.icmpCode = 0;
                    inner4(e, 28, 56, 17, C4, V4, 40000, 53); }));
        byte[] wholeUdp = PacketBuilder.ipv4(C4, V4).udp(40000, 161).payload("public").bytes();
        g.add(ok("ipv4 icmp port unreachable quoting the whole datagram",
                PacketBuilder.ipv4(V4, C4).icmpError(3, 3, 0, wholeUdp).bytes(),
                e -> { v4(e, V4, C4, 1, 20 + 8 + 34); e.l4Offset = 20; e.payloadOffset = 28; e.icmpType = 3; e.icmpCode = 3;
                    inner4(e, 28, 48, 17, C4, V4, 40000, 161); }));
        byte[] ping = PacketBuilder.ipv4(C4, V4).icmpEcho(77, 3).bytes();
        g.add(ok("ipv4 icmp error quoting an icmp echo",
                PacketBuilder.ipv4(R4, C4).icmpError(11, 0, 0, ping).bytes(),
                e -> { v4(e, R4, C4, 1, 56); e.l4Offset = 20; e.payloadOffset = 28; e.icmpType = 11; e.icmpCode = 0;
                    inner4(e, 28, 48, 1, C4, V4, 77, 0); }));
        g.add(ok("ipv4 parameter problem quoting sctp",
                PacketBuilder.ipv4(R4, C4).icmpError(12, 0, 0x14000000, Arrays.copyOf(
                        PacketBuilder.ipv4(C4, V4).sctp(7000, 7001, 1).chunk(6, 0).bytes(), 28)).bytes(),
                e -> { v4(e, R4, C4, 1, 56); e.l4Offset = 20; e.payloadOffset = 28; e.icmpType = 12; e.icmpCode = 0;
                    inner4(e, 28, 48, 132, C4, V4, 7000, 7001); }));
        g.add(status("ipv4 icmp error with a quote cut inside the transport header",
                PacketBuilder.ipv4("192.0.2.1", R4).icmpError(3, 4, 1400, Arrays.copyOf(realReply, 24)).bytes(),
                ParseStatus.L4_TRUNCATED,
                e -> { v4(e, "192.0.2.1", R4, 1, 52); e.l4Offset = 20; e.payloadOffset = 28; e.icmpType = 3; e.icmpCode = 4; }));
        g.add(status("ipv4 icmp error with a quote cut inside the ip header",
                PacketBuilder.ipv4("192.0.2.1", R4).icmpError(3, 1, 0, Arrays.copyOf(realReply, 12)).bytes(),
                ParseStatus.L4_TRUNCATED,
                e -> { v4(e, "192.0.2.1", R4, 1, 40); e.l4Offset = 20; e.payloadOffset = 28; e.icmpType = 3; e.icmpCode = 1; }));
        g.add(ok("ipv4 icmp error quoting an ipv6 packet is not understood",
                PacketBuilder.ipv4(R4, C4).icmpError(3, 0, 0, PacketBuilder.ipv6(C6, V6).udp(1, 2).bytes()).bytes(),
                e -> { v4(e, R4, C4, 1, 76); e.l4Offset = 20; e.payloadOffset = 28; e.icmpType = 3; e.icmpCode = 0; }));
        g.add(ok("ipv4 icmp error quoting a non-first fragment is not understood",
                PacketBuilder.ipv4(R4, C4).icmpError(11, 1, 0,
                        PacketBuilder.ipv4(C4, V4).fragment(1480, false).raw(17, new byte[8]).bytes()).bytes(),
                e -> { v4(e, R4, C4, 1, 56); e.l4Offset = 20; e.payloadOffset = 28; e.icmpType = 11; e.icmpCode = 1; }));

        g.add(ok("ipv4 first fragment of a udp datagram",
                PacketBuilder.ipv4(C4, V4).id(999).fragment(0, true).raw(17, udpHeader(4000, 53, 3000)).bytes(),
                e -> { v4(e, C4, V4, 17, 28); e.fragmentId = 999; e.fragment = true; e.firstFragment = true;
                    e.moreFragments = true; ports(e, 20, 28, 4000, 53); }));
        g.add(status("ipv4 middle fragment",
                PacketBuilder.ipv4(C4, V4).id(999).fragment(1480, true).raw(17, new byte[1480]).bytes(),
                ParseStatus.NON_FIRST_FRAGMENT,
                e -> { v4(e, C4, V4, 17, 1500); e.fragmentId = 999; e.fragment = true; e.moreFragments = true;
                    e.fragmentOffset = 1480; }));
        g.add(status("ipv4 last fragment",
                PacketBuilder.ipv4(C4, V4).id(999).fragment(2960, false).raw(6, new byte[100]).bytes(),
                ParseStatus.NON_FIRST_FRAGMENT,
                e -> { v4(e, C4, V4, 6, 120); e.fragmentId = 999; e.fragment = true; e.fragmentOffset = 2960; }));
        g.add(ok("ipv4 gre is opaque",
                PacketBuilder.ipv4(C4, V4).raw(47, new byte[] {0, 0, 8, 0}).bytes(),
                e -> { v4(e, C4, V4, 47, 24); e.l4Offset = 20; }));
        byte[] padded = Arrays.copyOf(PacketBuilder.ipv4(C4, V4).tcp(1, 2).flags(ACK).bytes(), 46);
        g.add(ok("ipv4 tcp ack with ethernet padding after the ip length",
                padded,
                e -> { v4(e, C4, V4, 6, 40); tcp(e, 20, 40, 1, 2, ACK, 0, 0); }));

        g.add(status("empty buffer", new byte[0], ParseStatus.TRUNCATED, e -> { }));
        g.add(status("ipv4 header cut at 19 bytes",
                Arrays.copyOf(PacketBuilder.ipv4(C4, V4).tcp(1, 2).bytes(), 19), ParseStatus.TRUNCATED, e -> { }));
        g.add(status("ip version 5", withByte(PacketBuilder.ipv4(C4, V4).tcp(1, 2).bytes(), 0, 0x55),
                ParseStatus.BAD_VERSION, e -> { }));
        g.add(status("ipv4 ihl 4",
                PacketBuilder.ipv4(C4, V4).ihlOverride(4).tcp(1, 2).bytes(), ParseStatus.BAD_HEADER_LENGTH, e -> e.family = 4));
        g.add(status("ipv4 total length beyond the buffer",
                PacketBuilder.ipv4(C4, V4).totalLengthOverride(41).tcp(1, 2).bytes(), ParseStatus.BAD_TOTAL_LENGTH,
                e -> e.family = 4));
        g.add(status("ipv4 total length below 20",
                PacketBuilder.ipv4(C4, V4).totalLengthOverride(19).tcp(1, 2).bytes(), ParseStatus.BAD_TOTAL_LENGTH,
                e -> e.family = 4));
        g.add(status("ipv4 options beyond the total length",
                PacketBuilder.ipv4(C4, V4).ipOptions(nops(40)).totalLengthOverride(40).raw(6, new byte[40]).bytes(),
                ParseStatus.BAD_HEADER_LENGTH, e -> e.family = 4));
        g.add(status("ipv4 tcp header cut at 10 bytes",
                PacketBuilder.ipv4(C4, V4).raw(6, new byte[10]).bytes(), ParseStatus.L4_TRUNCATED,
                e -> { v4(e, C4, V4, 6, 30); e.l4Offset = 20; }));
        g.add(status("ipv4 tcp data offset 4",
                PacketBuilder.ipv4(C4, V4).tcp(1, 2).dataOffsetOverride(4).bytes(), ParseStatus.BAD_HEADER_LENGTH,
                e -> { v4(e, C4, V4, 6, 40); e.l4Offset = 20; }));
        g.add(status("ipv4 tcp data offset beyond the packet",
                PacketBuilder.ipv4(C4, V4).tcp(1, 2).dataOffsetOverride(15).payload(new byte[30]).bytes(),
                ParseStatus.L4_TRUNCATED, e -> { v4(e, C4, V4, 6, 70); e.l4Offset = 20; }));
        g.add(status("ipv4 udp length beyond the packet",
                PacketBuilder.ipv4(C4, V4).udp(1, 2).udpLengthOverride(100).payload("x").bytes(), ParseStatus.L4_TRUNCATED,
                e -> { v4(e, C4, V4, 17, 29); ports(e, 20, 28, 1, 2); }));
        g.add(status("ipv4 udp length 7",
                PacketBuilder.ipv4(C4, V4).udp(1, 2).udpLengthOverride(7).payload("x").bytes(), ParseStatus.BAD_TOTAL_LENGTH,
                e -> { v4(e, C4, V4, 17, 29); ports(e, 20, 28, 1, 2); }));
        g.add(status("ipv4 icmp shorter than 8 bytes",
                PacketBuilder.ipv4(C4, V4).raw(1, new byte[] {8, 0, 0, 0}).bytes(), ParseStatus.L4_TRUNCATED,
                e -> { v4(e, C4, V4, 1, 24); e.l4Offset = 20; }));
        g.add(checksum("ipv4 bad header checksum",
                PacketBuilder.ipv4(C4, V4).tcp(1, 2).flags(SYN).corruptIpChecksum().bytes(),
                e -> { v4(e, C4, V4, 6, 40); tcp(e, 20, 40, 1, 2, SYN, 0, 0); }, true));
        g.add(checksum("ipv4 tcp bad checksum",
                PacketBuilder.ipv4(C4, V4).tcp(1, 2).flags(SYN).corruptChecksum().bytes(),
                e -> { v4(e, C4, V4, 6, 40); tcp(e, 20, 40, 1, 2, SYN, 0, 0); }, false));
        g.add(checksum("ipv4 udp bad checksum",
                PacketBuilder.ipv4(C4, V4).udp(1, 2).payload("abc").corruptChecksum().bytes(),
                e -> { v4(e, C4, V4, 17, 31); ports(e, 20, 28, 1, 2); }, false));
        g.add(checksum("ipv4 sctp bad crc32c",
                PacketBuilder.ipv4(C4, V4).sctp(1, 2, 3).chunk(1, 0, new byte[16]).corruptChecksum().bytes(),
                e -> { v4(e, C4, V4, 132, 52); ports(e, 20, 32, 1, 2); }, false));
        g.add(checksum("ipv4 icmp bad checksum",
                PacketBuilder.ipv4(C4, V4).icmpEcho(5, 6).corruptChecksum().bytes(),
                e -> { v4(e, C4, V4, 1, 28); e.l4Offset = 20; e.payloadOffset = 28; e.icmpType = 8; e.icmpCode = 0;
                    e.srcPort = 5; }, false));

        // ---------------- IPv6 ----------------
        g.add(ok("ipv6 tcp syn",
                PacketBuilder.ipv6(C6, V6).tos(0xb8).ttl(255).tcp(50000, 443).flags(SYN).seq(7).tcpOptions(LINUX_SYN_OPTIONS).bytes(),
                e -> { v6(e, C6, V6, 6, 80); e.trafficClass = 0xb8; e.ttl = 255; tcp(e, 40, 80, 50000, 443, SYN, 7, 0); }));
        g.add(ok("ipv6 udp behind hop-by-hop, routing and destination options",
                PacketBuilder.ipv6(C6, V6).hopByHop(new byte[] {5, 2, 0, 0}).routing(4, 0, new byte[20])
                        .destinationOptions().udp(1000, 53).payload("dns").bytes(),
                e -> { v6(e, C6, V6, 17, 40 + 8 + 24 + 8 + 11); ports(e, 80, 88, 1000, 53); }));
        g.add(checksum("ipv6 udp with a zero checksum",
                PacketBuilder.ipv6(C6, V6).udp(1000, 53).zeroUdpChecksum().payload("dns").bytes(),
                e -> { v6(e, C6, V6, 17, 51); ports(e, 40, 48, 1000, 53); }, false));
        g.add(ok("ipv6 sctp behind an authentication header",
                PacketBuilder.ipv6(C6, V6).authenticationHeader(0x1000, 1, 12).sctp(3868, 3868, 0x11111111L)
                        .chunk(PacketBuilder.SCTP_COOKIE_ECHO, 0, new byte[8]).bytes(),
                e -> { v6(e, C6, V6, 132, 40 + 24 + 12 + 12); ports(e, 64, 76, 3868, 3868); }));
        g.add(ok("ipv6 icmpv6 echo request",
                PacketBuilder.ipv6(C6, V6).icmpEcho(0x0102, 9).payload(new byte[32]).bytes(),
                e -> { v6(e, C6, V6, 58, 80); e.l4Offset = 40; e.payloadOffset = 48; e.srcPort = 0x0102;
                    e.icmpType = 128; e.icmpCode = 0; }));
        byte[] reply6 = PacketBuilder.ipv6(R6, C6).destinationOptions().tcp(443, 50000).flags(ACK).payload(new byte[1400]).bytes();
        g.add(ok("ipv6 packet too big quoting tcp behind destination options",
                PacketBuilder.ipv6("2001:db8::1", R6).icmpError(2, 0, 1280, Arrays.copyOf(reply6, 1232)).bytes(),
                e -> { v6(e, "2001:db8::1", R6, 58, 1280); e.l4Offset = 40; e.payloadOffset = 48; e.icmpType = 2;
                    e.icmpCode = 0; inner6(e, 48, 96, 6, R6, C6, 443, 50000); }));
        g.add(ok("ipv6 time exceeded quoting udp",
                PacketBuilder.ipv6(R6, C6).icmpError(3, 0, 0, Arrays.copyOf(
                        PacketBuilder.ipv6(C6, V6).udp(5353, 53).payload(new byte[100]).bytes(), 48)).bytes(),
                e -> { v6(e, R6, C6, 58, 96); e.l4Offset = 40; e.payloadOffset = 48; e.icmpType = 3; e.icmpCode = 0;
                    inner6(e, 48, 88, 17, C6, V6, 5353, 53); }));
        g.add(status("ipv6 icmp error with a quote cut inside the quoted extension header",
                PacketBuilder.ipv6(R6, C6).icmpError(1, 4, 0, Arrays.copyOf(reply6, 44)).bytes(),
                ParseStatus.L4_TRUNCATED,
                e -> { v6(e, R6, C6, 58, 92); e.l4Offset = 40; e.payloadOffset = 48; e.icmpType = 1; e.icmpCode = 4; }));
        g.add(ok("ipv6 first fragment of tcp",
                PacketBuilder.ipv6(C6, V6).fragmentHeader(0, true, 0xabcdef01).tcp(1, 2).flags(ACK).payload(new byte[1000]).bytes(),
                e -> { v6(e, C6, V6, 6, 1068); e.fragment = true; e.firstFragment = true; e.moreFragments = true;
                    e.fragmentId = 0xabcdef01L; tcp(e, 48, 68, 1, 2, ACK, 0, 0); }));
        g.add(status("ipv6 later fragment",
                PacketBuilder.ipv6(C6, V6).hopByHop().fragmentHeader(1232, false, 5).raw(6, new byte[200]).bytes(),
                ParseStatus.NON_FIRST_FRAGMENT,
                e -> { v6(e, C6, V6, 6, 256); e.fragment = true; e.fragmentOffset = 1232; e.fragmentId = 5; }));
        g.add(ok("ipv6 atomic fragment is a whole packet",
                PacketBuilder.ipv6(C6, V6).fragmentHeader(0, false, 6).udp(9, 10).bytes(),
                e -> { v6(e, C6, V6, 17, 56); e.fragmentId = 6; ports(e, 48, 56, 9, 10); }));
        g.add(ok("ipv6 no next header",
                PacketBuilder.ipv6(C6, V6).bytes(),
                e -> { v6(e, C6, V6, 59, 40); e.l4Offset = 40; }));
        g.add(ok("icmp (v4) over ipv6 is opaque",
                PacketBuilder.ipv6(C6, V6).raw(1, new byte[] {8, 0, 0, 0, 0, 0, 0, 0}).bytes(),
                e -> { v6(e, C6, V6, 1, 48); e.l4Offset = 40; }));
        PacketBuilder nine = PacketBuilder.ipv6(C6, V6);
        for (int i = 0; i < 9; i++) {
            nine.destinationOptions();
        }
        g.add(status("ipv6 nine extension headers", nine.udp(1, 2).bytes(), ParseStatus.EXTENSION_CHAIN_TOO_LONG,
                e -> v6(e, C6, V6, -1, 40 + 72 + 8)));
        g.add(status("ipv6 extension header overrunning the packet",
                withByte(PacketBuilder.ipv6(C6, V6).destinationOptions().udp(1, 2).bytes(), 41, 3),
                ParseStatus.EXTENSION_CHAIN_TOO_LONG, e -> v6(e, C6, V6, -1, 56)));
        g.add(status("ipv6 hop-by-hop after destination options",
                PacketBuilder.ipv6(C6, V6).destinationOptions().hopByHop().udp(1, 2).bytes(),
                ParseStatus.EXTENSION_CHAIN_TOO_LONG, e -> v6(e, C6, V6, -1, 64)));
        g.add(status("ipv6 payload length beyond the buffer",
                PacketBuilder.ipv6(C6, V6).totalLengthOverride(21).tcp(1, 2).bytes(), ParseStatus.BAD_TOTAL_LENGTH,
                e -> e.family = 6));
        g.add(status("ipv6 header cut at 39 bytes",
                Arrays.copyOf(PacketBuilder.ipv6(C6, V6).tcp(1, 2).bytes(), 39), ParseStatus.TRUNCATED, e -> { }));
        g.add(status("ipv6 udp header cut",
                PacketBuilder.ipv6(C6, V6).raw(17, new byte[7]).bytes(), ParseStatus.L4_TRUNCATED,
                e -> { v6(e, C6, V6, 17, 47); e.l4Offset = 40; }));
        g.add(checksum("ipv6 tcp bad checksum",
                PacketBuilder.ipv6(C6, V6).tcp(1, 2).flags(SYN).corruptChecksum().bytes(),
                e -> { v6(e, C6, V6, 6, 60); tcp(e, 40, 60, 1, 2, SYN, 0, 0); }, false));
        g.add(checksum("ipv6 icmpv6 bad checksum",
                PacketBuilder.ipv6(C6, V6).icmpEcho(1, 1).corruptChecksum().bytes(),
                e -> { v6(e, C6, V6, 58, 48); e.l4Offset = 40; e.payloadOffset = 48; e.icmpType = 128; e.icmpCode = 0;
                    e.srcPort = 1; }, false));
        return g;
    }

    // ---- expectation helpers (offsets relative to the packet start) ----

    private static Golden ok(String name, byte[] packet, Consumer<PacketInfo> expected) {
        return status(name, packet, ParseStatus.OK, expected);
    }

    private static Golden status(String name, byte[] packet, ParseStatus status, Consumer<PacketInfo> expected) {
        PacketInfo e = new PacketInfo();
        e.l3Offset = 0;
        expected.accept(e);
        return new Golden(name, packet, status, status, e, e);
    }

    /** A packet whose checksum is wrong: BAD_CHECKSUM when verifying, OK otherwise (except {@code ipHeader}: no L4 fields then). */
    private static Golden checksum(String name, byte[] packet, Consumer<PacketInfo> expected, boolean ipHeader) {
        PacketInfo e = new PacketInfo();
        e.l3Offset = 0;
        expected.accept(e);
        PacketInfo verified = new PacketInfo();
        verified.l3Offset = 0;
        expected.accept(verified);
        if (ipHeader) {
            // the IPv4 header checksum is checked before the transport header is read
            verified.l4Offset = verified.payloadOffset = -1;
            verified.srcPort = verified.dstPort = verified.tcpFlags = 0;
            verified.tcpSeq = verified.tcpAck = 0;
        }
        return new Golden(name, packet, ParseStatus.BAD_CHECKSUM, ParseStatus.OK, verified, e);
    }

    static void v4(PacketInfo e, String src, String dst, int protocol, int end) {
        e.family = 4;
        e.protocol = protocol;
        e.end = end;
        e.ttl = 64;
        e.srcLow = low(src);
        e.dstLow = low(dst);
        e.fragmentId = 0x1c46;
    }

    static void v6(PacketInfo e, String src, String dst, int protocol, int end) {
        e.family = 6;
        e.protocol = protocol;
        e.end = end;
        e.ttl = 64;
        e.srcHigh = high(src);
        e.srcLow = low(src);
        e.dstHigh = high(dst);
        e.dstLow = low(dst);
        e.dontFragment = true;
    }

    static void ports(PacketInfo e, int l4, int payload, int src, int dst) {
        e.l4Offset = l4;
        e.payloadOffset = payload;
        e.srcPort = src;
        e.dstPort = dst;
    }

    static void tcp(PacketInfo e, int l4, int payload, int src, int dst, int flags, long seq, long ack) {
        ports(e, l4, payload, src, dst);
        e.tcpFlags = flags;
        e.tcpSeq = seq;
        e.tcpAck = ack;
    }

    static void inner4(PacketInfo e, int l3, int l4, int protocol, String src, String dst, int srcPort, int dstPort) {
        e.icmpError = true;
        e.innerL3Offset = l3;
        e.innerL4Offset = l4;
        e.innerProtocol = protocol;
        e.innerSrcLow = low(src);
        e.innerDstLow = low(dst);
        e.innerSrcPort = srcPort;
        e.innerDstPort = dstPort;
    }

    static void inner6(PacketInfo e, int l3, int l4, int protocol, String src, String dst, int srcPort, int dstPort) {
        inner4(e, l3, l4, protocol, src, dst, srcPort, dstPort);
        e.innerSrcHigh = high(src);
        e.innerDstHigh = high(dst);
    }

    private static long high(String address) {
        return Addresses.high(InetAddresses.forString(address));
    }

    private static long low(String address) {
        InetAddress a = InetAddresses.forString(address);
        return Addresses.low(a);
    }

    private static byte[] nops(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 1);
        return b;
    }

    private static byte[] withByte(byte[] packet, int at, int value) {
        packet[at] = (byte) value;
        return packet;
    }

    private static byte[] udpHeader(int src, int dst, int length) {
        return new byte[] {(byte) (src >>> 8), (byte) src, (byte) (dst >>> 8), (byte) dst,
            (byte) (length >>> 8), (byte) length, 0, 0};
    }
}
