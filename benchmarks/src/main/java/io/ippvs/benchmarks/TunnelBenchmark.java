package io.ippvs.benchmarks;

import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServer;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.TunnelChecksum;
import io.ippvs.api.TunnelType;
import io.ippvs.api.Verdict;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.core.director.Director;
import io.ippvs.core.testing.FakeRealServer;
import io.ippvs.core.testing.FakeRewriteContext;
import io.ippvs.tunnel.DecapStatus;
import io.ippvs.tunnel.Decapsulator;
import io.ippvs.tunnel.TunnelRewriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encapsulation of an established IPv4/TCP flow (a 52-byte ACK with 12 bytes of payload) by the tunnel
 * rewriter: IPIP, GUE without and with the UDP checksum, GRE. Each invocation first restores the
 * inner packet in the buffer (the rewriter decrements its TTL); {@link #resetOnly} measures that
 * restore alone, to subtract. {@code director*} run the whole director (parse, lookup, TCP state,
 * counters, encapsulation) on the established flow, one virtual service per encapsulation. Run with
 * {@code -prof gc}: every benchmark must show 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class TunnelBenchmark {

    private static final int HEADROOM = 64;

    private final byte[] packet = tcpPacket();
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(2048);
    private TunnelRewriter rewriter;
    private FakeRewriteContext ipip;
    private FakeRewriteContext gue;
    private FakeRewriteContext gueChecksum;
    private FakeRewriteContext gre;
    private final byte[] guePacket = tcpPacket();
    private Director director;
    private Decapsulator decapsulator;
    private byte[] ipipPacket;
    private byte[] guePacketOuter;

    @Setup
    public void setUp() throws UnknownHostException {
        rewriter = TunnelRewriter.builder().sourceAddress(InetAddress.getByName("10.0.0.2")).build();
        // what the director would pass for this established flow; every reset puts the same bytes back
        reset();
        ipip = FakeRewriteContext.fromPacket(buffer, server(TunnelType.IPIP, 0, TunnelChecksum.NONE), 0);
        gue = FakeRewriteContext.fromPacket(buffer, server(TunnelType.GUE, 6080, TunnelChecksum.NONE), 0);
        gueChecksum = FakeRewriteContext.fromPacket(buffer, server(TunnelType.GUE, 6080, TunnelChecksum.CHECKSUM), 0);
        gre = FakeRewriteContext.fromPacket(buffer, server(TunnelType.GRE, 0, TunnelChecksum.NONE), 0);

        prepareDecapsulation();
        director = Director.builder().rewriter(rewriter).maxConnections(1024).build();
        InetAddress vip = InetAddress.getByName("198.51.100.1");
        ServiceKey ipipService = ServiceKey.of(Protocol.TCP, vip, 80);
        ServiceKey gueService = ServiceKey.of(Protocol.TCP, vip, 81);
        director.addService(ServiceConfig.builder(ipipService).build());
        director.addService(ServiceConfig.builder(gueService).build());
        director.addRealServer(ipipService, server(TunnelType.IPIP, 0, TunnelChecksum.NONE).config());
        director.addRealServer(gueService, server(TunnelType.GUE, 6080, TunnelChecksum.NONE).config());
        // the GUE flow goes to port 81: same packet, other port, TCP checksum adjusted (-1 on the port word)
        ByteBuffer g = ByteBuffer.wrap(guePacket);
        g.putShort(22, (short) 81);
        g.putShort(36, (short) (g.getShort(36) - 1));
        for (byte[] p : new byte[][] {packet, guePacket}) {
            byte[] syn = p.clone();
            ByteBuffer b = ByteBuffer.wrap(syn);
            // ACK|PSH (0x18) -> SYN (0x02): the flags byte is the low byte of the word at 32
            b.put(33, (byte) 0x02);
            b.putShort(36, (short) (b.getShort(36) + 0x16));
            ByteBuffer in = ByteBuffer.allocate(256);
            in.position(HEADROOM);
            in.put(syn).flip().position(HEADROOM);
            Verdict v = director.process(in);
            if (!v.isForward()) {
                throw new IllegalStateException("SYN not forwarded: " + v);
            }
        }
    }

    private void prepareDecapsulation() throws UnknownHostException {
        decapsulator = Decapsulator.builder().localAddress(InetAddress.getByName("10.0.0.21"))
                .accept(TunnelType.IPIP, TunnelType.GUE).guePort(6080).build();
        reset();
        rewriter.rewrite(ipip);
        ipipPacket = new byte[buffer.remaining()];
        buffer.get(buffer.position(), ipipPacket);
        reset();
        rewriter.rewrite(gueChecksum);
        guePacketOuter = new byte[buffer.remaining()];
        buffer.get(buffer.position(), guePacketOuter);
        if (decapsulateIpip() != DecapStatus.OK || decapsulateGueWithChecksum() != DecapStatus.OK) {
            throw new IllegalStateException("the prepared tunnel packets do not decapsulate");
        }
    }

    /** The real server's end: IPIP outer header checked and stripped. */
    @Benchmark
    public DecapStatus decapsulateIpip() {
        reset(ipipPacket);
        return decapsulator.decapsulate(buffer);
    }

    /** The real server's end: GUE with its UDP checksum verified over the whole packet. */
    @Benchmark
    public DecapStatus decapsulateGueWithChecksum() {
        reset(guePacketOuter);
        return decapsulator.decapsulate(buffer);
    }

    private void reset(byte[] p) {
        buffer.limit(HEADROOM + p.length);
        buffer.put(HEADROOM, p, 0, p.length);
        buffer.position(HEADROOM);
    }

    @Benchmark
    public Verdict directorIpip() {
        reset(packet);
        return director.process(buffer);
    }

    @Benchmark
    public Verdict directorGue() {
        reset(guePacket);
        return director.process(buffer);
    }

    private void reset() {
        buffer.limit(HEADROOM + packet.length);
        buffer.put(HEADROOM, packet, 0, packet.length);
        buffer.position(HEADROOM);
    }

    @Benchmark
    public int resetOnly() {
        reset();
        return buffer.position();
    }

    @Benchmark
    public Verdict ipip() {
        reset();
        return rewriter.rewrite(ipip);
    }

    @Benchmark
    public Verdict gue() {
        reset();
        return rewriter.rewrite(gue);
    }

    @Benchmark
    public Verdict gueWithChecksum() {
        reset();
        return rewriter.rewrite(gueChecksum);
    }

    @Benchmark
    public Verdict gre() {
        reset();
        return rewriter.rewrite(gre);
    }

    private static RealServer server(TunnelType type, int port, TunnelChecksum checksum) throws UnknownHostException {
        return new FakeRealServer(RealServerConfig.builder(InetAddress.getByName("10.0.0.21"), 0)
                .forwardingMethod(ForwardingMethod.TUNNEL).tunnelType(type).tunnelPort(port).tunnelChecksum(checksum).build())
                .stats(null);
    }

    /** 192.0.2.10:40000 -> 198.51.100.1:80, ACK|PSH, "hello tunnel", DF, TTL 64, valid checksums. */
    private static byte[] tcpPacket() {
        byte[] p = new byte[52];
        ByteBuffer b = ByteBuffer.wrap(p);
        b.putInt(0, 0x45000034);
        b.putInt(4, 0x42424000);
        b.putInt(8, 0x40060000);
        b.putInt(12, 0xC000020A);
        b.putInt(16, 0xC6336401);
        b.putInt(20, (40000 << 16) | 80);
        b.putInt(24, 1000);
        b.putInt(28, 2000);
        b.putInt(32, 0x5018FFFF);
        b.put(40, "hello tunnel".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.putShort(10, (short) checksum(p, 0, 20, 0));
        int pseudo = 0xC000 + 0x020A + 0xC633 + 0x6401 + 6 + 32;
        b.putShort(36, (short) checksum(p, 20, 32, pseudo));
        return p;
    }

    private static int checksum(byte[] p, int from, int length, int initial) {
        long sum = initial;
        for (int i = from; i < from + length; i += 2) {
            sum += ((p[i] & 0xFF) << 8) | (p[i + 1] & 0xFF);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) (~sum & 0xFFFF);
    }
}
