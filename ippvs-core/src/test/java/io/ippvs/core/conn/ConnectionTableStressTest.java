package io.ippvs.core.conn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Several threads hammer one table: nothing lost, nothing duplicated, no torn or stale match. */
class ConnectionTableStressTest {

    private static final int THREADS = 4;
    private static final long SECOND = 1_000_000_000L;

    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

    @AfterEach
    void shutdown() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private static ConnectionSpec spec(ConnectionSpec s, int thread, int i, long timeout) {
        int family = (i & 1) == 0 ? 4 : 6;
        long clientHigh = family == 4 ? 0 : 0x20010db800000000L | thread;
        return s.clear().family(family).protocol(6).client(clientHigh, 0xC0000000L | thread << 16 | i >>> 6, 1024 + i)
                .virtual(0, 0x0A000001L, 80).destination(0, 0xC0A80100L | (i & 7), 8080)
                .state(1, (int) timeout).realServer(thread << 20 | i);
    }

    private static int lookupIn(ConnectionTable t, ConnectionSpec s, long now) {
        return t.lookupInbound(s.family, s.protocol, s.clientHigh, s.clientLow, s.clientPort, s.virtualHigh,
                s.virtualLow, s.virtualPort, now);
    }

    private static int lookupOut(ConnectionTable t, ConnectionSpec s, long now) {
        return t.lookupOutbound(s.family, s.protocol, s.destinationHigh, s.destinationLow, s.destinationPort,
                s.clientHigh, s.clientLow, s.clientPort, now);
    }

    private <T> List<T> runAll(List<Callable<T>> tasks) throws Exception {
        List<Future<T>> futures = new ArrayList<>();
        for (Callable<T> task : tasks) {
            futures.add(pool.submit(task));
        }
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            results.add(f.get(60, TimeUnit.SECONDS));
        }
        return results;
    }

    @Test
    void churnOfPrivateKeysNeverLosesDuplicatesOrMismatches() throws Exception {
        AtomicLong listened = new AtomicLong();
        ConnectionTable table = new ConnectionTable(1 << 13, 7L, (t, h, e) -> listened.incrementAndGet());
        int keysPerThread = 1800; // 7200 of 8192: the index is busy, overflow chains are frequent
        int ops = 750_000;
        List<Callable<long[]>> tasks = new ArrayList<>();
        for (int thread = 0; thread < THREADS; thread++) {
            int me = thread;
            tasks.add(() -> {
                SplittableRandom random = new SplittableRandom(me);
                ConnectionSpec s = new ConnectionSpec();
                int[] handles = new int[keysPerThread];
                java.util.Arrays.fill(handles, -1);
                long inserts = 0;
                long removes = 0;
                for (int n = 0; n < ops; n++) {
                    int i = random.nextInt(keysPerThread);
                    spec(s, me, i, 900);
                    int op = random.nextInt(4);
                    if (handles[i] < 0) {
                        // only this thread owns key i: it must be absent, then insert must succeed
                        assertThat(lookupIn(table, s, 0)).isEqualTo(ConnectionTable.NOT_FOUND);
                        assertThat(lookupOut(table, s, 0)).isEqualTo(ConnectionTable.NOT_FOUND);
                        int h = table.insert(s, 0);
                        assertThat(h).isGreaterThanOrEqualTo(0);
                        handles[i] = h;
                        inserts++;
                    } else if (op == 0) {
                        assertThat(table.remove(handles[i])).isTrue();
                        handles[i] = -1;
                        removes++;
                    } else {
                        assertThat(lookupIn(table, s, 0)).isEqualTo(handles[i]);
                        assertThat(lookupOut(table, s, 0)).isEqualTo(handles[i]);
                        assertThat(table.realServer(handles[i])).isEqualTo(me << 20 | i);
                    }
                }
                long live = 0;
                for (int h : handles) {
                    live += h >= 0 ? 1 : 0;
                }
                return new long[] {inserts, removes, live};
            });
        }
        long inserts = 0;
        long removes = 0;
        long live = 0;
        for (long[] r : runAll(tasks)) {
            inserts += r[0];
            removes += r[1];
            live += r[2];
        }
        assertThat(inserts - removes).isEqualTo(live);
        assertThat(table.size()).isEqualTo((int) live);
        assertThat(listened.get()).isEqualTo(removes);
        int[] visited = new int[1];
        table.forEach((t, h) -> ++visited[0] > 0);
        assertThat(visited[0]).isEqualTo((int) live);
        // everything expires exactly once
        assertThat(table.sweep(901 * SECOND)).isEqualTo((int) live);
        assertThat(table.size()).isZero();
        assertThat(listened.get()).isEqualTo(inserts);
    }

    @Test
    void racingInsertsOfTheSameFlowCreateOneEntry() throws Exception {
        ConnectionTable table = new ConnectionTable(1 << 15, 9L, null);
        int keys = 20_000;
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Callable<int[]>> tasks = new ArrayList<>();
        for (int thread = 0; thread < THREADS; thread++) {
            int me = thread;
            tasks.add(() -> {
                ConnectionSpec s = new ConnectionSpec();
                int[] seen = new int[keys];
                start.await();
                for (int n = 0; n < keys; n++) {
                    int i = (me & 1) == 0 ? n : keys - 1 - n; // half the threads run backwards
                    int r = table.insert(spec(s, 0, i, 900), 0);
                    seen[i] = r >= 0 ? r : ConnectionTable.existingHandle(r);
                    assertThat(r >= 0 || ConnectionTable.exists(r)).isTrue();
                }
                return seen;
            });
        }
        List<int[]> results = runAll(tasks);
        assertThat(table.size()).isEqualTo(keys);
        ConnectionSpec s = new ConnectionSpec();
        for (int i = 0; i < keys; i++) {
            int h = lookupIn(table, spec(s, 0, i, 900), 0);
            for (int[] seen : results) {
                assertThat(seen[i]).isEqualTo(h);
            }
        }
    }

    @Test
    void concurrentLazyExpiryAndSweepsRemoveEachEntryExactlyOnce() throws Exception {
        int entries = 30_000;
        AtomicIntegerArray removed = new AtomicIntegerArray(1 << 15);
        ConnectionTable table = new ConnectionTable(1 << 15, 11L, (t, h, e) -> removed.incrementAndGet(h));
        ConnectionSpec s = new ConnectionSpec();
        for (int i = 0; i < entries; i++) {
            assertThat(table.insert(spec(s, 1, i, 1 + (i & 3)), 0)).isGreaterThanOrEqualTo(0);
        }
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int thread = 0; thread < THREADS; thread++) {
            int me = thread;
            tasks.add(() -> {
                ConnectionSpec mine = new ConnectionSpec();
                start.await();
                int swept = 0;
                for (long now = SECOND; now <= 5 * SECOND; now += SECOND / 2) {
                    for (int i = me; i < entries; i += 2) {
                        spec(mine, 1, i, 0);
                        int h = (i & 2) == 0 ? lookupIn(table, mine, now) : lookupOut(table, mine, now);
                        if (h >= 0) {
                            assertThat(table.expiresAtNanos(h)).isGreaterThan(now);
                        }
                    }
                    if (me == 0) {
                        swept += table.sweep(now);
                    }
                }
                return swept;
            });
        }
        runAll(tasks);
        assertThat(table.size()).isZero();
        int total = 0;
        for (int h = 0; h < removed.length(); h++) {
            assertThat(removed.get(h)).as("handle %d", h).isLessThanOrEqualTo(1);
            total += removed.get(h);
        }
        assertThat(total).isEqualTo(entries);
    }

    @Test
    void templatesSharedByThreadsAreCountedAndFreedExactlyOnce() throws Exception {
        AtomicLong listened = new AtomicLong();
        ConnectionTable table = new ConnectionTable(1 << 12, 13L, (t, h, e) -> listened.incrementAndGet());
        AtomicLong inserted = new AtomicLong();
        AtomicLong clock = new AtomicLong();
        int ops = 150_000;
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int thread = 0; thread < THREADS; thread++) {
            int me = thread;
            tasks.add(() -> {
                SplittableRandom random = new SplittableRandom(100 + me);
                ConnectionSpec s = new ConnectionSpec();
                int[] mine = new int[64];
                java.util.Arrays.fill(mine, -1);
                for (int n = 0; n < ops; n++) {
                    long now = clock.get();
                    int net = random.nextInt(8);
                    int slot = random.nextInt(mine.length);
                    int op = random.nextInt(16);
                    if (op == 0) {
                        int t = table.lookupTemplate(4, 6, 0, 0xC0000000L | net << 8, 0, 0x0A000001L, 80, now);
                        if (t >= 0) {
                            table.remove(t); // detaches while connections still use it
                        }
                    } else if (op == 1 && me == 0) {
                        clock.addAndGet(SECOND / 4);
                        table.sweep(clock.get());
                    } else if (mine[slot] >= 0) {
                        table.remove(mine[slot]);
                        mine[slot] = -1;
                    } else {
                        int t = table.lookupTemplate(4, 6, 0, 0xC0000000L | net << 8, 0, 0x0A000001L, 80, now);
                        if (t < 0) {
                            int r = table.insert(s.clear().protocol(6).flags(ConnectionFlags.TEMPLATE)
                                    .client(0, 0xC0000000L | net << 8, 0).virtual(0, 0x0A000001L, 80)
                                    .destination(0, 0xC0A80101L, 80).state(0, 2), now);
                            if (r >= 0) {
                                inserted.incrementAndGet();
                                t = r;
                            } else if (ConnectionTable.exists(r)) {
                                t = ConnectionTable.existingHandle(r);
                            }
                        }
                        if (t >= 0) {
                            int r = table.insert(s.clear().protocol(6).client(0, 0xC0000000L | net << 8 | me, 2000 + slot)
                                    .virtual(0, 0x0A000001L, 80).destination(0, 0xC0A80101L, 80).state(1, 1)
                                    .template(t), now);
                            if (r >= 0) {
                                inserted.incrementAndGet();
                                mine[slot] = r; // may expire (and be reused) at the next sweep
                            } else {
                                assertThat(r == ConnectionTable.STALE_TEMPLATE || ConnectionTable.exists(r)).isTrue();
                            }
                        }
                    }
                }
                for (int h : mine) {
                    if (h >= 0) {
                        table.remove(h); // false if it expired meanwhile
                    }
                }
                return null;
            });
        }
        runAll(tasks);
        // a template re-armed under live connections lives 60 s more (ip_vs_conn_expire); a second
        // sweep takes one that the first re-armed before reaching its last connection
        table.sweep(clock.get() + 61 * SECOND);
        table.sweep(clock.get() + 122 * SECOND);
        assertThat(table.size()).isZero();
        assertThat(ConnectionTableHooks.templates(table)).isZero();
        assertThat(listened.get()).isEqualTo(inserted.get());
    }

    @Test
    void racingPacketsBindAWildcardClientPortOnce() throws Exception {
        ConnectionTable table = new ConnectionTable(1 << 14, 17L, null);
        int entries = 5_000;
        ConnectionSpec s = new ConnectionSpec();
        int[] handles = new int[entries];
        for (int i = 0; i < entries; i++) {
            handles[i] = table.insert(s.clear().protocol(6).flags(ConnectionFlags.NO_CPORT)
                    .client(0, 0xC0000000L | i, 0).virtual(0, 0x0A000001L, 21).destination(0, 0xC0A80101L, 20)
                    .state(1, 900), 0);
        }
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Callable<int[]>> tasks = new ArrayList<>();
        for (int thread = 0; thread < THREADS; thread++) {
            int port = 40_000 + thread;
            tasks.add(() -> {
                int[] found = new int[entries];
                start.await();
                for (int i = 0; i < entries; i++) {
                    found[i] = table.lookupInbound(4, 6, 0, 0xC0000000L | i, port, 0, 0x0A000001L, 21, 0);
                }
                return found;
            });
        }
        List<int[]> results = runAll(tasks);
        for (int i = 0; i < entries; i++) {
            int h = handles[i];
            int port = table.clientPort(h);
            assertThat(table.flags(h) & ConnectionFlags.NO_CPORT).isZero();
            assertThat(port).isBetween(40_000, 40_000 + THREADS - 1);
            assertThat(results.get(port - 40_000)[i]).isEqualTo(h);
            for (int t = 0; t < THREADS; t++) {
                int expected = t == port - 40_000 ? h : ConnectionTable.NOT_FOUND;
                assertThat(table.lookupInbound(4, 6, 0, 0xC0000000L | i, 40_000 + t, 0, 0x0A000001L, 21, 0))
                        .isEqualTo(expected);
                assertThat(table.lookupOutbound(4, 6, 0, 0xC0A80101L, 20, 0, 0xC0000000L | i, 40_000 + t, 0))
                        .isEqualTo(expected);
            }
        }
        assertThat(table.size()).isEqualTo(entries);
        // no wildcard is left: a packet from yet another port finds nothing
        assertThat(table.lookupInbound(4, 6, 0, 0xC0000000L, 50_000, 0, 0x0A000001L, 21, 0))
                .isEqualTo(ConnectionTable.NOT_FOUND);
    }
}
