package io.ippvs.benchmarks;

import io.ippvs.core.conn.ConnectionSpec;
import io.ippvs.core.conn.ConnectionTable;
import io.ippvs.core.proto.TcpState;
import io.ippvs.core.sync.SyncCounters;
import io.ippvs.core.sync.SyncEntry;
import io.ippvs.core.sync.SyncMaster;
import io.ippvs.core.sync.SyncSettings;
import io.ippvs.core.sync.table.ConnectionFeed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a sync master adds to an established packet, alone: the director's per-packet work with and
 * without a master, on the connection table of 1k (or 1M) established TCP connections, without the
 * rest of the packet path (whose noise on a shared machine is larger than the difference).
 * {@code off}: the director's packet count (read, written only up to 8). {@code master}: the count
 * without a locked add, then {@code ConnectionFeed.connection} ({@code ip_vs_sync_conn_needed}; every
 * 50th packet a ring slot), the queue drained every 20 ms by a thread that sends nowhere.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class SyncBenchmark {

    @Param({"1000", "1000000"})
    public int connections;

    ConnectionTable table;
    SyncMaster master;
    ConnectionFeed feed;
    Thread drain;
    final SyncEntry scratch = new SyncEntry();
    int index;
    long now = 1_000_000_000_000L;

    @Setup(Level.Trial)
    public void setup() {
        table = new ConnectionTable(Math.max(1 << 16, connections * 2), 7, null);
        ConnectionSpec spec = new ConnectionSpec();
        for (int i = 0; i < connections; i++) {
            spec.clear().protocol(6).client(0, 0x0A000000L + i, 40000).virtual(0, 0xC0000201L, 80)
                    .destination(0, 0xC633640AL, 80).flags(0x80).state(TcpState.ESTABLISHED.code(), 900).realServer(1);
            if (!ConnectionTable.inserted(table.insert(spec, now))) {
                throw new IllegalStateException("insert " + i);
            }
        }
        master = new SyncMaster(SyncSettings.DEFAULT.toBuilder().queueCapacity(1 << 16).build(), new SyncCounters());
        feed = new ConnectionFeed(table, master, null);
        drain = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                master.flush(System.nanoTime(), false, (buf, off, len) -> true);
                LockSupport.parkNanos(20_000_000L);
            }
        }, "sync-drain");
        drain.setDaemon(true);
        drain.start();
    }

    @TearDown(Level.Trial)
    public void stop() {
        drain.interrupt();
    }

    private int next() {
        int i = index + 7919;
        if (i >= connections) {
            i %= connections;
        }
        index = i;
        return i;
    }

    /** Without a master: {@code if (table.packets(h) <= 8) table.incrementPackets(h)} as the director does. */
    @Benchmark
    public long off() {
        int h = next();
        long p = table.packets(h);
        if (p <= 8) {
            table.incrementPackets(h);
        }
        return p;
    }

    /** With a master: the count, then the master's decision (and every 50th packet its ring slot). */
    @Benchmark
    public long master() {
        int h = next();
        long p = table.countPacket(h);
        feed.connection(h, 6, p, now, scratch);
        return p;
    }
}
