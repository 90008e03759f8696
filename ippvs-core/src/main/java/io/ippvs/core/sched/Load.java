package io.ippvs.core.sched;

import io.ippvs.api.RealServer;

/** Load arithmetic of the least-connection family, computed the way IPVS does it. */
final class Load {

    private Load() {}

    /**
     * ip_vs_dest_conn_overhead: an active connection costs 256 inactive ones, because inactive
     * (TIME_WAIT, UDP) connections hold far fewer resources on the real server.
     */
    static long overhead(RealServer s) {
        return ((long) s.activeConnections() << 8) + s.inactiveConnections();
    }

    /**
     * wlc: the available server with the least overhead/weight, compared as {@code loh * dw > doh * lw}
     * so nothing divides and the earlier server wins ties.
     */
    static RealServer weightedLeastConnection(RealServer[] servers) {
        int i = 0;
        int n = servers.length;
        RealServer least = null;
        while (i < n) {
            RealServer s = servers[i++];
            if (s.available()) {
                least = s;
                break;
            }
        }
        if (least == null) {
            return null;
        }
        long loh = overhead(least);
        long lw = least.weight();
        while (i < n) {
            RealServer s = servers[i++];
            if (!s.available()) {
                continue;
            }
            long doh = overhead(s);
            long dw = s.weight();
            if (loh * dw > doh * lw) {
                least = s;
                loh = doh;
                lw = dw;
            }
        }
        return least;
    }

    /**
     * The lblc/lblcr notion of overload, different from the threshold flag: the server has more active
     * connections than its weight while some server of the service is below half of its weight.
     */
    static boolean localityOverloaded(RealServer dest, RealServer[] servers) {
        if (dest.activeConnections() <= dest.weight()) {
            return false;
        }
        for (RealServer s : servers) {
            if ((long) s.activeConnections() * 2 < s.weight()) {
                return true;
            }
        }
        return false;
    }

    /** Greatest common divisor of the positive values; 0 when none is positive. */
    static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
