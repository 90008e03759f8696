package io.ippvs.tunnel;

import io.ippvs.core.testing.FakeRealServer;
import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.PacketRewriter;
import io.ippvs.api.TunnelChecksum;
import io.ippvs.api.TunnelType;
import io.ippvs.api.Verdict;
import io.ippvs.core.testing.ChecksumVerifier;
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
        TestContext context = new TestContext(b, server, 0);
        for (int i = 0; i < flips; i++) {
            int at = headroom + (position + i * 7) % p.length;
            b.put(at, (byte) (b.get(at) ^ (1 << ((bits >>> (i * 3)) & 7))));
        }
        b.limit(headroom + Math.max(0, p.length - cut % (p.length + 1)));
        PacketRewriter rewriter = directRoute ? DirectRouteRewriter.builder().build()
                : TunnelFixtures.tunnelBuilder().linkMtu(100).build();

        Verdict v = rewriter.rewrite(context);

        assertThat(v).isNotNull();
        assertThat(b.position()).isBetween(0, b.limit());
        if (v.isReply()) {
            // the error's own checksums are right; the quote is whatever (mutated) bytes arrived
            assertThat(ChecksumVerifier.problems(b)).allMatch(problem -> problem.startsWith("quoted"));
        }
    }
}
