package io.ippvs.core.sched;

import io.ippvs.api.Flow;
import io.ippvs.api.RealServer;

/**
 * ovf (ip_vs_ovf.c): the usable server with the highest weight among those whose active connections
 * do not exceed their weight; the weight acts as a capacity, and traffic overflows to the next
 * server when it is reached.
 */
final class WeightedOverflow extends ListScheduler {

    WeightedOverflow() {
        super("ovf");
    }

    @Override
    public RealServer schedule(Flow flow) {
        RealServer best = null;
        int hw = 0;
        for (RealServer s : servers) {
            if (!s.available()) {
                continue;
            }
            int w = s.weight();
            if (s.activeConnections() > w) {
                continue;
            }
            if (best == null || w > hw) {
                best = s;
                hw = w;
            }
        }
        return best;
    }
}
