package io.ippvs.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PacketBuilderTest {

    @Test
    void ipv4TcpSynLaidOutByteByByte() {
        byte[] p = PacketBuilder.ipv4("192.168.0.1", "192.168.0.199").id(0x1234).dontFragment(true).ttl(64)
                .tcp(40000, 80).flags(PacketBuilder.SYN).seq(0x01020304L).window(29200)
                .tcpOptions(PacketBuilder.mss(1460)).bytes();
        assertThat(p).hasSize(44);
        assertThat(ChecksumVerifierTest.hex("4500002c123440004006")).isEqualTo(java.util.Arrays.copyOf(p, 10));
        assertThat(java.util.Arrays.copyOfRange(p, 12, 20)).isEqualTo(ChecksumVerifierTest.hex("c0a80001c0a800c7"));
        assertThat(java.util.Arrays.copyOfRange(p, 20, 34)).isEqualTo(ChecksumVerifierTest.hex("9c400050010203040000000060 02".replace(" ", "")));
        assertThat(java.util.Arrays.copyOfRange(p, 40, 44)).isEqualTo(ChecksumVerifierTest.hex("020405b4"));
        ChecksumVerifier.assertValid(p);
    }

    @Test
    void ipv6ExtensionChainIsLinked() {
        byte[] p = PacketBuilder.ipv6("2001:db8::1", "2001:db8::2").hopByHop().routing(4, 0, new byte[12])
                .destinationOptions().fragmentHeader(0, false, 77).udp(5, 6).payload("x").bytes();
        assertThat(p[6]).isEqualTo((byte) 0);      // IPv6 -> hop-by-hop
        assertThat(p[40]).isEqualTo((byte) 43);    // hop-by-hop -> routing
        assertThat(p[48]).isEqualTo((byte) 60);    // routing (16 bytes) -> destination options
        assertThat(p[49]).isEqualTo((byte) 1);
        assertThat(p[64]).isEqualTo((byte) 44);    // destination options -> fragment
        assertThat(p[72]).isEqualTo((byte) 17);    // fragment -> UDP
        assertThat(ChecksumVerifier.u16(p, 4)).isEqualTo(p.length - 40);
        ChecksumVerifier.assertValid(p);
    }

    @Test
    void buffersHaveHeadroomAndTailroom() {
        PacketBuilder b = PacketBuilder.ipv4("10.0.0.1", "10.0.0.2").udp(1, 2).payload("abc");
        for (boolean direct : new boolean[] {false, true}) {
            ByteBuffer buf = b.buffer(direct, 64, 32);
            assertThat(buf.isDirect()).isEqualTo(direct);
            assertThat(buf.position()).isEqualTo(64);
            assertThat(buf.remaining()).isEqualTo(31);
            assertThat(buf.capacity()).isEqualTo(64 + 31 + 32);
            assertThat(ChecksumVerifier.toBytes(buf)).isEqualTo(b.bytes());
        }
    }

    @Test
    void pcapHasRawLinkTypeAndRecords(@TempDir Path dir) throws Exception {
        byte[] p = PacketBuilder.ipv4("10.0.0.1", "10.0.0.2").udp(1, 2).bytes();
        Path file = dir.resolve("x.pcap");
        Pcap.write(file, List.of(p, p));
        ByteBuffer f = ByteBuffer.wrap(Files.readAllBytes(file)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThat(f.getInt(0)).isEqualTo(0xA1B2C3D4);
        assertThat(f.getInt(20)).isEqualTo(Pcap.LINKTYPE_RAW);
        assertThat(f.capacity()).isEqualTo(24 + 2 * (16 + p.length));
        assertThat(f.getInt(24 + 8)).isEqualTo(p.length);
    }
}
