package io.ippvs.core.checksum;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.testkit.ChecksumVerifier;
import io.ippvs.testkit.PacketBuilder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class Crc32cTest {

    @Test
    void rfc3720Vectors() {
        assertThat(Crc32c.compute(ByteBuffer.wrap("123456789".getBytes(StandardCharsets.US_ASCII)), 0, 9))
                .isEqualTo(0xe3069283);
        assertThat(Crc32c.compute(ByteBuffer.allocateDirect(32), 0, 32)).isEqualTo(0x8a9136aa);
        byte[] ones = new byte[32];
        java.util.Arrays.fill(ones, (byte) 0xFF);
        assertThat(Crc32c.compute(ByteBuffer.wrap(ones), 0, 32)).isEqualTo(0x62a8ab43);
        byte[] inc = new byte[32];
        for (int i = 0; i < 32; i++) {
            inc[i] = (byte) i;
        }
        assertThat(Crc32c.compute(ByteBuffer.wrap(inc), 0, 32)).isEqualTo(0x46dd794e);
        assertThat(Crc32c.updateZeros(0, 32)).isEqualTo(0x8a9136aa);
    }

    @Property(tries = 2000)
    void agreesWithTheJdk(@ForAll @Size(max = 300) byte[] data, @ForAll @IntRange(max = 7) int shift, @ForAll boolean direct) {
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(data.length + 8) : ByteBuffer.allocate(data.length + 8);
        b.put(shift, data);
        java.util.zip.CRC32C jdk = new java.util.zip.CRC32C();
        jdk.update(data);
        assertThat(Crc32c.compute(b, shift, data.length)).isEqualTo((int) jdk.getValue());
        assertThat(Crc32c.update(0, b, shift, data.length)).isEqualTo((int) jdk.getValue());
        int half = data.length / 2;
        assertThat(Crc32c.update(Crc32c.update(0, b, shift, half), b, shift + half, data.length - half))
                .isEqualTo((int) jdk.getValue());
    }

    @Test
    void readOnlyAndDirectBuffersKeepTheirPositionAndAreBoundedByTheLimit() {
        byte[] p = PacketBuilder.ipv4("10.0.0.1", "10.0.0.2").sctp(1, 2, 3).chunk(1, 0, new byte[20]).bytes();
        ByteBuffer heap = ByteBuffer.wrap(p);
        int expected = heap.getInt(28);
        for (ByteBuffer b : new ByteBuffer[] {ByteBuffer.allocateDirect(p.length).put(p).flip(),
            heap.asReadOnlyBuffer(), ByteBuffer.allocateDirect(p.length + 9).put(p).flip()}) {
            b.position(3);
            assertThat(Crc32c.sctpChecksum(b, 20, p.length - 20)).isEqualTo(expected);
            assertThat(Crc32c.sctpChecksum(b, 20, p.length - 20)).isEqualTo(expected); // the cached view
            assertThat(b.position()).isEqualTo(3);
            assertThat(b.limit()).isEqualTo(p.length);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Crc32c.compute(b, 20, p.length - 19))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Crc32c.sctpChecksum(heap, 20, 11))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("length: ");
    }

    @Test
    void sctpChecksumMatchesTheVerifier() {
        byte[] p = PacketBuilder.ipv4("10.0.0.1", "10.0.0.2").sctp(5000, 80, 0x11223344L)
                .chunk(PacketBuilder.SCTP_INIT, 0, PacketBuilder.initChunkValue(7, 65536, 10, 10, 99)).bytes();
        ByteBuffer b = ByteBuffer.wrap(p);
        assertThat(Crc32c.sctpChecksum(b, 20, p.length - 20)).isEqualTo(b.getInt(28));
        b.putInt(28, 0xdeadbeef);
        assertThat(ChecksumVerifier.valid(p)).isFalse();
        b.putInt(28, Crc32c.sctpChecksum(b, 20, p.length - 20));
        ChecksumVerifier.assertValid(p);
    }
}
