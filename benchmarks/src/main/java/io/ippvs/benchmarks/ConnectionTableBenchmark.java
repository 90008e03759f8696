package io.ippvs.benchmarks;

import io.ippvs.core.conn.ConnectionSpec;
import io.ippvs.core.conn.ConnectionTable;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The connection table on its own: established-flow lookups in tables of 1k and 1M IPv4/TCP
 * connections (random order, so the 1M case pays its cache misses), and new-connection setup
 * (miss lookup + insert, with the oldest connection removed to keep the table's size constant), on
 * one and two threads.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ConnectionTableBenchmark -f 1 -wi 2 -w 1s -i 3 -r 1s -prof gc
 * java -cp benchmarks/target/benchmarks.jar io.ippvs.benchmarks.ConnectionTableBenchmark   (bytes per connection)
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ConnectionTableBenchmark {

    private static final long NOW = 1_000_000_000L;
    private static final int VIRTUAL = 0x0A000001; // 10.0.0.1
    private static final int SERVER = 0xC0A80100; // 192.168.1.0/24

    /** Client address and port of flow {@code i} of thread {@code thread}. */
    static long clientAddress(int thread, int i) {
        return 0x0B000000L | ((long) thread << 22) | (i >>> 10);
    }

    static int clientPort(int i) {
        return 1024 + (i & 1023);
    }

    static ConnectionSpec spec(ConnectionSpec s, int thread, int i) {
        return s.clear().protocol(6).client(0, clientAddress(thread, i), clientPort(i))
                .virtual(0, VIRTUAL, 80).destination(0, SERVER | (i & 0xFF), 8080).state(1, 900).realServer(i & 0xFF);
    }

    /** A table holding {@code connections} established connections. */
    @State(Scope.Benchmark)
    public static class Established {
        @Param({"1000", "1000000"})
        int connections;

        ConnectionTable table;
        long[] clients;
        int[] ports;
        int[] servers;

        @Setup(Level.Trial)
        public void fill() {
            table = new ConnectionTable(connections);
            ConnectionSpec s = new ConnectionSpec();
            int[] order = new int[connections];
            for (int i = 0; i < connections; i++) {
                if (table.insert(spec(s, 0, i), 0) < 0) {
                    throw new IllegalStateException("insert " + i);
                }
                order[i] = i;
            }
            SplittableRandom random = new SplittableRandom(1);
            for (int i = connections - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            clients = new long[connections];
            ports = new int[connections];
            servers = new int[connections];
            for (int i = 0; i < connections; i++) {
                clients[i] = clientAddress(0, order[i]);
                ports[i] = clientPort(order[i]);
                servers[i] = SERVER | (order[i] & 0xFF);
            }
        }
    }

    /** Each thread walks the flows from its own starting point. */
    @State(Scope.Thread)
    public static class Cursor {
        private static final AtomicInteger THREADS = new AtomicInteger();
        int next = THREADS.getAndIncrement() * 7919;

        int next(int n) {
            int i = next;
            next = i + 1 == n ? 0 : i + 1;
            return i % n;
        }
    }

    private static int lookup(Established e, Cursor c) {
        int i = c.next(e.connections);
        return e.table.lookupInbound(4, 6, 0, e.clients[i], e.ports[i], 0, VIRTUAL, 80, NOW);
    }

    /** One established inbound packet's lookup. */
    @Benchmark
    @Threads(1)
    public int lookupEstablished(Established e, Cursor c) {
        return lookup(e, c);
    }

    /** Same with two threads sharing the table. */
    @Benchmark
    @Threads(2)
    public int lookupEstablished2Threads(Established e, Cursor c) {
        return lookup(e, c);
    }

    /** Lookup plus the per-packet bookkeeping the director does: restart the timeout, count the packet. */
    @Benchmark
    @Threads(1)
    public long lookupAndTouch(Established e, Cursor c) {
        int h = lookup(e, c);
        e.table.refresh(h, NOW);
        return e.table.incrementPackets(h);
    }

    /** A table kept at {@code live} connections while threads open new ones and close their oldest. */
    @State(Scope.Benchmark)
    public static class Churn {
        @Param({"1000", "1000000"})
        int live;

        ConnectionTable table;
        final AtomicInteger threadIds = new AtomicInteger();

        @Setup(Level.Trial)
        public void create() {
            table = new ConnectionTable(live + 8192);
        }
    }

    /** A thread's ring of its open connections. */
    @State(Scope.Thread)
    public static class Opener {
        int thread;
        int[] ring;
        int at;
        int counter;
        final ConnectionSpec spec = new ConnectionSpec();

        @Setup(Level.Trial)
        public void fill(Churn churn, BenchmarkParams params) {
            thread = churn.threadIds.getAndIncrement();
            ring = new int[Math.max(1, churn.live / params.getThreads())];
            for (int k = 0; k < ring.length; k++) {
                ring[k] = churn.table.insert(spec(spec, thread, counter++), NOW);
            }
        }
    }

    private static int open(Churn churn, Opener o) {
        ConnectionTable table = churn.table;
        int i = o.counter++;
        ConnectionSpec s = spec(o.spec, o.thread, i);
        int miss = table.lookupInbound(4, 6, 0, clientAddress(o.thread, i), clientPort(i), 0, VIRTUAL, 80, NOW);
        table.remove(o.ring[o.at]);
        int h = table.insert(s, NOW);
        o.ring[o.at] = h;
        o.at = o.at + 1 == o.ring.length ? 0 : o.at + 1;
        return h + miss;
    }

    /** New connection: miss lookup, insert, and removal of the thread's oldest connection. */
    @Benchmark
    @Threads(1)
    public int newConnection(Churn churn, Opener o) {
        return open(churn, o);
    }

    /** Same with two threads. */
    @Benchmark
    @Threads(2)
    public int newConnection2Threads(Churn churn, Opener o) {
        return open(churn, o);
    }

    /** Prints the bytes per IPv4 connection of a table holding 1M connections (array sizes and heap). */
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1 << 20;
        Runtime rt = Runtime.getRuntime();
        long before = usedAfterGc(rt);
        ConnectionTable table = new ConnectionTable(n);
        ConnectionSpec s = new ConnectionSpec();
        for (int i = 0; i < n; i++) {
            if (table.insert(spec(s, i >>> 20, i & 0xFFFFF), 0) < 0) {
                throw new IllegalStateException("insert " + i);
            }
        }
        long after = usedAfterGc(rt);
        System.out.printf("connections=%d size=%d footprint=%d bytes (%.1f B/conn), heap delta=%d bytes (%.1f B/conn)%n",
                n, table.size(), table.footprintBytes(), table.footprintBytes() / (double) n, after - before,
                (after - before) / (double) n);
    }

    private static long usedAfterGc(Runtime rt) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
