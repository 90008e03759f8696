package io.ippvs.core.header;

import io.ippvs.core.checksum.InternetChecksum;
import java.nio.ByteBuffer;

/**
 * Flyweight over an ICMPv6 header (RFC 4443) at an offset in a buffer.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Identifier          |        Sequence Number        |  echo (128, 129)
 * |                              MTU                              |  packet too big (2)
 * |                            Pointer                            |  parameter problem (4)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  errors: as much of the invoking packet as fits in 1280 bytes  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The checksum covers the IPv6 pseudo-header and the whole message: compute the pseudo-header
 * sum with io.ippvs.core.checksum.InternetChecksum#pseudoHeaderV6 and pass it in. Absolute
 * access only.
 */
public final class Icmpv6Header extends HeaderView {

    public static final int TYPE_OFFSET = 0;
    public static final int CODE_OFFSET = 1;
    public static final int CHECKSUM_OFFSET = 2;
    public static final int IDENTIFIER_OFFSET = 4;
    public static final int SEQUENCE_OFFSET = 6;
    public static final int MTU_OFFSET = 4;
    public static final int POINTER_OFFSET = 4;
    /** The header's length; an error's quoted packet starts here. */
    public static final int LENGTH = 8;
    /** Same as {@link #LENGTH}. */
    public static final int MIN_LENGTH = LENGTH;

    public static final int TYPE_DEST_UNREACHABLE = 1;
    public static final int TYPE_PACKET_TOO_BIG = 2;
    public static final int TYPE_TIME_EXCEEDED = 3;
    public static final int TYPE_PARAMETER_PROBLEM = 4;
    public static final int TYPE_ECHO_REQUEST = 128;
    public static final int TYPE_ECHO_REPLY = 129;
    /** Time-exceeded code: hop limit exceeded in transit. */
    public static final int CODE_HOP_LIMIT_EXCEEDED = 0;
    /** The IPv6 minimum MTU, which bounds an error message's length (RFC 4443 section 2.4). */
    public static final int MIN_MTU = 1280;


    /** An unwrapped flyweight; {@link #wrap} it before use. */
    public Icmpv6Header() {}

    /** Points this flyweight at the header starting at {@code offset}. */
    public Icmpv6Header wrap(ByteBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int type() {
        return type(buffer, offset);
    }

    public Icmpv6Header type(int type) {
        type(buffer, offset, type);
        return this;
    }

    public int code() {
        return code(buffer, offset);
    }

    public Icmpv6Header code(int code) {
        code(buffer, offset, code);
        return this;
    }

    public int checksum() {
        return checksum(buffer, offset);
    }

    public Icmpv6Header checksum(int checksum) {
        checksum(buffer, offset, checksum);
        return this;
    }

    /** Echo identifier. */
    public int identifier() {
        return identifier(buffer, offset);
    }

    public Icmpv6Header identifier(int identifier) {
        identifier(buffer, offset, identifier);
        return this;
    }

    /** Echo sequence number. */
    public int sequence() {
        return sequence(buffer, offset);
    }

    public Icmpv6Header sequence(int sequence) {
        sequence(buffer, offset, sequence);
        return this;
    }

    /** MTU of a packet-too-big message, unsigned 32 bits. */
    public long mtu() {
        return mtu(buffer, offset);
    }

    public Icmpv6Header mtu(long mtu) {
        mtu(buffer, offset, mtu);
        return this;
    }

    /** Parameter-problem pointer, unsigned 32 bits. */
    public long pointer() {
        return pointer(buffer, offset);
    }

    public Icmpv6Header pointer(long pointer) {
        pointer(buffer, offset, pointer);
        return this;
    }

    /** Whether this is an error message (types 1 to 4) quoting an invoking packet. */
    public boolean isError() {
        return isError(type());
    }

    /** {@link #isError()} for a type value: the error types IPVS relates to connections. */
    public static boolean isError(int type) {
        return type >= TYPE_DEST_UNREACHABLE && type <= TYPE_PARAMETER_PROBLEM;
    }

    /** Offset of the quoted packet of an error message. */
    public int quotedOffset() {
        return offset + LENGTH;
    }

    /**
     * The checksum the {@code length}-byte message should carry, given the pseudo-header sum
     * (InternetChecksum.pseudoHeaderV6 with next header 58 and this length).
     */
    public int computeChecksum(int pseudoHeaderSum, int length) {
        int sum = InternetChecksum.sum(buffer, offset, CHECKSUM_OFFSET, pseudoHeaderSum);
        sum = InternetChecksum.sum(buffer, offset + CHECKSUM_OFFSET + 2, length - CHECKSUM_OFFSET - 2, sum);
        return ~sum & 0xFFFF;
    }

    /** Stores {@link #computeChecksum(int, int)}. */
    public Icmpv6Header updateChecksum(int pseudoHeaderSum, int length) {
        return checksum(computeChecksum(pseudoHeaderSum, length));
    }

    // ---------------------------------------------------------------- static forms, for the hot path
    // The same fields read or written at {@code offset} in {@code buffer} without a flyweight instance.

    public static int type(ByteBuffer buffer, int offset) {
        return buffer.get(offset + TYPE_OFFSET) & 0xFF;
    }

    public static int code(ByteBuffer buffer, int offset) {
        return buffer.get(offset + CODE_OFFSET) & 0xFF;
    }

    public static int checksum(ByteBuffer buffer, int offset) {
        return buffer.getShort(offset + CHECKSUM_OFFSET) & 0xFFFF;
    }

    /** Echo identifier. */
    public static int identifier(ByteBuffer buffer, int offset) {
        return buffer.getShort(offset + IDENTIFIER_OFFSET) & 0xFFFF;
    }

    /** Echo sequence number. */
    public static int sequence(ByteBuffer buffer, int offset) {
        return buffer.getShort(offset + SEQUENCE_OFFSET) & 0xFFFF;
    }

    /** MTU of a packet-too-big message, unsigned 32 bits. */
    public static long mtu(ByteBuffer buffer, int offset) {
        return buffer.getInt(offset + MTU_OFFSET) & 0xFFFFFFFFL;
    }

    /** Parameter-problem pointer, unsigned 32 bits. */
    public static long pointer(ByteBuffer buffer, int offset) {
        return buffer.getInt(offset + POINTER_OFFSET) & 0xFFFFFFFFL;
    }

    public static void type(ByteBuffer buffer, int offset, int type) {
        buffer.put(offset + TYPE_OFFSET, (byte) type);
    }

    public static void code(ByteBuffer buffer, int offset, int code) {
        buffer.put(offset + CODE_OFFSET, (byte) code);
    }

    public static void checksum(ByteBuffer buffer, int offset, int checksum) {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short) checksum);
    }

    public static void identifier(ByteBuffer buffer, int offset, int identifier) {
        buffer.putShort(offset + IDENTIFIER_OFFSET, (short) identifier);
    }

    public static void sequence(ByteBuffer buffer, int offset, int sequence) {
        buffer.putShort(offset + SEQUENCE_OFFSET, (short) sequence);
    }

    public static void mtu(ByteBuffer buffer, int offset, long mtu) {
        buffer.putInt(offset + MTU_OFFSET, (int) mtu);
    }

    public static void pointer(ByteBuffer buffer, int offset, long pointer) {
        buffer.putInt(offset + POINTER_OFFSET, (int) pointer);
    }
}
