package io.ippvs.core.header;

import io.ippvs.core.checksum.InternetChecksum;
import java.nio.ByteBuffer;

/**
 * Flyweight over an ICMP header (RFC 792, RFC 1191) at an offset in a buffer.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Identifier          |        Sequence Number        |  echo
 * |           unused (0)          |         Next-Hop MTU          |  frag. needed (3/4)
 * |    Pointer    |                   unused                      |  parameter problem
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  errors: the offending datagram's IP header + at least 8 bytes |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The checksum covers the whole ICMP message, with no pseudo-header. Absolute access only.
 */
public final class Icmpv4Header extends HeaderView {

    public static final int TYPE_OFFSET = 0;
    public static final int CODE_OFFSET = 1;
    public static final int CHECKSUM_OFFSET = 2;
    public static final int IDENTIFIER_OFFSET = 4;
    public static final int SEQUENCE_OFFSET = 6;
    public static final int REST_OFFSET = 4;
    public static final int MTU_OFFSET = 6;
    public static final int POINTER_OFFSET = 4;
    /** The header's length; an error's quoted datagram starts here. */
    public static final int LENGTH = 8;
    /** Same as {@link #LENGTH}. */
    public static final int MIN_LENGTH = LENGTH;

    public static final int TYPE_ECHO_REPLY = 0;
    public static final int TYPE_DEST_UNREACHABLE = 3;
    public static final int TYPE_SOURCE_QUENCH = 4;
    public static final int TYPE_REDIRECT = 5;
    public static final int TYPE_ECHO_REQUEST = 8;
    public static final int TYPE_TIME_EXCEEDED = 11;
    public static final int TYPE_PARAMETER_PROBLEM = 12;
    /** Destination-unreachable code: fragmentation needed and DF set. */
    public static final int CODE_FRAGMENTATION_NEEDED = 4;
    /** Time-exceeded code: TTL exceeded in transit. */
    public static final int CODE_TTL_EXCEEDED = 0;


    /** An unwrapped flyweight; {@link #wrap} it before use. */
    public Icmpv4Header() {}

    /** Points this flyweight at the header starting at {@code offset}. */
    public Icmpv4Header wrap(ByteBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int type() {
        return type(buffer, offset);
    }

    public Icmpv4Header type(int type) {
        type(buffer, offset, type);
        return this;
    }

    public int code() {
        return code(buffer, offset);
    }

    public Icmpv4Header code(int code) {
        code(buffer, offset, code);
        return this;
    }

    public int checksum() {
        return checksum(buffer, offset);
    }

    public Icmpv4Header checksum(int checksum) {
        checksum(buffer, offset, checksum);
        return this;
    }

    /** Echo identifier. */
    public int identifier() {
        return identifier(buffer, offset);
    }

    public Icmpv4Header identifier(int identifier) {
        identifier(buffer, offset, identifier);
        return this;
    }

    /** Echo sequence number. */
    public int sequence() {
        return sequence(buffer, offset);
    }

    public Icmpv4Header sequence(int sequence) {
        sequence(buffer, offset, sequence);
        return this;
    }

    /** The 32 bits after the checksum, whatever the type makes of them. */
    public int rest() {
        return rest(buffer, offset);
    }

    public Icmpv4Header rest(int rest) {
        rest(buffer, offset, rest);
        return this;
    }

    /** Next-hop MTU of a fragmentation-needed message (RFC 1191). */
    public int mtu() {
        return mtu(buffer, offset);
    }

    public Icmpv4Header mtu(int mtu) {
        mtu(buffer, offset, mtu);
        return this;
    }

    /** Parameter-problem pointer. */
    public int pointer() {
        return pointer(buffer, offset);
    }

    public Icmpv4Header pointer(int pointer) {
        pointer(buffer, offset, pointer);
        return this;
    }

    /** Whether this type quotes an offending datagram and is about a flow: unreachable, source quench, time exceeded, parameter problem. */
    public boolean isError() {
        return isError(type());
    }

    /** {@link #isError()} for a type value. */
    public static boolean isError(int type) {
        return type == TYPE_DEST_UNREACHABLE || type == TYPE_SOURCE_QUENCH
                || type == TYPE_TIME_EXCEEDED || type == TYPE_PARAMETER_PROBLEM;
    }

    /** Offset of the quoted datagram of an error message. */
    public int quotedOffset() {
        return offset + LENGTH;
    }

    /** The checksum the {@code length}-byte message should carry. */
    public int computeChecksum(int length) {
        int sum = InternetChecksum.sum(buffer, offset, CHECKSUM_OFFSET, 0);
        sum = InternetChecksum.sum(buffer, offset + CHECKSUM_OFFSET + 2, length - CHECKSUM_OFFSET - 2, sum);
        return ~sum & 0xFFFF;
    }

    /** Stores {@link #computeChecksum(int)}. */
    public Icmpv4Header updateChecksum(int length) {
        return checksum(computeChecksum(length));
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

    /** The 32 bits after the checksum, whatever the type makes of them. */
    public static int rest(ByteBuffer buffer, int offset) {
        return buffer.getInt(offset + REST_OFFSET);
    }

    /** Next-hop MTU of a fragmentation-needed message (RFC 1191). */
    public static int mtu(ByteBuffer buffer, int offset) {
        return buffer.getShort(offset + MTU_OFFSET) & 0xFFFF;
    }

    /** Parameter-problem pointer. */
    public static int pointer(ByteBuffer buffer, int offset) {
        return buffer.get(offset + POINTER_OFFSET) & 0xFF;
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

    public static void rest(ByteBuffer buffer, int offset, int rest) {
        buffer.putInt(offset + REST_OFFSET, rest);
    }

    public static void mtu(ByteBuffer buffer, int offset, int mtu) {
        buffer.putShort(offset + MTU_OFFSET, (short) mtu);
    }

    public static void pointer(ByteBuffer buffer, int offset, int pointer) {
        buffer.put(offset + POINTER_OFFSET, (byte) pointer);
    }
}
