package io.ippvs.benchmarks;

import io.ippvs.core.header.Ipv4Header;
import io.ippvs.core.header.TcpHeader;
import io.ippvs.core.checksum.InternetChecksum;
import io.ippvs.core.packet.PacketInfo;
import io.ippvs.core.packet.PacketParser;
import io.ippvs.core.packet.ParseStatus;
import java.nio.ByteBuffer;
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
 * Parsing an established-flow IPv4/TCP packet (ACK with timestamps and 100 bytes of data) into a
 * reused PacketInfo, with and without checksum verification, from heap and direct buffers behind
 * 64 bytes of headroom. Expect 0 B/op under {@code -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ParseBenchmark {

    private static final int HEADROOM = 64;
    private static final int TCP_HEADER = 32;
    private static final int PAYLOAD = 100;

    @Param({"heap", "direct"})
    public String buffer;

    private final PacketParser trusting = new PacketParser(false);
    private final PacketParser verifying = new PacketParser(true);
    private final PacketInfo info = new PacketInfo();
    private ByteBuffer packet;

    /** Builds the packet with the production flyweights. */
    @Setup
    public void setup() {
        int length = Ipv4Header.MIN_LENGTH + TCP_HEADER + PAYLOAD;
        packet = "direct".equals(buffer) ? ByteBuffer.allocateDirect(HEADROOM + length) : ByteBuffer.allocate(HEADROOM + length);
        for (int i = 0; i < PAYLOAD; i++) {
            packet.put(HEADROOM + Ipv4Header.MIN_LENGTH + TCP_HEADER + i, (byte) (i * 7));
        }
        Ipv4Header ip = new Ipv4Header().wrap(packet, HEADROOM);
        ip.version(4).headerLength(Ipv4Header.MIN_LENGTH).totalLength(length).identification(0x1234).dontFragment(true)
                .ttl(64).protocol(6).sourceAddress(0xc6336407).destinationAddress(0xcb00710a).updateChecksum();
        TcpHeader tcp = new TcpHeader().wrap(packet, ip.payloadOffset());
        tcp.sourcePort(51000).destinationPort(80).sequenceNumber(0x12345678L).acknowledgmentNumber(0x9abcdef0L)
                .headerLength(TCP_HEADER).flags(TcpHeader.ACK | TcpHeader.PSH).window(502);
        // NOP NOP timestamps, as Linux sends on an established flow
        int o = tcp.optionsOffset();
        packet.put(o, (byte) 1).put(o + 1, (byte) 1).put(o + 2, (byte) 8).put(o + 3, (byte) 10).putLong(o + 4, 0x0102030405060708L);
        int tcpLength = TCP_HEADER + PAYLOAD;
        tcp.checksum(InternetChecksum.checksum(packet, tcp.offset(), tcpLength,
                InternetChecksum.pseudoHeaderV4(packet, HEADROOM, 6, tcpLength)));
        packet.position(HEADROOM).limit(HEADROOM + length);
        if (verifying.parse(packet, info) != ParseStatus.OK) {
            throw new IllegalStateException("the benchmark packet does not parse");
        }
    }

    @Benchmark
    public ParseStatus parseIpv4Tcp() {
        return trusting.parse(packet, info);
    }

    @Benchmark
    public ParseStatus parseIpv4TcpVerifyingChecksums() {
        return verifying.parse(packet, info);
    }
}
