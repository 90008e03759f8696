package io.ippvs.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.DropReason;
import io.ippvs.api.TunnelChecksum;
import io.ippvs.api.TunnelType;
import io.ippvs.api.Verdict;
import io.ippvs.core.testing.FakeRewriteContext;
import io.ippvs.core.testing.MutationFuzzer;
import io.ippvs.testkit.ChecksumVerifier;
import io.ippvs.tunnel.testing.TunnelFixtures;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * pcap4j-style mutations (the one {@link MutationFuzzer}) of good tunnel packets of every type,
 * checksum option and family: the decapsulator never throws, never writes outside the buffer, and
 * either strips the outer headers, leaving exactly the arriving inner bytes whose own header says
 * their length, or refuses the packet leaving the buffer untouched.
 */
class DecapsulatorFuzzProperties {

    private static final Decapsulator DECAPSULATOR = DecapsulatorTest.all().allowZeroUdpChecksumIpv6(true).build();

    /** Every tunnel packet the rewriter makes of the fixtures' inner packets. */
    private static List<byte[]> tunnelled() {
        List<byte[]> seeds = new ArrayList<>();
        TunnelRewriter rewriter = TunnelFixtures.tunnelBuilder().build();
        for (TunnelType type : TunnelType.values()) {
            for (TunnelChecksum checksum : TunnelChecksum.values()) {
                for (boolean outerV6 : new boolean[] {false, true}) {
                    for (boolean innerV6 : new boolean[] {false, true}) {
                        byte[] inner = (innerV6 ? TunnelFixtures.tcp6(64) : TunnelFixtures.tcp4(64)).bytes();
                        ByteBuffer b = TunnelRoundTripProperties.place(inner, false, 64);
                        Verdict v = rewriter.rewrite(FakeRewriteContext.fromPacket(b,
                                TunnelRoundTripProperties.server(type, checksum, outerV6), 0));
                        assertThat(v).isEqualTo(Verdict.FORWARD);
                        seeds.add(ChecksumVerifier.toBytes(b));
                    }
                }
            }
        }
        return seeds;
    }

    @Test
    void mutatedTunnelPacketsAreHandled() {
        MutationFuzzer.Report report = new MutationFuzzer(tunnelled()).movesPosition().withoutOutputChecksums().run(0xDECA,
                20_000, null,
                (b, i) -> DECAPSULATOR.decapsulate(b) == DecapStatus.OK ? Verdict.FORWARD : Verdict.drop(DropReason.MALFORMED),
                v -> v.isForward() || v.isDrop(),
                (in, headroom, b, v, i) -> {
                    if (v.isDrop()) {
                        return MutationFuzzer.untouched(in, headroom, b) ? null : "a refused packet was changed";
                    }
                    byte[] out = ChecksumVerifier.toBytes(b);
                    int version = (out[0] & 0xF0) >>> 4;
                    int length = version == 4 ? TunnelRoundTripProperties.u16(out, 2)
                            : version == 6 ? 40 + TunnelRoundTripProperties.u16(out, 4) : -1;
                    if (length != out.length) {
                        return "inner packet of version " + version + " says " + length + " bytes, has " + out.length;
                    }
                    // stripping is all it does: the inner packet is the bytes that arrived behind the outer headers
                    int from = b.position() - headroom;
                    return from > 0 && from + out.length <= in.length
                            && Arrays.equals(out, Arrays.copyOfRange(in, from, from + out.length))
                            ? null : "the inner packet is not the arriving bytes behind the outer headers";
                });
        System.out.println("decapsulator fuzz: " + report);
        assertThat(report.failures).as(String.join("\n", report.failures)).isEmpty();
        assertThat(report.count(Verdict.Action.FORWARD)).isPositive();
        assertThat(report.count(Verdict.Action.DROP)).isPositive();
    }
}
