package io.ippvs.core.frag;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.security.SecureRandom;

/**
 * Remembers, for a short while, which connection the fragments of an IPv4 datagram belong to, so the
 * non-first fragments (which carry no ports) follow the first one without reassembly. The key is the
 * datagram's identity (source, destination, identification, protocol; RFC 791); the value is a
 * caller-chosen {@code long} (the director stores a connection handle and the direction).
 *
 * <p>A bounded, 4-way set-associative array of slots over primitive arrays: a lookup allocates
 * nothing and takes no lock. Each slot is guarded by a sequence counter (a seqlock): writers that
 * find it busy give up, since losing an entry of a cache only costs a fragment; readers do not retry
 * and treat a torn read as a miss. When a set is full the entry closest to expiry is replaced. The
 * hash is keyed by a random seed so that a sender cannot aim fragments at one set.
 */
public final class FragmentCache {

    /** Returned by {@link #get} when the datagram is unknown or its entry expired. */
    public static final long NONE = -1L;

    private static final int WAYS = 4;
    // slot layout in longs: sequence, address pair, id/protocol (bit 63 marks a used slot), value, expiry
    private static final int SEQ = 0;
    private static final int ADDRESSES = 1;
    private static final int ID = 2;
    private static final int VALUE = 3;
    private static final int EXPIRY = 4;
    private static final int SLOT_LONGS = 8; // padded to a 64-byte cache line
    private static final long USED = 1L << 63;

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] slots;
    private final int setMask;
    private final long lifetimeNanos;
    private final int seed;

    /**
     * @param capacity entries kept at most, rounded up to a power of two (at least 4)
     * @param lifetimeNanos how long an entry lives after its last {@link #put}
     * @throws IllegalArgumentException naming {@code capacity} or {@code lifetimeNanos}
     */
    public FragmentCache(int capacity, long lifetimeNanos) {
        if (capacity < 1 || capacity > (1 << 24)) {
            throw new IllegalArgumentException("capacity: " + capacity + " is outside 1.." + (1 << 24));
        }
        if (lifetimeNanos <= 0) {
            throw new IllegalArgumentException("lifetimeNanos: " + lifetimeNanos + " must be positive");
        }
        int entries = Math.max(WAYS, Integer.highestOneBit(capacity - 1) << 1);
        this.slots = new long[entries * SLOT_LONGS];
        this.setMask = entries / WAYS - 1;
        this.lifetimeNanos = lifetimeNanos;
        this.seed = new SecureRandom().nextInt();
    }

    /** Entries the cache can hold. */
    public int capacity() {
        return slots.length / SLOT_LONGS;
    }

    /**
     * Records that the datagram's fragments belong to {@code value} (not negative) until
     * {@code nowNanos} plus the lifetime. May silently not record under contention or when
     * {@code value} is negative.
     */
    public void put(int source, int destination, int id, int protocol, long value, long nowNanos) {
        if (value < 0) {
            return;
        }
        long addresses = ((long) source << 32) | (destination & 0xFFFFFFFFL);
        long idKey = USED | ((id & 0xFFFFL) << 8) | (protocol & 0xFF);
        int base = set(addresses, idKey) * WAYS * SLOT_LONGS;
        int victim = base;
        long victimExpiry = Long.MAX_VALUE;
        for (int way = 0; way < WAYS; way++) {
            int slot = base + way * SLOT_LONGS;
            long expiry = (long) LONGS.getOpaque(slots, slot + EXPIRY);
            if ((long) LONGS.getOpaque(slots, slot + ID) == idKey
                    && (long) LONGS.getOpaque(slots, slot + ADDRESSES) == addresses) {
                victim = slot;
                break;
            }
            // expired or never used slots sort first: their expiry is already behind now
            long rank = expiry - nowNanos;
            if (rank < victimExpiry) {
                victimExpiry = rank;
                victim = slot;
            }
        }
        long sequence = (long) LONGS.getVolatile(slots, victim + SEQ);
        if ((sequence & 1) != 0 || !LONGS.compareAndSet(slots, victim + SEQ, sequence, sequence + 1)) {
            return;
        }
        LONGS.setOpaque(slots, victim + ADDRESSES, addresses);
        LONGS.setOpaque(slots, victim + ID, idKey);
        LONGS.setOpaque(slots, victim + VALUE, value);
        LONGS.setOpaque(slots, victim + EXPIRY, nowNanos + lifetimeNanos);
        LONGS.setRelease(slots, victim + SEQ, sequence + 2);
    }

    /** The value recorded for the datagram, or {@link #NONE}. Allocation-free and lock-free. */
    public long get(int source, int destination, int id, int protocol, long nowNanos) {
        long addresses = ((long) source << 32) | (destination & 0xFFFFFFFFL);
        long idKey = USED | ((id & 0xFFFFL) << 8) | (protocol & 0xFF);
        int base = set(addresses, idKey) * WAYS * SLOT_LONGS;
        for (int way = 0; way < WAYS; way++) {
            int slot = base + way * SLOT_LONGS;
            long before = (long) LONGS.getAcquire(slots, slot + SEQ);
            if ((before & 1) != 0) {
                continue;
            }
            long a = (long) LONGS.getOpaque(slots, slot + ADDRESSES);
            long i = (long) LONGS.getOpaque(slots, slot + ID);
            long v = (long) LONGS.getOpaque(slots, slot + VALUE);
            long e = (long) LONGS.getOpaque(slots, slot + EXPIRY);
            VarHandle.loadLoadFence();
            if ((long) LONGS.getOpaque(slots, slot + SEQ) != before) {
                continue;
            }
            if (a == addresses && i == idKey) {
                return e - nowNanos > 0 ? v : NONE;
            }
        }
        return NONE;
    }

    private int set(long addresses, long idKey) {
        long h = (addresses ^ Long.rotateLeft(idKey, 29)) * 0x9E3779B97F4A7C15L + seed;
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 29;
        return (int) h & setMask;
    }
}
