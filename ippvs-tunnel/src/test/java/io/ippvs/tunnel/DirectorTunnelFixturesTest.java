package io.ippvs.tunnel;

import io.ippvs.core.director.Director;
import io.ippvs.core.testing.Fixture;
import io.ippvs.core.testing.FixtureRunner;
import io.ippvs.tunnel.testing.TunnelFixtures;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden fixtures again, each through a fresh {@link Director}: a service on the fixture's
 * virtual address with the fixture's real server, an opening packet (TCP SYN, or a UDP datagram) to
 * create the connection, then the fixture's packet, whose verdict and bytes must be the expected
 * ones; a FORWARD must name the fixture's real server and method as next hop, anything else clear it.
 * A server no packet can reach must refuse the opening as it refuses the fixture, and keep no entry.
 * Fixtures whose packet is an ICMP error are the rewriter's alone (the director answers an error by
 * the connection it quotes) and are not run here.
 */
class DirectorTunnelFixturesTest {

    static List<Fixture> fixtures() {
        FixtureRunner runner = FixtureRunner.throughDirector(TunnelFixtures::rewriter, FixtureRunner.Order.INDEPENDENT);
        return TunnelFixtures.all().stream().filter(runner::applies).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void throughTheDirector(Fixture f) {
        FixtureRunner.throughDirector(TunnelFixtures::rewriter, FixtureRunner.Order.INDEPENDENT).check(f);
    }
}
