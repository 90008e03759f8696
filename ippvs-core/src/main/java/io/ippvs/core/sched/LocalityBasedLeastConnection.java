package io.ippvs.core.sched;

import io.ippvs.api.Flow;
import io.ippvs.api.RealServer;
import java.util.function.LongSupplier;

/**
 * lblc (ip_vs_lblc.c): for cache clusters, each destination address sticks to one server, found in
 * a cache keyed by the packet's destination. The cached server is kept while it is usable and not
 * overloaded in lblc's sense (more active connections than its weight while another server is below
 * half of its weight); otherwise wlc picks a new one, which replaces the cache entry.
 *
 * <p>As {@code ip_vs_lblc_schedule} does, the cached server is kept even when its threshold OVERLOAD
 * flag is set: the kernel checks only IP_VS_DEST_F_AVAILABLE (still in the service), weight > 0 and
 * {@code is_overloaded}. Only the wlc fallback skips OVERLOADed servers.
 */
final class LocalityBasedLeastConnection extends ListScheduler {

    private final LocalityCache cache;

    LocalityBasedLeastConnection(LongSupplier nanoClock) {
        super("lblc");
        this.cache = new LocalityCache(nanoClock);
    }

    LocalityCache cache() {
        return cache;
    }

    /**
     * IP_VS_DEST_F_AVAILABLE and weight > 0, whatever the threshold flag says. available() answers
     * for a server that is not overloaded; an overloaded one must still be in the current list.
     */
    private static boolean inService(RealServer d, RealServer[] servers) {
        if (d.available()) {
            return true;
        }
        if (!d.overloaded() || d.weight() <= 0) {
            return false;
        }
        for (RealServer s : servers) {
            if (s == d) {
                return true;
            }
        }
        return false;
    }

    @Override
    public RealServer schedule(Flow flow) {
        RealServer[] a = servers;
        int family = flow.addressFamily();
        long high = flow.virtualAddressHigh();
        long low = flow.virtualAddressLow();
        long now = cache.now();
        cache.maintain(now);
        RealServer cached = cache.first(family, high, low, now);
        if (cached != null && inService(cached, a) && !Load.localityOverloaded(cached, a)) {
            return cached;
        }
        RealServer d = Load.weightedLeastConnection(a);
        if (d == null) {
            return null;
        }
        synchronized (cache.lock()) {
            cache.beginWrite();
            try {
                int slot = cache.slotFor(family, high, low, now);
                if (slot >= 0) {
                    cache.setOnly(slot, d, now);
                }
            } finally {
                cache.endWrite();
            }
        }
        return d;
    }
}
