package io.ippvs.core.icmp;

import io.ippvs.core.checksum.InternetChecksum;
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
    private static final int ICMP = 1;
    private static final int ICMPV6 = 58;

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
            return build4(buffer, l3Offset, 11, 0, 0, (int) sourceLow);
        }
        if (version == 6) {
            return build6(buffer, l3Offset, 3, 0, 0, sourceHigh, sourceLow);
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
            return build4(buffer, l3Offset, 3, 4, mtu & 0xFFFF, (int) sourceLow);
        }
        if (version == 6) {
            return build6(buffer, l3Offset, 2, 0, mtu, sourceHigh, sourceLow);
        }
        return false;
    }

    private static int version(ByteBuffer b, int l3) {
        if (l3 < 0 || l3 >= b.limit()) {
            return 0;
        }
        return (b.get(l3) & 0xF0) >>> 4;
    }

    private static boolean build4(ByteBuffer b, int l3, int type, int code, int rest, int source) {
        int available = b.limit() - l3;
        if (available < 20) {
            return false;
        }
        int ihl = (b.get(l3) & 0x0F) << 2;
        int total = b.getShort(l3 + 2) & 0xFFFF;
        if (ihl < 20 || total < ihl || total > available) {
            return false;
        }
        if ((b.getShort(l3 + 6) & 0x1FFF) != 0) {
            return false; // only the first fragment is answered (RFC 1122 3.2.2)
        }
        int originalSource = b.getInt(l3 + 12);
        int originalDestination = b.getInt(l3 + 16);
        if (!unicast4(originalSource) || (type == 11 && !unicast4(originalDestination))) {
            return false;
        }
        if ((b.get(l3 + 9) & 0xFF) == ICMP && total >= ihl + 1 && isIcmpError4(b.get(l3 + ihl) & 0xFF)) {
            return false;
        }
        int minimum = Math.min(total, ihl + 8);
        int quote = Math.min(Math.min(total, IPV4_MAX_LENGTH - IPV4_HEADERS), b.capacity() - l3 - IPV4_HEADERS);
        if (quote < minimum) {
            return false;
        }
        int tos = b.get(l3 + 1) & 0xFF;
        int length = IPV4_HEADERS + quote;
        // absolute puts are bounded by the limit: set it first (the quote lies below it either way)
        b.limit(l3 + length);
        move(b, l3, l3 + IPV4_HEADERS, quote);
        b.put(l3, (byte) 0x45);
        // precedence "internetwork control" as Linux sets for the errors it sends, keeping the TOS bits
        b.put(l3 + 1, (byte) ((tos & 0x1E) | 0xC0));
        b.putShort(l3 + 2, (short) length);
        b.putInt(l3 + 4, 0);
        b.put(l3 + 8, (byte) TTL);
        b.put(l3 + 9, (byte) ICMP);
        b.putShort(l3 + 10, (short) 0);
        b.putInt(l3 + 12, source);
        b.putInt(l3 + 16, originalSource);
        b.putShort(l3 + 10, (short) InternetChecksum.checksum(b, l3, 20, 0));
        int icmp = l3 + 20;
        b.put(icmp, (byte) type);
        b.put(icmp + 1, (byte) code);
        b.putShort(icmp + 2, (short) 0);
        b.putInt(icmp + 4, rest);
        b.putShort(icmp + 2, (short) InternetChecksum.checksum(b, icmp, length - 20, 0));
        return true;
    }

    private static boolean build6(ByteBuffer b, int l3, int type, int code, int rest, long sourceHigh, long sourceLow) {
        int available = b.limit() - l3;
        if (available < 40) {
            return false;
        }
        int total = 40 + (b.getShort(l3 + 4) & 0xFFFF);
        if (total > available) {
            return false;
        }
        long srcHigh = b.getLong(l3 + 8);
        long srcLow = b.getLong(l3 + 16);
        if ((srcHigh == 0 && srcLow == 0) || (srcHigh >>> 56) == 0xFF) {
            return false; // unspecified or multicast source
        }
        if (type == 3 && (b.get(l3 + 24) & 0xFF) == 0xFF) {
            return false; // time exceeded is never sent for a multicast destination
        }
        if ((b.get(l3 + 6) & 0xFF) == ICMPV6 && total >= 41 && (b.get(l3 + 40) & 0x80) == 0) {
            return false; // an ICMPv6 error (types below 128)
        }
        int minimum = Math.min(total, 48);
        int quote = Math.min(Math.min(total, IPV6_MAX_LENGTH - IPV6_HEADERS), b.capacity() - l3 - IPV6_HEADERS);
        if (quote < minimum) {
            return false;
        }
        int length = IPV6_HEADERS + quote;
        b.limit(l3 + length);
        move(b, l3, l3 + IPV6_HEADERS, quote);
        b.putInt(l3, 0x6000_0000);
        b.putShort(l3 + 4, (short) (length - 40));
        b.put(l3 + 6, (byte) ICMPV6);
        b.put(l3 + 7, (byte) TTL);
        b.putLong(l3 + 8, sourceHigh);
        b.putLong(l3 + 16, sourceLow);
        b.putLong(l3 + 24, srcHigh);
        b.putLong(l3 + 32, srcLow);
        int icmp = l3 + 40;
        b.put(icmp, (byte) type);
        b.put(icmp + 1, (byte) code);
        b.putShort(icmp + 2, (short) 0);
        b.putInt(icmp + 4, rest);
        int pseudo = InternetChecksum.pseudoHeaderV6(b, l3, ICMPV6, length - 40);
        b.putShort(icmp + 2, (short) InternetChecksum.checksum(b, icmp, length - 40, pseudo));
        return true;
    }

    /** Not 0.0.0.0, not multicast or class E, not the limited broadcast. */
    private static boolean unicast4(int address) {
        return address != 0 && (address >>> 28) < 0xE;
    }

    /** ICMPv4 error types: destination unreachable, source quench, redirect, time exceeded, parameter problem. */
    private static boolean isIcmpError4(int type) {
        return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
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
