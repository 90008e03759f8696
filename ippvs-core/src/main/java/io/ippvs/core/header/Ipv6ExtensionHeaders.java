package io.ippvs.core.header;

import java.nio.ByteBuffer;

/**
 * Walks the IPv6 extension header chain (RFC 8200 section 4) from the fixed header to the
 * upper-layer header, bounded both by the packet's end and by {@link #MAX_HEADERS}.
 *
 * <pre>
 * hop-by-hop (0), routing (43), destination options (60):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Header  |  Hdr Ext Len  |  type-specific data ...       |   length = (Hdr Ext Len + 1) * 8
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * fragment (44), always 8 bytes:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Identification                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * authentication header (51, RFC 4302): Payload Len in 4-byte units minus 2.
 * </pre>
 *
 * <p>The walk stops at the first header that is not one of these (ESP, "no next header" and
 * unknown protocols are upper layers to us), and at a fragment header whose offset is not 0: the
 * rest of the chain is in the first fragment. A hop-by-hop header anywhere but first is malformed.
 *
 * <p>Two forms. {@link #walk(ByteBuffer, int, int, int)} is static and returns the result packed
 * in a long (for stateless callers such as the parser); an instance wraps the same walk and keeps
 * its results in fields.
 */
public final class Ipv6ExtensionHeaders {

    public static final int HOP_BY_HOP = IpProtocol.HOP_BY_HOP;
    public static final int ROUTING = IpProtocol.IPV6_ROUTING;
    public static final int FRAGMENT = IpProtocol.IPV6_FRAGMENT;
    public static final int AUTHENTICATION = IpProtocol.AH;
    public static final int DESTINATION_OPTIONS = IpProtocol.IPV6_DESTINATION_OPTIONS;
    public static final int NO_NEXT_HEADER = IpProtocol.IPV6_NO_NEXT;

    /** The longest chain walked; longer ones are refused (a cheap defence against crafted chains). */
    public static final int MAX_HEADERS = 8;

    /** Every extension header: next header, then its length field (a routing header: segments left at 3). */
    public static final int NEXT_HEADER_OFFSET = 0;
    public static final int LENGTH_OFFSET = 1;
    public static final int SEGMENTS_LEFT_OFFSET = 3;

    /** Fragment header: the offset/M word, and the identification. */
    public static final int FRAGMENT_OFFSET_FIELD_OFFSET = 2;
    public static final int FRAGMENT_IDENTIFICATION_OFFSET = 4;
    public static final int FRAGMENT_HEADER_LENGTH = 8;

    /** Walk result: an extension header runs past the end of the packet. */
    public static final long TRUNCATED = -1;
    /** Walk result: more than {@link #MAX_HEADERS} extension headers. */
    public static final long TOO_LONG = -2;
    /** Walk result: a hop-by-hop header that is not the first. */
    public static final long MALFORMED = -3;

    private ByteBuffer buffer;
    private long result = TRUNCATED;
    private int start;

    /** A walker with no result yet. */
    public Ipv6ExtensionHeaders() {}

    /**
     * Walks the chain after the IPv6 header at {@code ipv6Offset}, to {@code end} (exclusive: the
     * end of the packet by its payload length). Returns 0, or {@link #TRUNCATED}, {@link #TOO_LONG}
     * or {@link #MALFORMED}; the accessors describe the chain when 0 is returned.
     */
    public long walk(ByteBuffer buffer, int ipv6Offset, int end) {
        this.buffer = buffer;
        this.start = ipv6Offset + Ipv6Header.LENGTH;
        this.result = walk(buffer, start, Ipv6Header.nextHeader(buffer, ipv6Offset), end);
        return result < 0 ? result : 0;
    }

    /** Offset of the upper-layer header (or of a non-first fragment's data). */
    public int upperLayerOffset() {
        return upperLayerOffset(result);
    }

    /** The upper-layer protocol number. */
    public int upperLayerProtocol() {
        return upperLayerProtocol(result);
    }

    /** How many extension headers were walked. */
    public int count() {
        return count(result);
    }

    /** Offset of the fragment header, or -1 when the packet has none. */
    public int fragmentHeaderOffset() {
        return fragmentHeaderOffset(result, start);
    }

    /** Fragment offset in bytes; 0 without a fragment header. */
    public int fragmentOffset() {
        int at = fragmentHeaderOffset();
        return at < 0 ? 0 : fragmentOffset(buffer, at);
    }

    /** The fragment header's M flag; false without one. */
    public boolean moreFragments() {
        int at = fragmentHeaderOffset();
        return at >= 0 && moreFragments(buffer, at);
    }

    /** The fragment identification (unsigned 32 bits); 0 without a fragment header. */
    public long fragmentIdentification() {
        int at = fragmentHeaderOffset();
        return at < 0 ? 0 : fragmentIdentification(buffer, at);
    }

    /**
     * Walks the chain starting at {@code offset} (just after the fixed header) where the fixed
     * header's next-header field said {@code nextHeader}, reading only bytes before {@code end}.
     *
     * @return a negative code ({@link #TRUNCATED}, {@link #TOO_LONG}, {@link #MALFORMED}) or a packed
     *     result for {@link #upperLayerOffset(long)}, {@link #upperLayerProtocol(long)},
     *     {@link #count(long)} and {@link #fragmentHeaderOffset(long, int)}
     */
    public static long walk(ByteBuffer buffer, int offset, int nextHeader, int end) {
        int at = offset;
        int next = nextHeader;
        int count = 0;
        int fragmentAt = -1;
        while (true) {
            int length;
            if (next == HOP_BY_HOP && count != 0) {
                return MALFORMED;
            }
            switch (next) {
                case HOP_BY_HOP:
                case ROUTING:
                case DESTINATION_OPTIONS:
                    if (at + 2 > end) {
                        return TRUNCATED;
                    }
                    length = optionsLength(buffer, at);
                    break;
                case AUTHENTICATION:
                    if (at + 2 > end) {
                        return TRUNCATED;
                    }
                    length = authenticationLength(buffer, at);
                    break;
                case FRAGMENT:
                    length = FRAGMENT_HEADER_LENGTH;
                    fragmentAt = at;
                    break;
                default:
                    return pack(at, next, count, fragmentAt, offset);
            }
            if (++count > MAX_HEADERS) {
                return TOO_LONG;
            }
            if (at + length > end) {
                return TRUNCATED;
            }
            next = nextHeader(buffer, at);
            at += length;
            if (fragmentAt >= 0 && fragmentOffset(buffer, fragmentAt) != 0) {
                // a later fragment: what follows is data, the chain continues in the first fragment
                return pack(at, next, count, fragmentAt, offset);
            }
        }
    }

    private static long pack(int upperOffset, int protocol, int count, int fragmentAt, int start) {
        long fragment = fragmentAt < 0 ? 0 : fragmentAt - start + 1;
        return (upperOffset & 0xFFFFFFFFL) | ((long) protocol << 32) | (fragment << 40) | ((long) count << 56);
    }

    /** The upper-layer offset of a packed walk result. */
    public static int upperLayerOffset(long result) {
        return (int) result;
    }

    /** The upper-layer protocol of a packed walk result. */
    public static int upperLayerProtocol(long result) {
        return (int) (result >>> 32) & 0xFF;
    }

    /** The number of extension headers of a packed walk result. */
    public static int count(long result) {
        return (int) (result >>> 56) & 0x7F;
    }

    /** The fragment header offset of a packed walk result that started at {@code start}; -1 if none. */
    public static int fragmentHeaderOffset(long result, int start) {
        int relative = (int) (result >>> 40) & 0xFFFF;
        return relative == 0 ? -1 : start + relative - 1;
    }

    /** Next-header field of the extension header at {@code at}. */
    public static int nextHeader(ByteBuffer buffer, int at) {
        return buffer.get(at + NEXT_HEADER_OFFSET) & 0xFF;
    }

    /** Length in bytes of the hop-by-hop, routing or destination options header at {@code at}. */
    public static int optionsLength(ByteBuffer buffer, int at) {
        return ((buffer.get(at + LENGTH_OFFSET) & 0xFF) + 1) << 3;
    }

    /** Length in bytes of the authentication header at {@code at} (its field counts 4-byte units minus 2). */
    public static int authenticationLength(ByteBuffer buffer, int at) {
        return ((buffer.get(at + LENGTH_OFFSET) & 0xFF) + 2) << 2;
    }

    /** Segments left of the routing header at {@code at}. */
    public static int segmentsLeft(ByteBuffer buffer, int at) {
        return buffer.get(at + SEGMENTS_LEFT_OFFSET) & 0xFF;
    }

    /** Fragment offset in bytes of the fragment header at {@code at}. */
    public static int fragmentOffset(ByteBuffer buffer, int at) {
        return buffer.getShort(at + FRAGMENT_OFFSET_FIELD_OFFSET) & 0xFFF8;
    }

    /** M flag of the fragment header at {@code at}. */
    public static boolean moreFragments(ByteBuffer buffer, int at) {
        return (buffer.get(at + FRAGMENT_OFFSET_FIELD_OFFSET + 1) & 1) != 0;
    }

    /** Identification of the fragment header at {@code at}, unsigned. */
    public static long fragmentIdentification(ByteBuffer buffer, int at) {
        return buffer.getInt(at + FRAGMENT_IDENTIFICATION_OFFSET) & 0xFFFFFFFFL;
    }
}
