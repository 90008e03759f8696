package io.ippvs.core.stats;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A fixed set of exact 64-bit counters, striped so that packet threads write different cache lines.
 *
 * <p>Stripes {@code 0 .. STRIPES-2} are <em>exclusive</em>: the director hands each to at most one
 * packet thread, which then adds with a plain read and a release store (no locked instruction on
 * the packet path). Stripe {@link #SHARED} is for every further thread and adds atomically. A read
 * sums all stripes; it is exact once the writers' calls have returned.
 */
public final class StripedCounters {

    /**
     * Number of stripes: a power of two, about twice the processors, at least 16 (an appliance may run
     * more packet threads than cores, and each {@code Worker} takes a stripe), at most 64.
     */
    public static final int STRIPES = stripes();
    /** The stripe shared by threads beyond the exclusive ones; written atomically. */
    public static final int SHARED = STRIPES - 1;

    private static final int LONGS_PER_LINE = 8;
    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);

    private final int width;
    private final int stride;
    private final long[] cells;

    /**
     * @param width how many counters; each stripe holds all of them, rounded up to whole cache lines,
     *     plus one line of padding
     */
    public StripedCounters(int width) {
        if (width < 1) {
            throw new IllegalArgumentException("width: " + width + " must be at least 1");
        }
        this.width = width;
        // the array is only 8-byte aligned, so a stripe may straddle two lines: a whole line of gap
        // after each keeps two stripes from ever sharing one (false sharing between packet threads)
        this.stride = (width + LONGS_PER_LINE - 1) / LONGS_PER_LINE * LONGS_PER_LINE + LONGS_PER_LINE;
        // one extra line in front keeps stripe 0 off the array header's line
        this.cells = new long[LONGS_PER_LINE + STRIPES * stride];
    }

    /** How many counters this holds. */
    public int width() {
        return width;
    }

    /** Adds {@code delta} to counter {@code index} through {@code stripe}. */
    public void add(int stripe, int index, long delta) {
        int i = LONGS_PER_LINE + stripe * stride + index;
        if (stripe == SHARED) {
            CELL.getAndAdd(cells, i, delta);
        } else {
            // the stripe has one writer: no read-modify-write race, readers see whole values
            CELL.setRelease(cells, i, (long) CELL.getOpaque(cells, i) + delta);
        }
    }

    /** Adds to two adjacent-in-meaning counters at once (packets and bytes). */
    public void add2(int stripe, int index1, long delta1, int index2, long delta2) {
        int base = LONGS_PER_LINE + stripe * stride;
        if (stripe == SHARED) {
            CELL.getAndAdd(cells, base + index1, delta1);
            CELL.getAndAdd(cells, base + index2, delta2);
        } else {
            CELL.setRelease(cells, base + index1, (long) CELL.getOpaque(cells, base + index1) + delta1);
            CELL.setRelease(cells, base + index2, (long) CELL.getOpaque(cells, base + index2) + delta2);
        }
    }

    /**
     * {@link #add2} on three sets of counters of the same width at once (a packet counts for its
     * real server, its service and the director): one stripe test and one offset for all three.
     */
    public static void add2(int stripe, int index1, long delta1, int index2, long delta2, StripedCounters a,
            StripedCounters b, StripedCounters c) {
        int stride = a.stride;
        if (stripe == SHARED || b.stride != stride || c.stride != stride) {
            a.add2(stripe, index1, delta1, index2, delta2);
            b.add2(stripe, index1, delta1, index2, delta2);
            c.add2(stripe, index1, delta1, index2, delta2);
            return;
        }
        int i1 = LONGS_PER_LINE + stripe * stride + index1;
        int i2 = i1 - index1 + index2;
        long[] x = a.cells;
        long[] y = b.cells;
        long[] z = c.cells;
        CELL.setRelease(x, i1, (long) CELL.getOpaque(x, i1) + delta1);
        CELL.setRelease(x, i2, (long) CELL.getOpaque(x, i2) + delta2);
        CELL.setRelease(y, i1, (long) CELL.getOpaque(y, i1) + delta1);
        CELL.setRelease(y, i2, (long) CELL.getOpaque(y, i2) + delta2);
        CELL.setRelease(z, i1, (long) CELL.getOpaque(z, i1) + delta1);
        CELL.setRelease(z, i2, (long) CELL.getOpaque(z, i2) + delta2);
    }

    /** The sum of counter {@code index} over all stripes. */
    public long sum(int index) {
        long s = 0;
        for (int stripe = 0; stripe < STRIPES; stripe++) {
            s += (long) CELL.getVolatile(cells, LONGS_PER_LINE + stripe * stride + index);
        }
        return s;
    }

    private static int stripes() {
        int n = Integer.highestOneBit(Math.max(2, Runtime.getRuntime().availableProcessors()) * 2 - 1) * 2;
        return Math.max(16, Math.min(64, n));
    }
}
