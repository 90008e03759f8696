package io.ippvs.tunnel;

import io.ippvs.api.Addresses;
import io.ippvs.core.checksum.InternetChecksum;
import java.nio.ByteBuffer;

/** IP-level steps shared by the tunnel and direct-route rewriters: lengths, TTL and DF of the packet. */
final class Forwarding {

    static final int IPV4_HEADER = 20;
    static final int IPV6_HEADER = 40;
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
            if (available < IPV4_HEADER) {
                return -1;
            }
            int total = buffer.getShort(l3 + 2) & 0xFFFF;
            return total < IPV4_HEADER || total > available ? -1 : total;
        }
        if (available < IPV6_HEADER) {
            return -1;
        }
        int total = IPV6_HEADER + (buffer.getShort(l3 + 4) & 0xFFFF);
        return total > available ? -1 : total;
    }

    /** IPv4 TTL or IPv6 hop limit. */
    static int ttl(ByteBuffer buffer, int l3, int family) {
        return buffer.get(l3 + (family == Addresses.IPV4 ? 8 : 7)) & 0xFF;
    }

    /**
     * Decrements the TTL (hop limit); IPv4's header checksum is updated incrementally: TTL is the high
     * byte of the word it shares with the protocol.
     */
    static void decrementTtl(ByteBuffer buffer, int l3, int family) {
        if (family == Addresses.IPV4) {
            int oldWord = buffer.getShort(l3 + 8) & 0xFFFF;
            int newWord = oldWord - 0x0100;
            buffer.putShort(l3 + 8, (short) newWord);
            int checksum = buffer.getShort(l3 + 10) & 0xFFFF;
            buffer.putShort(l3 + 10, (short) InternetChecksum.update16(checksum, oldWord, newWord));
        } else {
            buffer.put(l3 + 7, (byte) ((buffer.get(l3 + 7) & 0xFF) - 1));
        }
    }

    /** IPv4 DF; always true for IPv6, whose packets routers never fragment. */
    static boolean dontFragment(ByteBuffer buffer, int l3, int family) {
        return family != Addresses.IPV4 || (buffer.get(l3 + 6) & 0x40) != 0;
    }

    /** IPv4 TOS or IPv6 traffic class. */
    static int trafficClass(ByteBuffer buffer, int l3, int family) {
        if (family == Addresses.IPV4) {
            return buffer.get(l3 + 1) & 0xFF;
        }
        return (buffer.getShort(l3) >>> 4) & 0xFF;
    }
}
