package io.ippvs.core.sched;

import io.ippvs.api.Flow;
import io.ippvs.api.RealServer;

/**
 * sed (ip_vs_sed.c): like wlc, but the overhead is activeconns + 1, the expected delay of one more
 * connection; inactive connections do not count.
 */
final class ShortestExpectedDelay extends ListScheduler {

    ShortestExpectedDelay() {
        super("sed");
    }

    @Override
    public RealServer schedule(Flow flow) {
        RealServer least = null;
        long loh = 0;
        long lw = 0;
        for (RealServer s : servers) {
            if (!s.available()) {
                continue;
            }
            long doh = s.activeConnections() + 1L;
            long dw = s.weight();
            if (least == null || loh * dw > doh * lw) {
                least = s;
                loh = doh;
                lw = dw;
            }
        }
        return least;
    }
}
