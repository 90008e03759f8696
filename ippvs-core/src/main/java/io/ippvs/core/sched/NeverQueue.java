package io.ippvs.core.sched;

import io.ippvs.api.Flow;
import io.ippvs.api.RealServer;

/**
 * nq (ip_vs_nq.c): the first usable server without active connections takes the connection at once,
 * so nothing waits in a queue while a server idles; otherwise sed.
 */
final class NeverQueue extends ListScheduler {

    NeverQueue() {
        super("nq");
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
            int active = s.activeConnections();
            if (active == 0) {
                return s;
            }
            long doh = active + 1L;
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
