package io.ippvs.examples;

import io.ippvs.api.Offload;
import java.nio.ByteBuffer;

/**
 * The {@code struct virtio_net_hdr} a TUN device with {@code IFF_VNET_HDR} puts in front of every
 * packet it reads and expects in front of every packet written, translated to and from the api's
 * {@link Offload} facts. The layout, from {@code include/uapi/linux/virtio_net.h}:
 *
 * <pre>
 * struct virtio_net_hdr {
 *     __u8 flags;          // VIRTIO_NET_HDR_F_NEEDS_CSUM 1, VIRTIO_NET_HDR_F_DATA_VALID 2
 *     __u8 gso_type;       // VIRTIO_NET_HDR_GSO_NONE 0, _TCPV4 1, _UDP 3, _TCPV6 4, _UDP_L4 5; | _ECN 0x80
 *     __virtio16 hdr_len;  // bytes 2..3
 *     __virtio16 gso_size; // bytes 4..5
 *     __virtio16 csum_start;  // bytes 6..7
 *     __virtio16 csum_offset; // bytes 8..9
 * };                       // 10 bytes; virtio_net_hdr_mrg_rxbuf adds __virtio16 num_buffers (12)
 * </pre>
 *
 * A TUN device without {@code TUNSETVNETLE}/{@code TUNSETVNETBE} uses the legacy byte order, the
 * host's ({@code tun_legacy_is_little_endian}); {@link TunDevice} passes {@code littleEndian} accordingly.
 * Offsets are relative to the IP header, the first byte a TUN (not TAP) device gives, which is what
 * {@link Offload} uses too: the translation is a copy.
 */
final class VirtioNetHeader {

    /** {@code sizeof(struct virtio_net_hdr)}: what TUN expects unless {@code TUNSETVNETHDRSZ} says otherwise. */
    static final int SIZE = 10;
    /** {@code VIRTIO_NET_HDR_F_NEEDS_CSUM}. */
    static final int F_NEEDS_CSUM = 1;
    /** {@code VIRTIO_NET_HDR_F_DATA_VALID}: the checksum was verified; nothing to do for a forwarder. */
    static final int F_DATA_VALID = 2;

    private VirtioNetHeader() {}

    /**
     * Reads the header at {@code [at, at + SIZE)} into {@code offload}, cleared first.
     *
     * @return false when the header asks for what {@link Offload} cannot say (a flag other than
     *     NEEDS_CSUM / DATA_VALID): the packet is not to be processed
     */
    static boolean read(ByteBuffer b, int at, boolean littleEndian, Offload offload) {
        offload.clear();
        int flags = b.get(at) & 0xFF;
        int gsoType = b.get(at + 1) & 0xFF;
        if ((flags & ~(F_NEEDS_CSUM | F_DATA_VALID)) != 0) {
            return false;
        }
        if ((flags & F_NEEDS_CSUM) != 0) {
            offload.checksumPartial(u16(b, at + 6, littleEndian), u16(b, at + 8, littleEndian));
        }
        if ((gsoType & ~Offload.GSO_ECN) != Offload.GSO_NONE) {
            offload.segmentation(gsoType, u16(b, at + 4, littleEndian), u16(b, at + 2, littleEndian));
        }
        return true;
    }

    /**
     * Writes {@code offload} as a header at {@code [at, at + size)}; bytes past the first
     * {@link #SIZE} (a 12-byte header's {@code num_buffers}) are zero.
     */
    static void write(Offload offload, ByteBuffer b, int at, int size, boolean littleEndian) {
        boolean partial = offload != null && offload.checksumPartial();
        boolean gso = offload != null && offload.segmented();
        b.put(at, (byte) (partial ? F_NEEDS_CSUM : 0));
        b.put(at + 1, (byte) (gso ? offload.gsoTypeField() : Offload.GSO_NONE));
        put16(b, at + 2, offload == null ? 0 : offload.headerLength(), littleEndian);
        put16(b, at + 4, gso ? offload.segmentSize() : 0, littleEndian);
        put16(b, at + 6, partial ? offload.checksumStart() : 0, littleEndian);
        put16(b, at + 8, partial ? offload.checksumOffset() : 0, littleEndian);
        for (int i = SIZE; i < size; i++) {
            b.put(at + i, (byte) 0);
        }
    }

    private static int u16(ByteBuffer b, int at, boolean littleEndian) {
        int lo = b.get(littleEndian ? at : at + 1) & 0xFF;
        int hi = b.get(littleEndian ? at + 1 : at) & 0xFF;
        return hi << 8 | lo;
    }

    private static void put16(ByteBuffer b, int at, int value, boolean littleEndian) {
        b.put(littleEndian ? at : at + 1, (byte) value);
        b.put(littleEndian ? at + 1 : at, (byte) (value >>> 8));
    }
}
