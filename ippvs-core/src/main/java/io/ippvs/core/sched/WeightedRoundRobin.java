package io.ippvs.core.sched;

import io.ippvs.api.Flow;
import io.ippvs.api.RealServer;
import io.ippvs.api.Scheduler;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * wrr (ip_vs_wrr.c): a cursor {@code cl} over the list and a current weight {@code cw}. Scanning
 * forward, the first usable server with weight >= cw is chosen; each pass over the list head lowers
 * cw by the gcd of the weights, and cw <= 0 restarts at the largest weight. Weights 4, 3, 2 give
 * A A B A B C A B C.
 *
 * <p>Every update resets the cursor to the list head and recomputes gcd and maximum; cw is kept when
 * it still fits, as ip_vs_wrr_dest_changed does. The (cl, cw) pair lives in one AtomicLong so that
 * concurrent callers step it with CAS instead of IPVS's spinlock.
 */
final class WeightedRoundRobin implements Scheduler {

    private static final int HEAD = -1;

    private static final class State {
        final RealServer[] servers;
        /** gcd of the positive weights (1 when there is none). */
        final int di;
        /** The maximum weight minus (di - 1), so that cw steps land on 1 before going below. */
        final int mw;
        /** cl in the high 32 bits, cw in the low 32 bits. */
        final AtomicLong mark;

        State(RealServer[] servers, int di, int mw, int cl, int cw) {
            this.servers = servers;
            this.di = di;
            this.mw = mw;
            this.mark = new AtomicLong(pack(cl, cw));
        }
    }

    private volatile State state = new State(ListScheduler.NONE, 1, 0, HEAD, 0);

    WeightedRoundRobin() {}

    @Override
    public String name() {
        return "wrr";
    }

    static long pack(int cl, int cw) {
        return ((long) cl << 32) | (cw & 0xFFFFFFFFL);
    }

    @Override
    public void update(List<? extends RealServer> list) {
        RealServer[] next = ListScheduler.snapshot(list);
        int g = 0;
        int max = 0;
        for (RealServer s : next) {
            int w = s.weight();
            if (w > 0) {
                g = g > 0 ? Load.gcd(w, g) : w;
            }
            max = Math.max(max, w);
        }
        int di = g > 0 ? g : 1;
        int mw = max - (di - 1);
        int cw = (int) state.mark.get();
        if (cw > mw || cw == 0) {
            cw = mw;
        } else if (di > 1) {
            cw = (cw / di) * di + 1;
        }
        state = new State(next, di, mw, HEAD, cw);
    }

    /** The current weight of the snapshot in force; for tests. */
    int currentWeight() {
        return (int) state.mark.get();
    }

    @Override
    public RealServer schedule(Flow flow) {
        State s = state;
        if (s.mw <= 0) {
            return null;
        }
        RealServer[] a = s.servers;
        int n = a.length;
        int di = s.di;
        int mw = s.mw;
        while (true) {
            long mark = s.mark.get();
            int last = (int) (mark >> 32);
            int cw = (int) mark;
            int stop = Integer.MIN_VALUE;
            boolean lastPass = false;
            boolean restarted = false;
            int d = last;
            RealServer found = null;
            scan:
            while (true) {
                for (d = d + 1; d < n; d++) {
                    RealServer c = a[d];
                    if (c.available() && c.weight() >= cw) {
                        found = c;
                        break scan;
                    }
                    if (d == stop) {
                        break scan;
                    }
                }
                d = HEAD;
                cw -= di;
                if (cw <= 0) {
                    cw = mw;
                    // a pass for weight >= 1 over every server already failed
                    if (lastPass || last == HEAD) {
                        break;
                    }
                    restarted = true;
                }
                lastPass = cw <= di;
                if (lastPass && restarted && last != HEAD) {
                    // the first pass for weight >= 1 covered only the servers after 'last'
                    stop = last;
                }
            }
            if (s.mark.compareAndSet(mark, pack(d, cw))) {
                return found;
            }
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
