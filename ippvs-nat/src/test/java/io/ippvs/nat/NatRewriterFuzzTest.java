package io.ippvs.nat;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.DropReason;
import io.ippvs.api.Verdict;
import io.ippvs.core.testing.Fixture;
import io.ippvs.core.testing.MutationFuzzer;
import io.ippvs.nat.testing.NatFixtures;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Mutated fixture packets through the real parser and the rewriter (with {@link MiniDirector} picking
 * the connection): no exception, only the verdicts the rewriter documents, nothing written outside
 * the packet's buffer.
 */
class NatRewriterFuzzTest {

    /** Drop reasons the parser and the rewriter may give. */
    static final Set<DropReason> REASONS = EnumSet.of(DropReason.MALFORMED, DropReason.TRUNCATED, DropReason.BAD_CHECKSUM,
            DropReason.FRAGMENT, DropReason.TTL_EXPIRED, DropReason.TOO_BIG, DropReason.UNSUPPORTED, DropReason.UNMATCHED_ICMP);

    @Test
    void mutatedPacketsThroughTheRewriter() {
        List<byte[]> seeds = NatFixtures.all().stream().map(Fixture::input).toList();
        MiniDirector director = new MiniDirector(NatRewriter.builder().icmpRateLimit(1_000_000_000, 1_000_000).build());
        MutationFuzzer.Report report = new MutationFuzzer(seeds).run(0x5EED, MutationFuzzer.count(200_000) / 5,
                director::process, v -> !v.isDrop() || REASONS.contains(v.dropReason()));
        assertThat(report.failures).as(String.join("\n", report.failures)).isEmpty();
        assertThat(report.count(Verdict.Action.FORWARD)).isPositive();
        assertThat(report.count(Verdict.Action.REPLY)).isPositive();
        assertThat(report.checksumVerified).isPositive();
        System.out.println("rewriter fuzz: " + report);
    }
}
