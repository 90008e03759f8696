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
        return ShortestExpectedDelay.least(servers, true);
    }
}
