package io.ippvs.core.service;

import io.ippvs.api.Protocol;
import io.ippvs.api.ServiceKey;
import java.util.List;

/**
 * An immutable lookup table of virtual services: by firewall mark first, then by (protocol,
 * address, port), then by (protocol, address, port 0) for port-zero services, as IPVS looks them up.
 *
 * <p>Two open-addressing tables over primitive arrays (power-of-two capacity, at most half full,
 * linear probing): a lookup allocates nothing and takes no lock. The director builds a new table for
 * every configuration change and publishes it with the rest of its snapshot.
 */
public final class ServiceTable {

    /** A table without services. */
    public static final ServiceTable EMPTY = new ServiceTable(List.of());

    private final int addrMask;
    private final long[] addrHigh;
    private final long[] addrLow;
    private final int[] addrMeta;
    private final VirtualServiceState[] addrService;
    private final boolean hasPortZero;

    private final int markMask;
    private final int[] markKey;
    private final int[] markFamily;
    private final VirtualServiceState[] markService;
    private final int markCount;

    /**
     * A table of {@code services}.
     *
     * @throws IllegalArgumentException naming {@code service} when two have the same key
     */
    public ServiceTable(List<VirtualServiceState> services) {
        int addrs = 0;
        int marks = 0;
        for (VirtualServiceState s : services) {
            if (s.key().isFwmark()) {
                marks++;
            } else {
                addrs++;
            }
        }
        int addrCapacity = capacity(addrs);
        addrMask = addrCapacity - 1;
        addrHigh = new long[addrCapacity];
        addrLow = new long[addrCapacity];
        addrMeta = new int[addrCapacity];
        addrService = new VirtualServiceState[addrCapacity];
        int markCapacity = capacity(marks);
        markMask = markCapacity - 1;
        markKey = new int[markCapacity];
        markFamily = new int[markCapacity];
        markService = new VirtualServiceState[markCapacity];
        markCount = marks;
        boolean portZero = false;
        for (VirtualServiceState s : services) {
            ServiceKey k = s.key();
            if (k.isFwmark()) {
                putMark(k, s);
            } else {
                putAddr(k, s);
                portZero |= k.port() == 0;
            }
        }
        hasPortZero = portZero;
    }

    /**
     * The service for a packet: the fwmark service of {@code fwmark} (when not 0) and
     * {@code family}, else the address service, else the port-zero service of the address; or
     * {@code null}.
     *
     * @param protocol IANA protocol number
     */
    public VirtualServiceState lookup(int fwmark, int protocol, int family, long high, long low, int port) {
        if (fwmark != 0 && markCount != 0) {
            VirtualServiceState s = findMark(fwmark, family);
            if (s != null) {
                return s;
            }
        }
        VirtualServiceState s = findAddr(meta(protocol, family, port), high, low);
        if (s == null && port != 0 && hasPortZero) {
            s = findAddr(meta(protocol, family, 0), high, low);
        }
        return s;
    }

    private VirtualServiceState findAddr(int meta, long high, long low) {
        int i = hash(meta, high, low) & addrMask;
        while (true) {
            VirtualServiceState s = addrService[i];
            if (s == null) {
                return null;
            }
            if (addrMeta[i] == meta && addrLow[i] == low && addrHigh[i] == high) {
                return s;
            }
            i = (i + 1) & addrMask;
        }
    }

    private VirtualServiceState findMark(int mark, int family) {
        int i = mix(mark * 31 + family) & markMask;
        while (true) {
            VirtualServiceState s = markService[i];
            if (s == null) {
                return null;
            }
            if (markKey[i] == mark && markFamily[i] == family) {
                return s;
            }
            i = (i + 1) & markMask;
        }
    }

    private void putAddr(ServiceKey k, VirtualServiceState s) {
        Protocol p = k.protocol();
        int meta = meta(p.number(), k.addressFamily(), k.port());
        if (findAddr(meta, k.addressHigh(), k.addressLow()) != null) {
            throw new IllegalArgumentException("service: " + k + " is listed twice");
        }
        int i = hash(meta, k.addressHigh(), k.addressLow()) & addrMask;
        while (addrService[i] != null) {
            i = (i + 1) & addrMask;
        }
        addrMeta[i] = meta;
        addrHigh[i] = k.addressHigh();
        addrLow[i] = k.addressLow();
        addrService[i] = s;
    }

    private void putMark(ServiceKey k, VirtualServiceState s) {
        if (findMark(k.fwmark(), k.addressFamily()) != null) {
            throw new IllegalArgumentException("service: " + k + " is listed twice");
        }
        int i = mix(k.fwmark() * 31 + k.addressFamily()) & markMask;
        while (markService[i] != null) {
            i = (i + 1) & markMask;
        }
        markKey[i] = k.fwmark();
        markFamily[i] = k.addressFamily();
        markService[i] = s;
    }

    private static int meta(int protocol, int family, int port) {
        return (protocol & 0xFF) << 20 | (family & 0xF) << 16 | (port & 0xFFFF);
    }

    private static int hash(int meta, long high, long low) {
        long h = high * 0x9E3779B97F4A7C15L + low;
        h = (h ^ (h >>> 29)) * 0xBF58476D1CE4E5B9L + meta;
        return mix((int) (h ^ (h >>> 32)));
    }

    private static int mix(int x) {
        x *= 0x9E3779B1;
        return x ^ (x >>> 15);
    }

    private static int capacity(int n) {
        // at most half full, so a miss ends within a few probes
        return Math.max(4, Integer.highestOneBit(Math.max(1, n) * 4 - 1));
    }
}
