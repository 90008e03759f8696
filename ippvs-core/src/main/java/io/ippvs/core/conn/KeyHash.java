package io.ippvs.core.conn;

import io.ippvs.api.Addresses;

/**
 * The 64-bit hash of a connection key, mixed with a per-table seed so that a client cannot aim its
 * flows at one bucket without knowing it (the kernel keys {@code ip_vs_conn_hashkey} with a random
 * {@code ip_vs_conn_rnd} for the same reason). Knows nothing of the table but the key's words:
 * {@code a} and {@code b} are the key's two endpoints (inbound: client, virtual; outbound: real
 * server, client), {@code kindAndDirection} what else tells keys apart (family, template bit,
 * direction). IPv4 addresses are the low words.
 */
final class KeyHash {

    private static final long M1 = 0x9E3779B97F4A7C15L;
    private static final long M2 = 0xBF58476D1CE4E5B9L;
    private static final long M3 = 0x94D049BB133111EBL;

    private final long seed;

    KeyHash(long seed) {
        this.seed = seed;
    }

    long hash(int family, int kindAndDirection, int protocol, long aHigh, long aLow, int aPort, long bHigh,
              long bLow, int bPort) {
        long ports = ((long) aPort << 16) | bPort | ((long) protocol << 32) | ((long) kindAndDirection << 40);
        long h;
        if (family == Addresses.IPV4) {
            h = (((aLow << 32) | (bLow & 0xFFFFFFFFL)) ^ seed) * M1;
        } else {
            h = (aHigh ^ seed) * M1;
            h = (Long.rotateLeft(h, 27) ^ aLow) * M2;
            h = (Long.rotateLeft(h, 27) ^ bHigh) * M1;
            h = (Long.rotateLeft(h, 27) ^ bLow) * M2;
        }
        h ^= h >>> 32;
        h = (h ^ ports) * M2;
        h ^= h >>> 29;
        h *= M3;
        return h ^ (h >>> 32);
    }
}
