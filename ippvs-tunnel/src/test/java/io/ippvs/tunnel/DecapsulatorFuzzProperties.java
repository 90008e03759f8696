package io.ippvs.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.TunnelChecksum;
import io.ippvs.api.TunnelType;
import io.ippvs.api.Verdict;
import io.ippvs.core.testing.FakeRewriteContext;
import io.ippvs.testkit.ChecksumVerifier;
import io.ippvs.tunnel.testing.TunnelFixtures;
import java.nio.ByteBuffer;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * pcap4j-style mutations of good tunnel packets (bit flips, truncations): the decapsulator never
 * throws, never reads past the limit (the buffer's absolute getters would throw), and either strips a
 * well-formed inner packet or refuses the packet leaving the buffer untouched.
 */
class DecapsulatorFuzzProperties {

    private static final Decapsulator DECAPSULATOR = DecapsulatorTest.all().allowZeroUdpChecksumIpv6(true).build();

    @Property(tries = 5_000)
    void mutatedTunnelPacketsAreHandled(@ForAll TunnelType type, @ForAll TunnelChecksum checksum, @ForAll boolean outerV6,
                                        @ForAll boolean innerV6, @ForAll @IntRange(min = 0, max = 3) int flips,
                                        @ForAll @IntRange(min = 0, max = 10_000) int position, @ForAll int bits,
                                        @ForAll boolean truncate) {
        byte[] inner = (innerV6 ? TunnelFixtures.tcp6(64) : TunnelFixtures.tcp4(64)).bytes();
        ByteBuffer b = TunnelRoundTripProperties.place(inner, false, 64);
        TunnelRewriter rewriter = TunnelFixtures.tunnelBuilder().build();
        Verdict v = rewriter.rewrite(FakeRewriteContext.fromPacket(b, TunnelRoundTripProperties.server(type, checksum, outerV6), 0));
        assertThat(v).isEqualTo(Verdict.FORWARD);
        byte[] packet = ChecksumVerifier.toBytes(b);
        for (int i = 0; i < flips; i++) {
            int at = (position + i * 13) % packet.length;
            packet[at] ^= (byte) (1 << ((bits >>> (i * 3)) & 7));
        }
        if (truncate) {
            packet = Arrays.copyOf(packet, position % (packet.length + 1));
        }
        ByteBuffer buffer = ByteBuffer.allocate(packet.length);
        buffer.put(packet).flip();

        DecapStatus status = DECAPSULATOR.decapsulate(buffer);

        if (status == DecapStatus.OK) {
            byte[] out = ChecksumVerifier.toBytes(buffer);
            int version = (out[0] & 0xF0) >>> 4;
            assertThat(version).isIn(4, 6);
            int length = version == 4 ? TunnelRoundTripProperties.u16(out, 2) : 40 + TunnelRoundTripProperties.u16(out, 4);
            assertThat(length).isEqualTo(out.length);
        } else {
            assertThat(buffer.position()).isZero();
            assertThat(ChecksumVerifier.toBytes(buffer)).isEqualTo(packet);
        }
    }
}
