package io.ippvs.core.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.testkit.ChecksumVerifier;
import io.ippvs.testkit.PacketBuilder;
import io.ippvs.core.testing.RandomPackets;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * The parser against hostile input: arbitrary bytes, truncations and bit flips of good packets.
 * It must never throw, never write, never read outside {@code [position, limit)}, and its result
 * must depend only on the window.
 *
 * <p>How reads outside the window are caught: each packet is parsed in three buffers with guard
 * bytes before position and after limit (all zero, all 0xFF, random; heap or direct), and in a
 * buffer holding exactly the packet. An absolute read past limit throws IndexOutOfBounds in all
 * of them; a read before position throws in the exact buffer and sees different guard bytes in
 * the others, so any such read shows as an exception or as results that differ.
 */
class ParserFuzzTest {

    private static final PacketParser VERIFYING = new PacketParser(true);
    private static final PacketParser TRUSTING = new PacketParser(false);
    private static final List<GoldenPackets.Golden> GOLDENS = GoldenPackets.all();

    @Property(tries = 10_000)
    void arbitraryBytesNeverEscapeTheWindow(@ForAll @Size(max = 160) byte[] bytes, @ForAll long seed) {
        Random r = new Random(seed);
        if (bytes.length > 0 && r.nextBoolean()) {
            // make the version and lengths plausible half of the time so the parser goes deeper
            boolean v6 = r.nextBoolean();
            bytes[0] = (byte) ((v6 ? 0x60 : 0x45) | (v6 ? bytes[0] & 0x0F : 0));
            if (bytes.length >= 4 && !v6) {
                bytes[2] = (byte) (bytes.length >>> 8);
                bytes[3] = (byte) bytes.length;
            } else if (bytes.length >= 6 && v6) {
                int payload = Math.max(0, bytes.length - 40);
                bytes[4] = (byte) (payload >>> 8);
                bytes[5] = (byte) payload;
            }
        }
        parseGuarded(bytes, r);
    }

    @Property(tries = 10_000)
    void truncatedPacketsNeverEscapeTheWindow(@ForAll long seed) {
        Random r = new Random(seed);
        byte[] good = r.nextInt(4) == 0 ? GOLDENS.get(r.nextInt(GOLDENS.size())).packet() : RandomPackets.any(r);
        byte[] cut = Arrays.copyOf(good, r.nextInt(good.length + 1));
        if (r.nextBoolean() && cut.length >= 6) {
            // also with the IP length fields telling the truth about the cut, so L4 checks are reached
            if ((cut[0] & 0xF0) == 0x40) {
                cut[2] = (byte) (cut.length >>> 8);
                cut[3] = (byte) cut.length;
            } else if (cut.length >= 40) {
                cut[4] = (byte) ((cut.length - 40) >>> 8);
                cut[5] = (byte) (cut.length - 40);
            }
        }
        parseGuarded(cut, r);
    }

    @Property(tries = 10_000)
    void bitFlippedPacketsNeverEscapeTheWindow(@ForAll long seed) {
        Random r = new Random(seed);
        byte[] p = r.nextInt(4) == 0 ? GOLDENS.get(r.nextInt(GOLDENS.size())).packet().clone() : RandomPackets.any(r);
        if (p.length == 0) {
            return;
        }
        int flips = 1 + r.nextInt(4);
        for (int i = 0; i < flips; i++) {
            // bias towards the headers, where the parser's decisions are
            int at = r.nextBoolean() ? r.nextInt(Math.min(p.length, 80)) : r.nextInt(p.length);
            p[at] ^= (byte) (1 << r.nextInt(8));
        }
        parseGuarded(p, r);
    }

    @Property(tries = 10_000)
    void randomGoodPacketsParseAndVerify(@ForAll long seed) {
        Random r = new Random(seed);
        byte[] p = RandomPackets.any(r);
        assertThat(ChecksumVerifier.problems(p)).isEmpty();
        PacketInfo info = new PacketInfo();
        ParseStatus status = VERIFYING.parse(ByteBuffer.wrap(p), info);
        boolean later = isLaterFragment(p);
        assertThat(status).as(ChecksumVerifierHex.hex(p)).isEqualTo(later ? ParseStatus.NON_FIRST_FRAGMENT : ParseStatus.OK);
        assertThat(info.end()).isEqualTo(p.length);
        if (!later && info.isIcmpError()) {
            assertThat(info.innerL4Offset()).isBetween(info.innerL3Offset(), p.length - 8);
        }
    }

    @Property(tries = 10_000)
    void corruptedChecksumsAreCaughtWhenVerifying(@ForAll long seed) {
        Random r = new Random(seed);
        PacketBuilder b = RandomPackets.builder(r, true);
        byte[] good = b.bytes();
        byte[] bad = b.corruptChecksum().bytes();
        PacketInfo info = new PacketInfo();
        ParseStatus status = VERIFYING.parse(ByteBuffer.wrap(bad), info);
        if (Arrays.equals(good, bad) || info.isFragment()) {
            return; // no transport checksum (raw protocol), or one a fragment cannot verify
        }
        assertThat(ChecksumVerifier.valid(bad)).isFalse();
        assertThat(status).as(ChecksumVerifierHex.hex(bad)).isEqualTo(ParseStatus.BAD_CHECKSUM);
        assertThat(TRUSTING.parse(ByteBuffer.wrap(bad), info)).isEqualTo(ParseStatus.OK);
    }

    @Property(tries = 10_000)
    void aReusedPacketInfoHoldsNothingOfThePreviousPacket(@ForAll long seed) {
        Random r = new Random(seed);
        PacketInfo reused = new PacketInfo();
        for (int i = 0; i < 3; i++) {
            byte[] p = someInput(r);
            PacketParser parser = r.nextBoolean() ? VERIFYING : TRUSTING;
            ParseStatus status = parser.parse(ByteBuffer.wrap(p), reused);
            PacketInfo fresh = new PacketInfo();
            ParseStatus expected = parser.parse(ByteBuffer.wrap(p), fresh);
            assertThat(status).isEqualTo(expected);
            assertThat(PacketInfos.describe(reused, 0)).isEqualTo(PacketInfos.describe(fresh, 0));
        }
        reused.reset();
        assertThat(PacketInfos.describe(reused, 0)).isEqualTo(PacketInfos.describe(new PacketInfo(), 0));
    }

    /** A golden packet, a random good one, or either cut short or with bits flipped. */
    private static byte[] someInput(Random r) {
        byte[] p = r.nextInt(3) == 0 ? GOLDENS.get(r.nextInt(GOLDENS.size())).packet().clone() : RandomPackets.any(r);
        switch (r.nextInt(3)) {
            case 0:
                return Arrays.copyOf(p, r.nextInt(p.length + 1));
            case 1:
                if (p.length > 0) {
                    p[r.nextInt(Math.min(p.length, 60))] ^= (byte) (1 << r.nextInt(8));
                }
                return p;
            default:
                return p;
        }
    }

    private static boolean isLaterFragment(byte[] p) {
        PacketInfo info = new PacketInfo();
        TRUSTING.parse(ByteBuffer.wrap(p), info);
        return info.fragmentOffset() != 0;
    }

    /** Parses {@code packet} in guarded buffers with either parser and checks the window rules. */
    static void parseGuarded(byte[] packet, Random r) {
        PacketParser parser = r.nextBoolean() ? VERIFYING : TRUSTING;
        String exact = parseOnce(parser, packet, 0, 0, (byte) 0, r.nextBoolean(), null);
        int before = 1 + r.nextInt(48);
        int after = 1 + r.nextInt(48);
        boolean direct = r.nextBoolean();
        assertThat(parseOnce(parser, packet, before, after, (byte) 0, direct, null)).isEqualTo(exact);
        assertThat(parseOnce(parser, packet, before, after, (byte) 0xFF, direct, null)).isEqualTo(exact);
        assertThat(parseOnce(parser, packet, before, after, (byte) 0, !direct, r)).isEqualTo(exact);
    }

    private static String parseOnce(PacketParser parser, byte[] packet, int before, int after, byte guard,
                                    boolean direct, Random random) {
        int capacity = before + packet.length + after;
        byte[] image = new byte[capacity];
        if (random != null) {
            random.nextBytes(image);
        } else {
            Arrays.fill(image, guard);
        }
        System.arraycopy(packet, 0, image, before, packet.length);
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
        b.put(image).clear();
        // capacity may exceed limit: reads past limit must still throw, so limit is the window's end
        b.position(before).limit(before + packet.length);
        PacketInfo info = new PacketInfo();
        ParseStatus status = parser.parse(b, info);

        assertThat(b.position()).isEqualTo(before);
        assertThat(b.limit()).isEqualTo(before + packet.length);
        byte[] after2 = new byte[capacity];
        b.duplicate().clear().get(after2);
        assertThat(after2).as("the parser never writes").isEqualTo(image);
        invariants(status, info, before, before + packet.length);
        return status + " " + PacketInfos.describe(info, before);
    }

    private static void invariants(ParseStatus status, PacketInfo i, int position, int limit) {
        assertThat(i.l3Offset()).isEqualTo(position);
        if (i.end() != -1) {
            assertThat(i.end()).isBetween(position, limit);
        }
        if (i.l4Offset() != -1) {
            assertThat(i.l4Offset()).isBetween(position, i.end());
        }
        if (i.payloadOffset() != -1) {
            assertThat(i.payloadOffset()).isBetween(i.l4Offset(), i.end());
        }
        if (i.isIcmpError()) {
            assertThat(i.innerL3Offset()).isBetween(i.l4Offset() + 8, i.end());
            assertThat(i.innerL4Offset()).isBetween(i.innerL3Offset(), i.end() - 8);
        } else {
            assertThat(i.innerL3Offset()).isEqualTo(-1);
        }
        if (status == ParseStatus.OK) {
            assertThat(i.addressFamily()).isIn(4, 6);
            assertThat(i.l4Offset()).isNotEqualTo(-1);
        }
        if (status == ParseStatus.NON_FIRST_FRAGMENT) {
            assertThat(i.fragmentOffset()).isPositive();
            assertThat(i.l4Offset()).isEqualTo(-1);
        }
    }

    /** Hex for failure messages. */
    private static final class ChecksumVerifierHex {
        static String hex(byte[] p) {
            StringBuilder sb = new StringBuilder();
            for (byte x : p) {
                sb.append(String.format("%02x", x & 0xFF));
            }
            return sb.toString();
        }
    }
}
