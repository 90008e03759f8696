package io.ippvs.core.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.Addresses;
import io.ippvs.api.RealServer;
import io.ippvs.api.Scheduler;
import io.ippvs.api.SchedulerConfig;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What every scheduler promises, whatever its policy: never a quiesced or removed server, never an
 * overloaded one except lblc's cached server (ip_vs_lblc_schedule),
 * none when no server can take the flow, no exception, no allocation per call, and safety under
 * concurrent schedule and update. One subclass per scheduler.
 */
abstract class SchedulerContractTest {

    /** The ipvsadm name of the scheduler under test. */
    abstract String name();

    /** The configuration to make it with. */
    SchedulerConfig config() {
        return SchedulerConfig.DEFAULT;
    }

    /** Whether the scheduler always finds a server while one is usable (hashing without fallback may not). */
    boolean findsAnyUsable() {
        return true;
    }

    /** Whether a flow whose bucket holds an unusable server gets none (hashing without fallback). */
    boolean withoutFallback() {
        return false;
    }

    final Scheduler create() {
        return Schedulers.byName(name()).create(config());
    }

    private static List<FakeServer> servers(Random r, int n) {
        List<FakeServer> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            FakeServer s = r.nextInt(4) == 0
                    ? new FakeServer("S" + i, Addresses.IPV6, r.nextLong(), r.nextLong(), r.nextInt(65536), 0)
                    : new FakeServer("S" + i, Addresses.IPV4, 0, r.nextInt() & 0xFFFFFFFFL, r.nextInt(65536), 0);
            s.weight(r.nextInt(3) == 0 ? r.nextInt(65536) : r.nextInt(10));
            s.conns(r.nextInt(50), r.nextInt(500));
            s.overloaded(r.nextInt(6) == 0);
            list.add(s);
        }
        return list;
    }

    private static FakeFlow flow(Random r) {
        FakeFlow f = new FakeFlow();
        if (r.nextBoolean()) {
            f.client(Addresses.IPV4, 0, r.nextInt() & 0xFFFFFFFFL, r.nextInt(65536));
            f.virtual(0, r.nextInt(4), 80);
        } else {
            f.client(Addresses.IPV6, r.nextLong(), r.nextLong(), r.nextInt(65536));
            f.virtual(1, r.nextInt(4), 80);
        }
        return f;
    }

    /** Whether the scheduler may return a server over its threshold (lblc's cache, as the kernel's). */
    boolean keepsOverloadedCachedServer() {
        return false;
    }

    private void assertValid(RealServer chosen, List<FakeServer> servers) {
        if (chosen != null) {
            if (keepsOverloadedCachedServer() && chosen.overloaded()) {
                assertThat(chosen.weight()).as("%s has a weight", chosen).isPositive();
            } else {
                assertThat(chosen.available()).as("%s is usable", chosen).isTrue();
            }
            assertThat(servers).as("chosen from the current list").containsOnlyOnce((FakeServer) chosen);
        }
    }

    @Test
    void nameMatchesTheRegistry() {
        assertThat(create().name()).isEqualTo(name());
        assertThat(Schedulers.names()).contains(name());
    }

    @Test
    void noServersGiveNone() {
        Scheduler s = create();
        assertThat(s.schedule(new FakeFlow())).isNull();
        s.update(List.of());
        assertThat(s.schedule(new FakeFlow())).isNull();
    }

    @Test
    void onlyUnusableServersGiveNone() {
        Scheduler s = create();
        FakeServer quiesced = FakeServer.v4("Q", 1, 0);
        FakeServer overloaded = FakeServer.v4("O", 2, 5).overloaded(true);
        FakeServer gone = FakeServer.v4("G", 3, 5);
        gone.inService = false;
        s.update(List.of(quiesced, overloaded, gone));
        Random r = new Random(1);
        for (int i = 0; i < 200; i++) {
            assertThat(s.schedule(flow(r))).isNull();
        }
    }

    @Test
    void singleUsableServerIsTheOnlyChoice() {
        Scheduler s = create();
        FakeServer quiesced = FakeServer.v4("Q", 1, 0);
        FakeServer ok = FakeServer.v4("A", 2, 3);
        FakeServer overloaded = FakeServer.v4("O", 3, 5).overloaded(true);
        s.update(List.of(quiesced, ok, overloaded));
        Random r = new Random(2);
        int none = 0;
        for (int i = 0; i < 200; i++) {
            FakeFlow flow = flow(r);
            RealServer chosen = s.schedule(flow);
            if (findsAnyUsable()) {
                assertThat(chosen).isSameAs(ok);
            } else {
                // the flow (its bucket) decides, the same way every time; without fallback a bucket
                // of an unusable server gives none
                assertThat(chosen).isIn(null, ok);
                assertThat(s.schedule(flow)).isSameAs(chosen);
                none += chosen == null ? 1 : 0;
            }
        }
        if (withoutFallback()) {
            assertThat(none).as("flows hashed to the unusable servers").isBetween(1, 199);
        }
    }

    @Test
    void neverPicksAnUnusableServer() {
        Random r = new Random(name().hashCode());
        for (int round = 0; round < 60; round++) {
            Scheduler s = create();
            List<FakeServer> list = servers(r, 1 + r.nextInt(30));
            s.update(list);
            boolean anyUsable = list.stream().anyMatch(FakeServer::available);
            for (int i = 0; i < 100; i++) {
                RealServer chosen = s.schedule(flow(r));
                assertValid(chosen, list);
                if (anyUsable && findsAnyUsable()) {
                    assertThat(chosen).isNotNull();
                }
                // loads and flags change between updates, as they do live
                FakeServer x = list.get(r.nextInt(list.size()));
                x.conns(r.nextInt(50), r.nextInt(500));
                x.overloaded(r.nextInt(6) == 0);
                anyUsable = list.stream().anyMatch(FakeServer::available);
            }
        }
    }

    @Test
    void neverPicksARemovedServer() {
        Random r = new Random(3);
        Scheduler s = create();
        List<FakeServer> list = servers(r, 20);
        list.forEach(x -> x.weight(1 + r.nextInt(5)).overloaded(false));
        s.update(list);
        for (int i = 0; i < 500; i++) {
            s.schedule(flow(r));
        }
        List<FakeServer> kept = new ArrayList<>(list.subList(0, 10));
        list.subList(10, 20).forEach(x -> x.inService = false);
        s.update(kept);
        for (int i = 0; i < 500; i++) {
            RealServer chosen = s.schedule(flow(r));
            assertValid(chosen, kept);
            if (findsAnyUsable()) {
                assertThat(chosen).isNotNull();
            }
        }
    }

    @Test
    void allocatesNothingPerCallOnceWarm() {
        Scheduler s = create();
        Random r = new Random(4);
        List<FakeServer> list = servers(r, 100);
        s.update(list);
        FakeFlow[] flows = new FakeFlow[64];
        for (int i = 0; i < flows.length; i++) {
            flows[i] = flow(r);
        }
        for (int i = 0; i < 50_000; i++) {
            s.schedule(flows[i & 63]);
        }
        long base0 = allocatedBytes();
        long base1 = allocatedBytes();
        int sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += s.schedule(flows[i & 63]) == null ? 0 : 1;
        }
        long after = allocatedBytes();
        if (findsAnyUsable() && list.stream().anyMatch(FakeServer::available)) {
            // the sum keeps the calls from being optimised away, and says each found a server
            assertThat(sink).isEqualTo(20_000);
        }
        // allow the measuring calls' own overhead, far less than one byte per schedule call
        assertThat(after - base1).isLessThanOrEqualTo(Math.max(1024, 2 * (base1 - base0)));
    }

    /**
     * This thread's allocated bytes through com.sun.management.ThreadMXBean, reached by reflection
     * because the tests compile inside the io.ippvs.core module, which does not read jdk.management.
     */
    private static long allocatedBytes() {
        try {
            Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            Method m = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
            return (Long) m.invoke(bean);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("needs a HotSpot-style ThreadMXBean", e);
        }
    }

    @Test
    void safeUnderConcurrentScheduleAndUpdate() throws Exception {
        Scheduler s = create();
        Random seed = new Random(5);
        List<FakeServer> first = servers(seed, 20);
        s.update(first);
        Set<RealServer> known = ConcurrentHashMap.newKeySet();
        known.addAll(first);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] threads = new Thread[3];
        for (int t = 0; t < threads.length; t++) {
            long threadSeed = t;
            threads[t] = new Thread(() -> {
                Random r = new Random(threadSeed);
                try {
                    for (int i = 0; i < 30_000; i++) {
                        RealServer chosen = s.schedule(flow(r));
                        if (chosen != null && !known.contains(chosen)) {
                            throw new AssertionError("unknown server " + chosen);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            threads[t].start();
        }
        for (int u = 0; u < 100; u++) {
            List<FakeServer> next = servers(seed, seed.nextInt(25));
            known.addAll(next);
            s.update(next);
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failure.get()).isNull();
    }
}
