package io.ippvs.core.conn;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The index of a {@link ConnectionTable}: an {@code int[]} of buckets of eight slots (32 bytes).
 * A slot holds a {@code ref} ({@code (handle << 1 | direction) + 1}, never 0) under a tag of spare
 * hash bits, so a probe rarely touches a foreign entry. A full bucket spills into the next one and
 * counts the spill in a per-bucket overflow counter (as Folly's F14 does), so lookups stop at the
 * first bucket without overflow, slots never move and removal needs neither tombstones nor
 * backward shifts. Knows nothing of entries: the table matches what a slot points to.
 *
 * <p>Slots are claimed and released by CAS; the probe loop reads {@link #slots} and the overflow
 * counts without a lock (the table's own probe walks them, inlined, for speed).
 */
final class KeyIndex {

    static final int BUCKET_SHIFT = 3;
    static final int SLOTS_PER_BUCKET = 1 << BUCKET_SHIFT;

    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);

    final int[] slots;
    private final int[] overflow;
    final int bucketMask;
    /** The bits of a slot that hold its ref; the rest is tag. */
    final int refMask;

    /**
     * An index of {@code buckets} buckets (a power of two) for refs below {@code 2 * maxEntries + 1}.
     *
     * @throws IllegalArgumentException when {@code buckets} is not a power of two holding two keys per entry
     */
    KeyIndex(int buckets, int maxEntries) {
        if (Integer.bitCount(buckets) != 1 || (long) buckets << BUCKET_SHIFT < 2L * maxEntries) {
            throw new IllegalArgumentException("buckets: " + buckets + " is not a power of two holding "
                    + 2L * maxEntries + " keys");
        }
        this.slots = new int[buckets << BUCKET_SHIFT];
        this.overflow = new int[buckets];
        this.bucketMask = buckets - 1;
        int refBits = 32 - Integer.numberOfLeadingZeros(2 * maxEntries);
        this.refMask = (int) ((1L << refBits) - 1);
    }

    /** Two keys per entry, eight slots per bucket: a load of at most one half at the bound. */
    static int bucketsFor(int maxEntries) {
        int want = Math.max(2, (maxEntries + 1) / 2);
        return Integer.highestOneBit(want - 1) << 1;
    }

    /** The slot value of entry {@code handle}'s key of direction {@code dir} (0 or 1) with {@code hash}. */
    int slotValue(long hash, int handle, int dir) {
        return tag(hash) | (((handle << 1) | dir) + 1);
    }

    /** Spare hash bits (32 + ref bits and up) placed above the slot's ref. */
    int tag(long hash) {
        return (int) (hash >>> 32) & ~refMask;
    }

    /** The index in {@link #slots} of {@code hash}'s home bucket's first slot. */
    int firstSlot(long hash) {
        return ((int) hash & bucketMask) << BUCKET_SHIFT;
    }

    /** Whether keys of bucket {@code b} spilled past it: a probe must go on to the next bucket. */
    boolean overflows(int b) {
        return overflow[b] != 0;
    }

    /** Adds the slot for {@code handle}'s key of direction {@code dir}. */
    void add(long hash, int handle, int dir) {
        int value = slotValue(hash, handle, dir);
        int b = (int) hash & bucketMask;
        for (;;) {
            int base = b << BUCKET_SHIFT;
            for (int i = 0; i < SLOTS_PER_BUCKET; i++) {
                if (slots[base + i] == 0 && INTS.compareAndSet(slots, base + i, 0, value)) {
                    return;
                }
            }
            // spill: count it before the slot appears so lookups keep probing
            INTS.getAndAdd(overflow, b, 1);
            b = (b + 1) & bucketMask;
        }
    }

    /** Removes the slot for {@code handle}'s key of direction {@code dir}, if present. */
    void remove(long hash, int handle, int dir) {
        int value = slotValue(hash, handle, dir);
        int home = (int) hash & bucketMask;
        int b = home;
        for (int n = 0; n <= bucketMask; n++) {
            int base = b << BUCKET_SHIFT;
            for (int i = 0; i < SLOTS_PER_BUCKET; i++) {
                if (slots[base + i] == value && INTS.compareAndSet(slots, base + i, value, 0)) {
                    for (int x = home; x != b; x = (x + 1) & bucketMask) {
                        INTS.getAndAdd(overflow, x, -1);
                    }
                    return;
                }
            }
            if ((int) INTS.getVolatile(overflow, b) == 0) {
                return;
            }
            b = (b + 1) & bucketMask;
        }
    }

    /**
     * Reads {@code hash}'s home bucket (a burst's prefetch stage): the handle of its first slot with
     * the hash's tag and direction {@code dir}, or -1. Reads only.
     */
    int touch(long hash, int dir) {
        int[] sl = slots;
        int base = ((int) hash & bucketMask) << BUCKET_SHIFT;
        int tag = tag(hash);
        int mask = refMask;
        for (int i = 0; i < SLOTS_PER_BUCKET; i++) {
            int s = sl[base + i];
            if (s != 0 && (s & ~mask) == tag) {
                int ref = (s & mask) - 1;
                if ((ref & 1) == dir) {
                    return ref >>> 1;
                }
            }
        }
        return -1;
    }

    /** Bytes of the index's arrays. */
    long footprintBytes() {
        return 16L + 4L * slots.length + 16L + 4L * overflow.length;
    }
}
