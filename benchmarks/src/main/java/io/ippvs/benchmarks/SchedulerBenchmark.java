package io.ippvs.benchmarks;

import io.ippvs.api.Addresses;
import io.ippvs.api.Flow;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServer;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.Scheduler;
import io.ippvs.api.SchedulerConfig;
import io.ippvs.api.Stats;
import io.ippvs.core.sched.Schedulers;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One {@code schedule} call per scheduler, for 16 and 1000 real servers with random weights and
 * connection counts, over 256 flows from different clients (64 destinations, so lblc/lblcr run with a
 * warm cache). Run with {@code -prof gc}: every scheduler should show ~0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class SchedulerBenchmark {

    @Param({"rr", "wrr", "lc", "wlc", "sed", "nq", "fo", "ovf", "twos", "sh", "dh", "mh", "lblc", "lblcr"})
    public String scheduler;

    @Param({"16", "1000"})
    public int servers;

    private Scheduler sched;
    private final BenchFlow[] flows = new BenchFlow[256];
    private int next;

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(1);
        List<BenchServer> list = new ArrayList<>();
        for (int i = 0; i < servers; i++) {
            list.add(new BenchServer(0x0A000000L + i, 1 + r.nextInt(10), r.nextInt(100), r.nextInt(1000)));
        }
        sched = Schedulers.byName(scheduler).create(SchedulerConfig.DEFAULT);
        sched.update(list);
        for (int i = 0; i < flows.length; i++) {
            flows[i] = new BenchFlow(r.nextInt() & 0xFFFFFFFFL, 1024 + r.nextInt(60000), 0xC0000200L + (i & 63));
        }
    }

    @Benchmark
    public RealServer schedule() {
        return sched.schedule(flows[next++ & 255]);
    }

    /** A real server with fixed weight and load; only what schedulers read. */
    static final class BenchServer implements RealServer {
        private final long address;
        private final int weight;
        private final int active;
        private final int inactive;

        BenchServer(long address, int weight, int active, int inactive) {
            this.address = address;
            this.weight = weight;
            this.active = active;
            this.inactive = inactive;
        }

        @Override
        public RealServerConfig config() {
            return RealServerConfig.builder(address(), 80).weight(weight).build();
        }

        @Override
        public int addressFamily() {
            return Addresses.IPV4;
        }

        @Override
        public long addressHigh() {
            return 0;
        }

        @Override
        public long addressLow() {
            return address;
        }

        @Override
        public int port() {
            return 80;
        }

        @Override
        public ForwardingMethod forwardingMethod() {
            return ForwardingMethod.DIRECT_ROUTE;
        }

        @Override
        public int weight() {
            return weight;
        }

        @Override
        public int activeConnections() {
            return active;
        }

        @Override
        public int inactiveConnections() {
            return inactive;
        }

        @Override
        public int persistentConnections() {
            return 0;
        }

        @Override
        public boolean overloaded() {
            return false;
        }

        @Override
        public boolean available() {
            return weight > 0;
        }

        @Override
        public Stats stats() {
            throw new UnsupportedOperationException("schedulers do not read stats");
        }
    }

    /** An IPv4 TCP flow from one client to one of 64 destinations. */
    static final class BenchFlow implements Flow {
        private final long client;
        private final int port;
        private final long destination;

        BenchFlow(long client, int port, long destination) {
            this.client = client;
            this.port = port;
            this.destination = destination;
        }

        @Override
        public int addressFamily() {
            return Addresses.IPV4;
        }

        @Override
        public Protocol protocol() {
            return Protocol.TCP;
        }

        @Override
        public long clientAddressHigh() {
            return 0;
        }

        @Override
        public long clientAddressLow() {
            return client;
        }

        @Override
        public int clientPort() {
            return port;
        }

        @Override
        public long virtualAddressHigh() {
            return 0;
        }

        @Override
        public long virtualAddressLow() {
            return destination;
        }

        @Override
        public int virtualPort() {
            return 80;
        }

        @Override
        public int fwmark() {
            return 0;
        }
    }
}
