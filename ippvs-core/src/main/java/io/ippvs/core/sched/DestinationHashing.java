package io.ippvs.core.sched;

import io.ippvs.api.Addresses;
import io.ippvs.api.Flow;
import io.ippvs.api.RealServer;
import io.ippvs.api.Scheduler;
import io.ippvs.api.SchedulerConfig;
import java.util.List;

/**
 * dh (ip_vs_dh.c): a static table of 2^bits buckets, bucket i holding server i mod n (weights are
 * ignored), indexed by {@code hash_32} of the packet's destination address; for transparent caches
 * where every client of one origin should reach the same cache. No fallback: an unusable server
 * means no server.
 */
final class DestinationHashing implements Scheduler {

    private final int bits;
    private volatile RealServer[] table;

    DestinationHashing(SchedulerConfig config) {
        this.bits = config.dhTableBits();
        this.table = new RealServer[1 << bits];
    }

    @Override
    public String name() {
        return "dh";
    }

    @Override
    public void update(List<? extends RealServer> list) {
        RealServer[] servers = ListScheduler.snapshot(list);
        RealServer[] t = new RealServer[1 << bits];
        if (servers.length > 0) {
            for (int i = 0; i < t.length; i++) {
                t[i] = servers[i % servers.length];
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
        int key = Addresses.fold32(flow.addressFamily(), flow.virtualAddressHigh(), flow.virtualAddressLow());
        RealServer d = table[HashTables.hash32(key, bits)];
        return d != null && d.available() ? d : null;
    }

    @Override
    public String toString() {
        return name();
    }
}
