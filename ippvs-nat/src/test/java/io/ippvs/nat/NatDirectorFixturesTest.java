package io.ippvs.nat;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import io.ippvs.api.DropReason;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.PacketRewriter;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.Verdict;
import io.ippvs.core.director.Director;
import io.ippvs.testkit.ChecksumVerifier;
import io.ippvs.core.testing.FakeClock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The golden fixtures, in order, through ONE director with the NAT rewriter registered: the parser,
 * the connection table, the state machines, the FTP expectations and the fragment cache all take
 * part. On a mismatch the input, expected and actual bytes are printed and written as a pcap under
 * target/nat-fixtures/.
 */
class NatDirectorFixturesTest {

    static Director director(FakeClock clock, PacketRewriter rewriter) {
        return director(clock, rewriter, new java.security.SecureRandom().nextLong(), 4096);
    }

    /** {@link #director(FakeClock, PacketRewriter)} with a given hash seed and size, for two directors to compare. */
    static Director director(FakeClock clock, PacketRewriter rewriter, long hashSeed, int maxConnections) {
        Director d = Director.builder().nanoClock(clock).maxConnections(maxConnections).rewriter(rewriter)
                .hashSeed(hashSeed).build();
        for (NatFixtures.Service s : NatFixtures.SERVICES) {
            ServiceKey key = ServiceKey.of(Protocol.valueOf(s.protocol()), InetAddresses.forString(s.virtual()), s.port());
            d.addService(ServiceConfig.builder(key).scheduler("rr").build());
            d.addRealServer(key, RealServerConfig.builder(InetAddresses.forString(s.server()), s.serverPort())
                    .forwardingMethod(ForwardingMethod.MASQUERADE).mtu(s.mtu()).build());
        }
        return d;
    }

    /** Runs every fixture; returns the failure reports (empty when all match). */
    static List<String> runAll(Director d, FakeClock clock) {
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (NatFixtures.Fixture f : NatFixtures.all()) {
            String failure = run(d, clock, f, (n++ & 1) == 1);
            if (failure != null) {
                failures.add(failure);
            }
        }
        return failures;
    }

    /** Runs one fixture; null when it matches, else the report (hex dumps, pcap path). */
    static String run(Director d, FakeClock clock, NatFixtures.Fixture f, boolean direct) {
        clock.advanceMillis(1);
        Guarded g = new Guarded(f.input(), direct, 16, 64);
        Verdict v;
        try {
            v = d.process(g.buffer);
        } catch (RuntimeException e) {
            return f.description() + ": threw " + e;
        }
        byte[] actual = v.isDrop() ? null : g.packet();
        boolean ok = v == f.verdict() && (f.output() == null || Arrays.equals(actual, f.output())) && g.guardsIntact()
                && (actual == null || v.isPass() || ChecksumVerifier.valid(actual));
        if (ok) {
            return null;
        }
        List<byte[]> pcap = new ArrayList<>();
        pcap.add(f.input());
        if (f.output() != null) {
            pcap.add(f.output());
        }
        if (actual != null) {
            pcap.add(actual);
        }
        return f.description() + "\n  verdict  " + v + " expected " + f.verdict()
                + "\n  input    " + Guarded.hex(f.input()) + "\n  expected " + Guarded.hex(f.output())
                + "\n  actual   " + Guarded.hex(actual)
                + (actual == null ? "" : "\n  checksums " + ChecksumVerifier.problems(actual))
                + "\n  pcap     " + Guarded.dump("director-" + f.description(), pcap);
    }

    /** One dynamic test per fixture, in order, all through the same director; then the counters. */
    @TestFactory
    Stream<DynamicTest> everyFixtureInOrderThroughOneDirector() {
        FakeClock clock = new FakeClock();
        NatRewriter rewriter = NatRewriter.builder().build();
        Director d = director(clock, rewriter);
        List<NatFixtures.Fixture> fixtures = NatFixtures.all();
        assertThat(fixtures).hasSizeGreaterThanOrEqualTo(40);
        int[] n = {0};
        Stream<DynamicTest> each = fixtures.stream().map(f -> DynamicTest.dynamicTest(f.description(), () -> {
            String failure = run(d, clock, f, (n[0]++ & 1) == 1);
            assertThat(failure).as("%s", failure).isNull();
        }));
        Stream<DynamicTest> totals = Stream.of(DynamicTest.dynamicTest("counters after the fixtures", () -> {
            assertThat(d.drops(DropReason.UNMATCHED_ICMP)).isEqualTo(1);
            assertThat(d.drops(DropReason.FRAGMENT)).isEqualTo(2);
            assertThat(rewriter.ftpRewrites()).isEqualTo(3);
            assertThat(rewriter.ftpLinesJoined()).isEqualTo(2);
            assertThat(rewriter.icmpErrorsGenerated()).isEqualTo(5);
        }));
        return Stream.concat(each, totals);
    }
}
