package io.ippvs.core.sched;

import io.ippvs.api.Flow;
import io.ippvs.api.RealServer;
import io.ippvs.api.Scheduler;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * rr (ip_vs_rr.c): continue after the last choice with the first server that has a weight and is
 * not overloaded. The cursor survives updates: it stays on the same server, or, when that server
 * was removed, moves to the nearest earlier survivor, as IPVS's del_dest does.
 */
final class RoundRobin implements Scheduler {

    /** Cursor value meaning "the list head": the next scan starts with the first server. */
    private static final int HEAD = -1;

    private static final class State {
        final RealServer[] servers;
        /** Index of the last choice, or HEAD. */
        final AtomicInteger last;

        State(RealServer[] servers, int last) {
            this.servers = servers;
            this.last = new AtomicInteger(last);
        }
    }

    private volatile State state = new State(ListScheduler.NONE, HEAD);

    RoundRobin() {}

    @Override
    public String name() {
        return "rr";
    }

    @Override
    public void update(List<? extends RealServer> list) {
        RealServer[] next = ListScheduler.snapshot(list);
        State old = state;
        state = new State(next, carryCursor(old.servers, old.last.get(), next));
    }

    /** The position in {@code next} of the last choice, or of its nearest surviving predecessor. */
    static int carryCursor(RealServer[] old, int last, RealServer[] next) {
        for (int i = last; i >= 0; i--) {
            for (int j = 0; j < next.length; j++) {
                if (next[j] == old[i]) {
                    return j;
                }
            }
        }
        return HEAD;
    }

    @Override
    public RealServer schedule(Flow flow) {
        State s = state;
        RealServer[] a = s.servers;
        int n = a.length;
        while (true) {
            int last = s.last.get();
            int i = last;
            boolean contended = false;
            // scan every server once, ending with the last choice itself
            for (int k = 0; k < n; k++) {
                if (++i == n) {
                    i = 0;
                }
                RealServer d = a[i];
                if (d.available()) {
                    if (s.last.compareAndSet(last, i)) {
                        return d;
                    }
                    contended = true; // another thread moved the cursor: rescan from its choice
                    break;
                }
            }
            if (!contended) {
                return null; // nothing usable; the cursor stays, as in IPVS
            }
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
