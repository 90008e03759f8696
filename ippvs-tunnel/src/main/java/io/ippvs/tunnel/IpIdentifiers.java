package io.ippvs.tunnel;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * IPv4 identification values for outer headers: one counter per bucket of destinations, as Linux's
 * ip_idents does, so that consecutive packets to one real server get consecutive (distinct) values
 * while threads sending to different servers rarely touch the same cache line. Lock-free, no
 * allocation.
 */
final class IpIdentifiers {

    private static final int BUCKETS = 256;
    // 16 ints = 64 bytes between counters: one cache line each
    private static final int STRIDE = 16;

    private final AtomicIntegerArray counters = new AtomicIntegerArray(BUCKETS * STRIDE);

    IpIdentifiers() {
        // random starting points make the values hard to predict from outside (RFC 6274 section 3.5)
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < BUCKETS; i++) {
            counters.set(i * STRIDE, random.nextInt());
        }
    }

    /** Every bucket starting at {@code start}: for tests that need predictable values. */
    IpIdentifiers(int start) {
        for (int i = 0; i < BUCKETS; i++) {
            counters.set(i * STRIDE, start);
        }
    }

    /** The next 16-bit identification for packets to the IPv4 address {@code destination}. */
    int next(int destination) {
        return counters.getAndIncrement(slot(destination)) & 0xFFFF;
    }

    /**
     * The first of {@code count} consecutive identifications, for a super-packet whose segments will
     * count up from its outer header's (as {@code inet_gso_segment} does for an encapsulation).
     */
    int next(int destination, int count) {
        return counters.getAndAdd(slot(destination), count) & 0xFFFF;
    }

    /**
     * An identification for an atomic datagram (DF set, not a fragment), which no receiver uses for
     * reassembly, so RFC 6864 section 4.1 lets it be any value: a plain, unfenced increment is enough,
     * and two threads racing on it at worst repeat a value.
     */
    int nextAtomic(int destination) {
        return nextAtomic(destination, 1);
    }

    /** {@link #nextAtomic(int)} reserving {@code count} values, as {@link #next(int, int)}. */
    int nextAtomic(int destination, int count) {
        int slot = slot(destination);
        int id = counters.getPlain(slot);
        counters.setPlain(slot, id + count);
        return id & 0xFFFF;
    }

    private static int slot(int destination) {
        return ((destination * 0x9E3779B1) >>> 24) * STRIDE;
    }
}
