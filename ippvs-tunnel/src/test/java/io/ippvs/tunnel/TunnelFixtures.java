package io.ippvs.tunnel;

import io.ippvs.core.testing.FakeRealServer;
import static io.ippvs.tunnel.Wire.CLIENT_V4;
import static io.ippvs.tunnel.Wire.CLIENT_V6;
import static io.ippvs.tunnel.Wire.GUE_PORT;
import static io.ippvs.tunnel.Wire.GUE_SOURCE_PORT;
import static io.ippvs.tunnel.Wire.SERVER_V4;
import static io.ippvs.tunnel.Wire.SERVER_V6;
import static io.ippvs.tunnel.Wire.VIP_V4;
import static io.ippvs.tunnel.Wire.VIP_V6;
import static io.ippvs.tunnel.Wire.gre;
import static io.ippvs.tunnel.Wire.greWithChecksum;
import static io.ippvs.tunnel.Wire.gue;
import static io.ippvs.tunnel.Wire.outerV4;
import static io.ippvs.tunnel.Wire.outerV6;

import com.google.common.net.InetAddresses;
import com.google.common.primitives.Bytes;
import io.ippvs.api.DropReason;
import io.ippvs.api.PacketRewriter;
import io.ippvs.api.RealServer;
import io.ippvs.api.TunnelChecksum;
import io.ippvs.api.TunnelType;
import io.ippvs.api.Verdict;
import io.ippvs.testkit.PacketBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/** Golden fixtures of the tunnel and direct-route rewriters, grouped as Katran groups its fixtures. */
final class TunnelFixtures {

    private static final int ACK_PSH = PacketBuilder.ACK | PacketBuilder.PSH;

    private TunnelFixtures() {}

    // ---- inner packets (client -> virtual service) ----

    static PacketBuilder tcp4(int ttl) {
        return PacketBuilder.ipv4(CLIENT_V4, VIP_V4).ttl(ttl).id(0x4242).dontFragment(true)
                .tcp(40000, 80).flags(ACK_PSH).seq(1000).ack(2000).payload("hello tunnel");
    }

    static PacketBuilder tcp6(int hopLimit) {
        return PacketBuilder.ipv6(CLIENT_V6, VIP_V6).ttl(hopLimit)
                .tcp(40000, 80).flags(ACK_PSH).seq(1000).ack(2000).payload("hello tunnel");
    }

    /** An inner packet of exactly {@code length} bytes. */
    static PacketBuilder big4(int ttl, int length, boolean df) {
        return PacketBuilder.ipv4(CLIENT_V4, VIP_V4).ttl(ttl).id(0x4242).dontFragment(df)
                .tcp(40000, 80).flags(ACK_PSH).seq(1000).ack(2000).payload(filler(length - 40));
    }

    static PacketBuilder big6(int hopLimit, int length) {
        return PacketBuilder.ipv6(CLIENT_V6, VIP_V6).ttl(hopLimit)
                .tcp(40000, 80).flags(ACK_PSH).seq(1000).ack(2000).payload(filler(length - 60));
    }

    static byte[] filler(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 3);
        }
        return b;
    }

    // ---- rewriters ----

    static TunnelRewriter.Builder tunnelBuilder() {
        return tunnelBuilder(Wire.ID);
    }

    static TunnelRewriter.Builder tunnelBuilder(int identificationStart) {
        return TunnelRewriter.builder()
                .sourceAddress(InetAddresses.forString(Wire.DIRECTOR_V4))
                .sourceAddress(InetAddresses.forString(Wire.DIRECTOR_V6))
                .flowHash((f, p, ch, cl, cp, vh, vl, vp) -> Wire.HASH)
                .identificationStart(identificationStart);
    }

    static IntFunction<PacketRewriter> tunnel() {
        return id -> tunnelBuilder(id).build();
    }

    static IntFunction<PacketRewriter> tunnel(UnaryOperator<TunnelRewriter.Builder> tweak) {
        return id -> tweak.apply(tunnelBuilder(id)).build();
    }

    static IntFunction<PacketRewriter> directRoute() {
        return id -> DirectRouteRewriter.builder().build();
    }

    static RealServer ipip4() {
        return FakeRealServer.ipip(SERVER_V4);
    }

    static RealServer ipip6() {
        return FakeRealServer.ipip(SERVER_V6);
    }

    static RealServer gue4(TunnelChecksum c) {
        return FakeRealServer.tunnel(SERVER_V4, TunnelType.GUE, GUE_PORT, c, 0);
    }

    static RealServer gue6(TunnelChecksum c) {
        return FakeRealServer.tunnel(SERVER_V6, TunnelType.GUE, GUE_PORT, c, 0);
    }

    static RealServer gre4(TunnelChecksum c) {
        return FakeRealServer.tunnel(SERVER_V4, TunnelType.GRE, 0, c, 0);
    }

    static RealServer gre6(TunnelChecksum c) {
        return FakeRealServer.tunnel(SERVER_V6, TunnelType.GRE, 0, c, 0);
    }

    // ---- expected ICMP errors (IcmpErrors' documented form: precedence 0xC0, TTL 64, from the VIP) ----

    static byte[] fragNeeded(byte[] original, int mtu) {
        int tos = original[1] & 0xFF;
        byte[] quote = Arrays.copyOf(original, Math.min(original.length, 576 - 28));
        return PacketBuilder.ipv4(VIP_V4, CLIENT_V4).tos((tos & 0x1E) | 0xC0).id(0).ttl(64)
                .icmpError(PacketBuilder.ICMP_DEST_UNREACHABLE, PacketBuilder.ICMP_FRAG_NEEDED, mtu, quote).bytes();
    }

    static byte[] packetTooBig(byte[] original, int mtu) {
        byte[] quote = Arrays.copyOf(original, Math.min(original.length, 1280 - 48));
        return PacketBuilder.ipv6(VIP_V6, CLIENT_V6).ttl(64)
                .icmpError(PacketBuilder.ICMPV6_PACKET_TOO_BIG, 0, mtu, quote).bytes();
    }

    static byte[] timeExceeded4(byte[] original) {
        int tos = original[1] & 0xFF;
        return PacketBuilder.ipv4(VIP_V4, CLIENT_V4).tos((tos & 0x1E) | 0xC0).id(0).ttl(64)
                .icmpError(PacketBuilder.ICMP_TIME_EXCEEDED, 0, 0, original).bytes();
    }

    static byte[] timeExceeded6(byte[] original) {
        return PacketBuilder.ipv6(VIP_V6, CLIENT_V6).ttl(64)
                .icmpError(PacketBuilder.ICMPV6_TIME_EXCEEDED, 0, 0, original).bytes();
    }

    private static Fixture fx(String d, IntFunction<PacketRewriter> r, RealServer s, byte[] in, Verdict v, byte[] out) {
        return new Fixture(d, r, s, in, false, 64, 0, v, out);
    }

    private static Fixture fx(String d, IntFunction<PacketRewriter> r, RealServer s, byte[] in, boolean direct,
                              int headroom, int tailroom, Verdict v, byte[] out) {
        return new Fixture(d, r, s, in, direct, headroom, tailroom, v, out);
    }

    static List<Fixture> ipipGroup() {
        List<Fixture> f = new ArrayList<>();
        byte[] in4 = tcp4(64).bytes();
        byte[] ipip4 = outerV4(0, true, 63).raw(4, tcp4(63).bytes()).bytes();
        f.add(fx("IPIP 4in4, heap buffer, 64 bytes headroom", tunnel(), ipip4(), in4, Verdict.FORWARD, ipip4));
        f.add(fx("IPIP 4in4, direct buffer, 64 bytes headroom", tunnel(), ipip4(), in4, true, 64, 0, Verdict.FORWARD, ipip4));
        f.add(fx("IPIP 4in4, exactly 20 bytes headroom", tunnel(), ipip4(), in4, false, 20, 0, Verdict.FORWARD, ipip4));
        f.add(fx("IPIP 4in4, no headroom, 20 bytes tailroom: packet shifted (heap)", tunnel(), ipip4(), in4,
                false, 0, 20, Verdict.FORWARD, ipip4));
        f.add(fx("IPIP 4in4, no headroom, 20 bytes tailroom: packet shifted (direct)", tunnel(), ipip4(), in4,
                true, 0, 20, Verdict.FORWARD, ipip4));
        f.add(fx("IPIP 4in4, 8 bytes headroom and 12 tailroom: shifted by 12", tunnel(), ipip4(), in4,
                true, 8, 12, Verdict.FORWARD, ipip4));
        f.add(fx("IPIP 4in4, 19 bytes of room in all: NO_HEADROOM, untouched", tunnel(), ipip4(), in4,
                false, 10, 9, Verdict.drop(DropReason.NO_HEADROOM), in4));
        byte[] noDf = tcp4(64).dontFragment(false).bytes();
        f.add(fx("IPIP 4in4, inner without DF: outer DF clear", tunnel(), ipip4(), noDf, Verdict.FORWARD,
                outerV4(0, false, 63).raw(4, tcp4(63).dontFragment(false).bytes()).bytes()));
        f.add(fx("IPIP 4in4, PMTU discovery off: outer DF clear although inner DF", tunnel(b -> b.pmtuDiscovery(false)),
                ipip4(), in4, Verdict.FORWARD, outerV4(0, false, 63).raw(4, tcp4(63).bytes()).bytes()));
        f.add(fx("IPIP 4in4, DSCP EF + CE: TOS copied, CE kept (RFC 6040 normal mode)", tunnel(), ipip4(),
                tcp4(64).tos(0xBB).bytes(), Verdict.FORWARD, outerV4(0xBB, true, 63).raw(4, tcp4(63).tos(0xBB).bytes()).bytes()));
        f.add(fx("IPIP 4in4, ECT(1)", tunnel(), ipip4(), tcp4(64).tos(0x01).bytes(), Verdict.FORWARD,
                outerV4(0x01, true, 63).raw(4, tcp4(63).tos(0x01).bytes()).bytes()));
        f.add(fx("IPIP 6in4: protocol 41, DF set for IPv6 inner", tunnel(), ipip4(), tcp6(64).tos(0x2A).bytes(),
                Verdict.FORWARD, outerV4(0x2A, true, 63).raw(41, tcp6(63).tos(0x2A).bytes()).bytes()));
        f.add(fx("IPIP 4in6: next header 4, traffic class and flow label", tunnel(), ipip6(), tcp4(64).tos(0x12).bytes(),
                Verdict.FORWARD, outerV6(0x12, 63).raw(4, tcp4(63).tos(0x12).bytes()).bytes()));
        f.add(fx("IPIP 6in6: next header 41, CE kept", tunnel(), ipip6(), tcp6(64).tos(0x2B).bytes(),
                Verdict.FORWARD, outerV6(0x2B, 63).raw(41, tcp6(63).tos(0x2B).bytes()).bytes()));
        f.add(fx("IPIP 6in6, direct buffer, no headroom: shifted by 40", tunnel(), ipip6(), tcp6(64).bytes(),
                true, 0, 40, Verdict.FORWARD, outerV6(0, 63).raw(41, tcp6(63).bytes()).bytes()));
        byte[] udp = PacketBuilder.ipv4(CLIENT_V4, VIP_V4).ttl(30).udp(5353, 53).payload("query").bytes();
        f.add(fx("IPIP 4in4, UDP inner, TTL 30", tunnel(), ipip4(), udp, Verdict.FORWARD,
                outerV4(0, false, 29).raw(4, PacketBuilder.ipv4(CLIENT_V4, VIP_V4).ttl(29).udp(5353, 53).payload("query").bytes()).bytes()));
        f.add(fx("IPIP 4in4, 6 bytes of link padding after the packet: not tunnelled", tunnel(), ipip4(),
                Bytes.concat(in4, new byte[6]), Verdict.FORWARD, ipip4));
        f.add(fx("IPIP 4in4, per-server outer source 10.9.9.9", tunnel(b -> b.sourceAddress(
                        InetAddresses.forString(SERVER_V4), InetAddresses.forString("10.9.9.9"))), ipip4(), in4,
                Verdict.FORWARD, outerV4(0, true, 63).source("10.9.9.9").raw(4, tcp4(63).bytes()).bytes()));
        f.add(fx("IPIP 4in6 without an IPv6 source configured: UNSUPPORTED", id -> TunnelRewriter.builder()
                        .sourceAddress(InetAddresses.forString(Wire.DIRECTOR_V4)).build(), ipip6(), in4,
                Verdict.drop(DropReason.UNSUPPORTED), in4));
        return f;
    }

    static List<Fixture> gueGroup() {
        List<Fixture> f = new ArrayList<>();
        byte[] in4 = tcp4(64).bytes();
        byte[] in6 = tcp6(64).bytes();
        byte[] out4 = tcp4(63).bytes();
        byte[] out6 = tcp6(63).bytes();
        f.add(fx("GUE 4in4 without checksum: UDP checksum 0", tunnel(), gue4(TunnelChecksum.NONE), in4, Verdict.FORWARD,
                outerV4(0, true, 63).udp(GUE_SOURCE_PORT, GUE_PORT).zeroUdpChecksum().payload(Bytes.concat(gue(4), out4)).bytes()));
        f.add(fx("GUE 4in4 with checksum", tunnel(), gue4(TunnelChecksum.CHECKSUM), in4, Verdict.FORWARD,
                outerV4(0, true, 63).udp(GUE_SOURCE_PORT, GUE_PORT).payload(Bytes.concat(gue(4), out4)).bytes()));
        f.add(fx("GUE 4in4 remote checksum offload: sent as no checksum", tunnel(), gue4(TunnelChecksum.REMOTE), in4,
                Verdict.FORWARD,
                outerV4(0, true, 63).udp(GUE_SOURCE_PORT, GUE_PORT).zeroUdpChecksum().payload(Bytes.concat(gue(4), out4)).bytes()));
        f.add(fx("GUE 6in4 with checksum", tunnel(), gue4(TunnelChecksum.CHECKSUM), in6, Verdict.FORWARD,
                outerV4(0, true, 63).udp(GUE_SOURCE_PORT, GUE_PORT).payload(Bytes.concat(gue(41), out6)).bytes()));
        f.add(fx("GUE 6in4 without checksum", tunnel(), gue4(TunnelChecksum.NONE), in6, Verdict.FORWARD,
                outerV4(0, true, 63).udp(GUE_SOURCE_PORT, GUE_PORT).zeroUdpChecksum().payload(Bytes.concat(gue(41), out6)).bytes()));
        f.add(fx("GUE 4in6 'without' checksum: IPv6 needs one anyway", tunnel(), gue6(TunnelChecksum.NONE), in4, Verdict.FORWARD,
                outerV6(0, 63).udp(GUE_SOURCE_PORT, GUE_PORT).payload(Bytes.concat(gue(4), out4)).bytes()));
        f.add(fx("GUE 4in6 without checksum, zero IPv6 UDP checksum allowed", tunnel(b -> b.ipv6ZeroUdpChecksum(true)),
                gue6(TunnelChecksum.NONE), in4, Verdict.FORWARD,
                outerV6(0, 63).udp(GUE_SOURCE_PORT, GUE_PORT).zeroUdpChecksum().payload(Bytes.concat(gue(4), out4)).bytes()));
        f.add(fx("GUE 6in6 with checksum, direct buffer", tunnel(), gue6(TunnelChecksum.CHECKSUM), in6, true, 64, 0,
                Verdict.FORWARD, outerV6(0, 63).udp(GUE_SOURCE_PORT, GUE_PORT).payload(Bytes.concat(gue(41), out6)).bytes()));
        f.add(fx("GUE 4in4, no headroom: shifted by 32", tunnel(), gue4(TunnelChecksum.CHECKSUM), in4, false, 0, 32,
                Verdict.FORWARD, outerV4(0, true, 63).udp(GUE_SOURCE_PORT, GUE_PORT).payload(Bytes.concat(gue(4), out4)).bytes()));
        f.add(fx("GUE 4in4, source port range 10000..10000", tunnel(b -> b.gueSourcePorts(10000, 10000)),
                gue4(TunnelChecksum.NONE), in4, Verdict.FORWARD,
                outerV4(0, true, 63).udp(10000, GUE_PORT).zeroUdpChecksum().payload(Bytes.concat(gue(4), out4)).bytes()));
        return f;
    }

    static List<Fixture> greGroup() {
        List<Fixture> f = new ArrayList<>();
        byte[] in4 = tcp4(64).bytes();
        byte[] in6 = tcp6(64).bytes();
        byte[] out4 = tcp4(63).bytes();
        byte[] out6 = tcp6(63).bytes();
        f.add(fx("GRE 4in4 without checksum", tunnel(), gre4(TunnelChecksum.NONE), in4, Verdict.FORWARD,
                outerV4(0, true, 63).raw(47, Bytes.concat(gre(0x0800), out4)).bytes()));
        f.add(fx("GRE 4in4 with checksum", tunnel(), gre4(TunnelChecksum.CHECKSUM), in4, Verdict.FORWARD,
                outerV4(0, true, 63).raw(47, greWithChecksum(0x0800, out4)).bytes()));
        f.add(fx("GRE 6in4 without checksum", tunnel(), gre4(TunnelChecksum.NONE), in6, Verdict.FORWARD,
                outerV4(0, true, 63).raw(47, Bytes.concat(gre(0x86DD), out6)).bytes()));
        f.add(fx("GRE 6in4 with checksum", tunnel(), gre4(TunnelChecksum.CHECKSUM), in6, Verdict.FORWARD,
                outerV4(0, true, 63).raw(47, greWithChecksum(0x86DD, out6)).bytes()));
        f.add(fx("GRE 4in6 with checksum", tunnel(), gre6(TunnelChecksum.CHECKSUM), in4, Verdict.FORWARD,
                outerV6(0, 63).raw(47, greWithChecksum(0x0800, out4)).bytes()));
        f.add(fx("GRE 4in6 without checksum", tunnel(), gre6(TunnelChecksum.NONE), in4, Verdict.FORWARD,
                outerV6(0, 63).raw(47, Bytes.concat(gre(0x0800), out4)).bytes()));
        f.add(fx("GRE 6in6 without checksum", tunnel(), gre6(TunnelChecksum.NONE), in6, Verdict.FORWARD,
                outerV6(0, 63).raw(47, Bytes.concat(gre(0x86DD), out6)).bytes()));
        f.add(fx("GRE 6in6 with checksum, direct buffer without headroom: shifted by 48", tunnel(),
                gre6(TunnelChecksum.CHECKSUM), in6, true, 0, 48, Verdict.FORWARD,
                outerV6(0, 63).raw(47, greWithChecksum(0x86DD, out6)).bytes()));
        return f;
    }

    static List<Fixture> tooBigGroup() {
        List<Fixture> f = new ArrayList<>();
        byte[] big = big4(64, 1500, true).bytes();
        f.add(fx("too big: IPIP 4in4, 1500 bytes with DF -> frag needed, MTU 1480", tunnel(), ipip4(), big,
                Verdict.REPLY, fragNeeded(big, 1480)));
        f.add(fx("too big: GUE 4in4 -> MTU 1468", tunnel(), gue4(TunnelChecksum.NONE), big, Verdict.REPLY, fragNeeded(big, 1468)));
        f.add(fx("too big: GRE with checksum 4in4 -> MTU 1472", tunnel(), gre4(TunnelChecksum.CHECKSUM), big,
                Verdict.REPLY, fragNeeded(big, 1472)));
        f.add(fx("too big: GRE 4in6 -> MTU 1456", tunnel(), gre6(TunnelChecksum.NONE), big, Verdict.REPLY, fragNeeded(big, 1456)));
        byte[] big6 = big6(64, 1500).bytes();
        f.add(fx("too big: IPIP 6in6 -> packet too big, MTU 1460", tunnel(), ipip6(), big6, Verdict.REPLY, packetTooBig(big6, 1460)));
        f.add(fx("too big: GUE 6in4 -> packet too big, MTU 1468", tunnel(), gue4(TunnelChecksum.CHECKSUM), big6,
                Verdict.REPLY, packetTooBig(big6, 1468)));
        byte[] fits = big4(64, 1480, true).bytes();
        f.add(fx("fits: IPIP 4in4, 1480 bytes with DF", tunnel(), ipip4(), fits, Verdict.FORWARD,
                outerV4(0, true, 63).raw(4, big4(63, 1480, true).bytes()).bytes()));
        byte[] noDf = big4(64, 1481, false).bytes();
        f.add(fx("too big without DF: forwarded with outer DF clear (the stack fragments)", tunnel(), ipip4(), noDf,
                Verdict.FORWARD, outerV4(0, false, 63).raw(4, big4(63, 1481, false).bytes()).bytes()));
        f.add(fx("too big with DF but PMTU discovery off: forwarded, outer DF clear", tunnel(b -> b.pmtuDiscovery(false)),
                ipip4(), big, Verdict.FORWARD, outerV4(0, false, 63).raw(4, big4(63, 1500, true).bytes()).bytes()));
        byte[] b1400 = big4(64, 1400, true).bytes();
        f.add(fx("too big: server MTU 1400, IPIP -> MTU 1380",
                tunnel(), FakeRealServer.tunnel(SERVER_V4, TunnelType.IPIP, 0, TunnelChecksum.NONE, 1400), b1400,
                Verdict.REPLY, fragNeeded(b1400, 1380)));
        f.add(fx("server MTU 80 leaves 48 bytes for GUE over IPv6: below 68, nothing passes",
                tunnel(), FakeRealServer.tunnel(SERVER_V6, TunnelType.GUE, GUE_PORT, TunnelChecksum.NONE, 80),
                tcp4(64).bytes(), Verdict.drop(DropReason.TOO_BIG), tcp4(64).bytes()));
        f.add(fx("too big: link MTU 9000 lets 1500 through", tunnel(b -> b.linkMtu(9000)), ipip4(), big, Verdict.FORWARD,
                outerV4(0, true, 63).raw(4, big4(63, 1500, true).bytes()).bytes()));
        return f;
    }

    static List<Fixture> ttlGroup() {
        List<Fixture> f = new ArrayList<>();
        byte[] ttl1 = tcp4(1).bytes();
        f.add(fx("TTL 1: ICMP time exceeded to the client", tunnel(), ipip4(), ttl1, false, 64, 64, Verdict.REPLY,
                timeExceeded4(ttl1)));
        byte[] hop1 = tcp6(1).bytes();
        f.add(fx("hop limit 1: ICMPv6 time exceeded to the client", tunnel(), gue6(TunnelChecksum.NONE), hop1, false, 64, 64,
                Verdict.REPLY, timeExceeded6(hop1)));
        f.add(fx("TTL 1 and no room to quote it: TTL_EXPIRED", tunnel(), ipip4(), ttl1, false, 64, 0,
                Verdict.drop(DropReason.TTL_EXPIRED), ttl1));
        f.add(fx("TTL 0: ICMP time exceeded", tunnel(), gre4(TunnelChecksum.NONE), tcp4(0).bytes(), false, 64, 64,
                Verdict.REPLY, timeExceeded4(tcp4(0).bytes())));
        f.add(fx("TTL 2: forwarded with TTL 1", tunnel(), ipip4(), tcp4(2).bytes(), Verdict.FORWARD,
                outerV4(0, true, 1).raw(4, tcp4(1).bytes()).bytes()));
        f.add(fx("TTL 1 with decrement off: forwarded unchanged, outer TTL 1", tunnel(b -> b.decrementTtl(false)), ipip4(),
                ttl1, Verdict.FORWARD, outerV4(0, true, 1).raw(4, ttl1).bytes()));
        byte[] icmpTtl1 = PacketBuilder.ipv4(CLIENT_V4, VIP_V4).ttl(1)
                .icmpError(PacketBuilder.ICMP_DEST_UNREACHABLE, 3, 0, tcp4(50).bytes()).bytes();
        f.add(fx("TTL 1 on an ICMP error: no error about an error, TTL_EXPIRED", tunnel(), ipip4(), icmpTtl1, false, 64, 64,
                Verdict.drop(DropReason.TTL_EXPIRED), icmpTtl1));
        return f;
    }

    static List<Fixture> directRouteGroup() {
        List<Fixture> f = new ArrayList<>();
        RealServer dr = FakeRealServer.direct(SERVER_V4, 0);
        f.add(fx("DR IPv4: addresses unchanged, TTL decremented", directRoute(), dr, tcp4(64).bytes(), Verdict.FORWARD,
                tcp4(63).bytes()));
        f.add(fx("DR IPv6: hop limit decremented", directRoute(), FakeRealServer.direct(SERVER_V6, 0), tcp6(64).bytes(),
                Verdict.FORWARD, tcp6(63).bytes()));
        f.add(fx("DR TTL 1: time exceeded", directRoute(), dr, tcp4(1).bytes(), false, 64, 64, Verdict.REPLY,
                timeExceeded4(tcp4(1).bytes())));
        byte[] b1400 = big4(64, 1400, true).bytes();
        f.add(fx("DR server MTU 1300: frag needed 1300", directRoute(), FakeRealServer.direct(SERVER_V4, 1300), b1400,
                Verdict.REPLY, fragNeeded(b1400, 1300)));
        f.add(fx("DR server MTU 1300, no DF: forwarded", directRoute(), FakeRealServer.direct(SERVER_V4, 1300),
                big4(64, 1400, false).bytes(), Verdict.FORWARD, big4(63, 1400, false).bytes()));
        f.add(fx("DR decrement off: untouched", id -> DirectRouteRewriter.builder().decrementTtl(false).build(), dr,
                tcp4(1).bytes(), Verdict.FORWARD, tcp4(1).bytes()));
        return f;
    }

    static List<Fixture> all() {
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
