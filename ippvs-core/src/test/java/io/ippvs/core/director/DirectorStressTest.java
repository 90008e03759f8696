package io.ippvs.core.director;

import static io.ippvs.testkit.PacketBuilder.ACK;
import static io.ippvs.testkit.PacketBuilder.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.DropReason;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServer;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.Verdict;
import io.ippvs.api.VirtualService;
import io.ippvs.core.testing.AsIsRewriter;
import io.ippvs.core.testing.FakeClock;
import io.ippvs.testkit.PacketBuilder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Several packet threads over many flows (some flows sent by two threads at once) while another
 * thread keeps changing the configuration and another sweeps: in the end every counter is exact and
 * every flow has exactly one connection.
 */
class DirectorStressTest {

    static final int THREADS = 2;
    static final int OWN_FLOWS = 40_000;
    static final int SHARED_FLOWS = 10_000;
    static final int ACK_ROUNDS = 30;

    @Test
    @Timeout(60)
    void exactCountersAndOneConnectionPerFlowUnderConcurrentChanges() throws Exception {
        FakeClock clock = new FakeClock();
        RecordingRewriter unused = new RecordingRewriter(ForwardingMethod.MASQUERADE, false);
        AsIsRewriter pass = new AsIsRewriter(ForwardingMethod.DIRECT_ROUTE);
        Director d = Director.builder().nanoClock(clock).rewriter(pass).rewriter(unused)
                .maxConnections(THREADS * OWN_FLOWS + SHARED_FLOWS + 16).build();
        ServiceKey http = DirectorTest.key(Protocol.TCP, "10.0.0.1", 80);
        d.addService(ServiceConfig.builder(http).scheduler("wlc").build());
        for (int i = 0; i < 4; i++) {
            d.addRealServer(http, server(i, 1));
        }
        Set<RealServer> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        seen.addAll(d.service(http).realServers());

        // flows: each thread's own, then shared ones every thread sends
        List<ByteBuffer[]> flows = new ArrayList<>();
        for (int t = 0; t <= THREADS; t++) {
            int count = t == THREADS ? SHARED_FLOWS : OWN_FLOWS;
            ByteBuffer[] syn = new ByteBuffer[count * 2];
            for (int f = 0; f < count; f++) {
                String client = "172." + (16 + t) + "." + (f >>> 8 & 0xFF) + "." + (f & 0xFF);
                int port = 1024 + f % 50_000;
                syn[2 * f] = PacketBuilder.ipv4(client, "10.0.0.1").tcp(port, 80).flags(SYN).buffer();
                syn[2 * f + 1] = PacketBuilder.ipv4(client, "10.0.0.1").tcp(port, 80).flags(ACK).buffer();
            }
            flows.add(syn);
        }

        long[] forwarded = new long[THREADS];
        long[] noServer = new long[THREADS];
        long[] noServerSyn = new long[THREADS];
        long[] noConnection = new long[THREADS];
        // per thread and flow (own flows, then shared): whether its SYN was forwarded
        boolean[][] synForwarded = new boolean[THREADS][OWN_FLOWS + SHARED_FLOWS];
        long[] sent = new long[THREADS];
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CyclicBarrier start = new CyclicBarrier(THREADS + 2);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int me = t;
            threads.add(new Thread(() -> {
                try {
                    Worker w = d.newWorker();
                    start.await();
                    ByteBuffer[] own = flows.get(me);
                    ByteBuffer[] shared = flows.get(THREADS);
                    for (int round = 0; round <= ACK_ROUNDS; round++) {
                        int kind = round == 0 ? 0 : 1;
                        for (ByteBuffer[] set : new ByteBuffer[][] {shared, own}) {
                            for (int f = kind; f < set.length; f += 2) {
                                Verdict v = w.process(set[f]);
                                sent[me]++;
                                if (v == Verdict.FORWARD) {
                                    forwarded[me]++;
                                    if (kind == 0) {
                                        synForwarded[me][set == own ? f / 2 : OWN_FLOWS + f / 2] = true;
                                    }
                                } else if (v == Verdict.drop(DropReason.NO_REAL_SERVER)) {
                                    noServer[me]++;
                                    noServerSyn[me] += kind == 0 ? 1 : 0;
                                } else if (v == Verdict.drop(DropReason.NO_CONNECTION)) {
                                    // the flow's SYN met only servers being removed
                                    noConnection[me]++;
                                } else {
                                    throw new AssertionError("unexpected " + v);
                                }
                            }
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "packets-" + t));
        }
        Thread config = new Thread(() -> {
            try {
                start.await();
                int n = 0;
                while (!done.get()) {
                    n++;
                    d.editRealServer(http, server(n % 4, 1 + n % 3));
                    if (n % 2 == 0) {
                        d.addRealServer(http, server(4, 2));
                        synchronized (seen) {
                            seen.addAll(d.service(http).realServers());
                        }
                    } else if (d.service(http).realServers().size() == 5) {
                        d.removeRealServer(http, server(4, 2));
                    }
                    if (n % 16 == 0) {
                        d.editService(ServiceConfig.builder(http).scheduler(n % 32 == 0 ? "rr" : "wlc").build());
                    }
                    Thread.sleep(0, 200_000);
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, "config");
        Thread sweeper = new Thread(() -> {
            try {
                start.await();
                while (!done.get()) {
                    // 1 ms of clock per sweep keeps the run far below SYN_RECV's 60 s: nothing may expire
                    clock.advanceMillis(1);
                    d.sweep();
                    Thread.sleep(1);
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, "sweeper");
        threads.forEach(Thread::start);
        config.start();
        sweeper.start();
        for (Thread t : threads) {
            t.join();
        }
        done.set(true);
        config.join();
        sweeper.join();
        assertThat(failure.get()).isNull();

        long totalSent = 0;
        long totalForwarded = 0;
        long totalNoServer = 0;
        long failedSyns = 0;
        long totalNoConnection = 0;
        for (int t = 0; t < THREADS; t++) {
            totalSent += sent[t];
            totalForwarded += forwarded[t];
            totalNoServer += noServer[t];
            failedSyns += noServerSyn[t];
            totalNoConnection += noConnection[t];
        }
        assertThat(totalSent).isEqualTo((long) THREADS * (ACK_ROUNDS + 1) * (OWN_FLOWS + SHARED_FLOWS));
        assertThat(d.forwarded()).isEqualTo(totalForwarded);
        assertThat(d.drops(DropReason.NO_REAL_SERVER)).isEqualTo(totalNoServer);
        assertThat(d.drops(DropReason.NO_CONNECTION)).isEqualTo(totalNoConnection);
        assertThat(d.forwarded() + d.drops(DropReason.NO_REAL_SERVER) + d.drops(DropReason.NO_CONNECTION) + d.passed()
                + d.replied()).isEqualTo(totalSent);
        assertThat(failedSyns).as("SYNs that found no server").isLessThan(expectedFlowsOf() / 20);
        assertThat(d.totals().inPackets()).isEqualTo(totalForwarded);
        assertThat(d.totals().inBytes()).isEqualTo(totalForwarded * 40);

        // one connection per flow: never lost, never duplicated
        int expectedFlows = THREADS * OWN_FLOWS + SHARED_FLOWS;
        List<ConnectionInfo> conns = d.connections(true);
        int flowsTotal = conns.size();
        assertThat((long) flowsTotal).isBetween(expectedFlows - failedSyns, (long) expectedFlows);
        Set<String> keys = new HashSet<>();
        for (ConnectionInfo c : conns) {
            assertThat(keys.add(c.client() + ":" + c.clientPort())).as("duplicate %s", c).isTrue();
        }
        for (int t = 0; t < THREADS; t++) {
            for (int f = 0; f < OWN_FLOWS + SHARED_FLOWS; f++) {
                if (synForwarded[t][f]) {
                    int owner = f < OWN_FLOWS ? t : THREADS;
                    int i = f < OWN_FLOWS ? f : f - OWN_FLOWS;
                    String key = "172." + (16 + owner) + "." + (i >>> 8 & 0xFF) + "." + (i & 0xFF) + ":" + (1024 + i % 50_000);
                    if (!keys.contains(key)) {
                        throw new AssertionError("no connection for forwarded SYN of " + key);
                    }
                }
            }
        }
        assertThat(d.connectionCount()).isEqualTo(flowsTotal);
        assertThat(d.totals().connections()).isEqualTo(flowsTotal);
        long active = 0;
        long inactive = 0;
        seen.addAll(d.service(http).realServers());
        for (RealServer rs : seen) {
            active += rs.activeConnections();
            inactive += rs.inactiveConnections();
        }
        // ESTABLISHED, or SYN_RECV / NONE for connections whose server was removed before their ACK
        // or first packet (their packets are dropped from then on)
        assertThat(active + inactive).isEqualTo(flowsTotal);
        assertThat(active).isEqualTo(conns.stream().filter(DirectorPropertyTest.World::active).count());
        assertThat(conns.stream().filter(c -> c.state().equals("ESTABLISHED")).count()).isGreaterThan(flowsTotal / 2);
        assertThat(inactive).isEqualTo(conns.stream().filter(c -> c.state().equals("NONE")).count());
        assertThat(inactive).isLessThan(flowsTotal / 100);
        VirtualService svc = d.service(http);
        long serviceConns = svc.stats().connections();
        assertThat(serviceConns).isEqualTo(flowsTotal);
    }

    @Test
    @Timeout(60)
    void persistenceTemplatesStayCountedExactlyUnderConcurrency() throws Exception {
        FakeClock clock = new FakeClock();
        Director d = Director.builder().nanoClock(clock).rewriter(new AsIsRewriter(ForwardingMethod.DIRECT_ROUTE)).maxConnections(200_000)
                .expireNodestConn(true).expireQuiescentTemplate(true).build();
        ServiceKey http = DirectorTest.key(Protocol.TCP, "10.0.0.1", 80);
        d.addService(ServiceConfig.builder(http).scheduler("rr").persistent(60).persistenceNetmask(24).build());
        for (int i = 0; i < 3; i++) {
            d.addRealServer(http, server(i, 1));
        }
        Set<RealServer> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        seen.addAll(d.service(http).realServers());
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CyclicBarrier start = new CyclicBarrier(THREADS + 1);
        List<Thread> threads = new ArrayList<>();
        long[] sent = new long[THREADS];
        for (int t = 0; t < THREADS; t++) {
            int me = t;
            threads.add(new Thread(() -> {
                try {
                    Worker w = d.newWorker();
                    ByteBuffer[] packets = new ByteBuffer[4096];
                    for (int f = 0; f < packets.length; f++) {
                        // 64 client networks, shared by both threads, many ports each
                        String client = "172.20." + (f % 64) + "." + (1 + me);
                        packets[f] = PacketBuilder.ipv4(client, "10.0.0.1").tcp(1024 + f / 64, 80)
                                .flags(f % 3 == 0 ? SYN : ACK).buffer();
                    }
                    start.await();
                    for (int round = 0; round < 120; round++) {
                        for (ByteBuffer b : packets) {
                            w.process(b);
                            sent[me]++;
                        }
                        if (me == 0) {
                            clock.advanceSeconds(1); // templates (60 s) and SYN_RECV (60 s) come and go
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        Thread config = new Thread(() -> {
            try {
                start.await();
                int n = 0;
                while (!done.get()) {
                    n++;
                    if (n % 3 == 0) {
                        d.removeRealServer(http, server(n % 3, 1));
                        d.addRealServer(http, server(n % 3, 1));
                    } else {
                        d.editRealServer(http, server(n % 3, n % 2));
                    }
                    synchronized (seen) {
                        seen.addAll(d.service(http).realServers());
                    }
                    d.sweep();
                    Thread.sleep(1);
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        });
        threads.forEach(Thread::start);
        config.start();
        for (Thread t : threads) {
            t.join();
        }
        done.set(true);
        config.join();
        assertThat(failure.get()).isNull();
        long outcomes = d.forwarded() + d.passed() + d.replied() + d.dropped();
        assertThat(outcomes).isEqualTo(sent[0] + sent[1]);
        List<ConnectionInfo> all = d.connections(true);
        assertThat(all).hasSize(d.connectionCount());
        Map<RealServer, int[]> counts = new IdentityHashMap<>();
        for (ConnectionInfo c : all) {
            int[] n = counts.computeIfAbsent(c.realServer(), k -> new int[3]);
            n[c.template() ? 2 : DirectorPropertyTest.World.active(c) ? 0 : 1]++;
        }
        assertThat(counts.values().stream().mapToInt(n -> n[2]).sum()).isPositive();
        for (RealServer rs : seen) {
            int[] n = counts.getOrDefault(rs, new int[3]);
            assertThat(new int[] {rs.activeConnections(), rs.inactiveConnections(), rs.persistentConnections()})
                    .as("counts of %s", rs).containsExactly(n);
        }
        assertThat(seen).containsAll(counts.keySet());
    }

    static long expectedFlowsOf() {
        return (long) THREADS * OWN_FLOWS + SHARED_FLOWS;
    }

    static RealServerConfig server(int i, int weight) {
        return RealServerConfig.builder(DirectorTest.ip("192.168.1." + (10 + i)), 80)
                .forwardingMethod(ForwardingMethod.DIRECT_ROUTE).weight(weight).build();
    }
}
