package io.ippvs.core.packet;

import io.ippvs.api.Offload;
import io.ippvs.core.header.TcpHeader;
import io.ippvs.core.header.UdpHeader;
import java.nio.ByteBuffer;

/** What a super-packet ({@link Offload#segmented()}) will be once segmented, read from its headers. */
public final class Segments {

    private Segments() {}

    /**
     * The IP length a path MTU applies to: {@code length} for a single packet, the largest segment's
     * for a super-packet, whose every segment repeats the IP and transport headers (Linux's
     * {@code skb_gso_validate_network_len}).
     *
     * @param l3 the IP header
     * @param l4 the transport header (TCP, or UDP for {@link Offload#GSO_UDP_L4})
     * @param length the packet's IP length
     */
    public static int largest(Offload offload, ByteBuffer buffer, int l3, int l4, int length) {
        if (offload == null || !offload.segmented()) {
            return length;
        }
        return offload.largestSegment(length, headers(offload, buffer, l3, l4));
    }

    /** How many segments the packet becomes: 1 unless it is a super-packet. Arguments as {@link #largest}. */
    public static int count(Offload offload, ByteBuffer buffer, int l3, int l4, int length) {
        if (offload == null || !offload.segmented()) {
            return 1;
        }
        return offload.segments(length - headers(offload, buffer, l3, l4));
    }

    /** The bytes every segment repeats: IP and transport headers. */
    private static int headers(Offload offload, ByteBuffer buffer, int l3, int l4) {
        int transport = offload.gsoType() == Offload.GSO_UDP_L4 ? UdpHeader.LENGTH
                : (buffer.get(l4 + TcpHeader.DATA_OFFSET_OFFSET) & 0xF0) >>> 2;
        return l4 - l3 + transport;
    }
}
