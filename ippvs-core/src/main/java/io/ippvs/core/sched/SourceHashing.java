package io.ippvs.core.sched;

import io.ippvs.api.Addresses;
import io.ippvs.api.Flow;
import io.ippvs.api.RealServer;
import io.ippvs.api.Scheduler;
import io.ippvs.api.SchedulerConfig;
import java.util.List;

/**
 * sh (ip_vs_sh.c): a static table of 2^bits buckets filled by walking the servers cyclically, each
 * taking {@code weight} consecutive buckets (at least one, even at weight 0, so that quiescing a
 * server does not move the others' clients). A flow goes to the bucket of
 * {@code hash_32(client port or 0 + client address)}; IPv6 addresses fold to 32 bits by XOR.
 *
 * <p>sh-fallback: when the bucket's server is unusable, IPVS probes bucket
 * {@code (offset + 2 * hash) & mask} for offset 0, 1, ... (it adds the start bucket twice); we match
 * it so that fallback choices agree with a kernel director.
 */
final class SourceHashing implements Scheduler {

    private final int bits;
    private final boolean fallback;
    private final boolean port;
    private volatile RealServer[] table;

    SourceHashing(SchedulerConfig config) {
        this.bits = config.shTableBits();
        this.fallback = config.has(HashTables.FALLBACK);
        this.port = config.has(HashTables.PORT);
        this.table = new RealServer[1 << bits];
    }

    @Override
    public String name() {
        return "sh";
    }

    @Override
    public void update(List<? extends RealServer> list) {
        RealServer[] servers = ListScheduler.snapshot(list);
        RealServer[] t = new RealServer[1 << bits];
        if (servers.length > 0) {
            int d = 0;
            int count = 0;
            for (int i = 0; i < t.length; i++) {
                t[i] = servers[d];
                if (++count >= servers[d].weight()) {
                    d = d + 1 == servers.length ? 0 : d + 1;
                    count = 0;
                }
            }
        }
        table = t;
    }

    /** A copy of the bucket table in force; for tests. */
    RealServer[] table() {
        return table.clone();
    }

    @Override
    public RealServer schedule(Flow flow) {
        RealServer[] t = table;
        int key = Addresses.fold32(flow.addressFamily(), flow.clientAddressHigh(), flow.clientAddressLow());
        int h = HashTables.hash32((port ? flow.clientPort() : 0) + key, bits);
        RealServer d = t[h];
        if (d == null) {
            return null;
        }
        if (d.available()) {
            return d;
        }
        if (!fallback) {
            return null;
        }
        int mask = t.length - 1;
        for (int offset = 0; offset < t.length; offset++) {
            d = t[(((offset + h) & mask) + h) & mask];
            if (d == null) {
                return null;
            }
            if (d.available()) {
                return d;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return name();
    }
}
