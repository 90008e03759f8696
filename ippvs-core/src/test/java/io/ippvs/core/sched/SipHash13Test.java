package io.ippvs.core.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class SipHash13Test {

    /** The paper's key 00 01 .. 0f. */
    private static final long K0 = 0x0706050403020100L;
    private static final long K1 = 0x0f0e0d0c0b0a0908L;

    private static byte[] counting(int n) {
        byte[] m = new byte[n];
        for (int i = 0; i < n; i++) {
            m[i] = (byte) i;
        }
        return m;
    }

    @Test
    void sipHash24MatchesThePublishedVectors() {
        // SipHash paper, appendix A: 15-byte message 00 .. 0e
        assertThat(SipHash13.hash(2, 4, K0, K1, counting(15))).isEqualTo(0xa129ca6149be45e5L);
        // reference implementation vectors: empty message and one byte 00
        assertThat(SipHash13.hash(2, 4, K0, K1, counting(0))).isEqualTo(0x726fdb47dd0e0e31L);
        assertThat(SipHash13.hash(2, 4, K0, K1, counting(1))).isEqualTo(0x74f839c593dc67fdL);
    }

    @Test
    void referenceAgreesWithThePublishedVectorToo() {
        assertThat(ReferenceSipHash.hash(2, 4, K0, K1, counting(15))).isEqualTo(0xa129ca6149be45e5L);
    }

    @Property(tries = 300)
    void generalFormMatchesTheReference(@ForAll long k0, @ForAll long k1, @ForAll @Size(max = 40) byte[] message) {
        assertThat(SipHash13.hash(k0, k1, message)).isEqualTo(ReferenceSipHash.hash(1, 3, k0, k1, message));
        assertThat(SipHash13.hash(2, 4, k0, k1, message)).isEqualTo(ReferenceSipHash.hash(2, 4, k0, k1, message));
    }

    @Property(tries = 500)
    void fourByteFormMatchesTheReference(@ForAll long k0, @ForAll long k1, @ForAll int value) {
        byte[] le = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
        assertThat(SipHash13.hash(k0, k1, value)).isEqualTo(ReferenceSipHash.hash(1, 3, k0, k1, le));
    }

    @Test
    void maglevKeysHashAsTheKernelFeedsThem() {
        // hsiphash key {2654435761, 2654435761}: both 64-bit halves hold the same number
        byte[] le = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0x0A000001 + 80).array();
        assertThat(SipHash13.hash(MaglevHashing.KEY1, MaglevHashing.KEY1, 0x0A000001 + 80))
                .isEqualTo(ReferenceSipHash.hash(1, 3, 2654435761L, 2654435761L, le));
    }
}
