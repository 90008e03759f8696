package io.ippvs.core.sched;

import io.ippvs.api.RealServer;
import io.ippvs.api.Scheduler;
import java.util.List;

/**
 * Base of the schedulers whose only state is the server list: {@code update} publishes an array
 * snapshot through a volatile field and {@code schedule} scans it, reading live connection counts
 * and weights as IPVS does.
 */
abstract class ListScheduler implements Scheduler {

    static final RealServer[] NONE = new RealServer[0];

    private final String name;
    volatile RealServer[] servers = NONE;

    ListScheduler(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public void update(List<? extends RealServer> list) {
        servers = snapshot(list);
    }

    static RealServer[] snapshot(List<? extends RealServer> list) {
        if (list == null) {
            throw new IllegalArgumentException("servers: must not be null");
        }
        RealServer[] a = list.toArray(NONE);
        for (RealServer s : a) {
            if (s == null) {
                throw new IllegalArgumentException("servers: must not contain null");
            }
        }
        return a;
    }

    @Override
    public String toString() {
        return name;
    }
}
