package io.ippvs.nat;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.Protocol;
import io.ippvs.core.testing.FakeRewriteContext;
import io.ippvs.core.testing.Fixture;
import io.ippvs.core.testing.FixtureRunner;
import io.ippvs.nat.testing.NatFixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The golden fixtures through the rewriter alone, one {@link FakeRewriteContext} per connection: the
 * rewriter's share of every fixture, independent of the director. Fixtures whose outcome is the
 * director's are skipped here; {@code NatDirectorFixturesTest} runs them all.
 */
class NatRewriterFixturesTest {

    @Test
    void everyFixtureThroughTheRewriter() {
        NatRewriter rewriter = NatRewriter.builder().build();
        FixtureRunner runner = FixtureRunner.throughRewriter((variant, before) -> rewriter, FixtureRunner.Order.SEQUENCE);
        List<Fixture> fixtures = NatFixtures.all();
        List<String> failures = runner.runAll(fixtures);
        assertThat(failures).as(String.join("\n", failures)).isEmpty();
        assertThat(runner.fixturesRun()).isEqualTo(fixtures.stream().filter(runner::applies).count()).isGreaterThanOrEqualTo(65);
        FakeRewriteContext ftp = runner.context(NatFixtures.flow("ftp"));
        assertThat(ftp.expectations).containsExactly(
                new FakeRewriteContext.Expectation(Protocol.TCP, 0, 50000, 50000),
                new FakeRewriteContext.Expectation(Protocol.TCP, 157 * 256 + 1, 20, 20),
                new FakeRewriteContext.Expectation(Protocol.TCP, 0, 50001, 50001));
        assertThat(rewriter.ftpRewrites()).isEqualTo(3);
    }
}
