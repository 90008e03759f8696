package io.ippvs.core.header;

import java.nio.ByteBuffer;

/**
 * Flyweight over the fixed IPv6 header (RFC 8200) at an offset in a buffer. Extension headers
 * after it are walked by {@link Ipv6ExtensionHeaders}.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Traffic Class |           Flow Label                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Payload Length        |  Next Header  |   Hop Limit   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                         Source Address                        +
 * |                          (128 bits)                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                      Destination Address                      +
 * |                          (128 bits)                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Addresses are two big-endian longs, high (bytes 0..7) and low (bytes 8..15), as in
 * io.ippvs.api.Addresses. Absolute access only; nothing validated, nothing allocated.
 */
public final class Ipv6Header extends HeaderView {

    public static final int VERSION_CLASS_FLOW_OFFSET = 0;
    public static final int PAYLOAD_LENGTH_OFFSET = 4;
    public static final int NEXT_HEADER_OFFSET = 6;
    public static final int HOP_LIMIT_OFFSET = 7;
    public static final int SOURCE_ADDRESS_OFFSET = 8;
    public static final int DESTINATION_ADDRESS_OFFSET = 24;
    /** The fixed header's length. */
    public static final int LENGTH = 40;
    /** Same as {@link #LENGTH}: the header has no variable part. */
    public static final int MIN_LENGTH = LENGTH;


    /** An unwrapped flyweight; {@link #wrap} it before use. */
    public Ipv6Header() {}

    /** Points this flyweight at the header starting at {@code offset}. */
    public Ipv6Header wrap(ByteBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    private int firstWord() {
        return buffer.getInt(offset);
    }

    /** The version nibble (6) of the header at {@code offset}. */
    public static int version(ByteBuffer buffer, int offset) {
        return buffer.getInt(offset) >>> 28;
    }

    /** The traffic class byte of the header at {@code offset}. */
    public static int trafficClass(ByteBuffer buffer, int offset) {
        return (buffer.getInt(offset) >>> 20) & 0xFF;
    }

    private void firstWord(int word) {
        buffer.putInt(offset, word);
    }

    public int version() {
        return firstWord() >>> 28;
    }

    public Ipv6Header version(int version) {
        firstWord((firstWord() & 0x0FFFFFFF) | (version << 28));
        return this;
    }

    /** The traffic class byte: DSCP in the upper six bits, ECN in the lower two. */
    public int trafficClass() {
        return (firstWord() >>> 20) & 0xFF;
    }

    public Ipv6Header trafficClass(int trafficClass) {
        firstWord((firstWord() & 0xF00FFFFF) | ((trafficClass & 0xFF) << 20));
        return this;
    }

    /** The 20-bit flow label. */
    public int flowLabel() {
        return firstWord() & 0xFFFFF;
    }

    public Ipv6Header flowLabel(int flowLabel) {
        firstWord((firstWord() & 0xFFF00000) | (flowLabel & 0xFFFFF));
        return this;
    }

    /** Length after the fixed header, extension headers included. */
    public int payloadLength() {
        return payloadLength(buffer, offset);
    }

    public Ipv6Header payloadLength(int length) {
        payloadLength(buffer, offset, length);
        return this;
    }

    /** The first extension header's type, or the upper-layer protocol when there is none. */
    public int nextHeader() {
        return nextHeader(buffer, offset);
    }

    public Ipv6Header nextHeader(int nextHeader) {
        nextHeader(buffer, offset, nextHeader);
        return this;
    }

    public int hopLimit() {
        return hopLimit(buffer, offset);
    }

    public Ipv6Header hopLimit(int hopLimit) {
        hopLimit(buffer, offset, hopLimit);
        return this;
    }

    public long sourceAddressHigh() {
        return sourceAddressHigh(buffer, offset);
    }

    public long sourceAddressLow() {
        return sourceAddressLow(buffer, offset);
    }

    public Ipv6Header sourceAddress(long high, long low) {
        sourceAddress(buffer, offset, high, low);
        return this;
    }

    public long destinationAddressHigh() {
        return destinationAddressHigh(buffer, offset);
    }

    public long destinationAddressLow() {
        return destinationAddressLow(buffer, offset);
    }

    public Ipv6Header destinationAddress(long high, long low) {
        destinationAddress(buffer, offset, high, low);
        return this;
    }

    /** Offset of the first byte after the fixed header (an extension header or the upper layer). */
    public int payloadOffset() {
        return offset + LENGTH;
    }

    // ---------------------------------------------------------------- static forms, for the hot path
    // The same fields read or written at {@code offset} in {@code buffer} without a flyweight instance.

    /** Length after the fixed header, extension headers included. */
    public static int payloadLength(ByteBuffer buffer, int offset) {
        return buffer.getShort(offset + PAYLOAD_LENGTH_OFFSET) & 0xFFFF;
    }

    /** The first extension header's type, or the upper-layer protocol when there is none. */
    public static int nextHeader(ByteBuffer buffer, int offset) {
        return buffer.get(offset + NEXT_HEADER_OFFSET) & 0xFF;
    }

    public static int hopLimit(ByteBuffer buffer, int offset) {
        return buffer.get(offset + HOP_LIMIT_OFFSET) & 0xFF;
    }

    public static long sourceAddressHigh(ByteBuffer buffer, int offset) {
        return buffer.getLong(offset + SOURCE_ADDRESS_OFFSET);
    }

    public static long sourceAddressLow(ByteBuffer buffer, int offset) {
        return buffer.getLong(offset + SOURCE_ADDRESS_OFFSET + 8);
    }

    public static long destinationAddressHigh(ByteBuffer buffer, int offset) {
        return buffer.getLong(offset + DESTINATION_ADDRESS_OFFSET);
    }

    public static long destinationAddressLow(ByteBuffer buffer, int offset) {
        return buffer.getLong(offset + DESTINATION_ADDRESS_OFFSET + 8);
    }

    public static void payloadLength(ByteBuffer buffer, int offset, int length) {
        buffer.putShort(offset + PAYLOAD_LENGTH_OFFSET, (short) length);
    }

    public static void nextHeader(ByteBuffer buffer, int offset, int nextHeader) {
        buffer.put(offset + NEXT_HEADER_OFFSET, (byte) nextHeader);
    }

    public static void hopLimit(ByteBuffer buffer, int offset, int hopLimit) {
        buffer.put(offset + HOP_LIMIT_OFFSET, (byte) hopLimit);
    }

    public static void sourceAddress(ByteBuffer buffer, int offset, long high, long low) {
        buffer.putLong(offset + SOURCE_ADDRESS_OFFSET, high);
        buffer.putLong(offset + SOURCE_ADDRESS_OFFSET + 8, low);
    }

    public static void destinationAddress(ByteBuffer buffer, int offset, long high, long low) {
        buffer.putLong(offset + DESTINATION_ADDRESS_OFFSET, high);
        buffer.putLong(offset + DESTINATION_ADDRESS_OFFSET + 8, low);
    }

    // An address field picked at run time (source or destination), at its absolute offset {@code field}.

    /** High word of the 16-byte address at absolute offset {@code field}. */
    public static long addressHigh(ByteBuffer buffer, int field) {
        return buffer.getLong(field);
    }

    /** Low word of the 16-byte address at absolute offset {@code field}. */
    public static long addressLow(ByteBuffer buffer, int field) {
        return buffer.getLong(field + 8);
    }

    /** Stores a 16-byte address at absolute offset {@code field}. */
    public static void address(ByteBuffer buffer, int field, long high, long low) {
        buffer.putLong(field, high);
        buffer.putLong(field + 8, low);
    }
}
