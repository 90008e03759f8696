package io.ippvs.core.service;

import io.ippvs.api.RealServer;
import io.ippvs.api.Scheduler;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.VirtualService;
import io.ippvs.core.stats.TrafficStats;
import java.util.ArrayList;
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

    /** The servers in the kernel's list order (newest first), as the running objects. */
    public List<RealServerState> servers() {
        return servers;
    }

    /**
     * Installs a new server list and tells the scheduler one change at a time, as the kernel calls
     * {@code upd_dest}, {@code del_dest} and {@code add_dest} once per server: one update if a server
     * was edited ({@code edited}), one per removed server, then one per added server, oldest first,
     * each at the head of the list ({@code __ip_vs_update_dest}). wrr's current weight depends on
     * that sequence. Nothing is called when the list and its servers are unchanged, so a change to
     * another service leaves this scheduler's position alone.
     */
    public void servers(List<RealServerState> next, boolean edited) {
        List<RealServerState> target = List.copyOf(next);
        List<RealServerState> cur = new ArrayList<>(servers);
        if (edited) {
            step(cur);
        }
        for (RealServerState rs : servers) {
            if (!target.contains(rs)) {
                cur.remove(rs);
                step(cur);
            }
        }
        for (int i = target.size() - 1; i >= 0; i--) {
            RealServerState rs = target.get(i);
            if (!cur.contains(rs)) {
                cur.add(0, rs);
                step(cur);
            }
        }
        if (!cur.equals(target)) {
            step(target); // a configuration built in another order: install it as given
        }
        servers = target;
    }

    private void step(List<RealServerState> list) {
        List<RealServerState> copy = List.copyOf(list);
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
