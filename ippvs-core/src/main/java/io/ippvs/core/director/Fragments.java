package io.ippvs.core.director;

import io.ippvs.api.Addresses;
import io.ippvs.core.conn.ConnectionTable;
import io.ippvs.core.frag.FragmentCache;
import io.ippvs.core.packet.PacketInfo;

/**
 * Where first fragments leave their connection for the fragments after them, which carry no ports:
 * keyed by (source, destination, identification, protocol), so later fragments follow the first
 * one's connection without reassembly. Thread-safe (the cache is).
 */
final class Fragments {

    /** No connection for this fragment. */
    static final long NONE = -1;

    /** Datagrams whose later fragments the cache can place at once. */
    private static final int ENTRIES = 4096;
    /** A datagram's fragments arrive within milliseconds; 5 s also bounds how long a stale id can match. */
    private static final long LIFETIME_NANOS = 5_000_000_000L;

    private final FragmentCache cache = new FragmentCache(ENTRIES, LIFETIME_NANOS);

    /** Lets the later fragments of {@code info}, when it is a first fragment, find connection {@code h}. */
    void rememberFirst(PacketInfo info, int h, boolean reply, long now) {
        if (info.isFirstFragment()) {
            cache.put(source(info), destination(info), (int) info.fragmentId(), info.protocolNumber(),
                    ((long) h << 1) | (reply ? 1 : 0), now);
        }
    }

    /**
     * The connection later fragment {@code info} belongs to, as {@code handle << 1 | reply}, or
     * {@link #NONE}. The handle may have been reused since the first fragment, and an IPv6 key holds
     * folded addresses: the entry must still be this flow's, compared in full.
     */
    long follow(PacketInfo info, ConnectionTable table, long now) {
        long v = cache.get(source(info), destination(info), (int) info.fragmentId(), info.protocolNumber(), now);
        if (v == FragmentCache.NONE) {
            return NONE;
        }
        int h = (int) (v >>> 1);
        boolean reply = (v & 1) != 0;
        boolean same = table.isLive(h) && table.family(h) == info.addressFamily()
                && table.protocol(h) == info.protocolNumber()
                && (reply ? table.destinationHigh(h) == info.srcHigh() && table.destinationLow(h) == info.srcLow()
                        && table.clientHigh(h) == info.dstHigh() && table.clientLow(h) == info.dstLow()
                        : table.clientHigh(h) == info.srcHigh() && table.clientLow(h) == info.srcLow()
                        && table.virtualHigh(h) == info.dstHigh() && table.virtualLow(h) == info.dstLow());
        return same ? v : NONE;
    }

    /** The source address as the cache keys it: IPv4 as it is, IPv6 folded to 32 bits. */
    private static int source(PacketInfo info) {
        return Addresses.fold32(info.addressFamily(), info.srcHigh(), info.srcLow());
    }

    private static int destination(PacketInfo info) {
        return Addresses.fold32(info.addressFamily(), info.dstHigh(), info.dstLow());
    }
}
