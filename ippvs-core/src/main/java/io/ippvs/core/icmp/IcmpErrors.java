package io.ippvs.core.icmp;

import static io.ippvs.core.header.IpProtocol.ICMP;
import static io.ippvs.core.header.IpProtocol.ICMPV6;

import io.ippvs.core.checksum.InternetChecksum;
import io.ippvs.core.header.Icmpv4Header;
import io.ippvs.core.header.Icmpv6Header;
import io.ippvs.core.header.Ipv4Header;
import io.ippvs.core.header.Ipv6Header;
import java.nio.ByteBuffer;

/**
 * Turns the packet in a buffer into the ICMP error its sender should get, in place: ICMPv4 time
 * exceeded (type 11 code 0) and fragmentation needed (type 3 code 4, RFC 1191), ICMPv6 time exceeded
 * (type 3 code 0) and packet too big (type 2, RFC 4443). Shared by the NAT and tunnel rewriters.
 *
 * <p>The original packet starting at {@code l3Offset} is moved forward to make room for the new IP
 * and ICMP headers (28 bytes for IPv4, 48 for IPv6) and becomes the quote: as much of it as fits in
 * 576 bytes (IPv4, RFC 1812 4.3.2.3) or 1280 bytes (IPv6, RFC 4443 2.4(c)) and in the buffer's
 * capacity, but never less than its IP header plus 8 bytes. The buffer's limit is set to the end of
 * the error; its position is left at {@code l3Offset}. Every checksum is computed.
 *
 * <p>No error is generated (false, the buffer unchanged) for a packet that is itself an ICMP error
 * (RFC 1122 3.2.2, RFC 4443 2.4(e)), a non-first IPv4 fragment, a packet from an unspecified,
 * multicast or broadcast source, or when the buffer's capacity cannot hold the minimal quote. Time
 * exceeded is not sent for a multicast destination either (packet too big is, RFC 4443 2.4(e.3)).
 *
 * <p>Stateless, thread-safe, allocation-free; rate limiting is the caller's, see
 * {@link IcmpRateLimiter}.
 */
public final class IcmpErrors {

    /** The largest ICMPv4 error generated (RFC 1812 4.3.2.3). */
    public static final int IPV4_MAX_LENGTH = 576;
    /** The largest ICMPv6 error generated: the IPv6 minimum MTU (RFC 4443 2.4(c)). */
    public static final int IPV6_MAX_LENGTH = 1280;
    /** TTL / hop limit of generated errors (Linux's default). */
    public static final int TTL = 64;

    private static final int IPV4_HEADERS = 28;
    private static final int IPV6_HEADERS = 48;

    private IcmpErrors() {}

    /**
     * Replaces the packet at {@code l3Offset} by an ICMP / ICMPv6 time exceeded (hop limit / TTL
     * exceeded in transit) addressed to its source.
     *
     * @param sourceHigh high word of the error's source address (0 for IPv4)
     * @param sourceLow low word of the error's source address (the address itself for IPv4)
     * @return false when no error may or can be generated; the buffer is then unchanged
     */
    public static boolean timeExceeded(ByteBuffer buffer, int l3Offset, long sourceHigh, long sourceLow) {
        int version = version(buffer, l3Offset);
        if (version == 4) {
            return build4(buffer, l3Offset, Icmpv4Header.TYPE_TIME_EXCEEDED, Icmpv4Header.CODE_TTL_EXCEEDED, 0,
                    (int) sourceLow);
        }
        if (version == 6) {
            return build6(buffer, l3Offset, Icmpv6Header.TYPE_TIME_EXCEEDED, Icmpv6Header.CODE_HOP_LIMIT_EXCEEDED, 0,
                    sourceHigh, sourceLow);
        }
        return false;
    }

    /**
     * Replaces the packet at {@code l3Offset} by an ICMP fragmentation needed (IPv4) or ICMPv6 packet
     * too big naming {@code mtu}, addressed to its source.
     *
     * @param mtu the usable MTU to report (68..65535 for IPv4, at least 1280 for IPv6 by RFC 8200)
     * @return false when no error may or can be generated; the buffer is then unchanged
     */
    public static boolean tooBig(ByteBuffer buffer, int l3Offset, int mtu, long sourceHigh, long sourceLow) {
        int version = version(buffer, l3Offset);
        if (version == 4) {
            return build4(buffer, l3Offset, Icmpv4Header.TYPE_DEST_UNREACHABLE, Icmpv4Header.CODE_FRAGMENTATION_NEEDED,
                    mtu & 0xFFFF, (int) sourceLow);
        }
        if (version == 6) {
            return build6(buffer, l3Offset, Icmpv6Header.TYPE_PACKET_TOO_BIG, 0, mtu, sourceHigh, sourceLow);
        }
        return false;
    }

    private static int version(ByteBuffer b, int l3) {
        if (l3 < 0 || l3 >= b.limit()) {
            return 0;
        }
        return Ipv4Header.version(b, l3); // the version nibble sits where it does in IPv6
    }

    private static boolean build4(ByteBuffer b, int l3, int type, int code, int rest, int source) {
        int available = b.limit() - l3;
        if (available < Ipv4Header.MIN_LENGTH) {
            return false;
        }
        int ihl = Ipv4Header.headerLength(b, l3);
        int total = Ipv4Header.totalLength(b, l3);
        if (ihl < Ipv4Header.MIN_LENGTH || total < ihl || total > available) {
            return false;
        }
        if (Ipv4Header.fragmentOffset(b, l3) != 0) {
            return false; // only the first fragment is answered (RFC 1122 3.2.2)
        }
        int originalSource = Ipv4Header.sourceAddress(b, l3);
        int originalDestination = Ipv4Header.destinationAddress(b, l3);
        if (!unicast4(originalSource) || (type == Icmpv4Header.TYPE_TIME_EXCEEDED && !unicast4(originalDestination))) {
            return false;
        }
        if (Ipv4Header.protocol(b, l3) == ICMP && total >= ihl + 1 && isError4(Icmpv4Header.type(b, l3 + ihl))) {
            return false;
        }
        int minimum = Math.min(total, ihl + 8);
        int quote = Math.min(Math.min(total, IPV4_MAX_LENGTH - IPV4_HEADERS), b.capacity() - l3 - IPV4_HEADERS);
        if (quote < minimum) {
            return false;
        }
        int tos = Ipv4Header.tos(b, l3);
        int length = IPV4_HEADERS + quote;
        // absolute puts are bounded by the limit: set it first (the quote lies below it either way)
        b.limit(l3 + length);
        move(b, l3, l3 + IPV4_HEADERS, quote);
        writeHeaders4(b, l3, length, tos, source, originalSource, type, code, rest);
        return true;
    }

    private static boolean build6(ByteBuffer b, int l3, int type, int code, int rest, long sourceHigh, long sourceLow) {
        int available = b.limit() - l3;
        if (available < Ipv6Header.LENGTH) {
            return false;
        }
        int total = Ipv6Header.LENGTH + Ipv6Header.payloadLength(b, l3);
        if (total > available) {
            return false;
        }
        long srcHigh = Ipv6Header.sourceAddressHigh(b, l3);
        long srcLow = Ipv6Header.sourceAddressLow(b, l3);
        if ((srcHigh == 0 && srcLow == 0) || (srcHigh >>> 56) == 0xFF) {
            return false; // unspecified or multicast source
        }
        if (type == Icmpv6Header.TYPE_TIME_EXCEEDED && (Ipv6Header.destinationAddressHigh(b, l3) >>> 56) == 0xFF) {
            return false; // time exceeded is never sent for a multicast destination
        }
        if (Ipv6Header.nextHeader(b, l3) == ICMPV6 && total >= Ipv6Header.LENGTH + 1
                && Icmpv6Header.type(b, l3 + Ipv6Header.LENGTH) < Icmpv6Header.TYPE_ECHO_REQUEST) {
            return false; // an ICMPv6 error (types below 128, RFC 4443 2.1)
        }
        int minimum = Math.min(total, IPV6_HEADERS);
        int quote = Math.min(Math.min(total, IPV6_MAX_LENGTH - IPV6_HEADERS), b.capacity() - l3 - IPV6_HEADERS);
        if (quote < minimum) {
            return false;
        }
        int length = IPV6_HEADERS + quote;
        b.limit(l3 + length);
        move(b, l3, l3 + IPV6_HEADERS, quote);
        writeHeaders6(b, l3, length, sourceHigh, sourceLow, srcHigh, srcLow, type, code, rest);
        return true;
    }

    /**
     * Writes the IPv4 and ICMP headers of a generated error of {@code length} bytes at {@code l3},
     * in front of a quote already in place at {@code l3 + 28}, with both checksums. The TOS keeps the
     * quoted packet's TOS bits under precedence "internetwork control", as Linux sets for the errors it
     * sends. Shared by every ICMP error ippvs builds (here and the tunnel relay).
     *
     * @param quotedTos the TOS byte of the packet the error is about
     */
    public static void writeHeaders4(ByteBuffer b, int l3, int length, int quotedTos, int source, int destination,
                                     int type, int code, int rest) {
        b.put(l3, (byte) 0x45);
        Ipv4Header.tos(b, l3, (quotedTos & 0x1E) | 0xC0);
        Ipv4Header.totalLength(b, l3, length);
        b.putInt(l3 + Ipv4Header.IDENTIFICATION_OFFSET, 0); // identification, flags and fragment offset
        Ipv4Header.ttl(b, l3, TTL);
        Ipv4Header.protocol(b, l3, ICMP);
        Ipv4Header.checksum(b, l3, 0);
        Ipv4Header.sourceAddress(b, l3, source);
        Ipv4Header.destinationAddress(b, l3, destination);
        Ipv4Header.checksum(b, l3, InternetChecksum.checksum(b, l3, Ipv4Header.MIN_LENGTH, 0));
        int icmp = l3 + Ipv4Header.MIN_LENGTH;
        writeIcmp(b, icmp, type, code, rest);
        Icmpv4Header.checksum(b, icmp, InternetChecksum.checksum(b, icmp, length - Ipv4Header.MIN_LENGTH, 0));
    }

    /**
     * Writes the IPv6 and ICMPv6 headers of a generated error of {@code length} bytes at {@code l3},
     * in front of a quote already in place at {@code l3 + 48}, with the ICMPv6 checksum.
     */
    public static void writeHeaders6(ByteBuffer b, int l3, int length, long sourceHigh, long sourceLow,
                                     long destinationHigh, long destinationLow, int type, int code, int rest) {
        b.putInt(l3, 0x6000_0000);
        Ipv6Header.payloadLength(b, l3, length - Ipv6Header.LENGTH);
        Ipv6Header.nextHeader(b, l3, ICMPV6);
        Ipv6Header.hopLimit(b, l3, TTL);
        Ipv6Header.sourceAddress(b, l3, sourceHigh, sourceLow);
        Ipv6Header.destinationAddress(b, l3, destinationHigh, destinationLow);
        int icmp = l3 + Ipv6Header.LENGTH;
        writeIcmp(b, icmp, type, code, rest);
        int pseudo = InternetChecksum.pseudoHeaderV6(b, l3, ICMPV6, length - Ipv6Header.LENGTH);
        Icmpv6Header.checksum(b, icmp, InternetChecksum.checksum(b, icmp, length - Ipv6Header.LENGTH, pseudo));
    }

    /** Type, code, a zero checksum and the 4 bytes after it (MTU, pointer or unused). */
    private static void writeIcmp(ByteBuffer b, int icmp, int type, int code, int rest) {
        b.putInt(icmp, type << 24 | (code & 0xFF) << 16);
        Icmpv4Header.rest(b, icmp, rest);
    }

    /** Not 0.0.0.0, not multicast or class E, not the limited broadcast. */
    private static boolean unicast4(int address) {
        return address != 0 && (address >>> 28) < 0xE;
    }

    /**
     * The ICMPv4 error messages (RFC 1122 3.2.2): those of {@link Icmpv4Header#isError(int)} and
     * redirect, which is about routing rather than a flow but is still an error never answered.
     */
    private static boolean isError4(int type) {
        return Icmpv4Header.isError(type) || type == Icmpv4Header.TYPE_REDIRECT;
    }

    /** Moves {@code length} bytes from {@code from} forward to {@code to}; overlap-safe. */
    private static void move(ByteBuffer b, int from, int to, int length) {
        if (b.hasArray()) {
            byte[] a = b.array();
            int base = b.arrayOffset();
            System.arraycopy(a, base + from, a, base + to, length);
            return;
        }
        int i = length;
        while (i >= 8) {
            i -= 8;
            b.putLong(to + i, b.getLong(from + i));
        }
        while (i > 0) {
            i--;
            b.put(to + i, b.get(from + i));
        }
    }
}
