package io.ippvs.nat;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.core.testing.FakeRewriteContext;
import io.ippvs.api.Verdict;
import io.ippvs.testkit.ChecksumVerifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The golden fixtures through the rewriter alone, each connection described by a hand-filled
 * {@link FakeRewriteContext}: the rewriter's share of every fixture, independent of the director. Fixtures
 * whose outcome is the director's (no connection) are skipped here; {@code NatDirectorFixturesTest}
 * runs them all.
 */
class NatRewriterFixturesTest {

    @Test
    void everyFixtureThroughTheRewriter() {
        NatRewriter rewriter = NatRewriter.builder().build();
        Map<String, FakeRewriteContext> contexts = new HashMap<>();
        List<String> failures = new ArrayList<>();
        int run = 0;
        for (NatFixtures.Fixture f : NatFixtures.all()) {
            if (f.connection() == null) {
                continue; // the director's own outcome: no connection to rewrite for
            }
            FakeRewriteContext c = contexts.computeIfAbsent(f.connection(), name -> {
                NatFixtures.Connection k = NatFixtures.connection(name);
                return FakeRewriteContext.masquerade(k.client(), 0, k.virtual(), k.virtualPort(), k.server(), k.serverPort(), k.mtu());
            });
            Guarded g = new Guarded(f.input(), (run & 1) == 1, 16, 64);
            Verdict v = rewriter.rewrite(c.packet(g.buffer, f.reply()));
            run++;
            byte[] actual = v.isForward() || v.isReply() ? g.packet() : null;
            boolean ok = v == f.verdict() && (f.output() == null || java.util.Arrays.equals(actual, f.output()))
                    && g.guardsIntact() && (actual == null || ChecksumVerifier.valid(actual));
            if (!ok) {
                failures.add(f.description() + "\n  verdict  " + v + " expected " + f.verdict()
                        + "\n  input    " + Guarded.hex(f.input()) + "\n  expected " + Guarded.hex(f.output())
                        + "\n  actual   " + Guarded.hex(actual)
                        + (actual == null ? "" : "\n  checksums " + ChecksumVerifier.problems(actual))
                        + "\n  pcap     " + Guarded.dump("rewriter-" + f.description(),
                                actual == null ? List.of(f.input()) : List.of(f.input(), f.output() == null ? actual : f.output(), actual)));
            }
        }
        assertThat(failures).as(String.join("\n", failures)).isEmpty();
        assertThat(run).isGreaterThanOrEqualTo(45);
        FakeRewriteContext ftp = contexts.get("ftp");
        assertThat(ftp.expectations).containsExactly(
                new FakeRewriteContext.Expectation(io.ippvs.api.Protocol.TCP, 0, 50000, 50000),
                new FakeRewriteContext.Expectation(io.ippvs.api.Protocol.TCP, 157 * 256 + 1, 20, 20),
                new FakeRewriteContext.Expectation(io.ippvs.api.Protocol.TCP, 0, 50001, 50001));
        assertThat(rewriter.ftpRewrites()).isEqualTo(3);
    }
}
