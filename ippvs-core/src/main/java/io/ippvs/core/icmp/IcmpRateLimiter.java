package io.ippvs.core.icmp;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket for generated ICMP errors, driven by the caller's nanosecond clock so tests can move
 * time. Linux limits ICMP errors the same way ({@code icmp_msgs_per_sec} 1000 with a burst of 50), so
 * a flood of expiring or oversized packets cannot turn the director into an ICMP amplifier.
 *
 * <p>Implemented as a generic cell rate algorithm over one {@link AtomicLong} (the theoretical arrival
 * time of the next token): thread-safe, lock-free, allocation-free.
 */
public final class IcmpRateLimiter {

    private final long intervalNanos;
    private final long burstNanos;
    private final AtomicLong theoreticalArrival = new AtomicLong(Long.MIN_VALUE);

    /**
     * @param perSecond sustained errors per second, at least 1
     * @param burst errors allowed back to back after a quiet period, at least 1
     * @throws IllegalArgumentException naming {@code perSecond} or {@code burst}
     */
    public IcmpRateLimiter(int perSecond, int burst) {
        if (perSecond < 1 || perSecond > 1_000_000_000) {
            throw new IllegalArgumentException("perSecond: " + perSecond + " is outside 1..1000000000");
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst: " + burst + " must be at least 1");
        }
        this.intervalNanos = 1_000_000_000L / perSecond;
        this.burstNanos = intervalNanos * (burst - 1);
    }

    /** Takes one token at time {@code nowNanos}; false when the bucket is empty. */
    public boolean tryAcquire(long nowNanos) {
        while (true) {
            long tat = theoreticalArrival.get();
            // a first call, or a clock far ahead of the last grant, starts from a full bucket
            long start = tat == Long.MIN_VALUE || nowNanos - tat > 0 ? nowNanos : tat;
            if (start - nowNanos > burstNanos) {
                return false;
            }
            if (theoreticalArrival.compareAndSet(tat, start + intervalNanos)) {
                return true;
            }
        }
    }
}
