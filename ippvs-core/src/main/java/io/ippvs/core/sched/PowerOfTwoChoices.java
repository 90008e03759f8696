package io.ippvs.core.sched;

import io.ippvs.api.Flow;
import io.ippvs.api.RealServer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * twos (ip_vs_twos.c): two independent weighted random picks, then the one with less overhead per
 * weight. Each pick draws r in [0, total weight] and takes the first server where the running sum of
 * weights reaches r, as IPVS does (so the first server gets one extra chance).
 */
final class PowerOfTwoChoices extends ListScheduler {

    /** null: ThreadLocalRandom, fetched per call because it is per thread. */
    private final RandomGenerator random;

    PowerOfTwoChoices(RandomGenerator random) {
        super("twos");
        this.random = random;
    }

    @Override
    public RealServer schedule(Flow flow) {
        RealServer[] a = servers;
        long total = 0;
        RealServer choice1 = null;
        for (RealServer s : a) {
            if (s.available()) {
                total += s.weight();
                choice1 = s;
            }
        }
        if (choice1 == null) {
            return null;
        }
        RandomGenerator r = random != null ? random : ThreadLocalRandom.current();
        long rweight1 = r.nextLong(total + 1);
        long rweight2 = r.nextLong(total + 1);
        RealServer choice2 = null;
        long weight1 = -1;
        long weight2 = -1;
        long overhead1 = 0;
        long overhead2 = 0;
        for (RealServer s : a) {
            if (!s.available()) {
                continue;
            }
            int w = s.weight();
            rweight1 -= w;
            rweight2 -= w;
            if (rweight1 <= 0 && weight1 == -1) {
                choice1 = s;
                weight1 = w;
                overhead1 = Load.overhead(s);
            }
            if (rweight2 <= 0 && weight2 == -1) {
                choice2 = s;
                weight2 = w;
                overhead2 = Load.overhead(s);
            }
            if (weight1 != -1 && weight2 != -1) {
                break;
            }
        }
        if (weight1 == -1) {
            // weights changed between the two scans: keep the last usable server of the first one
            return choice1.available() ? choice1 : null;
        }
        if (choice2 != null && weight2 * overhead1 > weight1 * overhead2) {
            return choice2;
        }
        return choice1;
    }
}
