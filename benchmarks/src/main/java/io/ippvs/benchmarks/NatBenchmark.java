package io.ippvs.benchmarks;

import io.ippvs.api.Addresses;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServer;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.RewriteContext;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.Verdict;
import io.ippvs.core.director.Director;
import io.ippvs.core.director.Worker;
import io.ippvs.core.testing.FakeRealServer;
import io.ippvs.core.testing.PacketBuilder;
import io.ippvs.nat.NatRewriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
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
 * with one clock reading per burst of 32 packets. {@link #copyOnly} is the packet copy alone. The {@code rewriter*} benchmarks time the
 * {@link NatRewriter} alone behind a fixed context: the rewrite and checksum share of that cost.
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar NatBenchmark -f 1 -wi 2 -w 1s -i 3 -r 1s -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms3g", "-Xmx3g"})
public class NatBenchmark {

    @Param({"4", "6"})
    public int family;

    private final NatRewriter rewriter = NatRewriter.builder().build();
    private FixedContext inbound;
    private FixedContext outbound;
    private byte[] inboundPacket;
    private byte[] outboundPacket;

    /** Builds the two packets of one established connection. */
    @Setup(Level.Trial)
    public void setUp() throws UnknownHostException {
        boolean v6 = family == 6;
        InetAddress client = InetAddress.getByName(v6 ? "2001:db8:c::7" : "198.51.100.7");
        InetAddress virtual = InetAddress.getByName(v6 ? "2001:db8:1::1" : "192.0.2.1");
        InetAddress server = InetAddress.getByName(v6 ? "2001:db8:2::2" : "10.1.1.2");
        inboundPacket = tcp(client, virtual, 40000, 80, PacketBuilder.ACK, 1000, 2000, 20);
        outboundPacket = tcp(server, client, 8080, 40000, PacketBuilder.ACK, 2000, 1020, 20);
        inbound = new FixedContext(inboundPacket, false, client, 40000, virtual, 80, server, 8080);
        outbound = new FixedContext(outboundPacket, true, client, 40000, virtual, 80, server, 8080);
    }

    /** A TCP segment with {@code payload} zero bytes. */
    static byte[] tcp(InetAddress src, InetAddress dst, int sport, int dport, int flags, long seq, long ack, int payload) {
        String s = src.getHostAddress();
        String d = dst.getHostAddress();
        PacketBuilder p = src.getAddress().length == 4 ? PacketBuilder.ipv4(s, d) : PacketBuilder.ipv6(s, d);
        return p.tcp(sport, dport).flags(flags).seq(seq).ack(ack).payload(new byte[payload]).bytes();
    }

    @Benchmark
    public Verdict rewriterInbound() {
        return rewriter.rewrite(inbound.reset());
    }

    @Benchmark
    public Verdict rewriterOutbound() {
        return rewriter.rewrite(outbound.reset());
    }

    /**
     * Copying the untouched packet into the working buffer, which every benchmark here does first:
     * subtract it to see the rewriter's (or the director's) own share.
     */
    @Benchmark
    public int copyOnly() {
        return inbound.reset().buffer().limit();
    }

    // ---------------------------------------------------------------- through the director

    /**
     * A director holding {@code connections} established connections of one client and the packets
     * of each in both directions, laid out back to back in one array.
     */
    @State(Scope.Thread)
    public static class Flows {
        /** Established connections, so each packet exercises parse, lookup, state, rewrite, checksums. */
        @Param({"1024", "1048576"})
        public int connections;

        /** Between consecutive packets: odd, so the walk visits every connection (a power of two). */
        static final int STRIDE = 7919;

        Director director;
        byte[] inboundPackets;
        byte[] outboundPackets;
        int length;
        ByteBuffer work;
        int next;
        Worker worker;
        int count;
        long now;

        /** Packets per clock reading in the {@code worker*} benchmarks. */
        static final int BURST = 32;

        @Setup(Level.Trial)
        public void setUp(NatBenchmark bench) throws UnknownHostException {
            if (Integer.bitCount(connections) != 1) {
                throw new IllegalArgumentException("connections: " + connections + " is not a power of two");
            }
            boolean v6 = bench.family == 6;
            InetAddress client = InetAddress.getByName(v6 ? "2001:db8:c::7" : "198.51.100.7");
            InetAddress virtual = InetAddress.getByName(v6 ? "2001:db8:1::1" : "192.0.2.1");
            InetAddress server = InetAddress.getByName(v6 ? "2001:db8:2::2" : "10.1.1.2");
            director = Director.builder().maxConnections(connections * 4).rewriter(NatRewriter.builder().build()).build();
            ServiceKey key = ServiceKey.of(Protocol.TCP, virtual, 80);
            director.addService(ServiceConfig.builder(key).scheduler("rr").build());
            director.addRealServer(key, RealServerConfig.builder(server, 8080).forwardingMethod(ForwardingMethod.MASQUERADE).build());
            work = ByteBuffer.allocateDirect(256);
            length = tcp(client, virtual, 10000, 80, PacketBuilder.ACK, 1001, 5001, 20).length;
            inboundPackets = new byte[connections * length];
            outboundPackets = new byte[connections * length];
            for (int i = 0; i < connections; i++) {
                // client ports 1024.. and further client addresses past 64512 connections
                InetAddress c = i < 64512 ? client : clientNumber(v6, i / 64512);
                int port = 1024 + i % 64512;
                // handshake: SYN in, SYN-ACK out, ACK in makes the connection ESTABLISHED
                handshake(tcp(c, virtual, port, 80, PacketBuilder.SYN, 1000, 0, 0));
                handshake(tcp(server, c, 8080, port, PacketBuilder.SYN | PacketBuilder.ACK, 5000, 1001, 0));
                handshake(tcp(c, virtual, port, 80, PacketBuilder.ACK, 1001, 5001, 0));
                System.arraycopy(tcp(c, virtual, port, 80, PacketBuilder.ACK, 1001, 5001, 20), 0, inboundPackets,
                        i * length, length);
                System.arraycopy(tcp(server, c, 8080, port, PacketBuilder.ACK, 5001, 1021, 20), 0, outboundPackets,
                        i * length, length);
            }
            if (director.connectionCount() < connections) {
                throw new IllegalStateException("only " + director.connectionCount() + " connections established");
            }
            worker = director.newWorker();
            for (int i = 0; i < connections; i++) {
                if (!process(inboundPackets, i).isForward() || !process(outboundPackets, i).isForward()) {
                    throw new IllegalStateException("established flow " + i + " is not forwarded");
                }
            }
        }

        private static InetAddress clientNumber(boolean v6, int n) throws UnknownHostException {
            return InetAddress.getByName(v6 ? "2001:db8:d::" + Integer.toHexString(n) : "198.51." + (101 + n / 250) + "." + (n % 250 + 1));
        }

        private void handshake(byte[] packet) {
            work.clear();
            work.put(packet);
            work.flip();
            if (!director.process(work).isForward()) {
                throw new IllegalStateException("a handshake packet was not forwarded");
            }
        }

        /** Copies packet {@code i} of {@code packets} into the working buffer and processes it. */
        Verdict process(byte[] packets, int i) {
            work.clear();
            work.put(packets, i * length, length);
            work.flip();
            return director.process(work);
        }

        /**
         * The same through a {@link Worker} (no thread-local lookup) that reads the director's clock
         * once per burst of {@link #BURST} packets, as an I/O loop draining a ring would.
         */
        Verdict processInBurst(byte[] packets, int i) {
            if ((count++ & (BURST - 1)) == 0) {
                now = director.nanoTime();
            }
            work.clear();
            work.put(packets, i * length, length);
            work.flip();
            return worker.process(work, 0, null, now);
        }

        /** The packets of the next connection of the walk. */
        int advance() {
            next = (next + STRIDE) & (connections - 1);
            return next;
        }
    }

    @Benchmark
    public Verdict directorInbound(Flows flows) {
        return flows.process(flows.inboundPackets, flows.advance());
    }

    @Benchmark
    public Verdict directorOutbound(Flows flows) {
        return flows.process(flows.outboundPackets, flows.advance());
    }

    /** {@link #directorInbound} through a worker, the clock read once per burst of 32 packets. */
    @Benchmark
    public Verdict workerInbound(Flows flows) {
        return flows.processInBurst(flows.inboundPackets, flows.advance());
    }

    /** {@link #directorOutbound} through a worker, the clock read once per burst of 32 packets. */
    @Benchmark
    public Verdict workerOutbound(Flows flows) {
        return flows.processInBurst(flows.outboundPackets, flows.advance());
    }

    /** A context for one connection and one packet, as the director would fill it. */
    static final class FixedContext implements RewriteContext {
        private final byte[] packet;
        private final ByteBuffer buffer;
        private final boolean reply;
        private final int family;
        private final long cHigh;
        private final long cLow;
        private final int cPort;
        private final long vHigh;
        private final long vLow;
        private final int vPort;
        private final long dHigh;
        private final long dLow;
        private final int dPort;
        private final RealServer server;

        FixedContext(byte[] packet, boolean reply, InetAddress client, int cPort, InetAddress virtual, int vPort,
                InetAddress server, int dPort) {
            this.packet = packet;
            this.buffer = ByteBuffer.allocateDirect(packet.length + 64);
            this.reply = reply;
            this.family = Addresses.family(client);
            this.cHigh = Addresses.high(client);
            this.cLow = Addresses.low(client);
            this.cPort = cPort;
            this.vHigh = Addresses.high(virtual);
            this.vLow = Addresses.low(virtual);
            this.vPort = vPort;
            this.dHigh = Addresses.high(server);
            this.dLow = Addresses.low(server);
            this.dPort = dPort;
            this.server = new FakeRealServer(RealServerConfig.builder(server, dPort).forwardingMethod(ForwardingMethod.MASQUERADE).build());
        }

        FixedContext reset() {
            buffer.clear();
            buffer.put(packet);
            buffer.flip();
            return this;
        }

        @Override
        public ByteBuffer buffer() {
            return buffer;
        }

        @Override
        public int addressFamily() {
            return family;
        }

        @Override
        public int l3Offset() {
            return 0;
        }

        @Override
        public int l4Offset() {
            return family == Addresses.IPV4 ? 20 : 40;
        }

        @Override
        public int protocol() {
            return 6;
        }

        @Override
        public boolean reply() {
            return reply;
        }

        @Override
        public boolean icmpError() {
            return false;
        }

        @Override
        public int innerL3Offset() {
            return -1;
        }

        @Override
        public int innerL4Offset() {
            return -1;
        }

        @Override
        public long clientAddressHigh() {
            return cHigh;
        }

        @Override
        public long clientAddressLow() {
            return cLow;
        }

        @Override
        public int clientPort() {
            return cPort;
        }

        @Override
        public long virtualAddressHigh() {
            return vHigh;
        }

        @Override
        public long virtualAddressLow() {
            return vLow;
        }

        @Override
        public int virtualPort() {
            return vPort;
        }

        @Override
        public long destinationAddressHigh() {
            return dHigh;
        }

        @Override
        public long destinationAddressLow() {
            return dLow;
        }

        @Override
        public int destinationPort() {
            return dPort;
        }

        @Override
        public RealServer realServer() {
            return server;
        }

        @Override
        public long nanoTime() {
            return 0;
        }

        @Override
        public Object attachment() {
            return null;
        }

        @Override
        public void attach(Object value) {
            // no helper runs on port 80
        }

        @Override
        public boolean expectConnection(Protocol protocol, int clientPort, int virtualPort, int destinationPort) {
            return false;
        }
    }
}
