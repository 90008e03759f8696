package io.ippvs.benchmarks;

import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.NextHop;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.Verdict;
import io.ippvs.core.director.Director;
import io.ippvs.core.director.Worker;
import io.ippvs.core.sync.SyncCounters;
import io.ippvs.core.sync.SyncMaster;
import io.ippvs.core.sync.SyncSettings;
import io.ippvs.core.testing.AsIsRewriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole {@code Director.process} path (parse, lookup, state, pass-through rewrite, accounting)
 * for an established IPv4/TCP flow among 1k or 1M connections, and the setup of new connections
 * (SYN: service lookup, wlc, insert, state). Run with {@code -t 1} and {@code -t 2}, and
 * {@code -prof gc}: established flows must show 0 B/op.
 *
 * <p>The rewriter is a direct-route pass-through, so the figures are the director's own cost.
 * Packets are one 40-byte buffer per thread whose client address is rewritten for each call (the
 * director does not verify checksums here, as with checksum offload). {@code sync=master} runs the
 * same with a sync master taking every inbound packet's connection (issue 15: at most 5 ns more).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
public class DirectorBenchmark {

    private static final int CLIENT_BASE = 0x0A000000; // 10.0.0.0/8
    private static final int VIP = 0xC0000201; // 192.0.2.1
    private static final long START_NANOS = 1_000_000_000_000L;

    /** The director, shared by all benchmark threads, and its clock. */
    @State(Scope.Benchmark)
    public static class Shared {
        @Param({"1000", "1000000"})
        public int connections;

        /** "master": a sync master runs, its queue drained every 20 ms by a thread that sends nowhere. */
        @Param({"off", "master"})
        public String sync;

        final AtomicLong now = new AtomicLong(START_NANOS);
        final AtomicInteger threads = new AtomicInteger();
        Director director;

        @Setup(Level.Trial)
        public void setup() throws UnknownHostException {
            director = Director.builder()
                    .nanoClock(now::get)
                    .maxConnections(Math.max(1 << 16, connections * 4))
                    .rewriter(new AsIsRewriter(ForwardingMethod.DIRECT_ROUTE))
                    .hashSeed(7)
                    .build();
            ServiceKey key = ServiceKey.of(Protocol.TCP, InetAddress.getByName("192.0.2.1"), 80);
            director.addService(ServiceConfig.builder(key).scheduler("wlc").build());
            for (int i = 0; i < 8; i++) {
                director.addRealServer(key, RealServerConfig.builder(InetAddress.getByName("198.51.100." + (10 + i)), 80)
                        .forwardingMethod(ForwardingMethod.DIRECT_ROUTE).build());
            }
            Worker w = director.newWorker();
            ByteBuffer b = packet();
            for (int i = 0; i < connections; i++) {
                client(b, i);
                flags(b, 0x02);
                expect(w.process(b));
                flags(b, 0x10);
                expect(w.process(b));
            }
            if (sync.equals("master")) {
                SyncMaster m = director.startSyncMaster(SyncSettings.DEFAULT.toBuilder().queueCapacity(1 << 16).build(),
                        new SyncCounters());
                Thread drain = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        m.flush(System.nanoTime(), false, (buf, off, len) -> true);
                        LockSupport.parkNanos(20_000_000L);
                    }
                }, "sync-drain");
                drain.setDaemon(true);
                drain.start();
            }
            if (director.connectionCount() != connections) {
                throw new IllegalStateException("expected " + connections + " connections, got "
                        + director.connectionCount());
            }
        }
    }

    /** One packet thread: its worker, its buffer, its place among the flows. */
    @State(Scope.Thread)
    public static class Lane {
        Worker worker;
        ByteBuffer ack;
        ByteBuffer syn;
        int index;
        int stride;
        int fresh;
        int count;
        final NextHop hop = new NextHop();
        /** {@link #newConnectionBurst}: one SYN buffer per packet of a burst, and their verdicts. */
        final ByteBuffer[] syns = new ByteBuffer[BURST];
        final Verdict[] verdicts = new Verdict[BURST];

        @Setup(Level.Trial)
        public void setup(Shared shared) {
            int me = shared.threads.getAndIncrement();
            worker = shared.director.newWorker();
            ack = packet();
            flags(ack, 0x10);
            syn = packet();
            flags(syn, 0x02);
            for (int k = 0; k < BURST; k++) {
                syns[k] = packet();
                flags(syns[k], 0x02);
            }
            // threads walk the established flows from different places with an odd stride
            index = me * (shared.connections / 2);
            stride = 7919;
            // new connections use clients far from the established ones, one /12 per thread
            fresh = 0x00800000 + (me << 20);
        }
    }

    /** An ACK of an established connection: parse, lookup, state, rewrite, counters. */
    @Benchmark
    public Verdict established(Shared shared, Lane lane) {
        int i = lane.index + lane.stride;
        if (i >= shared.connections) {
            i -= shared.connections;
            if (i >= shared.connections) {
                i %= shared.connections;
            }
        }
        lane.index = i;
        client(lane.ack, i);
        return lane.worker.process(lane.ack);
    }

    /** The same through {@code Director.process}, which finds its scratch space in a thread-local. */
    @Benchmark
    public Verdict establishedThreadLocal(Shared shared, Lane lane) {
        int i = lane.index + lane.stride;
        if (i >= shared.connections) {
            i %= shared.connections;
        }
        lane.index = i;
        client(lane.ack, i);
        return shared.director.process(lane.ack);
    }

    /**
     * A SYN of a new client: service lookup, wlc over 8 servers, insert, SYN_RECV. The fake clock
     * moves 60 s / connections per call and each thread sweeps every connections / 4 calls (at least
     * 1024; its cost is included), so SYN_RECV entries (60 s) expire and about {@code connections}
     * new entries are live besides the established ones: the table size of the parameter.
     */
    @Benchmark
    public Verdict newConnection(Shared shared, Lane lane) {
        int n = lane.count++;
        if (n % Math.max(1024, shared.connections / 4) == 0) {
            shared.director.sweep();
        }
        shared.now.addAndGet(60_000_000_000L / shared.connections);
        client(lane.syn, lane.fresh + (n & 0xFFFFF));
        return lane.worker.process(lane.syn);
    }

    /**
     * {@link #newConnection} with each thread's own time passed to {@link Worker#process(ByteBuffer,
     * int, NextHop, long)}, as an I/O loop reading the clock once per burst does: the shared
     * {@code AtomicLong} clock of {@code newConnection} is written by every call of every thread,
     * which puts one contended cache line into each operation. The sweep still reads the shared clock,
     * which the sweeping thread sets to its own time first.
     */
    @Benchmark
    public Verdict newConnectionOwnClock(Shared shared, Lane lane) {
        int n = lane.count++;
        long now = START_NANOS + n * (60_000_000_000L / shared.connections);
        if (n % Math.max(1024, shared.connections / 4) == 0) {
            shared.now.set(now);
            shared.director.sweep();
        }
        client(lane.syn, lane.fresh + (n & 0xFFFFF));
        return lane.worker.process(lane.syn, 0, lane.hop, now);
    }

    /** Packets per {@link Worker#process(ByteBuffer[], int, int, int[], NextHop[], Verdict[], long)} call. */
    static final int BURST = 32;

    /**
     * {@link #newConnectionOwnClock} in bursts of {@link #BURST} SYNs through the staged burst API (one
     * time per burst); the score is per connection. The sweep runs as often per connection.
     */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public Verdict newConnectionBurst(Shared shared, Lane lane) {
        int n = lane.count;
        lane.count += BURST;
        long now = START_NANOS + n * (60_000_000_000L / shared.connections);
        int every = Math.max(1024, shared.connections / 4);
        if (n / every != (n + BURST) / every || n == 0) {
            shared.now.set(now);
            shared.director.sweep();
        }
        for (int k = 0; k < BURST; k++) {
            client(lane.syns[k], lane.fresh + ((n + k) & 0xFFFFF));
        }
        lane.worker.process(lane.syns, 0, BURST, null, null, lane.verdicts, now);
        return lane.verdicts[BURST - 1];
    }

    /** A director with room for 4M connections that never expire: setup cost without any sweep. */
    @State(Scope.Benchmark)
    public static class Roomy {
        Director director;

        @Setup(Level.Trial)
        public void setup() throws UnknownHostException {
            director = Director.builder().nanoClock(() -> 1_000_000_000_000L).maxConnections(1 << 22)
                    .rewriter(new AsIsRewriter(ForwardingMethod.DIRECT_ROUTE)).hashSeed(7).build();
            ServiceKey key = ServiceKey.of(Protocol.TCP, InetAddress.getByName("192.0.2.1"), 80);
            director.addService(ServiceConfig.builder(key).scheduler("wlc").build());
            for (int i = 0; i < 8; i++) {
                director.addRealServer(key, RealServerConfig.builder(InetAddress.getByName("198.51.100." + (10 + i)), 80)
                        .forwardingMethod(ForwardingMethod.DIRECT_ROUTE).build());
            }
        }
    }

    /** One thread's cursor over never-seen clients. */
    @State(Scope.Thread)
    public static class Opener {
        Worker worker;
        ByteBuffer syn = packet();
        int next;

        @Setup(Level.Trial)
        public void setup(Roomy roomy, Shared shared) {
            worker = roomy.director.newWorker();
            flags(syn, 0x02);
            next = shared.threads.getAndIncrement() << 22;
        }
    }

    /**
     * A SYN of a new client into a table that only grows (run at most 2 s per fork, e.g.
     * {@code -wi 1 -i 1 -r 1s}: past 4M connections the verdict turns to TABLE_FULL).
     */
    @Benchmark
    public Verdict newConnectionNoExpiry(Roomy roomy, Opener o) {
        client(o.syn, 0x0B000000 + o.next++);
        return o.worker.process(o.syn);
    }

    static ByteBuffer packet() {
        ByteBuffer b = ByteBuffer.allocate(40);
        b.put(0, (byte) 0x45);
        b.putShort(2, (short) 40);
        b.put(8, (byte) 64);
        b.put(9, (byte) 6);
        b.putInt(12, CLIENT_BASE);
        b.putInt(16, VIP);
        b.putShort(20, (short) 40000);
        b.putShort(22, (short) 80);
        b.put(32, (byte) 0x50); // data offset 5
        b.putShort(34, (short) 65535);
        return b;
    }

    static void client(ByteBuffer b, int i) {
        b.putInt(12, CLIENT_BASE + i);
    }

    static void flags(ByteBuffer b, int flags) {
        b.put(33, (byte) flags);
    }

    static void expect(Verdict v) {
        if (v != Verdict.FORWARD) {
            throw new IllegalStateException("setup packet got " + v);
        }
    }
}
