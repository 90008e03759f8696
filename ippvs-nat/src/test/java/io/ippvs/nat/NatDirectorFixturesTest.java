package io.ippvs.nat;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.DropReason;
import io.ippvs.core.director.Director;
import io.ippvs.core.testing.Fixture;
import io.ippvs.core.testing.FixtureRunner;
import io.ippvs.nat.testing.NatFixtures;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The golden fixtures, in order, through ONE director with the NAT rewriter registered: the parser,
 * the connection table, the state machines, the FTP expectations and the fragment cache all take
 * part. On a mismatch the input, expected and actual bytes are printed and written as a pcap under
 * target/fixtures/.
 */
class NatDirectorFixturesTest {

    /** One dynamic test per fixture, in order, all through the same director; then the counters. */
    @TestFactory
    Stream<DynamicTest> everyFixtureInOrderThroughOneDirector() {
        NatRewriter rewriter = NatRewriter.builder().build();
        FixtureRunner runner = FixtureRunner.throughDirector((variant, before) -> rewriter, FixtureRunner.Order.SEQUENCE);
        List<Fixture> fixtures = NatFixtures.all();
        assertThat(fixtures.stream().filter(runner::applies)).hasSizeGreaterThanOrEqualTo(71);
        Stream<DynamicTest> each = fixtures.stream().filter(runner::applies)
                .map(f -> DynamicTest.dynamicTest(f.description(), () -> runner.check(f)));
        Stream<DynamicTest> totals = Stream.of(DynamicTest.dynamicTest("counters after the fixtures", () -> {
            assertThat(runner.fixturesRun()).isEqualTo(fixtures.size());
            Director d = runner.director();
            assertThat(d.drops(DropReason.UNMATCHED_ICMP)).isEqualTo(1);
            assertThat(d.drops(DropReason.FRAGMENT)).isEqualTo(2);
            assertThat(rewriter.ftpRewrites()).isEqualTo(3);
            assertThat(rewriter.ftpLinesJoined()).isEqualTo(2);
            assertThat(rewriter.icmpErrorsGenerated()).isEqualTo(5);
        }));
        return Stream.concat(each, totals);
    }
}
