package io.ippvs.tunnel;

import io.ippvs.api.Addresses;
import io.ippvs.core.checksum.InternetChecksum;
import io.ippvs.core.header.Ipv4Header;
import io.ippvs.core.header.Ipv6Header;
import java.nio.ByteBuffer;

/** IP-level steps shared by the tunnel and direct-route rewriters: lengths, TTL and DF of the packet. */
final class Forwarding {

    static final int IPV4_MIN_MTU = 68;
    static final int IPV6_MIN_MTU = 1280;

    private Forwarding() {}

    /**
     * The length of the IP packet at {@code l3} by its own length field, or -1 when that is below a
     * header or beyond the buffer's limit. Bytes past it (link padding) are not part of the packet.
     */
    static int packetLength(ByteBuffer buffer, int l3, int family) {
        int available = buffer.limit() - l3;
        if (family == Addresses.IPV4) {
            if (available < Ipv4Header.MIN_LENGTH) {
                return -1;
            }
            int total = Ipv4Header.totalLength(buffer, l3);
            return total < Ipv4Header.MIN_LENGTH || total > available ? -1 : total;
        }
        if (available < Ipv6Header.LENGTH) {
            return -1;
        }
        int total = Ipv6Header.LENGTH + Ipv6Header.payloadLength(buffer, l3);
        return total > available ? -1 : total;
    }

    /** IPv4 TTL or IPv6 hop limit. */
    static int ttl(ByteBuffer buffer, int l3, int family) {
        return buffer.get(l3 + (family == Addresses.IPV4 ? Ipv4Header.TTL_OFFSET : Ipv6Header.HOP_LIMIT_OFFSET)) & 0xFF;
    }

    /** Decrements the TTL (hop limit) of the packet at {@code l3}. */
    static void decrementTtl(ByteBuffer buffer, int l3, int family) {
        if (family == Addresses.IPV4) {
            buffer.putInt(l3 + Ipv4Header.TTL_OFFSET, decrementTtl(buffer.getInt(l3 + Ipv4Header.TTL_OFFSET)));
        } else {
            int hop = l3 + Ipv6Header.HOP_LIMIT_OFFSET;
            buffer.put(hop, (byte) ((buffer.get(hop) & 0xFF) - 1));
        }
    }

    /**
     * The IPv4 header word of TTL, protocol and checksum with the TTL decremented; the checksum is
     * updated incrementally (RFC 1624), TTL being the high byte of the word it shares with the protocol.
     */
    static int decrementTtl(int ttlProtocolChecksum) {
        int oldWord = ttlProtocolChecksum >>> 16;
        int newWord = oldWord - 0x0100;
        return newWord << 16 | InternetChecksum.update16(ttlProtocolChecksum & 0xFFFF, oldWord, newWord);
    }

    /** IPv4 DF; always true for IPv6, whose packets routers never fragment. */
    static boolean dontFragment(ByteBuffer buffer, int l3, int family) {
        return family != Addresses.IPV4 || (buffer.getShort(l3 + Ipv4Header.FLAGS_FRAGMENT_OFFSET) & Ipv4Header.DONT_FRAGMENT) != 0;
    }
}
