package io.ippvs.core.stats;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands out stripes of {@link StripedCounters}: each of the first {@code STRIPES - 1} callers gets an
 * exclusive stripe, every later one the {@link StripedCounters#SHARED shared} stripe. One allocator
 * per director, since exclusivity only has to hold among the threads writing that director's
 * counters.
 */
public final class StripeAllocator {

    private final AtomicInteger next = new AtomicInteger();

    /** A fresh allocator: no stripe handed out yet. */
    public StripeAllocator() {}

    /** The stripe for a new packet thread; the caller must be its only writer if it is not shared. */
    public int allocate() {
        int n = next.getAndIncrement();
        return n < StripedCounters.SHARED && n >= 0 ? n : StripedCounters.SHARED;
    }
}
