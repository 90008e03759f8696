package io.ippvs.api;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * What a {@link Scheduler.Factory} needs to make a scheduler: the service's scheduler flags and the
 * table sizes IPVS lets one configure. Immutable.
 */
public final class SchedulerConfig {

    /** The prime Maglev table sizes IPVS offers. */
    private static final int[] MH_PRIMES = {251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071};

    /** The defaults: no flags, 256-bucket sh/dh tables, a 4093-slot Maglev table, a thread-local random source. */
    public static final SchedulerConfig DEFAULT = builder().build();

    private final Set<SchedulerFlag> flags;
    private final int shTableBits;
    private final int dhTableBits;
    private final int mhTableSize;
    private final RandomGenerator random;

    private SchedulerConfig(Builder b) {
        this.flags = Collections.unmodifiableSet(EnumSet.copyOf(b.flags));
        this.shTableBits = b.shTableBits;
        this.dhTableBits = b.dhTableBits;
        this.mhTableSize = b.mhTableSize;
        this.random = b.random;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Set<SchedulerFlag> flags() {
        return flags;
    }

    public boolean has(SchedulerFlag flag) {
        return flags.contains(flag);
    }

    /** log2 of the source-hashing table size, 4..20 (IPVS default 8). */
    public int shTableBits() {
        return shTableBits;
    }

    /** log2 of the destination-hashing table size, 4..20 (IPVS default 8). */
    public int dhTableBits() {
        return dhTableBits;
    }

    /** The Maglev table size, one of the primes IPVS offers (default 4093). */
    public int mhTableSize() {
        return mhTableSize;
    }

    /**
     * The random source for randomised schedulers ({@code twos}); {@code null} means
     * {@link java.util.concurrent.ThreadLocalRandom}. An injected source must be thread-safe if the
     * director runs several packet threads.
     */
    public RandomGenerator random() {
        return random;
    }

    /** Builds a {@link SchedulerConfig}; setters name the field they reject. */
    public static final class Builder {
        private EnumSet<SchedulerFlag> flags = EnumSet.noneOf(SchedulerFlag.class);
        private int shTableBits = 8;
        private int dhTableBits = 8;
        private int mhTableSize = 4093;
        private RandomGenerator random;

        private Builder() {}

        public Builder flags(Set<SchedulerFlag> flags) {
            if (flags == null) {
                throw new IllegalArgumentException("flags: must not be null");
            }
            this.flags = flags.isEmpty() ? EnumSet.noneOf(SchedulerFlag.class) : EnumSet.copyOf(flags);
            return this;
        }

        /** @throws IllegalArgumentException naming {@code shTableBits} when outside 4..20 */
        public Builder shTableBits(int bits) {
            this.shTableBits = checkBits("shTableBits", bits);
            return this;
        }

        /** @throws IllegalArgumentException naming {@code dhTableBits} when outside 4..20 */
        public Builder dhTableBits(int bits) {
            this.dhTableBits = checkBits("dhTableBits", bits);
            return this;
        }

        /** @throws IllegalArgumentException naming {@code mhTableSize} when not one of the IPVS primes */
        public Builder mhTableSize(int size) {
            for (int p : MH_PRIMES) {
                if (p == size) {
                    this.mhTableSize = size;
                    return this;
                }
            }
            throw new IllegalArgumentException("mhTableSize: " + size
                    + " is not one of 251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071");
        }

        public Builder random(RandomGenerator random) {
            this.random = random;
            return this;
        }

        public SchedulerConfig build() {
            return new SchedulerConfig(this);
        }

        private static int checkBits(String field, int bits) {
            if (bits < 4 || bits > 20) {
                throw new IllegalArgumentException(field + ": " + bits + " is outside 4..20");
            }
            return bits;
        }
    }
}
