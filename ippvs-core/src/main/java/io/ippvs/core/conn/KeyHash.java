package io.ippvs.core.conn;

import io.ippvs.api.Addresses;

/**
 * The 64-bit hash of a connection key, mixed with a per-table seed so that a client cannot aim its
 * flows at one bucket without knowing it (the kernel keys {@code ip_vs_conn_hashkey} with a random
 * {@code ip_vs_conn_rnd} for the same reason). Knows nothing of the table but the key's words.
 *
 * <p>The hash has two halves. The low word, which picks the index bucket, depends only on the
 * client's end (protocol, client address and port, and the kind without its direction), as
 * {@code ip_vs_conn_hashkey_param} hashes both the inbound lookup ({@code p->caddr, p->cport}) and
 * the outbound one ({@code inverse}: the packet's destination, which is the client) by the client
 * alone, into one chain. So a connection's inbound and outbound keys share a bucket: an insert and
 * a removal each touch one index cache line instead of two, and a new connection's insert finds the
 * bucket its missed lookup just read. The high word, the slot's tag and the insert stripe, is a
 * hash of the whole key, direction included, so the tag still tells a connection's two keys and
 * another connection of the same client apart before any entry is read.
 */
final class KeyHash {

    private static final long M1 = 0x9E3779B97F4A7C15L;
    private static final long M2 = 0xBF58476D1CE4E5B9L;
    private static final long M3 = 0x94D049BB133111EBL;
    private static final long LOW = 0xFFFFFFFFL;

    private final long seed;

    KeyHash(long seed) {
        this.seed = seed;
    }

    /**
     * The hash of a key whose client end is ({@code c*}) and other end ({@code o*}): the virtual
     * address inbound, the real server outbound. {@code kindAndDirection} tells keys apart beyond
     * their words (family, template bit, direction bit {@code directionBit}); IPv4 addresses are the
     * low words.
     */
    long hash(int family, int kindAndDirection, int directionBit, int protocol, long cHigh, long cLow, int cPort,
            long oHigh, long oLow, int oPort) {
        // each field in bits of its own: no two client ends fold onto one input word
        long client = ((long) cPort << 32) | ((long) protocol << 48)
                | ((long) (kindAndDirection & ~directionBit) << 56);
        long h;
        if (family == Addresses.IPV4) {
            h = ((cLow & LOW) ^ client ^ seed) * M1;
        } else {
            h = (cHigh ^ seed) * M1;
            h = (Long.rotateLeft(h, 27) ^ cLow) * M2;
            h = (Long.rotateLeft(h, 27) ^ client) * M1;
        }
        h ^= h >>> 29;
        h *= M3;
        long bucket = h ^ (h >>> 32);
        long other = ((long) oPort << 32) | ((long) (kindAndDirection & 0xFF) << 48);
        long f;
        if (family == Addresses.IPV4) {
            f = (bucket ^ (oLow & LOW) ^ other) * M2;
        } else {
            f = (Long.rotateLeft(bucket ^ oHigh, 27) * M1 ^ oLow) * M2;
            f = (Long.rotateLeft(f, 27) ^ other) * M1;
        }
        f ^= f >>> 29;
        f *= M3;
        return ((f ^ (f >>> 32)) & ~LOW) | (bucket & LOW);
    }
}
