package io.ippvs.core.conn;

import io.ippvs.api.Addresses;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The entry layout of a {@link ConnectionTable}: static accessors over its {@code long[]} (and the
 * IPv6 address chunks), as Aeron's flyweights pair a buffer with named fields, so the table's hot
 * path reads fields by name with no object between it and the array. An entry is eight
 * {@code long}s, contiguous (one cache line once the array is region-aligned), named by an int
 * handle:
 * <pre>
 *   0  client addr (32) | virtual addr (32)          IPv4; 0 for IPv6 (addresses in the v6 store)
 *   1  dest addr (32)   | client port (16) | virtual port (16)
 *   2  dest port (16) | protocol (8) | kind (8) | control (32)     kind = family | TEMPLATE 0x80
 *   3  expiry, clock nanos
 *   4  flags (16) | state (8) | unused (8) | timeout seconds (32)
 *   5  real server id (32) | controlling template handle (32); free-list link when dead
 *   6  attachment (32) | template bookkeeping (32): controlled count, UNINDEXING, DETACHED, DYING
 *   7  packet counter
 * </pre>
 * IPv6 addresses (six longs) live in chunks of 1024 entries allocated the first time a handle of the
 * chunk holds an IPv6 connection, so IPv4-only tables pay nothing for them. The control word's low
 * half is the per-handle sequence {@code generation << 2 | BUSY | LIVE} the table's CAS protocol runs on.
 */
final class Entries {

    static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    static final int SHIFT = 3;
    /*
     * Large arrays are humongous G1 objects that start on a region boundary; a 16-byte array header
     * plus 6 longs of padding puts every entry on a 64-byte boundary.
     */
    static final int PAD = 6;
    static final int W_ADDR = 0;
    static final int W_KEY = 1;
    static final int W_CTL = 2;
    static final int W_EXPIRY = 3;
    static final int W_STATE = 4;
    static final int W_LINKS = 5;
    static final int W_AUX = 6;
    static final int W_PACKETS = 7;

    static final long LIVE = 1L;
    static final long BUSY = 2L;
    static final int TEMPLATE_KIND = 0x80;
    static final int OUT_KIND = 0x40;
    static final long KIND_PROTO_MASK = 0xFFFFL << 32;

    static final long COUNT_MASK = 0x1FFF_FFFFL;
    /** Set while remove() unindexes a detached template: its handle must not be freed meanwhile. */
    static final long UNINDEXING = 1L << 29;
    static final long DETACHED = 1L << 30;
    static final long DYING = 1L << 31;

    static final long FLAGS_MASK = 0xFFFFL << 48;

    static final int IN = 0;
    static final int OUT = 1;

    static final int V6_SHIFT = 10;
    static final int V6_MASK = (1 << V6_SHIFT) - 1;
    static final int V6_WORDS = 6;

    private Entries() {}

    static long[] allocate(int maxConnections) {
        return new long[PAD + (maxConnections << SHIFT)];
    }

    static long[][] allocateV6(int maxConnections) {
        return new long[(maxConnections + V6_MASK) >>> V6_SHIFT][];
    }

    static int base(int handle) {
        return PAD + (handle << SHIFT);
    }

    static boolean isTemplateKind(long ctl) {
        return ((ctl >>> 32) & TEMPLATE_KIND) != 0;
    }

    static int v6Offset(int handle) {
        return (handle & V6_MASK) * V6_WORDS;
    }

    static long v6Word(long[][] v6, int handle, int word) {
        return v6[handle >>> V6_SHIFT][v6Offset(handle) + word];
    }

    // ------------------------------------------------------------------ fields

    static long control(long[] en, int h) {
        return (long) LONGS.getAcquire(en, base(h) + W_CTL);
    }

    static int family(long[] en, int h) {
        return (int) (en[base(h) + W_CTL] >>> 32) & 0x7;
    }

    static int protocol(long[] en, int h) {
        return (int) (en[base(h) + W_CTL] >>> 40) & 0xFF;
    }

    static long clientHigh(long[] en, long[][] v6, int h) {
        return family(en, h) == Addresses.IPV4 ? 0 : v6Word(v6, h, 0);
    }

    static long clientLow(long[] en, long[][] v6, int h) {
        return family(en, h) == Addresses.IPV4 ? en[base(h) + W_ADDR] >>> 32 : v6Word(v6, h, 1);
    }

    static int clientPort(long[] en, int h) {
        return (int) (((long) LONGS.getOpaque(en, base(h) + W_KEY)) >>> 16) & 0xFFFF;
    }

    static long virtualHigh(long[] en, long[][] v6, int h) {
        return family(en, h) == Addresses.IPV4 ? 0 : v6Word(v6, h, 2);
    }

    static long virtualLow(long[] en, long[][] v6, int h) {
        return family(en, h) == Addresses.IPV4 ? en[base(h) + W_ADDR] & 0xFFFFFFFFL : v6Word(v6, h, 3);
    }

    static int virtualPort(long[] en, int h) {
        return (int) en[base(h) + W_KEY] & 0xFFFF;
    }

    static long destinationHigh(long[] en, long[][] v6, int h) {
        return family(en, h) == Addresses.IPV4 ? 0 : v6Word(v6, h, 4);
    }

    static long destinationLow(long[] en, long[][] v6, int h) {
        return family(en, h) == Addresses.IPV4 ? en[base(h) + W_KEY] >>> 32 : v6Word(v6, h, 5);
    }

    static int destinationPort(long[] en, int h) {
        return (int) (en[base(h) + W_CTL] >>> 48) & 0xFFFF;
    }

    static int state(long[] en, int h) {
        return (int) (((long) LONGS.getOpaque(en, base(h) + W_STATE)) >>> 40) & 0xFF;
    }

    static int flags(long[] en, int h) {
        return (int) (((long) LONGS.getOpaque(en, base(h) + W_STATE)) >>> 48) & 0xFFFF;
    }

    static int timeoutSeconds(long[] en, int h) {
        return (int) ((long) LONGS.getOpaque(en, base(h) + W_STATE));
    }

    static long expiresAtNanos(long[] en, int h) {
        return (long) LONGS.getOpaque(en, base(h) + W_EXPIRY);
    }

    static int realServer(long[] en, int h) {
        return (int) (((long) LONGS.getOpaque(en, base(h) + W_LINKS)) >>> 32);
    }

    static int template(long[] en, int h) {
        return (int) en[base(h) + W_LINKS];
    }

    static int controlledCount(long[] en, int h) {
        return (int) (((long) LONGS.getVolatile(en, base(h) + W_AUX)) & COUNT_MASK);
    }

    static long packets(long[] en, int h) {
        return (long) LONGS.getOpaque(en, base(h) + W_PACKETS);
    }

    static int attachment(long[] en, int h) {
        return (int) (((long) LONGS.getOpaque(en, base(h) + W_AUX)) >>> 32);
    }

    // ------------------------------------------------------------------ mutators

    static void state(long[] en, int h, int state, int timeoutSeconds, long nowNanos) {
        int e = base(h);
        for (;;) {
            long w = (long) LONGS.getVolatile(en, e + W_STATE);
            long n = (w & FLAGS_MASK) | ((long) (state & 0xFF) << 40) | (timeoutSeconds & 0xFFFFFFFFL);
            if (LONGS.compareAndSet(en, e + W_STATE, w, n)) {
                break;
            }
        }
        LONGS.setOpaque(en, e + W_EXPIRY, nowNanos + timeoutSeconds * 1_000_000_000L);
    }

    static boolean compareAndSetState(long[] en, int h, int expectedState, int newState, int timeoutSeconds,
            long nowNanos) {
        int e = base(h);
        for (;;) {
            long w = (long) LONGS.getVolatile(en, e + W_STATE);
            if (((int) (w >>> 40) & 0xFF) != expectedState) {
                return false;
            }
            long n = (w & FLAGS_MASK) | ((long) (newState & 0xFF) << 40) | (timeoutSeconds & 0xFFFFFFFFL);
            if (LONGS.compareAndSet(en, e + W_STATE, w, n)) {
                LONGS.setOpaque(en, e + W_EXPIRY, nowNanos + timeoutSeconds * 1_000_000_000L);
                return true;
            }
        }
    }

    static void refresh(long[] en, int h, long nowNanos) {
        int e = base(h);
        long timeout = ((long) LONGS.getOpaque(en, e + W_STATE)) & 0xFFFFFFFFL;
        LONGS.setOpaque(en, e + W_EXPIRY, nowNanos + timeout * 1_000_000_000L);
    }

    static void touch(long[] en, int h, int timeoutSeconds, long nowNanos, long slackNanos) {
        int e = base(h);
        if ((int) (long) LONGS.getOpaque(en, e + W_STATE) != timeoutSeconds) {
            timeoutSeconds(en, h, timeoutSeconds);
        }
        long expiry = nowNanos + timeoutSeconds * 1_000_000_000L;
        long ahead = expiry - (long) LONGS.getOpaque(en, e + W_EXPIRY);
        if (ahead < 0 || ahead >= slackNanos) {
            LONGS.setOpaque(en, e + W_EXPIRY, expiry);
        }
    }

    static void expiresAtNanos(long[] en, int h, long nanos) {
        LONGS.setOpaque(en, base(h) + W_EXPIRY, nanos);
    }

    static void timeoutSeconds(long[] en, int h, int seconds) {
        int e = base(h);
        for (;;) {
            long w = (long) LONGS.getVolatile(en, e + W_STATE);
            long n = (w & ~0xFFFFFFFFL) | (seconds & 0xFFFFFFFFL);
            if (LONGS.compareAndSet(en, e + W_STATE, w, n)) {
                return;
            }
        }
    }

    /** Sets and clears flag bits in one CAS; returns the flags before. */
    static int updateFlags(long[] en, int h, int set, int clear) {
        int e = base(h);
        for (;;) {
            long w = (long) LONGS.getVolatile(en, e + W_STATE);
            int before = (int) (w >>> 48) & 0xFFFF;
            int after = (before | set) & ~clear;
            if (after == before || LONGS.compareAndSet(en, e + W_STATE, w, (w & ~FLAGS_MASK) | ((long) after << 48))) {
                return before;
            }
        }
    }

    static long incrementPackets(long[] en, int h) {
        return (long) LONGS.getAndAdd(en, base(h) + W_PACKETS, 1L) + 1;
    }

    static long countPacket(long[] en, int h) {
        int at = base(h) + W_PACKETS;
        long n = (long) LONGS.getOpaque(en, at) + 1;
        LONGS.setOpaque(en, at, n);
        return n;
    }

    static void packets(long[] en, int h, long count) {
        LONGS.setOpaque(en, base(h) + W_PACKETS, count);
    }

    static void attachment(long[] en, int h, int value) {
        int e = base(h);
        for (;;) {
            long w = (long) LONGS.getVolatile(en, e + W_AUX);
            if (LONGS.compareAndSet(en, e + W_AUX, w, ((long) value << 32) | (w & 0xFFFFFFFFL))) {
                return;
            }
        }
    }

    static void realServer(long[] en, int h, int id) {
        int e = base(h);
        for (;;) {
            long w = (long) LONGS.getVolatile(en, e + W_LINKS);
            if (LONGS.compareAndSet(en, e + W_LINKS, w, ((long) id << 32) | (w & 0xFFFFFFFFL))) {
                return;
            }
        }
    }

    // ------------------------------------------------------------------ whole entries

    /**
     * Writes a new incarnation of dead entry h from {@code s}, its control word (next generation,
     * LIVE) released last. {@code chunk} is h's IPv6 chunk for an IPv6 spec, else unused.
     */
    static void write(long[] en, long[] chunk, int h, ConnectionSpec s, int kind, int clientPort, long now) {
        int e = base(h);
        long old = en[e + W_CTL];
        long generation = ((old & 0xFFFFFFFFL) >>> 2) + 1;
        long ctl = ((generation << 2) | LIVE) & 0xFFFFFFFFL;
        // the entry is dead (LIVE clear) until the release below; keep the field writes after that
        VarHandle.storeStoreFence();
        if (s.family == Addresses.IPV4) {
            en[e + W_ADDR] = (s.clientLow << 32) | (s.virtualLow & 0xFFFFFFFFL);
            en[e + W_KEY] = (s.destinationLow << 32) | ((long) clientPort << 16) | s.virtualPort;
        } else {
            int o = v6Offset(h);
            chunk[o] = s.clientHigh;
            chunk[o + 1] = s.clientLow;
            chunk[o + 2] = s.virtualHigh;
            chunk[o + 3] = s.virtualLow;
            chunk[o + 4] = s.destinationHigh;
            chunk[o + 5] = s.destinationLow;
            en[e + W_ADDR] = 0;
            en[e + W_KEY] = ((long) clientPort << 16) | s.virtualPort;
        }
        en[e + W_EXPIRY] = now + s.timeoutSeconds * 1_000_000_000L;
        en[e + W_STATE] = ((long) s.flags << 48) | ((long) s.state << 40) | (s.timeoutSeconds & 0xFFFFFFFFL);
        en[e + W_LINKS] = ((long) s.realServer << 32) | (s.template & 0xFFFFFFFFL);
        en[e + W_AUX] = (long) s.attachment << 32;
        en[e + W_PACKETS] = 0;
        LONGS.setRelease(en, e + W_CTL,
                ((long) s.destinationPort << 48) | ((long) s.protocol << 40) | ((long) kind << 32) | ctl);
    }

    /** IPv4: entry h's validated control word if it is live and has the key, else 0. */
    static long matchV4(long[] en, int h, int dir, int kind, int protocol, long aLow, int aPort, long bLow,
            int bPort) {
        int e = base(h);
        long c = (long) LONGS.getAcquire(en, e + W_CTL);
        if ((c & LIVE) == 0) {
            return 0;
        }
        long k0 = en[e + W_ADDR];
        long k1 = en[e + W_KEY];
        if (dir == IN) {
            if ((c & KIND_PROTO_MASK) != (((long) protocol << 40) | ((long) kind << 32))
                    || k0 != ((aLow << 32) | (bLow & 0xFFFFFFFFL))
                    || (int) k1 != ((aPort << 16) | bPort)) {
                return 0;
            }
        } else if ((c >>> 32) != (((long) aPort << 16) | (protocol << 8) | kind)
                || (int) (k1 >>> 32) != (int) aLow
                || (int) (k0 >>> 32) != (int) bLow
                || (((int) k1) >>> 16) != bPort) {
            return 0;
        }
        VarHandle.acquireFence();
        return (long) LONGS.getOpaque(en, e + W_CTL) == c ? c : 0;
    }

    /** IPv6: entry h's validated control word if it is live and has the key, else 0. */
    static long matchV6(long[] en, long[][] v6, int h, int dir, int kind, int protocol, long aHigh, long aLow,
            int aPort, long bHigh, long bLow, int bPort) {
        int e = base(h);
        long c = (long) LONGS.getAcquire(en, e + W_CTL);
        if ((c & LIVE) == 0) {
            return 0;
        }
        long k1 = en[e + W_KEY];
        long[] chunk = v6[h >>> V6_SHIFT];
        int o = v6Offset(h);
        if (dir == IN) {
            if ((c & KIND_PROTO_MASK) != (((long) protocol << 40) | ((long) kind << 32))
                    || (int) k1 != ((aPort << 16) | bPort)
                    || chunk[o] != aHigh || chunk[o + 1] != aLow || chunk[o + 2] != bHigh || chunk[o + 3] != bLow) {
                return 0;
            }
        } else if ((c >>> 32) != (((long) aPort << 16) | (protocol << 8) | kind)
                || (((int) k1) >>> 16) != bPort
                || chunk[o + 4] != aHigh || chunk[o + 5] != aLow || chunk[o] != bHigh || chunk[o + 1] != bLow) {
            return 0;
        }
        VarHandle.acquireFence();
        return (long) LONGS.getOpaque(en, e + W_CTL) == c ? c : 0;
    }

    /**
     * The key hash. Direction IN: a = client, b = virtual; OUT: a = real server, b = client. kind =
     * family | TEMPLATE_KIND for templates.
     */
    static long hash(KeyHash keyHash, int dir, int kind, int protocol, long aHigh, long aLow, int aPort, long bHigh,
            long bLow, int bPort) {
        int kd = kind | dir * OUT_KIND;
        return dir == IN
                ? keyHash.hash(kind & 0x7, kd, OUT_KIND, protocol, aHigh, aLow, aPort, bHigh, bLow, bPort)
                : keyHash.hash(kind & 0x7, kd, OUT_KIND, protocol, bHigh, bLow, bPort, aHigh, aLow, aPort);
    }

    /** The hash of live (or claimed) entry h's key of direction dir, its control word being c. */
    static long storedKeyHash(long[] en, long[][] v6, KeyHash keyHash, int h, long c, int dir) {
        int e = base(h);
        int kind = (int) (c >>> 32) & 0xFF;
        int protocol = (int) (c >>> 40) & 0xFF;
        int destinationPort = (int) (c >>> 48) & 0xFFFF;
        long k1 = (long) LONGS.getOpaque(en, e + W_KEY);
        int clientPort = (int) (k1 >>> 16) & 0xFFFF;
        int virtualPort = (int) k1 & 0xFFFF;
        long cHigh;
        long cLow;
        long vHigh;
        long vLow;
        long dHigh;
        long dLow;
        if ((kind & 0x7) == Addresses.IPV4) {
            long k0 = en[e + W_ADDR];
            cHigh = vHigh = dHigh = 0;
            cLow = k0 >>> 32;
            vLow = k0 & 0xFFFFFFFFL;
            dLow = k1 >>> 32;
        } else {
            long[] chunk = v6[h >>> V6_SHIFT];
            int o = v6Offset(h);
            cHigh = chunk[o];
            cLow = chunk[o + 1];
            vHigh = chunk[o + 2];
            vLow = chunk[o + 3];
            dHigh = chunk[o + 4];
            dLow = chunk[o + 5];
        }
        return dir == IN
                ? hash(keyHash, IN, kind, protocol, cHigh, cLow, clientPort, vHigh, vLow, virtualPort)
                : hash(keyHash, OUT, kind, protocol, dHigh, dLow, destinationPort, cHigh, cLow, clientPort);
    }
}
