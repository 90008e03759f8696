package io.ippvs.core.service;

import io.ippvs.api.RealServer;
import io.ippvs.api.Scheduler;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.VirtualService;
import io.ippvs.core.stats.TrafficStats;
import java.util.List;

/**
 * A virtual service as the director runs it: configuration, real servers, scheduler and counters.
 *
 * <p>Identity is stable across edits ({@code ipvsadm -E}); the director replaces the configuration,
 * the server list and, when the scheduler name or flags change, the scheduler, then publishes a new
 * {@link ServiceTable} snapshot. Packet threads read each field once per packet.
 */
public final class VirtualServiceState implements VirtualService {

    private final TrafficStats stats = new TrafficStats();
    private volatile ServiceConfig config;
    private volatile List<RealServerState> servers = List.of();
    private volatile Scheduler scheduler;

    /** A service without real servers. */
    public VirtualServiceState(ServiceConfig config, Scheduler scheduler) {
        this.config = config;
        this.scheduler = scheduler;
    }

    @Override
    public ServiceConfig config() {
        return config;
    }

    /** Replaces the configuration ({@code ipvsadm -E}); the key never changes. */
    public void config(ServiceConfig next) {
        if (!next.key().equals(config.key())) {
            throw new IllegalArgumentException("key: " + next.key() + " differs from " + config.key());
        }
        config = next;
    }

    @Override
    public List<RealServer> realServers() {
        return List.copyOf(servers);
    }

    /** The servers in the order they were added, as the running objects. */
    public List<RealServerState> servers() {
        return servers;
    }

    /** Installs a new server list and tells the scheduler. */
    public void servers(List<RealServerState> next) {
        List<RealServerState> copy = List.copyOf(next);
        scheduler.update(copy);
        servers = copy;
    }

    /** The scheduler choosing servers for new connections. */
    public Scheduler scheduler() {
        return scheduler;
    }

    /** Replaces the scheduler (a new name or new flags) and primes it with the current servers. */
    public void scheduler(Scheduler next) {
        next.update(servers);
        scheduler = next;
    }

    @Override
    public TrafficStats stats() {
        return stats;
    }

    @Override
    public String toString() {
        return config + " " + servers;
    }
}
