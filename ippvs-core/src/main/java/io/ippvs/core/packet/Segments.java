package io.ippvs.core.packet;

import io.ippvs.api.Offload;
import io.ippvs.api.RewriteContext;
import io.ippvs.core.header.TcpHeader;
import io.ippvs.core.header.UdpHeader;

/**
 * What a super-packet ({@link Offload#segmented()}) will be once segmented, from the facts the
 * director's parse handed down ({@link RewriteContext#payloadOffset()}).
 */
public final class Segments {

    private Segments() {}

    /**
     * The IP length a path MTU applies to: {@code length} for a single packet, the largest segment's
     * for a super-packet, whose every segment repeats the IP and transport headers (Linux's
     * {@code skb_gso_validate_network_len}).
     *
     * @param length the packet's IP length
     */
    public static int largest(RewriteContext c, int length) {
        Offload o = c.offload();
        if (o == null || !o.segmented()) {
            return length;
        }
        return o.largestSegment(length, headers(c, o));
    }

    /** How many segments the packet becomes: 1 unless it is a super-packet. Arguments as {@link #largest}. */
    public static int count(RewriteContext c, int length) {
        Offload o = c.offload();
        if (o == null || !o.segmented()) {
            return 1;
        }
        return o.segments(length - headers(c, o));
    }

    /** The bytes every segment repeats: IP and transport headers. */
    private static int headers(RewriteContext c, Offload o) {
        int l3 = c.l3Offset();
        int payload = c.payloadOffset();
        if (payload >= 0) {
            return payload - l3;
        }
        // a context made by hand that does not say: read the transport header's length
        int l4 = c.l4Offset();
        int transport = o.gsoType() == Offload.GSO_UDP_L4 ? UdpHeader.LENGTH
                : (c.buffer().get(l4 + TcpHeader.DATA_OFFSET_OFFSET) & 0xF0) >>> 2;
        return l4 - l3 + transport;
    }
}
