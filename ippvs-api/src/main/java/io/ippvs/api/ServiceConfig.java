package io.ippvs.api;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The configuration of a virtual service (ipvsadm {@code -A}/{@code -E}): its key, scheduler,
 * scheduler flags, persistence and one-packet scheduling. Immutable and thread-safe; build one with
 * {@link #builder(ServiceKey)} and change one with {@link #toBuilder()}.
 */
public final class ServiceConfig {

    /** ipvsadm's default scheduler. */
    public static final String DEFAULT_SCHEDULER = "wlc";
    /** ipvsadm's default persistence timeout in seconds ({@code -p} without a value). */
    public static final int DEFAULT_PERSISTENCE_TIMEOUT = 360;

    private final ServiceKey key;
    private final String scheduler;
    private final Set<SchedulerFlag> schedulerFlags;
    private final boolean persistent;
    private final int persistenceTimeout;
    private final int persistenceNetmask;
    private final int persistenceMask;
    private final boolean onePacket;

    private ServiceConfig(Builder b) {
        this.key = b.key;
        this.scheduler = b.scheduler;
        this.schedulerFlags = Collections.unmodifiableSet(EnumSet.copyOf(b.schedulerFlags));
        this.persistent = b.persistent;
        this.persistenceTimeout = b.persistenceTimeout;
        this.persistenceNetmask = b.persistenceNetmask;
        this.persistenceMask = b.persistenceMask;
        this.onePacket = b.onePacket;
    }

    /** A builder with ipvsadm's defaults: scheduler wlc, not persistent, full-length netmask. */
    public static Builder builder(ServiceKey key) {
        return new Builder(key);
    }

    /** A builder holding this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder(key);
        b.scheduler = scheduler;
        b.schedulerFlags = EnumSet.noneOf(SchedulerFlag.class);
        b.schedulerFlags.addAll(schedulerFlags);
        b.persistent = persistent;
        b.persistenceTimeout = persistenceTimeout;
        b.persistenceNetmask = persistenceNetmask;
        b.persistenceMask = persistenceMask;
        b.onePacket = onePacket;
        return b;
    }

    public ServiceKey key() {
        return key;
    }

    /** The scheduler's ipvsadm name ({@code rr}, {@code wlc}, ...), or an application-registered name. */
    public String scheduler() {
        return scheduler;
    }

    /** Flags for the scheduler (ipvsadm {@code -b}); never {@code null}. */
    public Set<SchedulerFlag> schedulerFlags() {
        return schedulerFlags;
    }

    /** Whether a client sticks to one real server across connections (ipvsadm {@code -p}). */
    public boolean persistent() {
        return persistent;
    }

    /** Persistence timeout in seconds; meaningful only when {@link #persistent()}. */
    public int persistenceTimeout() {
        return persistenceTimeout;
    }

    /**
     * The prefix length of the persistence netmask (ipvsadm {@code -M}): clients whose addresses agree
     * in that many leading bits share a template. 32 (IPv4) or 128 (IPv6) by default; -1 for an IPv4
     * mask that is not contiguous (see {@link #persistenceMask()}).
     */
    public int persistenceNetmask() {
        return persistenceNetmask;
    }

    /**
     * The IPv4 persistence mask as its 32 bits, most significant first ({@code 0xFFFFFF00} for
     * 255.255.255.0): the template key is the client address AND this mask, as the kernel does; it
     * need not be contiguous, since ipvsadm accepts any dotted mask. 0 for an IPv6 service, whose
     * mask is {@link #persistenceNetmask()} leading bits.
     */
    public int persistenceMask() {
        return persistenceMask;
    }

    /** Whether every datagram is scheduled afresh with no connection kept (ipvsadm {@code -o}, UDP). */
    public boolean onePacket() {
        return onePacket;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ServiceConfig)) {
            return false;
        }
        ServiceConfig c = (ServiceConfig) o;
        return key.equals(c.key) && scheduler.equals(c.scheduler) && schedulerFlags.equals(c.schedulerFlags)
                && persistent == c.persistent && persistenceTimeout == c.persistenceTimeout
                && persistenceNetmask == c.persistenceNetmask && persistenceMask == c.persistenceMask
                && onePacket == c.onePacket;
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, scheduler, schedulerFlags, persistent, persistenceTimeout, persistenceNetmask,
                persistenceMask, onePacket);
    }

    @Override
    public String toString() {
        return key + " " + scheduler + (schedulerFlags.isEmpty() ? "" : " " + schedulerFlags)
                + (persistent ? " persistent " + persistenceTimeout + " mask " + (persistenceNetmask >= 0
                        ? "/" + persistenceNetmask : Addresses.format(Addresses.IPV4, 0, persistenceMask & 0xFFFFFFFFL)) : "")
                + (onePacket ? " ops" : "");
    }

    /** Builds a {@link ServiceConfig}; every setter validates and names the field it rejects. */
    public static final class Builder {
        private final ServiceKey key;
        private String scheduler = DEFAULT_SCHEDULER;
        private EnumSet<SchedulerFlag> schedulerFlags = EnumSet.noneOf(SchedulerFlag.class);
        private boolean persistent;
        private int persistenceTimeout = DEFAULT_PERSISTENCE_TIMEOUT;
        private int persistenceNetmask;
        private int persistenceMask;
        private boolean onePacket;

        private Builder(ServiceKey key) {
            if (key == null) {
                throw new IllegalArgumentException("key: must not be null");
            }
            this.key = key;
            this.persistenceNetmask = key.addressFamily() == Addresses.IPV4 ? 32 : 128;
            this.persistenceMask = key.addressFamily() == Addresses.IPV4 ? -1 : 0;
        }

        /** @throws IllegalArgumentException naming {@code scheduler} when null or blank */
        public Builder scheduler(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("scheduler: must be a scheduler name, got '" + name + "'");
            }
            this.scheduler = name.trim();
            return this;
        }

        public Builder schedulerFlags(Set<SchedulerFlag> flags) {
            if (flags == null) {
                throw new IllegalArgumentException("schedulerFlags: must not be null");
            }
            this.schedulerFlags = flags.isEmpty() ? EnumSet.noneOf(SchedulerFlag.class) : EnumSet.copyOf(flags);
            return this;
        }

        /** Persistence with the default timeout of 360 s. */
        public Builder persistent() {
            return persistent(DEFAULT_PERSISTENCE_TIMEOUT);
        }

        /** @throws IllegalArgumentException naming {@code persistenceTimeout} when below 1 */
        public Builder persistent(int timeoutSeconds) {
            if (timeoutSeconds < 1) {
                throw new IllegalArgumentException("persistenceTimeout: " + timeoutSeconds + " must be at least 1 second");
            }
            this.persistent = true;
            this.persistenceTimeout = timeoutSeconds;
            return this;
        }

        public Builder notPersistent() {
            this.persistent = false;
            this.persistenceTimeout = DEFAULT_PERSISTENCE_TIMEOUT;
            return this;
        }

        /** @throws IllegalArgumentException naming {@code persistenceNetmask} when outside 0..32 (IPv4) or 0..128 */
        public Builder persistenceNetmask(int prefixLength) {
            int max = key.addressFamily() == Addresses.IPV4 ? 32 : 128;
            if (prefixLength < 0 || prefixLength > max) {
                throw new IllegalArgumentException("persistenceNetmask: prefix length " + prefixLength + " is outside 0.." + max);
            }
            this.persistenceNetmask = prefixLength;
            this.persistenceMask = max == 32 ? (prefixLength == 0 ? 0 : -1 << (32 - prefixLength)) : 0;
            return this;
        }

        /**
         * An IPv4 persistence mask given as its 32 bits ({@code 0xFFFF00FF} for 255.255.0.255), which
         * need not be contiguous: ipvsadm's {@code -M} takes any dotted mask and the kernel ANDs it.
         *
         * @throws IllegalArgumentException naming {@code persistenceMask} for an IPv6 service
         */
        public Builder persistenceMask(int mask) {
            if (key.addressFamily() != Addresses.IPV4) {
                throw new IllegalArgumentException("persistenceMask: a dotted mask is for IPv4 services; use persistenceNetmask");
            }
            int prefix = Integer.bitCount(mask);
            boolean contiguous = prefix == 0 ? mask == 0 : mask == -1 << (32 - prefix);
            this.persistenceNetmask = contiguous ? prefix : -1;
            this.persistenceMask = mask;
            return this;
        }

        /** @throws IllegalArgumentException naming {@code onePacket} for a TCP or SCTP service */
        public Builder onePacket(boolean onePacket) {
            if (onePacket && key.protocol() != null && key.protocol() != Protocol.UDP) {
                throw new IllegalArgumentException("onePacket: one-packet scheduling is for UDP services, not " + key.protocol());
            }
            this.onePacket = onePacket;
            return this;
        }

        public ServiceConfig build() {
            return new ServiceConfig(this);
        }
    }
}
