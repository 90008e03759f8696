package io.ippvs.benchmarks;

import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.NextHop;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServer;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.Verdict;
import io.ippvs.core.director.Director;
import io.ippvs.core.director.Worker;
import io.ippvs.core.testing.FakeRealServer;
import io.ippvs.core.testing.FakeRewriteContext;
import io.ippvs.testkit.PacketBuilder;
import io.ippvs.nat.NatRewriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * NAT of established TCP flows, IPv4 and IPv6, inbound (client to real server) and outbound (real
 * server to client). Each operation first copies the untouched packet into the working buffer (a
 * 60- or 80-byte copy, a few ns) because the rewrite changes it in place.
 *
 * <p>The {@code director*} benchmarks run the whole path through one {@link Director} holding
 * {@code connections} established connections (1k, or 1M to compare with the C baseline), walking
 * through them with an odd stride as {@link DirectorBenchmark} does: parse, connection lookup, TCP
 * state, NAT rewrite, checksums, counters; {@code director*} through {@link Director#process(ByteBuffer)}
 * (a thread-local lookup and a clock reading per packet), {@code worker*} through a {@link Worker}
 * with one clock reading per burst of 32 packets. {@link #copyOnly} is the packet copy alone,
 * {@link #walkCopyOnly} the copy with the director cases' walk through their packets. The {@code rewriter*} benchmarks time the
 * {@link NatRewriter} alone behind a fixed context: the rewrite and checksum share of that cost.
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar NatBenchmark -f 1 -wi 2 -w 1s -i 3 -r 1s -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms3g", "-Xmx3g"})
public class NatBenchmark {

    /** The rewriter alone and the two packets of one established connection with their contexts. */
    @State(Scope.Thread)
    public static class Fixed {
        @Param({"4", "6"})
        public int family;

        final NatRewriter rewriter = NatRewriter.builder().build();
        Replay inbound;
        Replay outbound;

        @Setup(Level.Trial)
        public void setUp() throws UnknownHostException {
            boolean v6 = family == 6;
            InetAddress client = InetAddress.getByName(v6 ? "2001:db8:c::7" : "198.51.100.7");
            InetAddress virtual = InetAddress.getByName(v6 ? "2001:db8:1::1" : "192.0.2.1");
            InetAddress server = InetAddress.getByName(v6 ? "2001:db8:2::2" : "10.1.1.2");
            RealServer rs = new FakeRealServer(RealServerConfig.builder(server, 8080, ForwardingMethod.MASQUERADE).build());
            inbound = new Replay(tcp(client, virtual, 40000, 80, PacketBuilder.ACK, 1000, 2000, 20), false,
                    FakeRewriteContext.of(client, 40000, virtual, 80, rs));
            outbound = new Replay(tcp(server, client, 8080, 40000, PacketBuilder.ACK, 2000, 1020, 20), true,
                    FakeRewriteContext.of(client, 40000, virtual, 80, rs));
        }
    }

    /** A TCP segment with {@code payload} zero bytes. */
    static byte[] tcp(InetAddress src, InetAddress dst, int sport, int dport, int flags, long seq, long ack, int payload) {
        String s = src.getHostAddress();
        String d = dst.getHostAddress();
        PacketBuilder p = src.getAddress().length == 4 ? PacketBuilder.ipv4(s, d) : PacketBuilder.ipv6(s, d);
        return p.tcp(sport, dport).flags(flags).seq(seq).ack(ack).payload(new byte[payload]).bytes();
    }

    @Benchmark
    public Verdict rewriterInbound(Fixed f) {
        return f.rewriter.rewrite(f.inbound.reset());
    }

    @Benchmark
    public Verdict rewriterOutbound(Fixed f) {
        return f.rewriter.rewrite(f.outbound.reset());
    }

    /**
     * Copying the untouched packet into the working buffer, which every benchmark here does first:
     * subtract it to see the rewriter's (or the director's) own share.
     */
    @Benchmark
    public int copyOnly(Fixed f) {
        return f.inbound.reset().buffer().limit();
    }

    // ---------------------------------------------------------------- through the director

    /**
     * A director holding {@code connections} established connections of one client and the packets
     * of each in both directions, laid out back to back in one array; shared by the benchmark
     * threads ({@code -t 2}: two threads on one director, as {@link DirectorBenchmark}).
     */
    @State(Scope.Benchmark)
    public static class Flows {
        @Param({"4", "6"})
        public int family;

        /** Established connections, so each packet exercises parse, lookup, state, rewrite, checksums. */
        @Param({"1024", "1048576"})
        public int connections;

        /** Client ports per client address. */
        static final int PORTS_PER_CLIENT = 50_000;

        final AtomicInteger threads = new AtomicInteger();
        Director director;
        byte[] inboundPackets;
        byte[] outboundPackets;
        int length;

        @Setup(Level.Trial)
        public void setUp() throws UnknownHostException {
            if (Integer.bitCount(connections) != 1) {
                throw new IllegalArgumentException("connections: " + connections + " is not a power of two");
            }
            boolean v6 = family == 6;
            InetAddress client = InetAddress.getByName(v6 ? "2001:db8:c::7" : "198.51.100.7");
            InetAddress virtual = InetAddress.getByName(v6 ? "2001:db8:1::1" : "192.0.2.1");
            InetAddress server = InetAddress.getByName(v6 ? "2001:db8:2::2" : "10.1.1.2");
            director = Director.builder().maxConnections(connections * 4).rewriter(NatRewriter.builder().build()).build();
            ServiceKey key = ServiceKey.of(Protocol.TCP, virtual, 80);
            director.addService(ServiceConfig.builder(key).scheduler("rr").build());
            director.addRealServer(key, RealServerConfig.builder(server, 8080).forwardingMethod(ForwardingMethod.MASQUERADE).build());
            ByteBuffer work = ByteBuffer.allocateDirect(256);
            length = tcp(client, virtual, 10000, 80, PacketBuilder.ACK, 1001, 5001, 20).length;
            inboundPackets = new byte[connections * length];
            outboundPackets = new byte[connections * length];
            for (int i = 0; i < connections; i++) {
                // 50,000 client ports from 10000 per client address, then the next address (as the
                // C baseline in benchmarks/c numbers its connections)
                InetAddress c = i < PORTS_PER_CLIENT ? client : next(client, i / PORTS_PER_CLIENT);
                int port = 10000 + i % PORTS_PER_CLIENT;
                // handshake: SYN in, SYN-ACK out, ACK in makes the connection ESTABLISHED
                handshake(work, tcp(c, virtual, port, 80, PacketBuilder.SYN, 1000, 0, 0));
                handshake(work, tcp(server, c, 8080, port, PacketBuilder.SYN | PacketBuilder.ACK, 5000, 1001, 0));
                handshake(work, tcp(c, virtual, port, 80, PacketBuilder.ACK, 1001, 5001, 0));
                System.arraycopy(tcp(c, virtual, port, 80, PacketBuilder.ACK, 1001, 5001, 20), 0, inboundPackets,
                        i * length, length);
                System.arraycopy(tcp(server, c, 8080, port, PacketBuilder.ACK, 5001, 1021, 20), 0, outboundPackets,
                        i * length, length);
            }
            if (director.connectionCount() < connections) {
                throw new IllegalStateException("only " + director.connectionCount() + " connections established");
            }
            for (int i = 0; i < connections; i++) {
                handshake(work, Arrays.copyOfRange(inboundPackets, i * length, (i + 1) * length));
                handshake(work, Arrays.copyOfRange(outboundPackets, i * length, (i + 1) * length));
            }
        }

        /** {@code address} plus {@code n}, counted in its last 32 bits. */
        private static InetAddress next(InetAddress address, int n) throws UnknownHostException {
            byte[] a = address.getAddress();
            int at = a.length - 4;
            int low = ((a[at] & 0xFF) << 24 | (a[at + 1] & 0xFF) << 16 | (a[at + 2] & 0xFF) << 8 | (a[at + 3] & 0xFF)) + n;
            for (int k = 0; k < 4; k++) {
                a[at + k] = (byte) (low >>> (24 - 8 * k));
            }
            return InetAddress.getByAddress(a);
        }

        private void handshake(ByteBuffer work, byte[] packet) {
            work.clear();
            work.put(packet);
            work.flip();
            if (!director.process(work).isForward()) {
                throw new IllegalStateException("a packet of the setup was not forwarded");
            }
        }
    }

    /** One packet thread: its buffer, its worker, its place in the walk through the flows. */
    @State(Scope.Thread)
    public static class Lane {
        /** Between consecutive packets: odd, so the walk visits every connection (a power of two). */
        static final int STRIDE = 7919;
        /** Packets per clock reading in the {@code worker*} benchmarks. */
        static final int BURST = 32;

        final ByteBuffer work = ByteBuffer.allocateDirect(256);
        /** The {@code burst*} benchmarks' packets: one buffer per packet of a burst. */
        final ByteBuffer[] burst = new ByteBuffer[BURST];
        final Verdict[] verdicts = new Verdict[BURST];
        Flows flows;
        Worker worker;
        int next;
        int count;
        long now;

        @Setup(Level.Trial)
        public void setUp(Flows shared) {
            flows = shared;
            worker = shared.director.newWorker();
            for (int i = 0; i < BURST; i++) {
                burst[i] = ByteBuffer.allocateDirect(256);
            }
            // threads walk the flows from different places
            next = shared.threads.getAndIncrement() * (shared.connections / 2);
        }

        /** Copies packet {@code i} of {@code packets} into the working buffer and processes it. */
        Verdict process(byte[] packets, int i) {
            copy(packets, i);
            return flows.director.process(work);
        }

        /**
         * The same through a {@link Worker} (no thread-local lookup) that reads the director's clock
         * once per burst of {@link #BURST} packets, as an I/O loop draining a ring would.
         */
        Verdict processInBurst(byte[] packets, int i) {
            if ((count++ & (BURST - 1)) == 0) {
                now = flows.director.nanoTime();
            }
            copy(packets, i);
            return worker.process(work, 0, null, now);
        }

        /**
         * The next {@link #BURST} packets of the walk copied into the burst's buffers and processed in
         * one {@link Worker#process(ByteBuffer[], int, int, int[], NextHop[], Verdict[], long)} call.
         */
        Verdict processBurst(byte[] packets) {
            int length = flows.length;
            for (int k = 0; k < BURST; k++) {
                ByteBuffer b = burst[k];
                b.clear();
                b.put(packets, advance() * length, length);
                b.flip();
            }
            worker.process(burst, 0, BURST, null, null, verdicts, flows.director.nanoTime());
            return verdicts[BURST - 1];
        }

        /** Only the copy {@link #process} starts with: the packet walk's share of a director figure. */
        int copy(byte[] packets, int i) {
            work.clear();
            work.put(packets, i * flows.length, flows.length);
            work.flip();
            return work.limit();
        }

        /** The packets of the next connection of the walk. */
        int advance() {
            next = (next + STRIDE) & (flows.connections - 1);
            return next;
        }
    }

    @Benchmark
    public Verdict directorInbound(Lane lane) {
        return lane.process(lane.flows.inboundPackets, lane.advance());
    }

    @Benchmark
    public Verdict directorOutbound(Lane lane) {
        return lane.process(lane.flows.outboundPackets, lane.advance());
    }

    /**
     * The packet copy of {@link #directorInbound} alone, walking the same packets: with 1M
     * connections the packet array is far larger than the caches, so this includes a cache miss.
     */
    @Benchmark
    public int walkCopyOnly(Lane lane) {
        return lane.copy(lane.flows.inboundPackets, lane.advance());
    }

    /** {@link #directorInbound} through a worker, the clock read once per burst of 32 packets. */
    @Benchmark
    public Verdict workerInbound(Lane lane) {
        return lane.processInBurst(lane.flows.inboundPackets, lane.advance());
    }

    /** {@link #directorOutbound} through a worker, the clock read once per burst of 32 packets. */
    @Benchmark
    public Verdict workerOutbound(Lane lane) {
        return lane.processInBurst(lane.flows.outboundPackets, lane.advance());
    }

    /**
     * {@link #workerInbound} as bursts of {@link Lane#BURST} packets through the staged burst API, one
     * clock reading per burst; the score is per packet.
     */
    @Benchmark
    @OperationsPerInvocation(Lane.BURST)
    public Verdict burstInbound(Lane lane) {
        return lane.processBurst(lane.flows.inboundPackets);
    }

    /** {@link #workerOutbound} as bursts; the score is per packet. */
    @Benchmark
    @OperationsPerInvocation(Lane.BURST)
    public Verdict burstOutbound(Lane lane) {
        return lane.processBurst(lane.flows.outboundPackets);
    }

    /** One packet of the connection in a buffer of its own, described once: each reset puts the bytes back. */
    static final class Replay {
        private final byte[] packet;
        private final ByteBuffer buffer;
        private final FakeRewriteContext context;

        Replay(byte[] packet, boolean reply, FakeRewriteContext context) {
            this.packet = packet;
            this.buffer = ByteBuffer.allocateDirect(packet.length + 64);
            this.context = context;
            reset().packet(buffer, reply);
        }

        FakeRewriteContext reset() {
            buffer.clear();
            buffer.put(packet);
            buffer.flip();
            return context;
        }
    }
}
