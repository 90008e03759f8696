package io.ippvs.core.director;

import static io.ippvs.core.header.IpProtocol.TCP;
import static io.ippvs.core.header.IpProtocol.UDP;

import io.ippvs.api.DropReason;
import io.ippvs.api.Offload;
import io.ippvs.core.checksum.OffloadChecksum;
import io.ippvs.core.header.TcpHeader;
import io.ippvs.core.header.UdpHeader;
import io.ippvs.core.packet.PacketInfo;
import java.nio.ByteBuffer;

/**
 * Checks an I/O layer's {@link Offload} facts against the parsed packet before anything uses them,
 * and works out what the packet counts as. Rewriters may then take a partial checksum to be the
 * transport header's own and a super-packet to be TCP or UDP as its type says.
 */
final class Offloads {


    private Offloads() {}

    /**
     * Null when the facts hold, with {@code s.segments}, {@code s.wireBytes} and {@code s.offload}
     * set; otherwise why the packet is refused. A partial checksum of another protocol (an ICMP
     * message, say) is completed here, as {@code skb_checksum_help} would.
     */
    static DropReason check(ByteBuffer b, PacketInfo info, Offload o, Scratch s) {
        int l3 = info.l3Offset();
        int end = info.end();
        int proto = info.protocolNumber();
        boolean whole = !info.isFragment();
        boolean segmented = o.segmented();
        if (segmented) {
            int type = o.gsoType();
            if (type == Offload.GSO_UDP) {
                return DropReason.UNSUPPORTED; // UFO: IP fragmentation of one big datagram, gone from Linux
            }
            boolean fits = type == Offload.GSO_TCPV4 ? info.addressFamily() == 4 && proto == TCP
                    : type == Offload.GSO_TCPV6 ? info.addressFamily() == 6 && proto == TCP
                    : type == Offload.GSO_UDP_L4 && proto == UDP;
            if (!fits || !whole || !o.checksumPartial() || o.segmentSize() <= 0) {
                return DropReason.MALFORMED;
            }
        }
        if (o.checksumPartial()) {
            boolean own = whole && (proto == TCP || proto == UDP) && o.checksumStart() == info.l4Offset() - l3
                    && o.checksumOffset() == (proto == TCP ? TcpHeader.CHECKSUM_OFFSET : UdpHeader.CHECKSUM_OFFSET);
            if (!own) {
                // a TCP / UDP checksum elsewhere than in its own field would be finished over the
                // wrong bytes; anything else (ICMP from a raw socket) is finished here, once
                if (segmented || !whole || proto == TCP || proto == UDP || !OffloadChecksum.complete(b, l3, end, o)) {
                    return DropReason.MALFORMED;
                }
                s.offload = o.isPlain() ? null : o;
            }
        }
        int total = end - l3;
        if (!segmented) {
            s.segments = 1;
            s.wireBytes = total;
            return null;
        }
        // every segment repeats the IP and transport headers
        int headers = info.payloadOffset() - l3;
        int n = o.segments(end - info.payloadOffset());
        s.segments = n;
        s.wireBytes = total + (n - 1) * headers;
        return null;
    }
}
