package io.ippvs.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.core.testing.FakeRewriteContext;
import com.google.common.io.BaseEncoding;
import io.ippvs.testkit.ChecksumVerifier;
import io.ippvs.core.testing.FakeClock;
import io.ippvs.testkit.Pcap;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs every golden fixture through its rewriter with a test context (no director) and compares bytes. */
class TunnelFixturesTest {

    static List<Fixture> fixtures() {
        return TunnelFixtures.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void fixture(Fixture f) {
        ByteBuffer buffer = f.inputBuffer();
        FakeRewriteContext context = FakeRewriteContext.fromPacket(buffer, f.server(), new FakeClock().nanos());
        var verdict = f.rewriter().apply(Wire.ID).rewrite(context);
        byte[] actual = ChecksumVerifier.toBytes(buffer);
        if (verdict != f.verdict() || !java.util.Arrays.equals(actual, f.output())) {
            Pcap.dump("tunnel-" + f.description().replaceAll("[^A-Za-z0-9]+", "_"), List.of(f.input(), actual, f.output()));
        }
        assertThat(verdict).as("verdict").isEqualTo(f.verdict());
        assertThat(hex(actual)).as("bytes").isEqualTo(hex(f.output()));
        assertThat(buffer.position()).isGreaterThanOrEqualTo(0);
        if (verdict.isForward() || verdict.isReply()) {
            List<String> problems = ChecksumVerifier.problems(buffer);
            if (f.description().contains("zero IPv6 UDP checksum allowed")) {
                // the one thing the verifier rightly objects to, asked for by the fixture
                assertThat(problems).containsExactly("UDP checksum zero over IPv6");
            } else {
                assertThat(problems).isEmpty();
            }
        }
    }

    static String hex(byte[] b) {
        return BaseEncoding.base16().lowerCase().encode(b);
    }
}
