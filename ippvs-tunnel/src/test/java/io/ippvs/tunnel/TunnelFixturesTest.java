package io.ippvs.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.core.testing.Fixture;
import io.ippvs.core.testing.FixtureRunner;
import io.ippvs.tunnel.testing.TunnelFixtures;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every golden fixture through its rewriter alone, with a fresh rewriter and a test context for each
 * (no director): verdict, exact bytes in {@code [position, limit)}, nothing written outside the
 * buffer, checksums of the output recomputed from scratch. On a mismatch the runner writes a pcap of
 * input, expected and actual bytes under target/fixtures/.
 */
class TunnelFixturesTest {

    private static final FixtureRunner RUNNER =
            FixtureRunner.throughRewriter(TunnelFixtures::rewriter, FixtureRunner.Order.INDEPENDENT);

    static List<Fixture> fixtures() {
        return TunnelFixtures.all().stream().filter(RUNNER::applies).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void fixture(Fixture f) {
        FixtureRunner.throughRewriter(TunnelFixtures::rewriter, FixtureRunner.Order.INDEPENDENT).check(f);
    }

    /** The whole list through one runner: independent fixtures give the same outcome one after another. */
    @Test
    void theWholeListThroughOneRunner() {
        FixtureRunner runner = FixtureRunner.throughRewriter(TunnelFixtures::rewriter, FixtureRunner.Order.INDEPENDENT);
        List<Fixture> all = TunnelFixtures.all();
        List<String> failures = runner.runAll(all);
        assertThat(failures).as(String.join("\n", failures)).isEmpty();
        // every fixture is the rewriter's: the director-only scope is NAT's
        assertThat(runner.fixturesRun()).isEqualTo(all.size()).isGreaterThanOrEqualTo(62);
    }
}
