package io.ippvs.core.sched;

import io.ippvs.api.Addresses;
import io.ippvs.api.Flow;
import io.ippvs.api.RealServer;
import io.ippvs.api.Scheduler;
import io.ippvs.api.SchedulerConfig;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * mh (ip_vs_mh.c): Maglev consistent hashing (Eisenbud et al., NSDI 2016, section 3.4) over a prime
 * table of M slots. Each server walks its own permutation of the slots, {@code offset + j * skip}
 * mod M with offset and skip from two SipHash-1-3 hashes of {@code port + address}, and the servers
 * take turns, in list order, claiming their next free slot until the table is full. A flow goes to
 * slot {@code h1(client port or 0 + client address) % M}.
 *
 * <p>Weights enter as turns per round: divided by their gcd and shifted right until the largest fits
 * in TAB_BITS = (log2 index of M) / 2 bits (6 for the default 4093). A server set to weight 0 keeps its
 * last non-zero weight for the table (IPVS's last_weight), so quiescing it moves nobody else; its
 * flows find no server, or with mh-fallback rehash with offsets 0, 1, ... added to the key.
 */
final class MaglevHashing implements Scheduler {

    /** The fixed hsiphash keys of ip_vs_mh.c (both halves equal). */
    static final long KEY1 = 2654435761L;
    static final long KEY2 = 2654446892L;

    /** The primes IPVS offers; entry i is the size for CONFIG_IP_VS_MH_TAB_INDEX = 8 + i. */
    private static final int[] PRIMES = {251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071};

    private final int size;
    private final int tabBits;
    private final boolean fallback;
    private final boolean port;

    private static final class State {
        final RealServer[] lookup;
        /** last_weight per server, carried from update to update. */
        final Map<RealServer, Integer> lastWeights;

        State(RealServer[] lookup, Map<RealServer, Integer> lastWeights) {
            this.lookup = lookup;
            this.lastWeights = lastWeights;
        }
    }

    private volatile State state;

    MaglevHashing(SchedulerConfig config) {
        this.size = config.mhTableSize();
        int index = -1;
        for (int i = 0; i < PRIMES.length; i++) {
            if (PRIMES[i] == size) {
                index = 8 + i;
            }
        }
        if (index < 0) {
            throw new IllegalArgumentException("mhTableSize: " + size + " is not a Maglev prime");
        }
        this.tabBits = index / 2;
        this.fallback = config.has(HashTables.FALLBACK);
        this.port = config.has(HashTables.PORT);
        this.state = new State(new RealServer[size], new IdentityHashMap<>());
    }

    @Override
    public String name() {
        return "mh";
    }

    @Override
    public void update(List<? extends RealServer> list) {
        RealServer[] servers = ListScheduler.snapshot(list);
        State old = state;
        if (servers.length > size) {
            // IPVS refuses to rebuild (-EINVAL) and keeps the table it has
            return;
        }
        Map<RealServer, Integer> last = new IdentityHashMap<>();
        int[] lastWeight = new int[servers.length];
        int g = 0;
        int max = 0;
        for (int i = 0; i < servers.length; i++) {
            RealServer s = servers[i];
            Integer previous = old.lastWeights.get(s);
            int w = s.weight();
            // a new server takes its weight even if 0; an edit to 0 keeps the last non-zero one
            int lw = previous == null || w != 0 ? w : previous;
            last.put(s, lw);
            lastWeight[i] = lw;
            if (lw > 0) {
                g = g > 0 ? Load.gcd(lw, g) : lw;
            }
            max = Math.max(max, lw);
        }
        RealServer[] lookup = new RealServer[size];
        if (g > 0) {
            int shift = Math.max(0, (32 - Integer.numberOfLeadingZeros(max / g)) - tabBits);
            populate(servers, lastWeight, g, shift, lookup);
        }
        state = new State(lookup, last);
    }

    private void populate(RealServer[] servers, int[] lastWeight, int g, int shift, RealServer[] lookup) {
        int n = servers.length;
        int[] next = new int[n];
        int[] skip = new int[n];
        int[] turns = new int[n];
        for (int i = 0; i < n; i++) {
            RealServer s = servers[i];
            int key = s.port() + Addresses.fold32(s.addressFamily(), s.addressHigh(), s.addressLow());
            next[i] = Integer.remainderUnsigned((int) SipHash13.hash(KEY1, KEY1, key), size);
            skip[i] = Integer.remainderUnsigned((int) SipHash13.hash(KEY2, KEY2, key), size - 1) + 1;
            int t = (lastWeight[i] / g) >> shift;
            turns[i] = t != 0 ? t : (lastWeight[i] != 0 ? 1 : 0);
        }
        BitSet taken = new BitSet(size);
        int filled = 0;
        while (true) {
            for (int i = 0; i < n; i++) {
                for (int turn = 0; turn < turns[i]; turn++) {
                    int c = next[i];
                    while (taken.get(c)) {
                        c += skip[i];
                        if (c >= size) {
                            c -= size;
                        }
                    }
                    next[i] = c;
                    taken.set(c);
                    lookup[c] = servers[i];
                    if (++filled == size) {
                        return;
                    }
                }
            }
        }
    }

    /** A copy of the lookup table in force; for tests. */
    RealServer[] table() {
        return state.lookup.clone();
    }

    @Override
    public RealServer schedule(Flow flow) {
        RealServer[] lookup = state.lookup;
        int key = (port ? flow.clientPort() : 0)
                + Addresses.fold32(flow.addressFamily(), flow.clientAddressHigh(), flow.clientAddressLow());
        int ihash = Integer.remainderUnsigned((int) SipHash13.hash(KEY1, KEY1, key), size);
        RealServer d = lookup[ihash];
        if (d == null) {
            return null;
        }
        if (d.available()) {
            return d;
        }
        if (!fallback) {
            return null;
        }
        for (int offset = 0; offset < size; offset++) {
            int roffset = (offset + ihash) % size;
            d = lookup[Integer.remainderUnsigned((int) SipHash13.hash(KEY1, KEY1, roffset + key), size)];
            if (d == null) {
                return null;
            }
            if (d.available()) {
                return d;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return name();
    }
}
