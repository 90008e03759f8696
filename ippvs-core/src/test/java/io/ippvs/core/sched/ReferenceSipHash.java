package io.ippvs.core.sched;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A second SipHash-c-d, written from the paper (Aumasson and Bernstein, 2012) for tests only: it pads
 * the message into a little-endian buffer and shares no code with {@link SipHash13}.
 */
final class ReferenceSipHash {

    private long v0;
    private long v1;
    private long v2;
    private long v3;
    private final int c;
    private final int d;

    private ReferenceSipHash(int c, int d, byte[] key16) {
        ByteBuffer k = ByteBuffer.wrap(key16).order(ByteOrder.LITTLE_ENDIAN);
        long k0 = k.getLong(0);
        long k1 = k.getLong(8);
        this.c = c;
        this.d = d;
        v0 = k0 ^ 0x736f6d6570736575L;
        v1 = k1 ^ 0x646f72616e646f6dL;
        v2 = k0 ^ 0x6c7967656e657261L;
        v3 = k1 ^ 0x7465646279746573L;
    }

    static long hash(int c, int d, long k0, long k1, byte[] message) {
        byte[] key = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(k0).putLong(k1).array();
        return hash(c, d, key, message);
    }

    static long hash(int c, int d, byte[] key16, byte[] message) {
        ReferenceSipHash s = new ReferenceSipHash(c, d, key16);
        // pad to a multiple of 8 bytes with zeros, the last byte holding the length mod 256
        int padded = (message.length / 8 + 1) * 8;
        ByteBuffer m = ByteBuffer.allocate(padded).order(ByteOrder.LITTLE_ENDIAN);
        m.put(message);
        m.put(padded - 1, (byte) message.length);
        for (int i = 0; i < padded; i += 8) {
            s.compress(m.getLong(i));
        }
        s.v2 ^= 0xffL;
        for (int i = 0; i < s.d; i++) {
            s.sipRound();
        }
        return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
    }

    private void compress(long m) {
        v3 ^= m;
        for (int i = 0; i < c; i++) {
            sipRound();
        }
        v0 ^= m;
    }

    private void sipRound() {
        v0 = v0 + v1;
        v2 = v2 + v3;
        v1 = (v1 << 13) | (v1 >>> 51);
        v3 = (v3 << 16) | (v3 >>> 48);
        v1 ^= v0;
        v3 ^= v2;
        v0 = (v0 << 32) | (v0 >>> 32);
        v2 = v2 + v1;
        v0 = v0 + v3;
        v1 = (v1 << 17) | (v1 >>> 47);
        v3 = (v3 << 21) | (v3 >>> 43);
        v1 ^= v2;
        v3 ^= v0;
        v2 = (v2 << 32) | (v2 >>> 32);
    }
}
