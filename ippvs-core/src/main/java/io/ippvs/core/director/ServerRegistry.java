package io.ippvs.core.director;

import io.ippvs.api.RealServerConfig;
import io.ippvs.core.service.RealServerState;
import io.ippvs.core.stats.TrafficStats;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Maps the small integer a connection entry stores to its {@link RealServerState}. Lookups read a
 * volatile array without locks; additions and releases are rare and synchronized.
 *
 * <p>An id is reused only after its server was removed from its service and no connection or
 * template points at it any more: the director binds a server before inserting a connection and
 * checks {@link RealServerState#inService()} after binding, so a server seen idle while removed can
 * never gain a connection.
 */
final class ServerRegistry {

    private volatile RealServerState[] byId = new RealServerState[16];
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    private final BitSet idleOnce = new BitSet();
    private int next = 1; // 0 is never used, so a zeroed entry points at no server

    /** The server with {@code id}, or {@code null}. */
    RealServerState get(int id) {
        RealServerState[] a = byId;
        return id > 0 && id < a.length ? a[id] : null;
    }

    /** Creates a server in service with a fresh id. */
    synchronized RealServerState create(RealServerConfig config, TrafficStats serviceStats) {
        int id;
        if (!free.isEmpty()) {
            id = free.poll();
        } else {
            id = next++;
        }
        RealServerState[] a = byId;
        if (id >= a.length) {
            a = Arrays.copyOf(a, a.length * 2);
        }
        RealServerState s = new RealServerState(id, config, serviceStats);
        a[id] = s;
        byId = a;
        return s;
    }

    /**
     * Frees the ids of removed servers that no connection or template has pointed at for two calls in
     * a row (the second call gives a packet thread that read an id just before its entry expired
     * time to finish with it).
     */
    synchronized void releaseIdle() {
        RealServerState[] a = byId;
        for (int id = 1; id < next; id++) {
            RealServerState s = a[id];
            boolean idle = s != null && !s.inService() && s.activeConnections() == 0
                    && s.inactiveConnections() == 0 && s.persistentConnections() == 0;
            if (!idle) {
                idleOnce.clear(id);
            } else if (!idleOnce.get(id)) {
                idleOnce.set(id);
            } else {
                idleOnce.clear(id);
                a[id] = null;
                free.add(id);
            }
        }
        byId = a;
    }

    /** How many ids are in use (servers in service plus removed ones still referenced). */
    synchronized int size() {
        int n = 0;
        for (RealServerState s : byId) {
            if (s != null) {
                n++;
            }
        }
        return n;
    }
}
