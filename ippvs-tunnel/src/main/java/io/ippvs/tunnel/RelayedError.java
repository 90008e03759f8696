package io.ippvs.tunnel;

import io.ippvs.api.Addresses;
import io.ippvs.core.header.Icmpv4Header;
import io.ippvs.core.header.Icmpv6Header;

/**
 * What the client is told about an ICMP error a router sent about one of our tunnel packets: the
 * type, code and rest-of-header of the error {@link TunnelIcmpRelay} relays, in the client's family.
 * Fragmentation-needed / packet-too-big carry the reported MTU minus the tunnel overhead, never below
 * the family's minimum; unreachable codes cross families as RFC 7915 translates them; parameter
 * problems (they point into our outer header) and too-big about an IPv4 packet without DF are not
 * relayed. A pure function of the {@link TunnelIcmpRelay.Quote}, kept apart from finding the quote
 * and writing the reply; the answer is packed into one long so nothing is allocated.
 */
final class RelayedError {

    /** {@link #forClient}'s answer for an error that is not relayed. */
    static final long NOT_RELAYED = -1;

    private RelayedError() {}

    /** {@code type << 48 | code << 32 | rest} of the error for the client, or {@link #NOT_RELAYED}. */
    static long forClient(TunnelIcmpRelay.Quote q) {
        boolean v4 = q.innerFamily == Addresses.IPV4;
        if (q.icmpFamily == Addresses.IPV4) {
            if (q.type == Icmpv4Header.TYPE_PARAMETER_PROBLEM) {
                return NOT_RELAYED;
            }
            if (q.type == Icmpv4Header.TYPE_DEST_UNREACHABLE && q.code == Icmpv4Header.CODE_FRAGMENTATION_NEEDED) {
                return tooBig(v4, q.innerDontFragment, (q.rest & 0xFFFF) - q.overhead);
            }
            if (q.type == Icmpv4Header.TYPE_TIME_EXCEEDED) {
                return told(v4 ? Icmpv4Header.TYPE_TIME_EXCEEDED : Icmpv6Header.TYPE_TIME_EXCEEDED, q.code, 0);
            }
            if (v4) {
                return told(Icmpv4Header.TYPE_DEST_UNREACHABLE, q.code, 0);
            }
            // ICMPv4 unreachable codes in ICMPv6 terms (as RFC 7915 section 4.2 translates them)
            int code = q.code == 2 || q.code == 3 ? 4 : q.code == 9 || q.code == 10 || q.code == 13 ? 1 : 3;
            return told(Icmpv6Header.TYPE_DEST_UNREACHABLE, code, 0);
        }
        if (q.type == Icmpv6Header.TYPE_PARAMETER_PROBLEM) {
            return NOT_RELAYED;
        }
        if (q.type == Icmpv6Header.TYPE_PACKET_TOO_BIG) {
            long reported = q.rest & 0xFFFFFFFFL;
            return tooBig(v4, q.innerDontFragment, (int) Math.min(0xFFFF, Math.max(0, reported - q.overhead)));
        }
        if (q.type == Icmpv6Header.TYPE_TIME_EXCEEDED) {
            return told(v4 ? Icmpv4Header.TYPE_TIME_EXCEEDED : Icmpv6Header.TYPE_TIME_EXCEEDED, q.code, 0);
        }
        if (v4) {
            // ICMPv6 unreachable codes in ICMPv4 terms (RFC 7915 section 5.2)
            return told(Icmpv4Header.TYPE_DEST_UNREACHABLE, q.code == 1 ? 13 : q.code == 4 ? 3 : 1, 0);
        }
        return told(Icmpv6Header.TYPE_DEST_UNREACHABLE, q.code, 0);
    }

    /**
     * Fragmentation needed (IPv4 client) or packet too big (IPv6 client) naming {@code mtu}, at least
     * the family's minimum; an IPv4 packet without DF may be fragmented, so it is not told.
     */
    private static long tooBig(boolean v4, boolean innerDontFragment, int mtu) {
        if (!v4) {
            return told(Icmpv6Header.TYPE_PACKET_TOO_BIG, 0, Math.max(mtu, Forwarding.IPV6_MIN_MTU));
        }
        return innerDontFragment
                ? told(Icmpv4Header.TYPE_DEST_UNREACHABLE, Icmpv4Header.CODE_FRAGMENTATION_NEEDED,
                        Math.max(mtu, Forwarding.IPV4_MIN_MTU))
                : NOT_RELAYED;
    }

    private static long told(int type, int code, int rest) {
        return (long) type << 48 | (long) code << 32 | (rest & 0xFFFFFFFFL);
    }

    static int type(long told) {
        return (int) (told >>> 48);
    }

    static int code(long told) {
        return (int) (told >>> 32) & 0xFFFF;
    }

    /** The ICMP header's last four bytes: the MTU of a too-big error, else 0. */
    static int rest(long told) {
        return (int) told;
    }
}
