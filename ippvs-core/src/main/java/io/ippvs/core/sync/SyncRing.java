package io.ippvs.core.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hand-off from packet threads to the master's sender: a bounded multi-producer,
 * single-consumer ring of preallocated primitive slots (Vyukov's bounded queue: one sequence word
 * per slot, producers claim a position with one CAS). {@link #offer} never blocks and never
 * allocates: when the ring is full it returns false and the caller counts the entry as lost.
 * PE data is not carried (the master has no persistence engine that makes it).
 */
final class SyncRing {

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int SLOT = 16;
    private static final int SHIFT = 4;

    private final long[] slots;
    private final long[] sequence;
    private final int mask;
    private final AtomicLong tail = new AtomicLong();
    private long head; // consumer only

    /** A ring of at least {@code capacity} slots (rounded up to a power of two). */
    SyncRing(int capacity) {
        if (capacity < 2 || capacity > 1 << 24) {
            throw new IllegalArgumentException("queueCapacity: " + capacity + " is not in 2..16777216");
        }
        int n = Integer.highestOneBit(capacity - 1) << 1;
        slots = new long[n << SHIFT];
        sequence = new long[n];
        for (int i = 0; i < n; i++) {
            sequence[i] = i;
        }
        mask = n - 1;
    }

    int capacity() {
        return mask + 1;
    }

    /** Copies {@code e} (without PE data) into a free slot; false when the ring is full. */
    boolean offer(SyncEntry e) {
        long pos;
        int i;
        for (;;) {
            pos = tail.get();
            i = (int) pos & mask;
            long seq = (long) LONGS.getAcquire(sequence, i);
            long dif = seq - pos;
            if (dif == 0) {
                if (tail.compareAndSet(pos, pos + 1)) {
                    break;
                }
            } else if (dif < 0) {
                return false;
            } else {
                Thread.onSpinWait();
            }
        }
        long[] s = slots;
        int b = i << SHIFT;
        s[b] = ((long) e.family << 56) | ((long) e.protocol << 48) | ((long) (e.state & 0xFFFF) << 32)
                | (e.flags & 0xFFFFFFFFL);
        s[b + 1] = ((long) e.clientPort << 48) | ((long) e.virtualPort << 32) | ((long) e.destinationPort << 16)
                | (e.hasSequence ? 1 : 0);
        s[b + 2] = (e.fwmark << 32) | (e.timeout & 0xFFFFFFFFL);
        s[b + 3] = e.clientHigh;
        s[b + 4] = e.clientLow;
        s[b + 5] = e.virtualHigh;
        s[b + 6] = e.virtualLow;
        s[b + 7] = e.destinationHigh;
        s[b + 8] = e.destinationLow;
        s[b + 9] = ((long) e.inInitSeq << 32) | (e.inDelta & 0xFFFFFFFFL);
        s[b + 10] = ((long) e.inPreviousDelta << 32) | (e.outInitSeq & 0xFFFFFFFFL);
        s[b + 11] = ((long) e.outDelta << 32) | (e.outPreviousDelta & 0xFFFFFFFFL);
        LONGS.setRelease(sequence, i, pos + 1);
        return true;
    }

    /** Consumer: the oldest entry into {@code e}; false when the ring is empty. */
    boolean poll(SyncEntry e) {
        int i = (int) head & mask;
        if ((long) LONGS.getAcquire(sequence, i) != head + 1) {
            return false;
        }
        long[] s = slots;
        int b = i << SHIFT;
        long w0 = s[b];
        long w1 = s[b + 1];
        long w2 = s[b + 2];
        e.family = (int) (w0 >>> 56);
        e.protocol = (int) (w0 >>> 48) & 0xFF;
        e.state = (int) (w0 >>> 32) & 0xFFFF;
        e.flags = w0 & 0xFFFFFFFFL;
        e.clientPort = (int) (w1 >>> 48) & 0xFFFF;
        e.virtualPort = (int) (w1 >>> 32) & 0xFFFF;
        e.destinationPort = (int) (w1 >>> 16) & 0xFFFF;
        e.hasSequence = (w1 & 1) != 0;
        e.fwmark = w2 >>> 32;
        e.timeout = w2 & 0xFFFFFFFFL;
        e.clientHigh = s[b + 3];
        e.clientLow = s[b + 4];
        e.virtualHigh = s[b + 5];
        e.virtualLow = s[b + 6];
        e.destinationHigh = s[b + 7];
        e.destinationLow = s[b + 8];
        e.inInitSeq = (int) (s[b + 9] >>> 32);
        e.inDelta = (int) s[b + 9];
        e.inPreviousDelta = (int) (s[b + 10] >>> 32);
        e.outInitSeq = (int) s[b + 10];
        e.outDelta = (int) (s[b + 11] >>> 32);
        e.outPreviousDelta = (int) s[b + 11];
        e.peDataLength = 0;
        e.peNameLength = 0;
        LONGS.setRelease(sequence, i, head + mask + 1);
        head++;
        return true;
    }
}
