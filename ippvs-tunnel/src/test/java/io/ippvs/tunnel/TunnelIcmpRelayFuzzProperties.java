package io.ippvs.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.Verdict;
import io.ippvs.core.testing.MutationFuzzer;
import io.ippvs.testkit.ChecksumVerifier;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Mutations (the one {@link MutationFuzzer}) of the relay fixtures' ICMP errors: the relay never
 * throws, never writes outside the buffer, anything it relays carries checksums of its own that
 * verify by an independent recomputation (the quote is whatever arrived), and anything it does not
 * relay (not an error about our tunnels, or one it drops) is left as it came.
 */
class TunnelIcmpRelayFuzzProperties {

    private static final List<TunnelIcmpRelayTest.Case> CASES = TunnelIcmpRelayTest.cases();

    @Test
    void mutatedErrorsAreHandled() {
        TunnelIcmpRelay.Quote quote = new TunnelIcmpRelay.Quote();
        MutationFuzzer.Report report = new MutationFuzzer(CASES.stream().map(TunnelIcmpRelayTest.Case::input).toList())
                .movesPosition().withoutOutputChecksums().run(0x1C3B, 20_000, null,
                        (b, i) -> {
                            // null: not an error about one of our tunnels, the caller's to handle (a PASS)
                            Verdict v = TunnelIcmpRelayTest.RELAY.handle(b, quote, TunnelIcmpRelayTest.known(CASES.get(i).server()));
                            return v == null ? Verdict.PASS : v;
                        },
                        v -> !v.isForward(),
                        (in, headroom, b, v, i) -> {
                            if (!v.isReply()) {
                                return MutationFuzzer.untouched(in, headroom, b) ? null : "a packet not relayed was changed";
                            }
                            List<String> problems = ChecksumVerifier.problems(b);
                            return problems.stream().allMatch(p -> p.startsWith("quoted")) ? null : "checksums " + problems;
                        });
        System.out.println("relay fuzz: " + report);
        assertThat(report.failures).as(String.join("\n", report.failures)).isEmpty();
        assertThat(report.count(Verdict.Action.REPLY)).isPositive();
        assertThat(report.count(Verdict.Action.DROP)).isPositive();
    }
}
