package io.ippvs.core.sched;

import io.ippvs.api.Flow;
import io.ippvs.api.RealServer;

/**
 * wlc (ip_vs_wlc.c), the default: the usable server with the least overhead per unit of weight,
 * compared by cross products; the first of equals wins.
 */
final class WeightedLeastConnection extends ListScheduler {

    WeightedLeastConnection() {
        super("wlc");
    }

    @Override
    public RealServer schedule(Flow flow) {
        return Load.weightedLeastConnection(servers);
    }
}
