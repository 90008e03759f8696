package io.ippvs.core.sched;

import io.ippvs.api.Flow;
import io.ippvs.api.RealServer;
import io.ippvs.api.Scheduler;
import java.util.StringJoiner;

/** Renders scheduling decisions as "A B C -" (server names, '-' for none) for sequence asserts. */
final class Picks {

    private Picks() {}

    static String of(Scheduler s, int count) {
        return of(s, new FakeFlow(), count);
    }

    static String of(Scheduler s, Flow flow, int count) {
        StringJoiner j = new StringJoiner(" ");
        for (int i = 0; i < count; i++) {
            RealServer r = s.schedule(flow);
            j.add(r == null ? "-" : r.toString());
        }
        return j.toString();
    }
}
