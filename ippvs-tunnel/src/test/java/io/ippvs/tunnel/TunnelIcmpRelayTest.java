package io.ippvs.tunnel;

import static io.ippvs.tunnel.testing.TunnelFixtures.big4;
import static io.ippvs.tunnel.testing.TunnelFixtures.big6;
import static io.ippvs.tunnel.testing.TunnelFixtures.tcp4;
import static io.ippvs.tunnel.testing.TunnelFixtures.tcp6;
import static io.ippvs.tunnel.testing.Wire.CLIENT_V4;
import static io.ippvs.tunnel.testing.Wire.CLIENT_V6;
import static io.ippvs.tunnel.testing.Wire.DIRECTOR_V4;
import static io.ippvs.tunnel.testing.Wire.DIRECTOR_V6;
import static io.ippvs.tunnel.testing.Wire.GUE_PORT;
import static io.ippvs.tunnel.testing.Wire.VIP_V4;
import static io.ippvs.tunnel.testing.Wire.VIP_V6;
import static io.ippvs.tunnel.testing.Wire.greWithChecksum;
import static io.ippvs.tunnel.testing.Wire.gue;
import static io.ippvs.tunnel.testing.Wire.outerV4;
import static io.ippvs.tunnel.testing.Wire.outerV6;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.io.BaseEncoding;
import com.google.common.net.InetAddresses;
import com.google.common.primitives.Bytes;
import io.ippvs.api.DropReason;
import io.ippvs.api.IcmpErrorHandler;
import io.ippvs.api.RealServer;
import io.ippvs.api.Verdict;
import io.ippvs.core.testing.FakeRealServer;
import io.ippvs.testkit.ChecksumVerifier;
import io.ippvs.testkit.PacketBuilder;
import io.ippvs.tunnel.testing.TunnelFixtures;
import io.ippvs.tunnel.testing.Wire;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Golden fixtures of ICMP errors about tunnel packets, relayed to the client (raw packets, no director). */
class TunnelIcmpRelayTest {

    static final TunnelIcmpRelay RELAY = TunnelIcmpRelay.forSources(List.of(
            InetAddresses.forString(DIRECTOR_V4), InetAddresses.forString(DIRECTOR_V6)));

    /** The connection table of the test: client port 40000 to virtual port 80 over TCP, tunnelled to {@code server}. */
    static IcmpErrorHandler.Connections known(RealServer server) {
        return (family, protocol, ch, cl, clientPort, vh, vl, virtualPort) ->
                protocol == 6 && clientPort == 40000 && virtualPort == 80 ? server : null;
    }

    record Case(String description, RealServer server, byte[] input, Verdict verdict, byte[] output) {

        /** The connection's real server: the fixtures' IPv4 or IPv6 one, by the family of the arriving error. */
        static Case of(String description, byte[] input, Verdict verdict, byte[] output) {
            return new Case(description, (input[0] & 0xF0) == 0x60 ? TunnelFixtures.ipip6().fake() : TunnelFixtures.ipip4().fake(),
                    input, verdict, output);
        }

        @Override
        public String toString() {
            return description;
        }
    }

    /** A router's ICMPv4 error to the director quoting the first {@code quoted} bytes of a tunnel packet. */
    static byte[] icmp4(int type, int code, int rest, byte[] tunnelPacket, int quoted) {
        return PacketBuilder.ipv4("10.1.1.1", DIRECTOR_V4).ttl(250)
                .icmpError(type, code, rest, Arrays.copyOf(tunnelPacket, Math.min(quoted, tunnelPacket.length))).bytes();
    }

    static byte[] icmp6(int type, int code, int rest, byte[] tunnelPacket, int quoted) {
        return PacketBuilder.ipv6("fd00::1:1", DIRECTOR_V6).ttl(250)
                .icmpError(type, code, rest, Arrays.copyOf(tunnelPacket, Math.min(quoted, tunnelPacket.length))).bytes();
    }

    static byte[] toClient4(int type, int code, int rest, byte[] inner, int quoted) {
        return PacketBuilder.ipv4(VIP_V4, CLIENT_V4).tos(0xC0).id(0).ttl(64)
                .icmpError(type, code, rest, Arrays.copyOf(inner, Math.min(quoted, inner.length))).bytes();
    }

    static byte[] toClient6(int type, int code, int rest, byte[] inner, int quoted) {
        return PacketBuilder.ipv6(VIP_V6, CLIENT_V6).ttl(64)
                .icmpError(type, code, rest, Arrays.copyOf(inner, Math.min(quoted, inner.length))).bytes();
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        byte[] big = big4(63, 1500, true).bytes();
        byte[] ipipBig = outerV4(0, true, 63).raw(4, big).bytes();
        c.add(Case.of("frag needed (MTU 1400) about IPIP 4in4 -> frag needed 1380 to the client, 528 bytes quoted",
                icmp4(3, 4, 1400, ipipBig, 548), Verdict.REPLY, toClient4(3, 4, 1380, big, 528)));
        byte[] small = tcp4(63).bytes();
        c.add(Case.of("host unreachable about IPIP 4in4, minimal quote",
                icmp4(3, 1, 0, outerV4(0, true, 63).raw(4, small).bytes(), 20 + 28), Verdict.REPLY,
                toClient4(3, 1, 0, small, 28)));
        c.add(Case.of("time exceeded about GUE 4in4",
                icmp4(11, 0, 0, outerV4(0, true, 63).udp(60000, GUE_PORT).payload(Bytes.concat(gue(4), small)).bytes(), 548),
                Verdict.REPLY, toClient4(11, 0, 0, small, 548)));
        c.add(Case.of("frag needed (MTU 1400) about GRE with checksum -> 1372",
                icmp4(3, 4, 1400, outerV4(0, true, 63).raw(47, greWithChecksum(0x0800, big)).bytes(), 548),
                Verdict.REPLY, toClient4(3, 4, 1372, big, 548 - 28)));
        byte[] big6 = big6(63, 1500).bytes();
        c.add(Case.of("packet too big (1400) about IPIP 6in6 -> packet too big 1360",
                icmp6(2, 0, 1400, outerV6(0, 63).raw(41, big6).bytes(), 1232), Verdict.REPLY,
                toClient6(2, 0, 1360, big6, 1232 - 40)));
        byte[] small6 = tcp6(63).bytes();
        c.add(Case.of("time exceeded about GUE 6in6",
                icmp6(3, 0, 0, outerV6(0, 63).udp(60000, GUE_PORT).payload(Bytes.concat(gue(41), small6)).bytes(), 1232),
                Verdict.REPLY, toClient6(3, 0, 0, small6, 1232)));
        c.add(Case.of("ICMPv4 frag needed (1400) about 6in4 -> ICMPv6 packet too big 1380",
                icmp4(3, 4, 1400, outerV4(0, true, 63).raw(41, big6).bytes(), 548), Verdict.REPLY,
                toClient6(2, 0, 1380, big6, 528)));
        c.add(Case.of("ICMPv6 packet too big (1400) about 4in6 -> ICMPv4 frag needed 1360",
                icmp6(2, 0, 1400, outerV6(0, 63).raw(4, big).bytes(), 1232), Verdict.REPLY,
                toClient4(3, 4, 1360, big, 548)));
        c.add(Case.of("ICMPv4 port unreachable about 6in4 -> ICMPv6 port unreachable",
                icmp4(3, 3, 0, outerV4(0, true, 63).raw(41, small6).bytes(), 548), Verdict.REPLY,
                toClient6(1, 4, 0, small6, 548)));
        c.add(Case.of("ICMPv6 time exceeded about 4in6 -> ICMPv4 time exceeded",
                icmp6(3, 0, 0, outerV6(0, 63).raw(4, small).bytes(), 1232), Verdict.REPLY,
                toClient4(11, 0, 0, small, 548)));
        c.add(Case.of("frag needed reporting MTU 60 -> clamped to 68",
                icmp4(3, 4, 60, ipipBig, 548), Verdict.REPLY, toClient4(3, 4, 68, big, 528)));
        byte[] noDf = big4(63, 1500, false).bytes();
        byte[] input = icmp4(3, 4, 1400, outerV4(0, false, 63).raw(4, noDf).bytes(), 548);
        c.add(Case.of("frag needed for a client packet without DF: not relayed", input,
                Verdict.drop(DropReason.UNSUPPORTED), input));
        input = icmp4(12, 0, 0x08000000, ipipBig, 548);
        c.add(Case.of("parameter problem (points into our header): not relayed", input, Verdict.drop(DropReason.UNSUPPORTED), input));
        byte[] other = PacketBuilder.ipv4(Wire.CLIENT_V4, VIP_V4).ttl(63).tcp(40001, 80).payload("x").bytes();
        input = icmp4(3, 1, 0, outerV4(0, true, 63).raw(4, other).bytes(), 548);
        c.add(Case.of("client packet of no known connection: UNMATCHED_ICMP", input, Verdict.drop(DropReason.UNMATCHED_ICMP), input));
        input = icmp4(3, 1, 0, outerV4(0, true, 63).raw(4, small).bytes(), 548);
        c.add(new Case("connection tunnelled to another real server: UNMATCHED_ICMP", FakeRealServer.ipip("10.0.0.22"),
                input, Verdict.drop(DropReason.UNMATCHED_ICMP), input));
        c.add(new Case("connection forwarded by direct routing: UNMATCHED_ICMP", FakeRealServer.direct(Wire.SERVER_V4, 0),
                input, Verdict.drop(DropReason.UNMATCHED_ICMP), input));
        input = icmp4(3, 1, 0, PacketBuilder.ipv4("10.0.0.3", Wire.SERVER_V4).raw(4, small).bytes(), 548);
        c.add(Case.of("tunnel packet from another source: not ours (null)", input, null, input));
        input = icmp4(3, 1, 0, outerV4(0, true, 63).raw(4, small).bytes(), 28);
        c.add(Case.of("RFC 792 quote (outer header + 8 bytes): client packet not visible (null)", input, null, input));
        input = PacketBuilder.ipv4("10.1.1.1", DIRECTOR_V4).icmpEcho(1, 1).bytes();
        c.add(Case.of("echo request: not an error (null)", input, null, input));
        input = icmp4(3, 1, 0, PacketBuilder.ipv4(DIRECTOR_V4, Wire.SERVER_V4).tcp(1, 2).bytes(), 548);
        c.add(Case.of("error about a plain TCP packet of ours (null)", input, null, input));
        return c;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fixture(Case c) {
        ByteBuffer buffer = ByteBuffer.allocate(c.input().length + 32);
        buffer.position(16);
        buffer.put(c.input());
        buffer.position(16).limit(16 + c.input().length);

        Verdict verdict = RELAY.handle(buffer, new TunnelIcmpRelay.Quote(), known(c.server()));

        assertThat(verdict).isEqualTo(c.verdict());
        assertThat(hex(ChecksumVerifier.toBytes(buffer))).isEqualTo(hex(c.output()));
        if (verdict == Verdict.REPLY) {
            ChecksumVerifier.assertValid(buffer);
        }
    }

    static String hex(byte[] b) {
        return BaseEncoding.base16().lowerCase().encode(b);
    }
}
