package io.ippvs.core.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.core.packet.GoldenPackets.Golden;
import io.ippvs.testkit.ChecksumVerifier;
import io.ippvs.testkit.Pcap;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every golden packet parses to exactly its expected fields and status, with and without checksum
 * verification, at offset 0 and behind headroom, in heap and direct buffers. A failing packet is
 * written to a pcap file named in the failure.
 */
class GoldenPacketTest {

    private static final PacketParser VERIFYING = new PacketParser(true);
    private static final PacketParser TRUSTING = new PacketParser(false);

    static Stream<Golden> goldens() {
        return GoldenPackets.all().stream();
    }

    @Test
    void thereAreEnoughOfThem() {
        List<Golden> all = GoldenPackets.all();
        assertThat(all).hasSizeGreaterThanOrEqualTo(30);
        assertThat(all.stream().filter(g -> g.verified() == ParseStatus.OK)).hasSizeGreaterThanOrEqualTo(20);
        assertThat(all.stream().map(Golden::name).distinct()).hasSize(all.size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void parsesToItsExpectedFields(Golden golden) {
        // the packets declared valid really are valid, by the independent verifier
        if (golden.verified() == ParseStatus.OK) {
            assertThat(ChecksumVerifier.problems(golden.packet())).as("checksums of %s", golden.name()).isEmpty();
        }
        for (int headroom : new int[] {0, 7, 64}) {
            for (boolean direct : new boolean[] {false, true}) {
                check(golden, buffer(golden.packet(), headroom, direct), VERIFYING, golden.verified(), golden.expectedVerified());
                check(golden, buffer(golden.packet(), headroom, direct), TRUSTING, golden.unverified(), golden.expected());
            }
        }
    }

    private static void check(Golden golden, ByteBuffer b, PacketParser parser, ParseStatus status, PacketInfo expected) {
        int position = b.position();
        int limit = b.limit();
        PacketInfo info = new PacketInfo();
        ParseStatus actual = parser.parse(b, info);
        String context = golden.name() + (parser.verifiesChecksums() ? " (verifying)" : " (trusting)")
                + " at " + position + (b.isDirect() ? " direct" : " heap");
        if (actual != status || !PacketInfos.describe(info, position).equals(PacketInfos.describe(expected, 0))) {
            context += ", packet in " + Pcap.dump(golden.name(), List.of(golden.packet()));
        }
        assertThat(actual).as(context).isEqualTo(status);
        assertThat(PacketInfos.describe(info, position)).as(context).isEqualTo(PacketInfos.describe(expected, 0));
        assertThat(b.position()).isEqualTo(position);
        assertThat(b.limit()).isEqualTo(limit);
    }

    static ByteBuffer buffer(byte[] packet, int headroom, boolean direct) {
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(headroom + packet.length + 16)
                : ByteBuffer.allocate(headroom + packet.length + 16);
        b.position(headroom);
        b.put(packet);
        b.position(headroom).limit(headroom + packet.length);
        return b;
    }
}
