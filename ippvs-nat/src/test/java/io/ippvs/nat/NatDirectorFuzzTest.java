package io.ippvs.nat;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.PacketRewriter;
import io.ippvs.api.RewriteContext;
import io.ippvs.api.Verdict;
import io.ippvs.core.director.Director;
import io.ippvs.core.testing.FakeClock;
import io.ippvs.core.testing.Fixture;
import io.ippvs.core.testing.FixtureRunner;
import io.ippvs.core.testing.Guarded;
import io.ippvs.core.testing.MutationFuzzer;
import io.ippvs.nat.testing.NatFixtures;
import io.ippvs.testkit.ChecksumVerifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * At least a million mutated fixture packets (more with {@code -Pnightly}) through one director with
 * the NAT rewriter, after the fixtures have set up its connections: no exception, a verdict for every
 * packet, no write outside the packet's buffer or before the packet, PASS leaves the packet alone,
 * and a FORWARD or REPLY of a packet with valid checksums is valid too.
 */
class NatDirectorFuzzTest {

    @Test
    void aMillionMutatedPacketsThroughTheDirector() {
        NatRewriter nat = NatRewriter.builder().icmpRateLimit(1_000_000_000, 1_000_000).build();
        // the director turns a rewriter's exception into a drop: catch it on the way to see it
        List<String> thrown = new ArrayList<>();
        PacketRewriter rewriter = new PacketRewriter() {
            @Override
            public ForwardingMethod method() {
                return nat.method();
            }

            @Override
            public Verdict rewrite(RewriteContext c) {
                try {
                    return nat.rewrite(c);
                } catch (RuntimeException e) {
                    if (thrown.size() < 5) {
                        thrown.add(e + " on " + Guarded.hex(ChecksumVerifier.toBytes(c.buffer())));
                    }
                    throw e;
                }
            }
        };
        FixtureRunner fixtures = FixtureRunner.throughDirector((variant, before) -> rewriter, FixtureRunner.Order.SEQUENCE);
        assertThat(fixtures.runAll(NatFixtures.all())).isEmpty();
        Director d = fixtures.director();
        FakeClock clock = fixtures.clock();
        List<byte[]> seeds = NatFixtures.all().stream().map(Fixture::input).toList();
        long start = System.nanoTime();
        MutationFuzzer.Report report = new MutationFuzzer(seeds).run(0xD1EC7, MutationFuzzer.count(1_000_000), b -> {
            clock.advanceNanos(1000);
            return d.process(b);
        }, v -> v != null);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("director fuzz: " + report + " in " + millis + " ms");
        assertThat(report.failures).as(String.join("\n", report.failures)).isEmpty();
        assertThat(thrown).as("the rewriter threw").isEmpty();
        assertThat(report.packets).isGreaterThanOrEqualTo(MutationFuzzer.count(1_000_000));
        assertThat(report.count(Verdict.Action.FORWARD)).isPositive();
        assertThat(report.checksumVerified).isPositive();
    }
}
