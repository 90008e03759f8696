package io.ippvs.core.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.Addresses;
import io.ippvs.api.RealServer;
import io.ippvs.api.SchedulerConfig;
import io.ippvs.api.SchedulerFlag;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * sh, dh and mh against slow references written here straight from the kernel's formulas and the
 * Maglev paper (no production code shared): the bucket tables, and the choice for random flows with
 * random servers unusable, with and without the port and fallback flags.
 */
class HashingReferenceTest {

    private static final int[] MH_PRIMES = {251, 509, 1021, 2039, 4093};

    @Provide
    Arbitrary<List<FakeServer>> servers() {
        Arbitrary<FakeServer> server = Combinators.combine(
                        Arbitraries.of(Addresses.IPV4, Addresses.IPV6),
                        Arbitraries.longs(),
                        Arbitraries.longs(),
                        Arbitraries.integers().between(0, 65535),
                        Arbitraries.frequencyOf(
                                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 3)),
                                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 100)),
                                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 65535))))
                .as((fam, hi, lo, port, w) -> fam == Addresses.IPV4
                        ? new FakeServer("s", fam, 0, lo & 0xFFFFFFFFL, port, w)
                        : new FakeServer("s", fam, hi, lo, port, w));
        return server.list().ofMinSize(0).ofMaxSize(40).map(list -> {
            List<FakeServer> named = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                FakeServer s = list.get(i);
                named.add(new FakeServer("S" + i, s.family, s.high, s.low, s.port, s.weight));
            }
            return named;
        });
    }

    // ---- reference formulas ----

    static int fold(int family, long high, long low) {
        if (family == Addresses.IPV4) {
            return (int) low;
        }
        long x = (high >>> 32) ^ (high & 0xFFFFFFFFL) ^ (low >>> 32) ^ (low & 0xFFFFFFFFL);
        return (int) x;
    }

    static int hash32(long value, int bits) {
        long product = ((value & 0xFFFFFFFFL) * 0x61C88647L) & 0xFFFFFFFFL;
        return (int) (product >> (32 - bits));
    }

    static RealServer[] shTable(List<FakeServer> servers, int bits) {
        RealServer[] t = new RealServer[1 << bits];
        if (servers.isEmpty()) {
            return t;
        }
        // every server repeated max(weight, 1) times, the list walked cyclically
        List<FakeServer> expanded = new ArrayList<>();
        for (FakeServer s : servers) {
            for (int k = 0; k < Math.max(1, s.weight) && expanded.size() <= t.length; k++) {
                expanded.add(s);
            }
        }
        for (int i = 0; i < t.length; i++) {
            t[i] = expanded.get(i % expanded.size());
        }
        return t;
    }

    static RealServer[] dhTable(List<FakeServer> servers, int bits) {
        RealServer[] t = new RealServer[1 << bits];
        for (int i = 0; i < t.length && !servers.isEmpty(); i++) {
            t[i] = servers.get(i % servers.size());
        }
        return t;
    }

    static RealServer hashedChoice(RealServer[] t, int bits, long key, boolean fallback) {
        int size = 1 << bits;
        int ihash = hash32(key, bits);
        RealServer d = t[ihash];
        if (d == null || d.available()) {
            return d;
        }
        if (!fallback) {
            return null;
        }
        for (int offset = 0; offset < size; offset++) {
            int roffset = (offset + ihash) % size;
            int h = (roffset + ihash) % size;
            if (t[h] == null) {
                return null;
            }
            if (t[h].available()) {
                return t[h];
            }
        }
        return null;
    }

    static long sip13(long key, long value) {
        byte[] le = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) value).array();
        return ReferenceSipHash.hash(1, 3, key, key, le) & 0xFFFFFFFFL;
    }

    /** Maglev population as the paper's pseudo-code writes it, with IPVS's turns per round. */
    static RealServer[] mhTable(List<FakeServer> servers, int[] lastWeights, int m) {
        RealServer[] entry = new RealServer[m];
        int n = servers.size();
        int g = 0;
        int max = 0;
        for (int w : lastWeights) {
            if (w > 0) {
                g = java.math.BigInteger.valueOf(g).gcd(java.math.BigInteger.valueOf(w)).intValue();
            }
            max = Math.max(max, w);
        }
        if (g == 0) {
            return entry;
        }
        int index = 32 - Integer.numberOfLeadingZeros(m); // 251 -> 8, 4093 -> 12, 65521 -> 16
        int tabBits = index / 2;
        int shift = Math.max(0, Integer.toBinaryString(max / g).length() - tabBits);
        int[][] permutation = new int[n][m];
        int[] turns = new int[n];
        for (int i = 0; i < n; i++) {
            FakeServer s = servers.get(i);
            long key = (s.port + (fold(s.family, s.high, s.low) & 0xFFFFFFFFL)) & 0xFFFFFFFFL;
            long offset = sip13(MaglevHashing.KEY1, key) % m;
            long skip = sip13(MaglevHashing.KEY2, key) % (m - 1) + 1;
            for (int j = 0; j < m; j++) {
                permutation[i][j] = (int) ((offset + j * skip) % m);
            }
            int t = (lastWeights[i] / g) >> shift;
            turns[i] = t > 0 ? t : (lastWeights[i] > 0 ? 1 : 0);
        }
        int[] next = new int[n];
        int filled = 0;
        while (true) {
            for (int i = 0; i < n; i++) {
                for (int t = 0; t < turns[i]; t++) {
                    int c = permutation[i][next[i]];
                    while (entry[c] != null) {
                        next[i]++;
                        c = permutation[i][next[i]];
                    }
                    entry[c] = servers.get(i);
                    next[i]++;
                    if (++filled == m) {
                        return entry;
                    }
                }
            }
        }
    }

    static RealServer mhChoice(RealServer[] t, long key, boolean fallback) {
        int m = t.length;
        int ihash = (int) (sip13(MaglevHashing.KEY1, key) % m);
        RealServer d = t[ihash];
        if (d == null || d.available()) {
            return d;
        }
        if (!fallback) {
            return null;
        }
        for (int offset = 0; offset < m; offset++) {
            long roffset = (offset + ihash) % m;
            RealServer e = t[(int) (sip13(MaglevHashing.KEY1, (roffset + key) & 0xFFFFFFFFL) % m)];
            if (e == null) {
                return null;
            }
            if (e.available()) {
                return e;
            }
        }
        return null;
    }

    // ---- properties ----

    private static SchedulerConfig config(boolean fallback, boolean port, int bits, int mhSize) {
        EnumSet<SchedulerFlag> flags = EnumSet.noneOf(SchedulerFlag.class);
        if (fallback) {
            flags.add(SchedulerFlag.FLAG_1);
        }
        if (port) {
            flags.add(SchedulerFlag.FLAG_2);
        }
        return SchedulerConfig.builder().flags(flags).shTableBits(bits).dhTableBits(bits).mhTableSize(mhSize).build();
    }

    /** Marks about a quarter of the servers unusable in one of the three ways. */
    private static void spoil(List<FakeServer> servers, long seed) {
        Random r = new Random(seed);
        for (FakeServer s : servers) {
            switch (r.nextInt(8)) {
                case 0 -> s.overloaded = true;
                case 1 -> s.inService = false;
                default -> { }
            }
        }
    }

    private static FakeFlow randomFlow(Random r) {
        FakeFlow f = new FakeFlow();
        if (r.nextBoolean()) {
            f.client(Addresses.IPV4, 0, r.nextInt() & 0xFFFFFFFFL, r.nextInt(65536));
            f.virtual(0, r.nextInt() & 0xFFFFFFFFL, 80);
        } else {
            f.client(Addresses.IPV6, r.nextLong(), r.nextLong(), r.nextInt(65536));
            f.virtual(r.nextLong(), r.nextLong(), 80);
        }
        return f;
    }

    @Property(tries = 200)
    void sourceHashingMatchesTheReference(@ForAll("servers") List<FakeServer> servers,
            @ForAll @IntRange(min = 4, max = 12) int bits, @ForAll boolean fallback, @ForAll boolean port,
            @ForAll long seed) {
        SourceHashing sh = new SourceHashing(config(fallback, port, bits, 4093));
        sh.update(servers);
        RealServer[] expected = shTable(servers, bits);
        assertThat(sh.table()).containsExactly(expected);
        spoil(servers, seed);
        Random r = new Random(seed);
        for (int i = 0; i < 50; i++) {
            FakeFlow f = randomFlow(r);
            long key = (port ? f.clientPort : 0) + (fold(f.family, f.clientHigh, f.clientLow) & 0xFFFFFFFFL);
            assertThat(sh.schedule(f)).isSameAs(hashedChoice(expected, bits, key, fallback));
        }
    }

    @Property(tries = 200)
    void destinationHashingMatchesTheReference(@ForAll("servers") List<FakeServer> servers,
            @ForAll @IntRange(min = 4, max = 12) int bits, @ForAll long seed) {
        DestinationHashing dh = new DestinationHashing(config(false, false, bits, 4093));
        dh.update(servers);
        RealServer[] expected = dhTable(servers, bits);
        assertThat(dh.table()).containsExactly(expected);
        spoil(servers, seed);
        Random r = new Random(seed);
        for (int i = 0; i < 50; i++) {
            FakeFlow f = randomFlow(r);
            long key = fold(f.family, f.virtualHigh, f.virtualLow) & 0xFFFFFFFFL;
            assertThat(dh.schedule(f)).isSameAs(hashedChoice(expected, bits, key, false));
        }
    }

    @Property(tries = 150)
    void maglevMatchesTheReference(@ForAll("servers") List<FakeServer> servers,
            @ForAll @IntRange(min = 0, max = 4) int sizeIndex, @ForAll boolean fallback, @ForAll boolean port,
            @ForAll long seed) {
        int m = MH_PRIMES[sizeIndex];
        MaglevHashing mh = new MaglevHashing(config(fallback, port, 8, m));
        mh.update(servers);
        int[] weights = servers.stream().mapToInt(s -> s.weight).toArray();
        RealServer[] expected = servers.size() > m ? new RealServer[m] : mhTable(servers, weights, m);
        assertThat(mh.table()).containsExactly(expected);
        spoil(servers, seed);
        Random r = new Random(seed);
        for (int i = 0; i < 50; i++) {
            FakeFlow f = randomFlow(r);
            long key = ((port ? f.clientPort : 0) + (fold(f.family, f.clientHigh, f.clientLow) & 0xFFFFFFFFL))
                    & 0xFFFFFFFFL;
            assertThat(mh.schedule(f)).isSameAs(mhChoice(expected, key, fallback));
        }
    }

    @Property(tries = 100)
    void maglevKeepsTheLastNonZeroWeightOfAQuiescedServer(@ForAll("servers") List<FakeServer> servers,
            @ForAll @LongRange(min = 0, max = 1000) long pick) {
        if (servers.isEmpty()) {
            return;
        }
        MaglevHashing mh = new MaglevHashing(config(false, false, 8, 251));
        mh.update(servers);
        int[] last = servers.stream().mapToInt(s -> s.weight).toArray();
        int i = (int) (pick % servers.size());
        servers.get(i).weight(0);
        mh.update(servers);
        assertThat(mh.table()).containsExactly(mhTable(servers, last, 251));
        // a server added with weight 0 counts with weight 0
        List<FakeServer> more = new ArrayList<>(servers);
        FakeServer added = new FakeServer("new", Addresses.IPV4, 0, 0x0B000001L, 80, 0);
        more.add(added);
        mh.update(more);
        int[] withAdded = java.util.Arrays.copyOf(last, last.length + 1);
        assertThat(mh.table()).containsExactly(mhTable(more, withAdded, 251));
    }

    @Property(tries = 50)
    void shWeightZeroServersStillTakeOneBucket(@ForAll @IntRange(min = 1, max = 10) int n) {
        List<FakeServer> servers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            servers.add(FakeServer.v4("S" + i, i, 0));
        }
        SourceHashing sh = new SourceHashing(config(false, false, 4, 4093));
        sh.update(servers);
        RealServer[] t = sh.table();
        for (int i = 0; i < t.length; i++) {
            assertThat(t[i]).isSameAs(servers.get(i % n));
        }
    }

    @Property(tries = 20)
    void tablesOnlyChangeOnUpdate(@ForAll("servers") List<FakeServer> servers) {
        SourceHashing sh = new SourceHashing(SchedulerConfig.DEFAULT);
        sh.update(servers);
        RealServer[] before = sh.table();
        servers.forEach(s -> s.weight(s.weight + 1));
        assertThat(sh.table()).containsExactly(before);
    }
}
