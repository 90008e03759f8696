package io.ippvs.tunnel.testing;

import static io.ippvs.tunnel.testing.Wire.CLIENT_V4;
import static io.ippvs.tunnel.testing.Wire.CLIENT_V6;
import static io.ippvs.tunnel.testing.Wire.GUE_PORT;
import static io.ippvs.tunnel.testing.Wire.GUE_SOURCE_PORT;
import static io.ippvs.tunnel.testing.Wire.SERVER_V4;
import static io.ippvs.tunnel.testing.Wire.SERVER_V6;
import static io.ippvs.tunnel.testing.Wire.VIP_V4;
import static io.ippvs.tunnel.testing.Wire.VIP_V6;
import static io.ippvs.tunnel.testing.Wire.gre;
import static io.ippvs.tunnel.testing.Wire.greWithChecksum;
import static io.ippvs.tunnel.testing.Wire.gue;
import static io.ippvs.tunnel.testing.Wire.outerV4;
import static io.ippvs.tunnel.testing.Wire.outerV6;

import com.google.common.net.InetAddresses;
import com.google.common.primitives.Bytes;
import io.ippvs.api.DropReason;
import io.ippvs.api.PacketRewriter;
import io.ippvs.api.TunnelChecksum;
import io.ippvs.api.TunnelType;
import io.ippvs.api.Verdict;
import io.ippvs.core.testing.Fixture;
import io.ippvs.core.testing.FixtureRunner;
import io.ippvs.testkit.PacketBuilder;
import io.ippvs.tunnel.DirectRouteRewriter;
import io.ippvs.tunnel.TunnelRewriter;
import io.ippvs.tunnel.TunnelRewriterHooks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Golden fixtures of the tunnel and direct-route rewriters, grouped as Katran groups its fixtures:
 * data-only {@link Fixture}s (a client's packet and its placement, the real server as data, the
 * rewriter variant by name, the expected verdict and bytes), each independent of the others ({@link
 * FixtureRunner.Order#INDEPENDENT}), built from hand-written outer headers ({@link Wire}), never by
 * running the code under test. {@link #rewriter} makes the variants; {@code FixtureReplayBenchmark}
 * replays the list.
 *
 * <p>The class sits in {@code io.ippvs.tunnel.testing}, a package of the tests that the module does
 * not export, so its public signatures may carry the test kit's types (on the class path) without
 * {@code -Xlint:exports} objecting.
 */
public final class TunnelFixtures {

    private static final int ACK_PSH = PacketBuilder.ACK | PacketBuilder.PSH;

    private TunnelFixtures() {}

    // ---- inner packets (client -> virtual service) ----

    public static PacketBuilder tcp4(int ttl) {
        return PacketBuilder.ipv4(CLIENT_V4, VIP_V4).ttl(ttl).id(0x4242).dontFragment(true)
                .tcp(40000, 80).flags(ACK_PSH).seq(1000).ack(2000).payload("hello tunnel");
    }

    public static PacketBuilder tcp6(int hopLimit) {
        return PacketBuilder.ipv6(CLIENT_V6, VIP_V6).ttl(hopLimit)
                .tcp(40000, 80).flags(ACK_PSH).seq(1000).ack(2000).payload("hello tunnel");
    }

    /** An inner packet of exactly {@code length} bytes. */
    public static PacketBuilder big4(int ttl, int length, boolean df) {
        return PacketBuilder.ipv4(CLIENT_V4, VIP_V4).ttl(ttl).id(0x4242).dontFragment(df)
                .tcp(40000, 80).flags(ACK_PSH).seq(1000).ack(2000).payload(filler(length - 40));
    }

    public static PacketBuilder big6(int hopLimit, int length) {
        return PacketBuilder.ipv6(CLIENT_V6, VIP_V6).ttl(hopLimit)
                .tcp(40000, 80).flags(ACK_PSH).seq(1000).ack(2000).payload(filler(length - 60));
    }

    public static byte[] filler(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 3);
        }
        return b;
    }

    // ---- rewriters: the variants a fixture names (Fixture.rewriter), made by rewriter(variant, n) ----

    /** The default tunnel rewriter (the fixtures' sources, flow hash and first identification). */
    public static final String TUNNEL = Fixture.DEFAULT_REWRITER;
    public static final String PMTU_OFF = "tunnel, PMTU discovery off";
    public static final String SOURCE_PER_SERVER = "tunnel, outer source 10.9.9.9 for 10.0.0.21";
    public static final String IPV4_SOURCE_ONLY = "tunnel with an IPv4 source only";
    public static final String ZERO_UDP6 = "tunnel, zero IPv6 UDP checksum allowed";
    public static final String GUE_PORT_10000 = "tunnel, GUE source ports 10000..10000";
    public static final String LINK_MTU_9000 = "tunnel, link MTU 9000";
    public static final String KEEP_TTL = "tunnel, TTL not decremented";
    public static final String DR = "direct route";
    public static final String DR_KEEP_TTL = "direct route, TTL not decremented";

    /**
     * A fresh rewriter of {@code variant}: its first IPv4 identification is {@link Wire#ID} less
     * {@code packetsBefore}, so the fixture's own packet carries {@link Wire#ID} (a {@link
     * FixtureRunner.Rewriters}).
     */
    public static PacketRewriter rewriter(String variant, int packetsBefore) {
        int id = Wire.ID - packetsBefore;
        switch (variant) {
            case TUNNEL: return tunnelBuilder(id).build();
            case PMTU_OFF: return tunnelBuilder(id).pmtuDiscovery(false).build();
            case SOURCE_PER_SERVER: return tunnelBuilder(id)
                    .sourceAddress(InetAddresses.forString(SERVER_V4), InetAddresses.forString("10.9.9.9")).build();
            case IPV4_SOURCE_ONLY: return TunnelRewriter.builder().sourceAddress(InetAddresses.forString(Wire.DIRECTOR_V4)).build();
            case ZERO_UDP6: return tunnelBuilder(id).ipv6ZeroUdpChecksum(true).build();
            case GUE_PORT_10000: return tunnelBuilder(id).gueSourcePorts(10000, 10000).build();
            case LINK_MTU_9000: return tunnelBuilder(id).linkMtu(9000).build();
            case KEEP_TTL: return tunnelBuilder(id).decrementTtl(false).build();
            case DR: return DirectRouteRewriter.builder().build();
            case DR_KEEP_TTL: return DirectRouteRewriter.builder().decrementTtl(false).build();
            default: throw new IllegalArgumentException("rewriter variant: " + variant);
        }
    }

    public static TunnelRewriter.Builder tunnelBuilder() {
        return tunnelBuilder(Wire.ID);
    }

    public static TunnelRewriter.Builder tunnelBuilder(int identificationStart) {
        return TunnelRewriterHooks.identificationStart(TunnelRewriter.builder()
                .sourceAddress(InetAddresses.forString(Wire.DIRECTOR_V4))
                .sourceAddress(InetAddresses.forString(Wire.DIRECTOR_V6))
                .flowHash((f, p, ch, cl, cp, vh, vl, vp) -> Wire.HASH), identificationStart);
    }

    // ---- real servers, as data ----

    public static Fixture.Server ipip4() {
        return Fixture.Server.ipip(SERVER_V4);
    }

    public static Fixture.Server ipip6() {
        return Fixture.Server.ipip(SERVER_V6);
    }

    public static Fixture.Server gue4(TunnelChecksum c) {
        return Fixture.Server.tunnel(SERVER_V4, TunnelType.GUE, GUE_PORT, c, 0);
    }

    public static Fixture.Server gue6(TunnelChecksum c) {
        return Fixture.Server.tunnel(SERVER_V6, TunnelType.GUE, GUE_PORT, c, 0);
    }

    public static Fixture.Server gre4(TunnelChecksum c) {
        return Fixture.Server.tunnel(SERVER_V4, TunnelType.GRE, 0, c, 0);
    }

    public static Fixture.Server gre6(TunnelChecksum c) {
        return Fixture.Server.tunnel(SERVER_V6, TunnelType.GRE, 0, c, 0);
    }

    // ---- expected ICMP errors (IcmpErrors' documented form: precedence 0xC0, TTL 64, from the VIP) ----

    public static byte[] fragNeeded(byte[] original, int mtu) {
        int tos = original[1] & 0xFF;
        byte[] quote = Arrays.copyOf(original, Math.min(original.length, 576 - 28));
        return PacketBuilder.ipv4(VIP_V4, CLIENT_V4).tos((tos & 0x1E) | 0xC0).id(0).ttl(64)
                .icmpError(PacketBuilder.ICMP_DEST_UNREACHABLE, PacketBuilder.ICMP_FRAG_NEEDED, mtu, quote).bytes();
    }

    public static byte[] packetTooBig(byte[] original, int mtu) {
        byte[] quote = Arrays.copyOf(original, Math.min(original.length, 1280 - 48));
        return PacketBuilder.ipv6(VIP_V6, CLIENT_V6).ttl(64)
                .icmpError(PacketBuilder.ICMPV6_PACKET_TOO_BIG, 0, mtu, quote).bytes();
    }

    public static byte[] timeExceeded4(byte[] original) {
        int tos = original[1] & 0xFF;
        return PacketBuilder.ipv4(VIP_V4, CLIENT_V4).tos((tos & 0x1E) | 0xC0).id(0).ttl(64)
                .icmpError(PacketBuilder.ICMP_TIME_EXCEEDED, 0, 0, original).bytes();
    }

    public static byte[] timeExceeded6(byte[] original) {
        return PacketBuilder.ipv6(VIP_V6, CLIENT_V6).ttl(64)
                .icmpError(PacketBuilder.ICMPV6_TIME_EXCEEDED, 0, 0, original).bytes();
    }

    /** On a heap buffer with 64 bytes of headroom and none after. */
    private static Fixture fx(String d, String rewriter, Fixture.Server s, byte[] in, Verdict v, byte[] out) {
        return fx(d, rewriter, s, in, false, 64, 0, v, out);
    }

    /**
     * A client's packet to the virtual service and what the rewriter makes of it. A fixture whose
     * packet is an ICMP error is the rewriter's alone: a director answers an error by the connection it
     * quotes. The one fixture asking for a zero UDP checksum over IPv6 expects the verifier to say so.
     */
    private static Fixture fx(String d, String rewriter, Fixture.Server s, byte[] in, boolean direct,
                              int headroom, int tailroom, Verdict v, byte[] out) {
        int next = in[(in[0] & 0xF0) == 0x60 ? 6 : 9] & 0xFF;
        boolean icmp = next == 1 || next == 58;
        List<String> problems = rewriter.equals(ZERO_UDP6) && v.isForward() && (out[0] & 0xF0) == 0x60
                ? List.of("UDP checksum zero over IPv6") : List.of();
        return new Fixture(d, in, new Fixture.Placement(direct, headroom, tailroom), Fixture.Flow.ofClientPacket(in, s), false,
                rewriter, icmp ? Fixture.Scope.REWRITER : Fixture.Scope.BOTH, v, out, problems);
    }

    public static List<Fixture> ipipGroup() {
        List<Fixture> f = new ArrayList<>();
        byte[] in4 = tcp4(64).bytes();
        byte[] ipip4 = outerV4(0, true, 63).raw(4, tcp4(63).bytes()).bytes();
        f.add(fx("IPIP 4in4, heap buffer, 64 bytes headroom", TUNNEL, ipip4(), in4, Verdict.FORWARD, ipip4));
        f.add(fx("IPIP 4in4, direct buffer, 64 bytes headroom", TUNNEL, ipip4(), in4, true, 64, 0, Verdict.FORWARD, ipip4));
        f.add(fx("IPIP 4in4, exactly 20 bytes headroom", TUNNEL, ipip4(), in4, false, 20, 0, Verdict.FORWARD, ipip4));
        f.add(fx("IPIP 4in4, no headroom, 20 bytes tailroom: packet shifted (heap)", TUNNEL, ipip4(), in4,
                false, 0, 20, Verdict.FORWARD, ipip4));
        f.add(fx("IPIP 4in4, no headroom, 20 bytes tailroom: packet shifted (direct)", TUNNEL, ipip4(), in4,
                true, 0, 20, Verdict.FORWARD, ipip4));
        f.add(fx("IPIP 4in4, 8 bytes headroom and 12 tailroom: shifted by 12", TUNNEL, ipip4(), in4,
                true, 8, 12, Verdict.FORWARD, ipip4));
        f.add(fx("IPIP 4in4, 19 bytes of room in all: NO_HEADROOM, untouched", TUNNEL, ipip4(), in4,
                false, 10, 9, Verdict.drop(DropReason.NO_HEADROOM), in4));
        byte[] noDf = tcp4(64).dontFragment(false).bytes();
        f.add(fx("IPIP 4in4, inner without DF: outer DF clear", TUNNEL, ipip4(), noDf, Verdict.FORWARD,
                outerV4(0, false, 63).raw(4, tcp4(63).dontFragment(false).bytes()).bytes()));
        f.add(fx("IPIP 4in4, PMTU discovery off: outer DF clear although inner DF", PMTU_OFF,
                ipip4(), in4, Verdict.FORWARD, outerV4(0, false, 63).raw(4, tcp4(63).bytes()).bytes()));
        f.add(fx("IPIP 4in4, DSCP EF + CE: TOS copied, CE kept (RFC 6040 normal mode)", TUNNEL, ipip4(),
                tcp4(64).tos(0xBB).bytes(), Verdict.FORWARD, outerV4(0xBB, true, 63).raw(4, tcp4(63).tos(0xBB).bytes()).bytes()));
        f.add(fx("IPIP 4in4, ECT(1)", TUNNEL, ipip4(), tcp4(64).tos(0x01).bytes(), Verdict.FORWARD,
                outerV4(0x01, true, 63).raw(4, tcp4(63).tos(0x01).bytes()).bytes()));
        f.add(fx("IPIP 6in4: protocol 41, DF set for IPv6 inner", TUNNEL, ipip4(), tcp6(64).tos(0x2A).bytes(),
                Verdict.FORWARD, outerV4(0x2A, true, 63).raw(41, tcp6(63).tos(0x2A).bytes()).bytes()));
        f.add(fx("IPIP 4in6: next header 4, traffic class and flow label", TUNNEL, ipip6(), tcp4(64).tos(0x12).bytes(),
                Verdict.FORWARD, outerV6(0x12, 63).raw(4, tcp4(63).tos(0x12).bytes()).bytes()));
        f.add(fx("IPIP 6in6: next header 41, CE kept", TUNNEL, ipip6(), tcp6(64).tos(0x2B).bytes(),
                Verdict.FORWARD, outerV6(0x2B, 63).raw(41, tcp6(63).tos(0x2B).bytes()).bytes()));
        f.add(fx("IPIP 6in6, direct buffer, no headroom: shifted by 40", TUNNEL, ipip6(), tcp6(64).bytes(),
                true, 0, 40, Verdict.FORWARD, outerV6(0, 63).raw(41, tcp6(63).bytes()).bytes()));
        byte[] udp = PacketBuilder.ipv4(CLIENT_V4, VIP_V4).ttl(30).udp(5353, 53).payload("query").bytes();
        f.add(fx("IPIP 4in4, UDP inner, TTL 30", TUNNEL, ipip4(), udp, Verdict.FORWARD,
                outerV4(0, false, 29).raw(4, PacketBuilder.ipv4(CLIENT_V4, VIP_V4).ttl(29).udp(5353, 53).payload("query").bytes()).bytes()));
        f.add(fx("IPIP 4in4, 6 bytes of link padding after the packet: not tunnelled", TUNNEL, ipip4(),
                Bytes.concat(in4, new byte[6]), Verdict.FORWARD, ipip4));
        f.add(fx("IPIP 4in4, per-server outer source 10.9.9.9", SOURCE_PER_SERVER, ipip4(), in4,
                Verdict.FORWARD, outerV4(0, true, 63).source("10.9.9.9").raw(4, tcp4(63).bytes()).bytes()));
        f.add(fx("IPIP 4in6 without an IPv6 source configured: UNSUPPORTED", IPV4_SOURCE_ONLY, ipip6(), in4,
                Verdict.drop(DropReason.UNSUPPORTED), in4));
        return f;
    }

    public static List<Fixture> gueGroup() {
        List<Fixture> f = new ArrayList<>();
        byte[] in4 = tcp4(64).bytes();
        byte[] in6 = tcp6(64).bytes();
        byte[] out4 = tcp4(63).bytes();
        byte[] out6 = tcp6(63).bytes();
        f.add(fx("GUE 4in4 without checksum: UDP checksum 0", TUNNEL, gue4(TunnelChecksum.NONE), in4, Verdict.FORWARD,
                outerV4(0, true, 63).udp(GUE_SOURCE_PORT, GUE_PORT).zeroUdpChecksum().payload(Bytes.concat(gue(4), out4)).bytes()));
        f.add(fx("GUE 4in4 with checksum", TUNNEL, gue4(TunnelChecksum.CHECKSUM), in4, Verdict.FORWARD,
                outerV4(0, true, 63).udp(GUE_SOURCE_PORT, GUE_PORT).payload(Bytes.concat(gue(4), out4)).bytes()));
        f.add(fx("GUE 4in4 remote checksum offload: sent as no checksum", TUNNEL, gue4(TunnelChecksum.REMOTE), in4,
                Verdict.FORWARD,
                outerV4(0, true, 63).udp(GUE_SOURCE_PORT, GUE_PORT).zeroUdpChecksum().payload(Bytes.concat(gue(4), out4)).bytes()));
        f.add(fx("GUE 6in4 with checksum", TUNNEL, gue4(TunnelChecksum.CHECKSUM), in6, Verdict.FORWARD,
                outerV4(0, true, 63).udp(GUE_SOURCE_PORT, GUE_PORT).payload(Bytes.concat(gue(41), out6)).bytes()));
        f.add(fx("GUE 6in4 without checksum", TUNNEL, gue4(TunnelChecksum.NONE), in6, Verdict.FORWARD,
                outerV4(0, true, 63).udp(GUE_SOURCE_PORT, GUE_PORT).zeroUdpChecksum().payload(Bytes.concat(gue(41), out6)).bytes()));
        f.add(fx("GUE 4in6 'without' checksum: IPv6 needs one anyway", TUNNEL, gue6(TunnelChecksum.NONE), in4, Verdict.FORWARD,
                outerV6(0, 63).udp(GUE_SOURCE_PORT, GUE_PORT).payload(Bytes.concat(gue(4), out4)).bytes()));
        f.add(fx("GUE 4in6 without checksum, zero IPv6 UDP checksum allowed", ZERO_UDP6,
                gue6(TunnelChecksum.NONE), in4, Verdict.FORWARD,
                outerV6(0, 63).udp(GUE_SOURCE_PORT, GUE_PORT).zeroUdpChecksum().payload(Bytes.concat(gue(4), out4)).bytes()));
        f.add(fx("GUE 6in6 with checksum, direct buffer", TUNNEL, gue6(TunnelChecksum.CHECKSUM), in6, true, 64, 0,
                Verdict.FORWARD, outerV6(0, 63).udp(GUE_SOURCE_PORT, GUE_PORT).payload(Bytes.concat(gue(41), out6)).bytes()));
        f.add(fx("GUE 4in4, no headroom: shifted by 32", TUNNEL, gue4(TunnelChecksum.CHECKSUM), in4, false, 0, 32,
                Verdict.FORWARD, outerV4(0, true, 63).udp(GUE_SOURCE_PORT, GUE_PORT).payload(Bytes.concat(gue(4), out4)).bytes()));
        f.add(fx("GUE 4in4, source port range 10000..10000", GUE_PORT_10000,
                gue4(TunnelChecksum.NONE), in4, Verdict.FORWARD,
                outerV4(0, true, 63).udp(10000, GUE_PORT).zeroUdpChecksum().payload(Bytes.concat(gue(4), out4)).bytes()));
        return f;
    }

    public static List<Fixture> greGroup() {
        List<Fixture> f = new ArrayList<>();
        byte[] in4 = tcp4(64).bytes();
        byte[] in6 = tcp6(64).bytes();
        byte[] out4 = tcp4(63).bytes();
        byte[] out6 = tcp6(63).bytes();
        f.add(fx("GRE 4in4 without checksum", TUNNEL, gre4(TunnelChecksum.NONE), in4, Verdict.FORWARD,
                outerV4(0, true, 63).raw(47, Bytes.concat(gre(0x0800), out4)).bytes()));
        f.add(fx("GRE 4in4 with checksum", TUNNEL, gre4(TunnelChecksum.CHECKSUM), in4, Verdict.FORWARD,
                outerV4(0, true, 63).raw(47, greWithChecksum(0x0800, out4)).bytes()));
        f.add(fx("GRE 6in4 without checksum", TUNNEL, gre4(TunnelChecksum.NONE), in6, Verdict.FORWARD,
                outerV4(0, true, 63).raw(47, Bytes.concat(gre(0x86DD), out6)).bytes()));
        f.add(fx("GRE 6in4 with checksum", TUNNEL, gre4(TunnelChecksum.CHECKSUM), in6, Verdict.FORWARD,
                outerV4(0, true, 63).raw(47, greWithChecksum(0x86DD, out6)).bytes()));
        f.add(fx("GRE 4in6 with checksum", TUNNEL, gre6(TunnelChecksum.CHECKSUM), in4, Verdict.FORWARD,
                outerV6(0, 63).raw(47, greWithChecksum(0x0800, out4)).bytes()));
        f.add(fx("GRE 4in6 without checksum", TUNNEL, gre6(TunnelChecksum.NONE), in4, Verdict.FORWARD,
                outerV6(0, 63).raw(47, Bytes.concat(gre(0x0800), out4)).bytes()));
        f.add(fx("GRE 6in6 without checksum", TUNNEL, gre6(TunnelChecksum.NONE), in6, Verdict.FORWARD,
                outerV6(0, 63).raw(47, Bytes.concat(gre(0x86DD), out6)).bytes()));
        f.add(fx("GRE 6in6 with checksum, direct buffer without headroom: shifted by 48", TUNNEL,
                gre6(TunnelChecksum.CHECKSUM), in6, true, 0, 48, Verdict.FORWARD,
                outerV6(0, 63).raw(47, greWithChecksum(0x86DD, out6)).bytes()));
        return f;
    }

    public static List<Fixture> tooBigGroup() {
        List<Fixture> f = new ArrayList<>();
        byte[] big = big4(64, 1500, true).bytes();
        f.add(fx("too big: IPIP 4in4, 1500 bytes with DF -> frag needed, MTU 1480", TUNNEL, ipip4(), big,
                Verdict.REPLY, fragNeeded(big, 1480)));
        f.add(fx("too big: GUE 4in4 -> MTU 1468", TUNNEL, gue4(TunnelChecksum.NONE), big, Verdict.REPLY, fragNeeded(big, 1468)));
        f.add(fx("too big: GRE with checksum 4in4 -> MTU 1472", TUNNEL, gre4(TunnelChecksum.CHECKSUM), big,
                Verdict.REPLY, fragNeeded(big, 1472)));
        f.add(fx("too big: GRE 4in6 -> MTU 1456", TUNNEL, gre6(TunnelChecksum.NONE), big, Verdict.REPLY, fragNeeded(big, 1456)));
        byte[] big6 = big6(64, 1500).bytes();
        f.add(fx("too big: IPIP 6in6 -> packet too big, MTU 1460", TUNNEL, ipip6(), big6, Verdict.REPLY, packetTooBig(big6, 1460)));
        f.add(fx("too big: GUE 6in4 -> packet too big, MTU 1468", TUNNEL, gue4(TunnelChecksum.CHECKSUM), big6,
                Verdict.REPLY, packetTooBig(big6, 1468)));
        byte[] fits = big4(64, 1480, true).bytes();
        f.add(fx("fits: IPIP 4in4, 1480 bytes with DF", TUNNEL, ipip4(), fits, Verdict.FORWARD,
                outerV4(0, true, 63).raw(4, big4(63, 1480, true).bytes()).bytes()));
        byte[] noDf = big4(64, 1481, false).bytes();
        f.add(fx("too big without DF: forwarded with outer DF clear (the stack fragments)", TUNNEL, ipip4(), noDf,
                Verdict.FORWARD, outerV4(0, false, 63).raw(4, big4(63, 1481, false).bytes()).bytes()));
        f.add(fx("too big with DF but PMTU discovery off: forwarded, outer DF clear", PMTU_OFF,
                ipip4(), big, Verdict.FORWARD, outerV4(0, false, 63).raw(4, big4(63, 1500, true).bytes()).bytes()));
        byte[] b1400 = big4(64, 1400, true).bytes();
        f.add(fx("too big: server MTU 1400, IPIP -> MTU 1380",
                TUNNEL, Fixture.Server.tunnel(SERVER_V4, TunnelType.IPIP, 0, TunnelChecksum.NONE, 1400), b1400,
                Verdict.REPLY, fragNeeded(b1400, 1380)));
        f.add(fx("server MTU 80 leaves 48 bytes for GUE over IPv6: below 68, nothing passes",
                TUNNEL, Fixture.Server.tunnel(SERVER_V6, TunnelType.GUE, GUE_PORT, TunnelChecksum.NONE, 80),
                tcp4(64).bytes(), Verdict.drop(DropReason.TOO_BIG), tcp4(64).bytes()));
        f.add(fx("too big: link MTU 9000 lets 1500 through", LINK_MTU_9000, ipip4(), big, Verdict.FORWARD,
                outerV4(0, true, 63).raw(4, big4(63, 1500, true).bytes()).bytes()));
        return f;
    }

    public static List<Fixture> ttlGroup() {
        List<Fixture> f = new ArrayList<>();
        byte[] ttl1 = tcp4(1).bytes();
        f.add(fx("TTL 1: ICMP time exceeded to the client", TUNNEL, ipip4(), ttl1, false, 64, 64, Verdict.REPLY,
                timeExceeded4(ttl1)));
        byte[] hop1 = tcp6(1).bytes();
        f.add(fx("hop limit 1: ICMPv6 time exceeded to the client", TUNNEL, gue6(TunnelChecksum.NONE), hop1, false, 64, 64,
                Verdict.REPLY, timeExceeded6(hop1)));
        f.add(fx("TTL 1 and no room to quote it: TTL_EXPIRED", TUNNEL, ipip4(), ttl1, false, 64, 0,
                Verdict.drop(DropReason.TTL_EXPIRED), ttl1));
        f.add(fx("TTL 0: ICMP time exceeded", TUNNEL, gre4(TunnelChecksum.NONE), tcp4(0).bytes(), false, 64, 64,
                Verdict.REPLY, timeExceeded4(tcp4(0).bytes())));
        f.add(fx("TTL 2: forwarded with TTL 1", TUNNEL, ipip4(), tcp4(2).bytes(), Verdict.FORWARD,
                outerV4(0, true, 1).raw(4, tcp4(1).bytes()).bytes()));
        f.add(fx("TTL 1 with decrement off: forwarded unchanged, outer TTL 1", KEEP_TTL, ipip4(),
                ttl1, Verdict.FORWARD, outerV4(0, true, 1).raw(4, ttl1).bytes()));
        byte[] icmpTtl1 = PacketBuilder.ipv4(CLIENT_V4, VIP_V4).ttl(1)
                .icmpError(PacketBuilder.ICMP_DEST_UNREACHABLE, 3, 0, tcp4(50).bytes()).bytes();
        f.add(fx("TTL 1 on an ICMP error: no error about an error, TTL_EXPIRED", TUNNEL, ipip4(), icmpTtl1, false, 64, 64,
                Verdict.drop(DropReason.TTL_EXPIRED), icmpTtl1));
        return f;
    }

    public static List<Fixture> directRouteGroup() {
        List<Fixture> f = new ArrayList<>();
        Fixture.Server dr = Fixture.Server.direct(SERVER_V4, 0);
        f.add(fx("DR IPv4: addresses unchanged, TTL decremented", DR, dr, tcp4(64).bytes(), Verdict.FORWARD,
                tcp4(63).bytes()));
        f.add(fx("DR IPv6: hop limit decremented", DR, Fixture.Server.direct(SERVER_V6, 0), tcp6(64).bytes(),
                Verdict.FORWARD, tcp6(63).bytes()));
        f.add(fx("DR TTL 1: time exceeded", DR, dr, tcp4(1).bytes(), false, 64, 64, Verdict.REPLY,
                timeExceeded4(tcp4(1).bytes())));
        byte[] b1400 = big4(64, 1400, true).bytes();
        f.add(fx("DR server MTU 1300: frag needed 1300", DR, Fixture.Server.direct(SERVER_V4, 1300), b1400,
                Verdict.REPLY, fragNeeded(b1400, 1300)));
        f.add(fx("DR server MTU 1300, no DF: forwarded", DR, Fixture.Server.direct(SERVER_V4, 1300),
                big4(64, 1400, false).bytes(), Verdict.FORWARD, big4(63, 1400, false).bytes()));
        f.add(fx("DR decrement off: untouched", DR_KEEP_TTL, dr,
                tcp4(1).bytes(), Verdict.FORWARD, tcp4(1).bytes()));
        return f;
    }

    public static List<Fixture> all() {
        List<Fixture> all = new ArrayList<>();
        all.addAll(ipipGroup());
        all.addAll(gueGroup());
        all.addAll(greGroup());
        all.addAll(tooBigGroup());
        all.addAll(ttlGroup());
        all.addAll(directRouteGroup());
        return all;
    }
}
