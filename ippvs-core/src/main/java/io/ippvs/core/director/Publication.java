package io.ippvs.core.director;

import io.ippvs.api.Addresses;
import io.ippvs.api.Configuration;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.Scheduler;
import io.ippvs.api.SchedulerConfig;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.core.sched.Schedulers;
import io.ippvs.core.service.RealServerState;
import io.ippvs.core.service.VirtualServiceState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Configuration publication: a change edits the services and servers that survive it, makes the
 * new ones, and publishes the result as one immutable {@link ServiceSet}. While it edits live
 * objects the generation is odd, so a new connection whose scheduler chose meanwhile is scheduled
 * again: a packet sees a change entirely or not at all. Changes are serialized by the caller.
 */
final class Publication {

    private final ServerRegistry servers;
    private final Forwarding forwarding;
    private final Map<String, Scheduler.Factory> customSchedulers;
    private final SchedulerConfig schedulerDefaults;
    private volatile ServiceSet current = ServiceSet.EMPTY;
    /** Odd while {@link #apply} edits live objects; see {@link #stableGeneration()}. */
    private volatile int generation;

    Publication(ServerRegistry servers, Forwarding forwarding, Map<String, Scheduler.Factory> customSchedulers,
            SchedulerConfig schedulerDefaults) {
        this.servers = servers;
        this.forwarding = forwarding;
        this.customSchedulers = Map.copyOf(customSchedulers);
        this.schedulerDefaults = schedulerDefaults;
    }

    /** The generation in force. */
    ServiceSet current() {
        return current;
    }

    /** The generation counter as it is now (odd while a change is applied). */
    int generation() {
        return generation;
    }

    /**
     * The configuration generation once no change is in progress. A change makes it odd while it
     * edits servers and schedulers and even again once published; a choice made while it moved is
     * discarded, so a new connection sees a whole change or none of it.
     */
    int stableGeneration() {
        int g;
        while (((g = generation) & 1) != 0) {
            Thread.onSpinWait();
        }
        return g;
    }

    /**
     * Installs {@code next} (validated first: nothing changes when it is refused) and returns the
     * configuration it replaced; under the director's configuration lock.
     */
    Configuration apply(Configuration next) {
        checkRewriters(next);
        ServiceSet old = current;
        // make every new scheduler first, so an unknown name changes nothing
        Map<ServiceKey, Scheduler> newSchedulers = new HashMap<>();
        for (Configuration.Service s : next.services()) {
            VirtualServiceState v = old.byKey.get(s.config().key());
            if (v == null || !sameScheduler(v.config(), s.config())) {
                newSchedulers.put(s.config().key(), createScheduler(s.config()));
            }
        }
        generation = generation + 1; // odd: new connections wait for the change to complete
        try {
            publish(next, old, newSchedulers);
        } finally {
            generation = generation + 1;
        }
        return old.configuration;
    }

    /** A real server whose method no rewriter handles would have every packet dropped: refused here instead. */
    private void checkRewriters(Configuration next) {
        for (Configuration.Service s : next.services()) {
            for (RealServerConfig rc : s.realServers()) {
                ForwardingMethod m = rc.forwardingMethod();
                if (forwarding.rewriter(m) == null) {
                    throw new IllegalArgumentException("forwardingMethod: real server "
                            + Addresses.format(rc.addressFamily(), rc.addressHigh(), rc.addressLow(), rc.port())
                            + " of " + s.config().key() + " uses " + m + " (" + m.option() + "), but this director has no"
                            + " rewriter for it (register one with Director.Builder.rewriter)");
                }
            }
        }
    }

    /** Edits the surviving objects, makes the new ones and publishes the generation. */
    private void publish(Configuration next, ServiceSet old, Map<ServiceKey, Scheduler> newSchedulers) {
        List<VirtualServiceState> services = new ArrayList<>();
        for (Configuration.Service s : next.services()) {
            ServiceConfig cfg = s.config();
            VirtualServiceState v = old.byKey.get(cfg.key());
            Scheduler fresh = newSchedulers.get(cfg.key());
            if (v == null) {
                v = new VirtualServiceState(cfg, fresh);
            } else {
                v.config(cfg);
            }
            List<RealServerState> kept = new ArrayList<>();
            boolean edited = false;
            for (RealServerConfig rc : s.realServers()) {
                RealServerState rs = find(v.servers(), rc);
                if (rs == null) {
                    rs = servers.create(rc, v.stats());
                } else if (!rs.config().equals(rc)) {
                    rs.config(rc);
                    edited = true;
                }
                kept.add(rs);
            }
            for (RealServerState rs : v.servers()) {
                if (!kept.contains(rs)) {
                    rs.remove();
                }
            }
            // only this service's own changes reach its scheduler (ip_vs_wrr_dest_changed)
            v.servers(kept, edited);
            if (fresh != null && v.scheduler() != fresh) {
                v.scheduler(fresh); // ip_vs_bind_scheduler: init_service over the current list
            }
            services.add(v);
        }
        for (VirtualServiceState v : old.services) {
            if (!next.services().stream().anyMatch(s -> s.config().key().equals(v.key()))) {
                for (RealServerState rs : v.servers()) {
                    rs.remove();
                }
            }
        }
        current = new ServiceSet(next, services);
    }

    /** The running server of service {@code key} with the address and port of {@code server}, or null. */
    RealServerState realServer(ServiceKey key, RealServerConfig server) {
        VirtualServiceState v = current.byKey.get(key);
        return v == null ? null : find(v.servers(), server);
    }

    private static RealServerState find(List<RealServerState> list, RealServerConfig rc) {
        for (RealServerState rs : list) {
            if (rs.config().sameServer(rc)) {
                return rs;
            }
        }
        return null;
    }

    private static boolean sameScheduler(ServiceConfig a, ServiceConfig b) {
        return a.scheduler().equals(b.scheduler()) && a.schedulerFlags().equals(b.schedulerFlags());
    }

    private Scheduler createScheduler(ServiceConfig cfg) {
        Scheduler.Factory f = customSchedulers.get(cfg.scheduler());
        if (f == null) {
            f = Schedulers.byName(cfg.scheduler());
        }
        SchedulerConfig sc = SchedulerConfig.builder()
                .flags(cfg.schedulerFlags())
                .shTableBits(schedulerDefaults.shTableBits())
                .dhTableBits(schedulerDefaults.dhTableBits())
                .mhTableSize(schedulerDefaults.mhTableSize())
                .random(schedulerDefaults.random())
                .build();
        return f.create(sc);
    }
}
