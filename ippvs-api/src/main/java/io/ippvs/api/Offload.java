package io.ippvs.api;

/**
 * What an I/O layer with checksum and segmentation offload knows about one packet beyond its bytes:
 * the facts of a Linux {@code struct virtio_net_hdr} (as a TUN/TAP device with {@code IFF_VNET_HDR}
 * hands them over), in the same numbers, so that translating one into the other is a copy.
 *
 * <h2>The two facts</h2>
 * <ul>
 *   <li><b>Checksum partial</b> ({@code VIRTIO_NET_HDR_F_NEEDS_CSUM}, the kernel's
 *       {@code CHECKSUM_PARTIAL}): the transport checksum is not done. Its field, at
 *       {@link #checksumStart()} + {@link #checksumOffset()}, holds the folded pseudo-header sum (not
 *       complemented), and whoever sends the packet later sums {@code [checksumStart, end)} into it
 *       and stores the complement. A rewriter then updates only the pseudo-header part of that field
 *       (addresses, and the length when the payload changes), as Linux's
 *       {@code tcp_partial_csum_update} does; ports and payload are covered by the later sum.
 *   <li><b>Segmentation</b> ({@code gso_type}, {@code gso_size}): the packet is a super-packet to be
 *       cut into segments of at most {@link #segmentSize()} payload bytes (TCP: the MSS) after the
 *       director, by the kernel or the NIC. Its IPv4 total length or IPv6 payload length may reach
 *       65535. Each segment repeats the IP and transport headers. A super-packet always has its
 *       checksum partial.
 * </ul>
 *
 * <h2>How an I/O layer uses it</h2>
 * Keep one instance per thread. Before each packet fill it ({@link #clear()}, then
 * {@link #checksumPartial(int, int)} and {@link #segmentation(int, int, int)} as the device said)
 * and pass it with the packet ({@code Worker.process(buffer, fwmark, hop, now, offload)}); read it
 * back after a {@link Verdict#FORWARD} and write it in front of the packet. Offsets are relative to
 * the packet's first byte, the buffer's {@code position}: when a rewriter prepends an outer header it
 * moves {@code position} back and these offsets forward with it. After {@link Verdict#REPLY} the
 * instance is cleared (a generated ICMP error is a plain packet with complete checksums). Without an
 * instance, or with a cleared one, every packet is taken to carry complete checksums and to be one
 * segment, as before offloads existed.
 *
 * <p>Counters count a super-packet as the segments it will become: {@link #segments(int)} packets and
 * the bytes those segments will have on the wire.
 *
 * <p>Not thread-safe; allocation-free.
 */
public final class Offload {

    /** Not a super-packet ({@code VIRTIO_NET_HDR_GSO_NONE}). */
    public static final int GSO_NONE = 0;
    /** TCP over IPv4, cut at the MSS ({@code VIRTIO_NET_HDR_GSO_TCPV4}, TSO4). */
    public static final int GSO_TCPV4 = 1;
    /** IPv4 UDP fragmentation offload ({@code VIRTIO_NET_HDR_GSO_UDP}, UFO): not supported here. */
    public static final int GSO_UDP = 3;
    /** TCP over IPv6, cut at the MSS ({@code VIRTIO_NET_HDR_GSO_TCPV6}, TSO6). */
    public static final int GSO_TCPV6 = 4;
    /** UDP datagrams of one size, IPv4 or IPv6 ({@code VIRTIO_NET_HDR_GSO_UDP_L4}, USO). */
    public static final int GSO_UDP_L4 = 5;
    /** The flag bit a {@code gso_type} carries when the TCP segments keep ECN's CWR on the first only. */
    public static final int GSO_ECN = 0x80;

    private boolean checksumPartial;
    private int checksumStart;
    private int checksumOffset;
    private int gsoType;
    private int segmentSize;
    private int headerLength;
    private int encapsulation;

    /** A cleared instance, for one thread to reuse. */
    public Offload() {}

    /** Forgets everything: a plain packet with complete checksums. */
    public void clear() {
        checksumPartial = false;
        checksumStart = 0;
        checksumOffset = 0;
        gsoType = GSO_NONE;
        segmentSize = 0;
        headerLength = 0;
        encapsulation = 0;
    }

    /** Whether nothing is offloaded (no partial checksum, no segmentation). */
    public boolean isPlain() {
        return !checksumPartial && gsoType == GSO_NONE;
    }

    /**
     * Marks the transport checksum partial ({@code VIRTIO_NET_HDR_F_NEEDS_CSUM}).
     *
     * @param start where the checksummed range starts, from the packet's first byte (the transport header)
     * @param offset where the checksum field is, from {@code start} (TCP 16, UDP 6)
     */
    public void checksumPartial(int start, int offset) {
        this.checksumPartial = true;
        this.checksumStart = start;
        this.checksumOffset = offset;
    }

    /** Marks the checksum complete, as whoever completed it in software does. */
    public void checksumCompleted() {
        this.checksumPartial = false;
        this.checksumStart = 0;
        this.checksumOffset = 0;
    }

    /** Whether the transport checksum is partial (see the class comment). */
    public boolean checksumPartial() {
        return checksumPartial;
    }

    /** {@code csum_start}: the first byte of the checksummed range, from the packet's first byte. */
    public int checksumStart() {
        return checksumStart;
    }

    /** {@code csum_offset}: the checksum field's place, from {@link #checksumStart()}. */
    public int checksumOffset() {
        return checksumOffset;
    }

    /**
     * Marks the packet a super-packet.
     *
     * @param type {@link #GSO_TCPV4}, {@link #GSO_TCPV6} or {@link #GSO_UDP_L4}, with {@link #GSO_ECN}
     *     when the device said so
     * @param segmentSize {@code gso_size}: payload bytes per segment (the MSS)
     * @param headerLength {@code hdr_len}: the device's hint of the header bytes (0 when it gave none)
     */
    public void segmentation(int type, int segmentSize, int headerLength) {
        this.gsoType = type;
        this.segmentSize = segmentSize;
        this.headerLength = headerLength;
    }

    /** {@code gso_type} without {@link #GSO_ECN}; {@link #GSO_NONE} for a single packet. */
    public int gsoType() {
        return gsoType & ~GSO_ECN;
    }

    /** Whether {@code gso_type} carries {@link #GSO_ECN}. */
    public boolean gsoEcn() {
        return (gsoType & GSO_ECN) != 0;
    }

    /** Whether this is a super-packet. */
    public boolean segmented() {
        return gsoType() != GSO_NONE;
    }

    /** {@code gso_size}: payload bytes per segment; 0 for a single packet. */
    public int segmentSize() {
        return gsoType() == GSO_NONE ? 0 : segmentSize;
    }

    /** {@code hdr_len}: the header-length hint, moved with the packet's first byte. */
    public int headerLength() {
        return headerLength;
    }

    /**
     * The outer family ({@link Addresses#IPV4} or {@link Addresses#IPV6}) when a tunnel rewriter put
     * this super-packet in an IP-in-IP header, 0 otherwise: Linux's {@code SKB_GSO_IPXIP4} /
     * {@code SKB_GSO_IPXIP6}. Segmentation then repeats the outer header in each segment (IPv4: the
     * identification counting up from the outer header's). virtio-net has no {@code gso_type} for
     * this, so a TUN device cannot take such a packet: its I/O layer segments it first.
     */
    public int encapsulation() {
        return encapsulation;
    }

    /**
     * Called by a rewriter that prepended {@code bytes} of outer headers: the offsets follow the
     * packet's first byte, and a super-packet is marked encapsulated in {@code outerFamily}.
     */
    public void encapsulated(int bytes, int outerFamily) {
        if (checksumPartial) {
            checksumStart += bytes;
        }
        if (headerLength != 0) {
            headerLength += bytes;
        }
        if (segmented()) {
            encapsulation = outerFamily;
        }
    }

    /**
     * How many segments a packet with {@code payloadLength} bytes after its headers becomes: 1 unless
     * it is a super-packet (an empty one is still one).
     */
    public int segments(int payloadLength) {
        int size = segmentSize();
        if (size <= 0 || payloadLength <= size) {
            return 1;
        }
        return (int) ((payloadLength + (long) size - 1) / size);
    }

    /**
     * The IP length of the largest segment of a packet of {@code packetLength} bytes whose headers
     * (IP and transport) take {@code headerBytes}: what a path MTU applies to
     * ({@code skb_gso_validate_network_len}).
     */
    public int largestSegment(int packetLength, int headerBytes) {
        int size = segmentSize();
        if (size <= 0) {
            return packetLength;
        }
        return Math.min(packetLength, headerBytes + size);
    }

    /** {@code gso_type} with {@link #GSO_ECN} as the device gave it. */
    public int gsoTypeField() {
        return gsoType;
    }

    @Override
    public String toString() {
        return "Offload[partial=" + checksumPartial + (checksumPartial ? "@" + checksumStart + "+" + checksumOffset : "")
                + ", gso=" + gsoType + "/" + segmentSize + ", hdrLen=" + headerLength
                + (encapsulation != 0 ? ", encapsulated in IPv" + encapsulation : "") + "]";
    }
}
