package io.ippvs.tunnel;

import io.ippvs.api.Addresses;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a tunnel packet's outer header comes from: a per real server source when one is
 * configured, else the director's source of the outer family. Resolved to a slot once per packet and
 * read as two words, so the choice allocates nothing. The per-server overrides are scanned linearly:
 * a handful at most in practice, and the scan is over primitive arrays.
 */
final class OuterSources {

    private final int[] serverFamily;
    private final long[] serverHigh;
    private final long[] serverLow;
    // the overrides' sources, then the director's IPv4 source at v4Slot and its IPv6 source at v6Slot
    private final long[] sourceHigh;
    private final long[] sourceLow;
    private final int v4Slot;
    private final int v6Slot;
    private final List<InetAddress> addresses;

    /**
     * {@code servers[i]} is sent from {@code sources[i]}; {@code v4} and {@code v6}, either null, are
     * the director's sources for the other servers of their family.
     */
    OuterSources(List<InetAddress> servers, List<InetAddress> sources, InetAddress v4, InetAddress v6) {
        int n = servers.size();
        serverFamily = new int[n];
        serverHigh = new long[n];
        serverLow = new long[n];
        sourceHigh = new long[n + 2];
        sourceLow = new long[n + 2];
        for (int i = 0; i < n; i++) {
            InetAddress server = servers.get(i);
            InetAddress source = sources.get(i);
            serverFamily[i] = Addresses.family(server);
            serverHigh[i] = Addresses.high(server);
            serverLow[i] = Addresses.low(server);
            sourceHigh[i] = Addresses.high(source);
            sourceLow[i] = Addresses.low(source);
        }
        v4Slot = v4 != null ? n : -1;
        if (v4 != null) {
            sourceLow[n] = Addresses.low(v4);
        }
        v6Slot = v6 != null ? n + 1 : -1;
        if (v6 != null) {
            sourceHigh[n + 1] = Addresses.high(v6);
            sourceLow[n + 1] = Addresses.low(v6);
        }
        List<InetAddress> all = new ArrayList<>(sources);
        if (v4 != null) {
            all.add(v4);
        }
        if (v6 != null) {
            all.add(v6);
        }
        addresses = List.copyOf(all);
    }

    /** The slot of the source for a real server of {@code family}, or -1 when none is configured for it. */
    int find(int family, long high, long low) {
        for (int i = 0; i < serverFamily.length; i++) {
            if (serverFamily[i] == family && serverLow[i] == low && serverHigh[i] == high) {
                return i;
            }
        }
        return family == Addresses.IPV4 ? v4Slot : family == Addresses.IPV6 ? v6Slot : -1;
    }

    /** The high word of the source in {@code slot} (0 for IPv4). */
    long high(int slot) {
        return sourceHigh[slot];
    }

    /** The low word of the source in {@code slot} (the unsigned address for IPv4). */
    long low(int slot) {
        return sourceLow[slot];
    }

    /** Every configured source address: per server, then the director's. */
    List<InetAddress> addresses() {
        return addresses;
    }
}
