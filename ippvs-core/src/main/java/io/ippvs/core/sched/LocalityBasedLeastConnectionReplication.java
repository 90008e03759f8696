package io.ippvs.core.sched;

import io.ippvs.api.Flow;
import io.ippvs.api.RealServer;
import java.util.function.LongSupplier;

/**
 * lblcr (ip_vs_lblcr.c): like lblc, but a destination maps to a set of servers, so a popular
 * destination can be served by several caches. The least loaded usable member (wlc order, newest
 * member first) is used unless it is overloaded in lblc's sense; then wlc over the whole service picks
 * a server that joins the set. A set with more than one member that has not changed for 24 hours
 * loses its most loaded member.
 *
 * <p>As for lblc, a member whose threshold OVERLOAD flag is set is never returned.
 */
final class LocalityBasedLeastConnectionReplication extends ListScheduler {

    private final LocalityCache cache;

    LocalityBasedLeastConnectionReplication(LongSupplier nanoClock) {
        super("lblcr");
        this.cache = new LocalityCache(nanoClock);
    }

    LocalityCache cache() {
        return cache;
    }

    @Override
    public RealServer schedule(Flow flow) {
        RealServer[] a = servers;
        int family = flow.addressFamily();
        long high = flow.virtualAddressHigh();
        long low = flow.virtualAddressLow();
        long now = cache.now();
        cache.maintain(now);
        // fast path: a cached set whose best member is fine and needs no cleanup
        long stamp = cache.beginRead();
        LocalityCache.Table t = cache.table();
        int slot = cache.find(t, family, high, low);
        if (slot >= 0) {
            RealServer[] set = t.sets[slot];
            int n = set == null ? 0 : Math.min(t.size[slot], set.length);
            RealServer d = setMin(set, n);
            boolean cleanup = n > 1 && now - t.lastMod[slot] > LocalityCache.EXPIRATION;
            if (cache.validate(stamp) && !cleanup && d != null && !Load.localityOverloaded(d, a)) {
                t.lastUse[slot] = now;
                return d;
            }
        }
        synchronized (cache.lock()) {
            cache.beginWrite();
            try {
                return scheduleLocked(a, family, high, low, now);
            } finally {
                cache.endWrite();
            }
        }
    }

    private RealServer scheduleLocked(RealServer[] a, int family, long high, long low, long now) {
        LocalityCache.Table t = cache.table();
        int slot = cache.find(t, family, high, low);
        if (slot >= 0) {
            t.lastUse[slot] = now;
            RealServer d = setMin(t.sets[slot], t.size[slot]);
            if (t.size[slot] > 1 && now - t.lastMod[slot] > LocalityCache.EXPIRATION) {
                RealServer m = setMax(t.sets[slot], t.size[slot]);
                if (m != null) {
                    cache.remove(slot, m, now);
                }
            }
            if (d != null && !Load.localityOverloaded(d, a)) {
                return d;
            }
            d = Load.weightedLeastConnection(a);
            if (d != null) {
                cache.addFirst(slot, d, now);
            }
            return d;
        }
        RealServer d = Load.weightedLeastConnection(a);
        if (d == null) {
            return null;
        }
        slot = cache.slotFor(family, high, low, now);
        if (slot >= 0) {
            cache.addFirst(slot, d, now);
        }
        return d;
    }

    /** The usable member with the least overhead per weight, the first of equals. */
    static RealServer setMin(RealServer[] set, int n) {
        RealServer least = null;
        long loh = 0;
        long lw = 0;
        for (int i = 0; i < n; i++) {
            RealServer s = set[i];
            if (s == null || !s.available()) {
                continue;
            }
            long doh = Load.overhead(s);
            long dw = s.weight();
            if (least == null || loh * dw > doh * lw) {
                least = s;
                loh = doh;
                lw = dw;
            }
        }
        return least;
    }

    /** The member with weight > 0 and the most overhead per weight, the first of equals. */
    static RealServer setMax(RealServer[] set, int n) {
        RealServer most = null;
        long moh = 0;
        long mw = 0;
        for (int i = 0; i < n; i++) {
            RealServer s = set[i];
            int w = s.weight();
            if (w <= 0) {
                continue;
            }
            long doh = Load.overhead(s);
            if (most == null || moh * w < doh * mw) {
                most = s;
                moh = doh;
                mw = w;
            }
        }
        return most;
    }
}
