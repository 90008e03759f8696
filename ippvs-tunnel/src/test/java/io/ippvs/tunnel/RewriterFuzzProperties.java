package io.ippvs.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.PacketRewriter;
import io.ippvs.api.TunnelChecksum;
import io.ippvs.api.TunnelType;
import io.ippvs.api.Verdict;
import io.ippvs.core.testing.FakeRealServer;
import io.ippvs.core.testing.FakeRewriteContext;
import io.ippvs.testkit.ChecksumVerifier;
import io.ippvs.tunnel.testing.TunnelFixtures;
import io.ippvs.tunnel.testing.Wire;
import java.nio.ByteBuffer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The rewriters meet packets the director has parsed, but must still never throw nor write outside
 * the buffer when the bytes lie: the context is taken from a good packet, then its bytes are mutated
 * and its limit cut. Every outcome is allowed except an exception; a forwarded or replied packet stays
 * within the buffer.
 */
class RewriterFuzzProperties {

    @Property(tries = 5_000)
    void mutatedPacketsNeverThrow(@ForAll TunnelType type, @ForAll TunnelChecksum checksum, @ForAll boolean outerV6,
                                  @ForAll boolean innerV6, @ForAll boolean directRoute,
                                  @ForAll @IntRange(min = 0, max = 4) int flips, @ForAll @IntRange(min = 0, max = 10_000) int position,
                                  @ForAll int bits, @ForAll @IntRange(min = 0, max = 100) int cut,
                                  @ForAll @IntRange(min = 0, max = 70) int headroom, @ForAll @IntRange(min = 0, max = 70) int tailroom) {
        byte[] p = (innerV6 ? TunnelFixtures.tcp6(2 + (bits & 3)) : TunnelFixtures.tcp4(2 + (bits & 3))).bytes();
        ByteBuffer b = ByteBuffer.allocate(headroom + p.length + tailroom);
        b.position(headroom);
        b.put(p);
        b.position(headroom).limit(headroom + p.length);
        var server = directRoute ? FakeRealServer.direct(outerV6 ? Wire.SERVER_V6 : Wire.SERVER_V4, 0)
                : TunnelRoundTripProperties.server(type, checksum, outerV6);
        FakeRewriteContext context = FakeRewriteContext.fromPacket(b, server, 0);
        for (int i = 0; i < flips; i++) {
            int at = headroom + (position + i * 7) % p.length;
            b.put(at, (byte) (b.get(at) ^ (1 << ((bits >>> (i * 3)) & 7))));
        }
        b.limit(headroom + Math.max(0, p.length - cut % (p.length + 1)));
        PacketRewriter rewriter = directRoute ? DirectRouteRewriter.builder().build()
                : TunnelFixtures.tunnelBuilder().linkMtu(100).build();

        byte[] in = ChecksumVerifier.toBytes(b);
        Verdict v = rewriter.rewrite(context);

        assertThat(v).isNotNull();
        assertThat(b.position()).isBetween(0, b.limit());
        if (v.isForward()) {
            // whatever arrived goes on whole: past the TTL / hop limit and the IPv4 checksum (the
            // first 12 bytes) the packet is the bytes that came in, behind outer headers of their own
            // (as long as its own header says: link padding after it stays behind)
            byte[] out = ChecksumVerifier.toBytes(b);
            int outer = directRoute ? 0 : outerLength(type, out, outerV6);
            int inner = out.length - outer;
            assertThat(inner).isBetween(Math.min(12, in.length), in.length);
            assertThat(java.util.Arrays.copyOfRange(out, outer + Math.min(12, inner), out.length))
                    .isEqualTo(java.util.Arrays.copyOfRange(in, Math.min(12, inner), inner));
            if (!directRoute) {
                // the outer headers are the rewriter's own: their checksums are right
                assertThat(ChecksumVerifier.problems(b)).isEmpty();
                int at = b.position() + (outerV6 ? 24 : 16);
                assertThat(outerV6 ? b.getLong(at + 8) : b.getInt(at) & 0xFFFFFFFFL).isEqualTo(server.addressLow());
            }
        }
        if (v.isReply()) {
            // the error's own checksums are right; the quote is whatever (mutated) bytes arrived
            assertThat(ChecksumVerifier.problems(b)).allMatch(problem -> problem.startsWith("quoted"));
        }
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
