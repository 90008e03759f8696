package io.ippvs.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.Verdict;
import io.ippvs.testkit.ChecksumVerifier;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Bit flips and truncations of the relay fixtures' ICMP errors: the relay never throws, never reads
 * past the limit, and anything it relays carries correct checksums of its own (the quote is whatever
 * arrived).
 */
class TunnelIcmpRelayFuzzProperties {

    private static final List<TunnelIcmpRelayTest.Case> CASES = TunnelIcmpRelayTest.cases();

    @Property(tries = 5_000)
    void mutatedErrorsAreHandled(@ForAll @IntRange(min = 0, max = 1000) int which, @ForAll @IntRange(min = 0, max = 4) int flips,
                                 @ForAll @IntRange(min = 0, max = 100_000) int position, @ForAll int bits,
                                 @ForAll boolean truncate) {
        TunnelIcmpRelayTest.Case c = CASES.get(which % CASES.size());
        byte[] packet = c.input().clone();
        for (int i = 0; i < flips; i++) {
            int at = (position + i * 11) % packet.length;
            packet[at] ^= (byte) (1 << ((bits >>> (i * 3)) & 7));
        }
        if (truncate) {
            packet = Arrays.copyOf(packet, position % (packet.length + 1));
        }
        ByteBuffer buffer = ByteBuffer.allocate(packet.length);
        buffer.put(packet).flip();

        Verdict v = TunnelIcmpRelayTest.RELAY.handle(buffer, new TunnelIcmpRelay.Quote(), TunnelIcmpRelayTest.known(c.server()));

        if (v == Verdict.REPLY) {
            assertThat(ChecksumVerifier.problems(buffer)).allMatch(problem -> problem.startsWith("quoted"));
        } else {
            assertThat(buffer.position()).isZero();
            assertThat(ChecksumVerifier.toBytes(buffer)).isEqualTo(packet);
        }
    }
}
