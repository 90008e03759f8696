package io.ippvs.core.testing;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A nanosecond clock that moves only when a test moves it. Starts at an arbitrary non-zero
 * instant so code that treats 0 as "never" is caught.
 */
public final class FakeClock implements LongSupplier {

    /** Where a default clock starts: about 11.5 days after an arbitrary origin. */
    public static final long DEFAULT_START_NANOS = TimeUnit.DAYS.toNanos(11) + 123_456_789L;

    private volatile long nanos;

    /** A clock at {@link #DEFAULT_START_NANOS}. */
    public FakeClock() {
        this(DEFAULT_START_NANOS);
    }

    /** A clock at {@code startNanos}. */
    public FakeClock(long startNanos) {
        this.nanos = startNanos;
    }

    @Override
    public long getAsLong() {
        return nanos;
    }

    /** The current time in nanoseconds. */
    public long nanos() {
        return nanos;
    }

    /** Sets the current time. */
    public FakeClock set(long nanos) {
        this.nanos = nanos;
        return this;
    }

    public synchronized FakeClock advanceNanos(long delta) {
        nanos += delta;
        return this;
    }

    public FakeClock advanceMillis(long millis) {
        return advanceNanos(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    public FakeClock advanceSeconds(long seconds) {
        return advanceNanos(TimeUnit.SECONDS.toNanos(seconds));
    }
}
