package io.ippvs.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.PacketRewriter;
import io.ippvs.api.RealServer;
import io.ippvs.api.TunnelChecksum;
import io.ippvs.api.TunnelType;
import io.ippvs.api.Verdict;
import io.ippvs.core.testing.FakeRealServer;
import io.ippvs.core.testing.FakeRewriteContext;
import io.ippvs.core.testing.MutationFuzzer;
import io.ippvs.testkit.ChecksumVerifier;
import io.ippvs.tunnel.testing.TunnelFixtures;
import io.ippvs.tunnel.testing.Wire;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rewriters meet packets the director has parsed, but must still never throw nor write outside
 * the buffer when the bytes lie: the context is taken from a good packet, then its bytes are mutated
 * (the one {@link MutationFuzzer}: bit flips, truncations, lying lengths, garbage, TTL at the edges).
 * What comes out is checked, not just that something came out:
 * <ul>
 *   <li>a tunnelled FORWARD is the arriving bytes (past TTL and IPv4 checksum) behind outer headers
 *       whose checksums verify by an independent recomputation, whose length fields say exactly the
 *       bytes in {@code [position, limit)}, and whose destination is the real server;
 *   <li>a direct-route FORWARD is the arriving bytes in place (as long as their header says) with the
 *       TTL / hop limit one less, and an IPv4 header checksum that verifies whenever it verified on arrival;
 *   <li>a REPLY is an ICMP error whose own checksums verify and which quotes the packet as it arrived;
 *   <li>a DROP leaves the packet as it came.
 * </ul>
 */
class RewriterFuzzProperties {

    /** One good packet, the server its connection goes to, and the rewriter it meets. */
    private record Seed(byte[] packet, RealServer server, TunnelType type, boolean directRoute, boolean smallMtu) {}

    private static List<Seed> seeds() {
        List<Seed> seeds = new ArrayList<>();
        for (int ttl = 2; ttl <= 3; ttl++) {
            for (boolean innerV6 : new boolean[] {false, true}) {
                byte[] p = (innerV6 ? TunnelFixtures.tcp6(ttl) : TunnelFixtures.tcp4(ttl)).bytes();
                for (boolean outerV6 : new boolean[] {false, true}) {
                    seeds.add(new Seed(p, FakeRealServer.direct(outerV6 ? Wire.SERVER_V6 : Wire.SERVER_V4, 0), null, true, false));
                    for (TunnelType type : TunnelType.values()) {
                        for (TunnelChecksum checksum : TunnelChecksum.values()) {
                            RealServer server = TunnelRoundTripProperties.server(type, checksum, outerV6);
                            seeds.add(new Seed(p, server, type, false, false));
                            seeds.add(new Seed(p, server, type, false, true));
                        }
                    }
                }
            }
        }
        return seeds;
    }

    @Test
    void mutatedPacketsGiveCheckedOutput() {
        List<Seed> seeds = seeds();
        PacketRewriter directRoute = DirectRouteRewriter.builder().build();
        PacketRewriter tunnel = TunnelFixtures.tunnelBuilder().build();
        PacketRewriter smallMtu = TunnelFixtures.tunnelBuilder().linkMtu(100).build();
        FakeRewriteContext[] context = new FakeRewriteContext[1];
        MutationFuzzer fuzzer = new MutationFuzzer(seeds.stream().map(Seed::packet).toList()).headroom(0, 70).movesPosition();
        MutationFuzzer.Report report = fuzzer.run(0x7E57, 20_000,
                (b, i) -> context[0] = FakeRewriteContext.fromPacket(b, seeds.get(i).server(), 0),
                (b, i) -> {
                    Seed s = seeds.get(i);
                    return (s.directRoute() ? directRoute : s.smallMtu() ? smallMtu : tunnel).rewrite(context[0]);
                },
                v -> true,
                (in, headroom, b, v, i) -> problem(seeds.get(i), in, headroom, b, v));
        System.out.println("tunnel rewriter fuzz: " + report);
        assertThat(report.failures).as(String.join("\n", report.failures)).isEmpty();
        assertThat(report.count(Verdict.Action.FORWARD)).isPositive();
        assertThat(report.count(Verdict.Action.REPLY)).isPositive();
        assertThat(report.count(Verdict.Action.DROP)).isPositive();
    }

    /** Null when the outcome of {@code in} (placed at {@code headroom}) is as documented, else what is wrong. */
    private static String problem(Seed s, byte[] in, int headroom, ByteBuffer b, Verdict v) {
        byte[] out = ChecksumVerifier.toBytes(b);
        if (v.isDrop()) {
            return MutationFuzzer.untouched(in, headroom, b) ? null : "a drop changed the packet";
        }
        if (v.isReply()) {
            return replyProblem(in, out, b);
        }
        if (!v.isForward()) {
            return "verdict " + v;
        }
        return s.directRoute() ? directRouteProblem(s, in, headroom, b, out) : tunnelProblem(s, in, b, out);
    }

    private static String tunnelProblem(Seed s, byte[] in, ByteBuffer b, byte[] out) {
        boolean outerV6 = (out[0] & 0xF0) == 0x60;
        int total = outerV6 ? 40 + u16(out, 4) : u16(out, 2);
        if (total != out.length) {
            return "outer length field " + total + " for " + out.length + " bytes";
        }
        int outer = outerLength(s.type(), out, outerV6);
        if (s.type() == TunnelType.GUE && u16(out, (outerV6 ? 40 : 20) + 4) != out.length - (outerV6 ? 40 : 20)) {
            return "UDP length " + u16(out, (outerV6 ? 40 : 20) + 4) + " for " + (out.length - (outerV6 ? 40 : 20));
        }
        // whatever arrived goes on whole: past the TTL / hop limit and the IPv4 checksum (the first 12
        // bytes) the inner packet is the bytes that came in (as long as its own header says: link
        // padding after it stays behind)
        int inner = out.length - outer;
        if (inner < Math.min(12, in.length) || inner > in.length) {
            return "inner packet of " + inner + " bytes from " + in.length;
        }
        int skip = Math.min(12, inner);
        if (!Arrays.equals(Arrays.copyOfRange(out, outer + skip, out.length), Arrays.copyOfRange(in, skip, inner))) {
            return "inner bytes differ from the arriving ones";
        }
        // the outer headers are the rewriter's own: their checksums verify, recomputed from scratch
        List<String> problems = ChecksumVerifier.problems(b);
        if (!problems.isEmpty()) {
            return "outer checksums " + problems;
        }
        int at = b.position() + (outerV6 ? 24 : 16);
        long destination = outerV6 ? b.getLong(at + 8) : b.getInt(at) & 0xFFFFFFFFL;
        return destination == s.server().addressLow() ? null : "outer destination is not the real server";
    }

    private static String directRouteProblem(Seed s, byte[] in, int headroom, ByteBuffer b, byte[] out) {
        // the packet stays where it is, as long as its own header says (link padding stays behind);
        // its family is the connection's, whatever a mutated version nibble says
        boolean v6 = (s.packet()[0] & 0xF0) == 0x60;
        int declared = v6 ? 40 + u16(in, 4) : u16(in, 2);
        if (b.position() != headroom || declared > in.length || out.length != declared) {
            return "direct route gave " + out.length + " bytes at " + b.position() + " of " + in.length + " (header: "
                    + declared + ") at " + headroom;
        }
        int ttl = v6 ? 7 : 8;
        if ((out[ttl] & 0xFF) != (in[ttl] & 0xFF) - 1) {
            return "TTL " + (in[ttl] & 0xFF) + " became " + (out[ttl] & 0xFF);
        }
        for (int i = 0; i < out.length; i++) {
            if (i != ttl && (v6 || (i != 10 && i != 11)) && in[i] != out[i]) {
                return "byte " + i + " changed";
            }
        }
        int ihl = (in[0] & 0x0F) * 4;
        if (!v6 && ihl >= 20 && ihl <= in.length && headerSumOk(in, ihl) && !headerSumOk(out, ihl)) {
            return "IPv4 header checksum no longer verifies";
        }
        return null;
    }

    private static String replyProblem(byte[] in, byte[] out, ByteBuffer b) {
        List<String> problems = ChecksumVerifier.problems(b);
        if (!problems.stream().allMatch(p -> p.startsWith("quoted"))) {
            return "reply checksums " + problems;
        }
        int quote = ((out[0] & 0xF0) == 0x60 ? 40 : (out[0] & 0x0F) * 4) + 8;
        int length = out.length - quote;
        if (length <= 0 || length > in.length
                || !Arrays.equals(Arrays.copyOfRange(out, quote, out.length), Arrays.copyOf(in, length))) {
            return "the error does not quote the packet as it arrived";
        }
        return null;
    }

    /** The one's-complement sum of an IPv4 header, checksum included, is all ones: RFC 1071, word by word. */
    private static boolean headerSumOk(byte[] p, int ihl) {
        long sum = 0;
        for (int i = 0; i < ihl; i += 2) {
            sum += u16(p, i);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return sum == 0xFFFF;
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    /** The bytes a tunnel put before the inner packet: IP header, then UDP + GUE (with its options) or GRE. */
    private static int outerLength(TunnelType type, byte[] out, boolean outerV6) {
        int ip = outerV6 ? 40 : 20;
        switch (type) {
            case GUE:
                return ip + 8 + 4 + 4 * (out[ip + 8] & 0x1F);
            case GRE:
                return ip + ((out[ip] & 0x80) != 0 ? 8 : 4);
            default:
                return ip;
        }
    }
}
