package io.ippvs.core.sched;

import io.ippvs.api.Flow;
import io.ippvs.api.RealServer;

/** lc (ip_vs_lc.c): the usable server with the least overhead; the first of equals wins. */
final class LeastConnection extends ListScheduler {

    LeastConnection() {
        super("lc");
    }

    @Override
    public RealServer schedule(Flow flow) {
        RealServer least = null;
        long loh = 0;
        for (RealServer s : servers) {
            if (!s.available()) {
                continue;
            }
            long doh = Load.overhead(s);
            if (least == null || doh < loh) {
                least = s;
                loh = doh;
            }
        }
        return least;
    }
}
