package io.ippvs.core.service;

import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.RealServer;
import io.ippvs.api.RealServerConfig;
import io.ippvs.core.stats.TrafficStats;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real server as the director runs it: its configuration in force, its connection counts, the
 * OVERLOAD flag and its counters.
 *
 * <p>Identity is stable across edits ({@code ipvsadm -e} replaces the configuration of this same
 * object). {@link #id()} is the small integer the connection table stores for connections to this
 * server.
 *
 * <p>Connection counts follow IPVS: a connection is bound when created (inactive, or active if it
 * starts in an active state; a persistence template counts as persistent), moves between active and
 * inactive as its state changes, and is unbound when it leaves the table. OVERLOAD is set when the
 * upper threshold {@code u} is not 0 and active + inactive reaches it on a bind; it is cleared on an
 * unbind when the total falls below the lower threshold {@code l}, or, with {@code l == 0}, when
 * {@code total * 4 < u * 3}.
 */
public final class RealServerState implements RealServer {

    private final int id;
    private final TrafficStats stats = new TrafficStats();
    private final TrafficStats serviceStats;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger inactive = new AtomicInteger();
    private final AtomicInteger persistent = new AtomicInteger();
    private volatile RealServerConfig config;
    private volatile boolean inService = true;
    private volatile boolean overloaded;

    /**
     * A server in service with no connections.
     *
     * @param serviceStats the counters of the service this server belongs to, which every packet of
     *     its connections also counts in
     */
    public RealServerState(int id, RealServerConfig config, TrafficStats serviceStats) {
        this.id = id;
        this.config = config;
        this.serviceStats = serviceStats;
    }

    /** The index the connection table stores for this server. */
    public int id() {
        return id;
    }

    @Override
    public RealServerConfig config() {
        return config;
    }

    /**
     * Applies an edit ({@code ipvsadm -e}). As IPVS does, a new upper threshold of 0 or one above the
     * old clears OVERLOAD at once.
     */
    public void config(RealServerConfig next) {
        RealServerConfig old = config;
        if (next.upperThreshold() == 0 || next.upperThreshold() > old.upperThreshold()) {
            overloaded = false;
        }
        config = next;
    }

    @Override
    public int addressFamily() {
        return config.addressFamily();
    }

    @Override
    public long addressHigh() {
        return config.addressHigh();
    }

    @Override
    public long addressLow() {
        return config.addressLow();
    }

    @Override
    public int port() {
        return config.port();
    }

    @Override
    public ForwardingMethod forwardingMethod() {
        return config.forwardingMethod();
    }

    @Override
    public int weight() {
        return config.weight();
    }

    @Override
    public int activeConnections() {
        return active.get();
    }

    @Override
    public int inactiveConnections() {
        return inactive.get();
    }

    @Override
    public int persistentConnections() {
        return persistent.get();
    }

    @Override
    public boolean overloaded() {
        return overloaded;
    }

    @Override
    public boolean available() {
        return inService && !overloaded && config.weight() > 0;
    }

    /** Whether the server is still configured in its service (false once removed). */
    public boolean inService() {
        return inService;
    }

    /** Takes the server out of its service: no new connections; existing ones may drain. */
    public void remove() {
        inService = false;
    }

    @Override
    public TrafficStats stats() {
        return stats;
    }

    /** The counters of this server's service. */
    public TrafficStats serviceStats() {
        return serviceStats;
    }

    /** A new connection (or, with {@code template}, a persistence template) now points here. */
    public void bind(boolean template, boolean activeState) {
        if (template) {
            persistent.incrementAndGet();
        } else if (activeState) {
            active.incrementAndGet();
        } else {
            inactive.incrementAndGet();
        }
        int u = config.upperThreshold();
        if (u != 0 && total() >= u) {
            overloaded = true;
        }
    }

    /** A connection (or template) bound with the same arguments left the table. */
    public void unbind(boolean template, boolean activeState) {
        if (template) {
            persistent.decrementAndGet();
        } else if (activeState) {
            active.decrementAndGet();
        } else {
            inactive.decrementAndGet();
        }
        RealServerConfig c = config;
        int l = c.lowerThreshold();
        int u = c.upperThreshold();
        if (l != 0) {
            if (total() < l) {
                overloaded = false;
            }
        } else if (u != 0) {
            if ((long) total() * 4 < (long) u * 3) {
                overloaded = false;
            }
        } else {
            overloaded = false;
        }
    }

    /** A connection's state moved between active and inactive ({@code nowActive} says which way). */
    public void activity(boolean nowActive) {
        if (nowActive) {
            active.incrementAndGet();
            inactive.decrementAndGet();
        } else {
            inactive.incrementAndGet();
            active.decrementAndGet();
        }
    }

    private int total() {
        return active.get() + inactive.get();
    }

    @Override
    public String toString() {
        return config + " active=" + active.get() + " inactive=" + inactive.get() + " persistent=" + persistent.get()
                + (overloaded ? " OVERLOAD" : "") + (inService ? "" : " removed");
    }
}
