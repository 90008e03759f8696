package io.ippvs.core.sched;

/**
 * SipHash-1-3 (one compression round, three finalization rounds), the 64-bit-host variant of the
 * kernel's hsiphash that the mh scheduler keys with fixed constants. The rounds are a parameter only
 * so that tests can check the code against the published SipHash-2-4 vectors.
 */
final class SipHash13 {

    private SipHash13() {}

    /** SipHash-1-3 of a 4-byte message holding {@code value} little-endian. Allocates nothing. */
    static long hash(long k0, long k1, int value) {
        long v0 = 0x736f6d6570736575L ^ k0;
        long v1 = 0x646f72616e646f6dL ^ k1;
        long v2 = 0x6c7967656e657261L ^ k0;
        long v3 = 0x7465646279746573L ^ k1;
        // the only block: the 4 message bytes, the length in the top byte
        long b = (4L << 56) | (value & 0xFFFFFFFFL);
        v3 ^= b;
        // one compression round
        v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
        v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
        v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
        v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        v0 ^= b;
        v2 ^= 0xff;
        for (int i = 0; i < 3; i++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }

    /** SipHash-1-3 of any message. */
    static long hash(long k0, long k1, byte[] message) {
        return hash(1, 3, k0, k1, message);
    }

    /** SipHash-c-d of any message, keys as the two little-endian halves of the 16-byte key. */
    static long hash(int compressionRounds, int finalizationRounds, long k0, long k1, byte[] m) {
        long[] v = {
            0x736f6d6570736575L ^ k0, 0x646f72616e646f6dL ^ k1,
            0x6c7967656e657261L ^ k0, 0x7465646279746573L ^ k1
        };
        int blocks = m.length / 8;
        for (int i = 0; i < blocks; i++) {
            long b = littleEndian(m, i * 8, 8);
            v[3] ^= b;
            rounds(v, compressionRounds);
            v[0] ^= b;
        }
        long b = ((long) m.length << 56) | littleEndian(m, blocks * 8, m.length - blocks * 8);
        v[3] ^= b;
        rounds(v, compressionRounds);
        v[0] ^= b;
        v[2] ^= 0xff;
        rounds(v, finalizationRounds);
        return v[0] ^ v[1] ^ v[2] ^ v[3];
    }

    private static long littleEndian(byte[] m, int from, int count) {
        long x = 0;
        for (int i = count - 1; i >= 0; i--) {
            x = (x << 8) | (m[from + i] & 0xFFL);
        }
        return x;
    }

    private static void rounds(long[] v, int n) {
        for (int i = 0; i < n; i++) {
            v[0] += v[1]; v[1] = Long.rotateLeft(v[1], 13); v[1] ^= v[0]; v[0] = Long.rotateLeft(v[0], 32);
            v[2] += v[3]; v[3] = Long.rotateLeft(v[3], 16); v[3] ^= v[2];
            v[0] += v[3]; v[3] = Long.rotateLeft(v[3], 21); v[3] ^= v[0];
            v[2] += v[1]; v[1] = Long.rotateLeft(v[1], 17); v[1] ^= v[2]; v[2] = Long.rotateLeft(v[2], 32);
        }
    }
}
