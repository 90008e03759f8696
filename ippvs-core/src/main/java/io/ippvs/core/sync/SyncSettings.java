package io.ippvs.core.sync;

/**
 * The master's knobs, with the kernel's defaults: the sysctls {@code sync_threshold} (3),
 * {@code sync_period} (50), {@code sync_refresh_period} (0), {@code sync_retries} (0) and the
 * daemon's {@code --syncid} (0) and {@code --sync-maxlen} (1500 minus the IP and UDP headers:
 * 1472 over IPv4, as {@code start_sync_thread} sets it for a master), plus the size of the hand-off
 * queue. Immutable; {@link #builder()} validates and names the field it rejects.
 */
public final class SyncSettings {

    /** The defaults above. */
    public static final SyncSettings DEFAULT = builder().build();

    private final int syncId;
    private final int maxLength;
    private final int threshold;
    private final int period;
    private final long refreshPeriodMillis;
    private final int retries;
    private final int queueCapacity;

    private SyncSettings(Builder b) {
        this.syncId = b.syncId;
        this.maxLength = b.maxLength;
        this.threshold = b.threshold;
        this.period = b.period;
        this.refreshPeriodMillis = b.refreshPeriodMillis;
        this.retries = b.retries;
        this.queueCapacity = b.queueCapacity;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these values. */
    public Builder toBuilder() {
        return builder().syncId(syncId).maxLength(maxLength).threshold(threshold, period)
                .refreshPeriodMillis(refreshPeriodMillis).retries(retries).queueCapacity(queueCapacity);
    }

    /** {@code --syncid}: the id the master writes; a backup with id 0 accepts every id. */
    public int syncId() {
        return syncId;
    }

    /** {@code --sync-maxlen}: the largest datagram payload the master writes. */
    public int maxLength() {
        return maxLength;
    }

    /** {@code sync_threshold}. */
    public int threshold() {
        return threshold;
    }

    /** {@code sync_period}. */
    public int period() {
        return period;
    }

    /** {@code sync_refresh_period}, in milliseconds; 0 off. */
    public long refreshPeriodMillis() {
        return refreshPeriodMillis;
    }

    /** {@code sync_retries} (0..3). */
    public int retries() {
        return retries;
    }

    /** Entries the hand-off queue holds before further ones are counted as lost. */
    public int queueCapacity() {
        return queueCapacity;
    }

    @Override
    public String toString() {
        return "syncid " + syncId + " maxlen " + maxLength + " threshold " + threshold + " period " + period
                + " refresh " + refreshPeriodMillis + " ms retries " + retries + " queue " + queueCapacity;
    }

    /** Builds {@link SyncSettings}; every setter validates. */
    public static final class Builder {
        private int syncId;
        private int maxLength = 1500 - 20 - 8;
        private int threshold = 3;
        private int period = 50;
        private long refreshPeriodMillis;
        private int retries;
        private int queueCapacity = 1 << 14;

        private Builder() {}

        public Builder syncId(int id) {
            if (id < 0 || id > 255) {
                throw new IllegalArgumentException("syncId: " + id + " is not in 0..255");
            }
            this.syncId = id;
            return this;
        }

        /** 1..65507 as the kernel clamps a master's value (65535 minus IP and UDP headers). */
        public Builder maxLength(int length) {
            if (length < 1 || length > 65535 - 28) {
                throw new IllegalArgumentException("syncMaxlen: " + length + " is not in 1..65507");
            }
            this.maxLength = length;
            return this;
        }

        /** {@code sync_threshold} and {@code sync_period}: the kernel wants 0 &lt;= threshold &lt; period, or period 0. */
        public Builder threshold(int threshold, int period) {
            if (threshold < 0 || period < 0 || (period > 0 && threshold >= period)) {
                throw new IllegalArgumentException("syncThreshold: " + threshold + " with syncPeriod " + period
                        + " is not 0 <= threshold < period (or period 0)");
            }
            this.threshold = threshold;
            this.period = period;
            return this;
        }

        public Builder refreshPeriodMillis(long millis) {
            if (millis < 0) {
                throw new IllegalArgumentException("syncRefreshPeriod: " + millis + " is negative");
            }
            this.refreshPeriodMillis = millis;
            return this;
        }

        public Builder retries(int retries) {
            if (retries < 0 || retries > 3) {
                throw new IllegalArgumentException("syncRetries: " + retries + " is not in 0..3");
            }
            this.retries = retries;
            return this;
        }

        public Builder queueCapacity(int capacity) {
            if (capacity < 2 || capacity > 1 << 24) {
                throw new IllegalArgumentException("queueCapacity: " + capacity + " is not in 2..16777216");
            }
            this.queueCapacity = capacity;
            return this;
        }

        public SyncSettings build() {
            return new SyncSettings(this);
        }
    }
}
