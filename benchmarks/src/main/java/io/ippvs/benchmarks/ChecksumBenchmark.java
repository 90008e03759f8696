package io.ippvs.benchmarks;

import io.ippvs.core.checksum.Crc32c;
import io.ippvs.core.checksum.InternetChecksum;
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
 * The checksum work of a NAT rewrite: RFC 1624 incremental updates in place (destination port
 * and IPv4 address of a TCP segment, IPv6 address), against the full RFC 1071 sum and the
 * CRC32c of a 1500-byte packet. Expect 0 B/op under {@code -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChecksumBenchmark {

    private static final int LENGTH = 1500;
    private static final int IP_CHECKSUM = 10;
    private static final int IP_DESTINATION = 16;
    private static final int TCP_DESTINATION_PORT = 22;
    private static final int TCP_CHECKSUM = 36;

    @Param({"heap", "direct"})
    public String buffer;

    private ByteBuffer packet;
    private int flip;

    @Setup
    public void setup() {
        packet = "direct".equals(buffer) ? ByteBuffer.allocateDirect(LENGTH) : ByteBuffer.allocate(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            packet.put(i, (byte) (i * 31 + 7));
        }
    }

    /**
     * NAT in: destination port and address change, the TCP and IPv4 header checksums follow
     * incrementally. Alternates between two real servers so the buffer keeps changing.
     */
    @Benchmark
    public int incrementalPortAndAddressRewrite() {
        ByteBuffer b = packet;
        int newAddress = (flip ^= 1) == 0 ? 0x0a000064 : 0x0a000065;
        int newPort = 8080 + flip;
        int oldAddress = b.getInt(IP_DESTINATION);
        int oldPort = b.getShort(TCP_DESTINATION_PORT) & 0xFFFF;
        int tcp = b.getShort(TCP_CHECKSUM) & 0xFFFF;
        tcp = InternetChecksum.update16(tcp, oldPort, newPort);
        tcp = InternetChecksum.update32(tcp, oldAddress, newAddress);
        int ip = InternetChecksum.update32(b.getShort(IP_CHECKSUM) & 0xFFFF, oldAddress, newAddress);
        b.putInt(IP_DESTINATION, newAddress).putShort(TCP_DESTINATION_PORT, (short) newPort)
                .putShort(TCP_CHECKSUM, (short) tcp).putShort(IP_CHECKSUM, (short) ip);
        return tcp;
    }

    /** One 128-bit update (an IPv6 address), values only. */
    @Benchmark
    public int incrementalUpdate128() {
        int f = flip ^= 1;
        return InternetChecksum.update128(0x1234 + f, 0x20010db800000000L, 1L + f, 0x20010db8ffff0000L, 2L + f);
    }

    /** The full RFC 1071 sum of 1500 bytes. */
    @Benchmark
    public int fullSum1500() {
        return InternetChecksum.sum(packet, 0, LENGTH, 0);
    }

    /** CRC32c of 1500 bytes (SCTP). */
    @Benchmark
    public int crc32c1500() {
        return Crc32c.compute(packet, 0, LENGTH);
    }
}
