package io.ippvs.core.sched;

import io.ippvs.api.Flow;
import io.ippvs.api.RealServer;

/**
 * fo (ip_vs_fo.c): every connection goes to the usable server with the highest weight, the first of
 * equals; lower weights are standbys that take over when it fails or is quiesced.
 */
final class WeightedFailover extends ListScheduler {

    WeightedFailover() {
        super("fo");
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
            if (w > hw) {
                best = s;
                hw = w;
            }
        }
        return best;
    }
}
