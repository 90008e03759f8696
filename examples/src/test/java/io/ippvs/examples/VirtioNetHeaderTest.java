package io.ippvs.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.Offload;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The byte layout of {@code struct virtio_net_hdr} from {@code include/uapi/linux/virtio_net.h}. */
class VirtioNetHeaderTest {

    @Test
    void aTso4SuperPacketWithAPartialChecksumReadsAsTheKernelWroteIt() {
        // flags NEEDS_CSUM, gso_type TCPV4|ECN, hdr_len 66, gso_size 1448, csum_start 20, csum_offset 16; little endian
        ByteBuffer b = ByteBuffer.wrap(new byte[] {1, (byte) 0x81, 66, 0, (byte) 0xA8, 5, 20, 0, 16, 0});
        Offload o = new Offload();
        assertThat(VirtioNetHeader.read(b, 0, true, o)).isTrue();
        assertThat(o.checksumPartial()).isTrue();
        assertThat(o.checksumStart()).isEqualTo(20);
        assertThat(o.checksumOffset()).isEqualTo(16);
        assertThat(o.gsoType()).isEqualTo(Offload.GSO_TCPV4);
        assertThat(o.gsoEcn()).isTrue();
        assertThat(o.segmentSize()).isEqualTo(1448);
        assertThat(o.headerLength()).isEqualTo(66);
    }

    @Test
    void bigEndianSwapsEachSixteenBitField() {
        ByteBuffer b = ByteBuffer.wrap(new byte[] {1, 4, 0, 86, 5, (byte) 0xA0, 0, 40, 0, 16});
        Offload o = new Offload();
        assertThat(VirtioNetHeader.read(b, 0, false, o)).isTrue();
        assertThat(o.gsoType()).isEqualTo(Offload.GSO_TCPV6);
        assertThat(o.segmentSize()).isEqualTo(1440);
        assertThat(o.headerLength()).isEqualTo(86);
        assertThat(o.checksumStart()).isEqualTo(40);
    }

    @Test
    void aPlainOrDataValidHeaderIsAPlainPacketAndAnUnknownFlagIsRefused() {
        Offload o = new Offload();
        o.checksumPartial(1, 2);
        assertThat(VirtioNetHeader.read(ByteBuffer.wrap(new byte[10]), 0, true, o)).isTrue();
        assertThat(o.isPlain()).isTrue();
        assertThat(VirtioNetHeader.read(ByteBuffer.wrap(new byte[] {2, 0, 0, 0, 0, 0, 0, 0, 0, 0}), 0, true, o)).isTrue();
        assertThat(o.isPlain()).isTrue();
        assertThat(VirtioNetHeader.read(ByteBuffer.wrap(new byte[] {4, 0, 0, 0, 0, 0, 0, 0, 0, 0}), 0, true, o)).isFalse();
    }

    @Test
    void writingGivesTheKernelsLayoutAndZeroesAMergeableHeadersNumBuffers() {
        Offload o = new Offload();
        o.checksumPartial(40, 6);
        o.segmentation(Offload.GSO_UDP_L4, 1200, 48);
        ByteBuffer b = ByteBuffer.wrap(new byte[12]);
        b.put(10, (byte) 7).put(11, (byte) 7);
        VirtioNetHeader.write(o, b, 0, 12, true);
        assertThat(b.array()).containsExactly(1, 5, 48, 0, (byte) 0xB0, 4, 40, 0, 6, 0, 0, 0);
        VirtioNetHeader.write(null, b, 0, 10, true);
        assertThat(b.array()).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
}
