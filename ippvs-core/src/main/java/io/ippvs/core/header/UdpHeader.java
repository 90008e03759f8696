package io.ippvs.core.header;

import java.nio.ByteBuffer;

/**
 * Flyweight over a UDP header (RFC 768) at an offset in a buffer.
 *
 * <pre>
 *  0      7 8     15 16    23 24    31
 * +--------+--------+--------+--------+
 * |     Source      |   Destination   |
 * |      Port       |      Port       |
 * +--------+--------+--------+--------+
 * |     Length      |    Checksum     |
 * +--------+--------+--------+--------+
 * </pre>
 *
 * <p>A checksum of 0 means "none" over IPv4 and is invalid over IPv6; a computed 0 is sent as
 * 0xFFFF (see io.ippvs.core.checksum.InternetChecksum#udpField). Absolute access only.
 */
public final class UdpHeader extends HeaderView {

    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int LENGTH_OFFSET = 4;
    public static final int CHECKSUM_OFFSET = 6;
    /** The header's length. */
    public static final int LENGTH = 8;
    /** Same as {@link #LENGTH}. */
    public static final int MIN_LENGTH = LENGTH;


    /** An unwrapped flyweight; {@link #wrap} it before use. */
    public UdpHeader() {}

    /** Points this flyweight at the header starting at {@code offset}. */
    public UdpHeader wrap(ByteBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int sourcePort() {
        return sourcePort(buffer, offset);
    }

    public UdpHeader sourcePort(int port) {
        sourcePort(buffer, offset, port);
        return this;
    }

    public int destinationPort() {
        return destinationPort(buffer, offset);
    }

    public UdpHeader destinationPort(int port) {
        destinationPort(buffer, offset, port);
        return this;
    }

    /** Length of header and data in bytes. */
    public int length() {
        return length(buffer, offset);
    }

    public UdpHeader length(int length) {
        length(buffer, offset, length);
        return this;
    }

    public int checksum() {
        return checksum(buffer, offset);
    }

    public UdpHeader checksum(int checksum) {
        checksum(buffer, offset, checksum);
        return this;
    }

    /** Offset of the datagram's data. */
    public int payloadOffset() {
        return offset + LENGTH;
    }

    // ---------------------------------------------------------------- static forms, for the hot path
    // The same fields read or written at {@code offset} in {@code buffer} without a flyweight instance.

    public static int sourcePort(ByteBuffer buffer, int offset) {
        return buffer.getShort(offset + SOURCE_PORT_OFFSET) & 0xFFFF;
    }

    public static int destinationPort(ByteBuffer buffer, int offset) {
        return buffer.getShort(offset + DESTINATION_PORT_OFFSET) & 0xFFFF;
    }

    /** Length of header and data in bytes. */
    public static int length(ByteBuffer buffer, int offset) {
        return buffer.getShort(offset + LENGTH_OFFSET) & 0xFFFF;
    }

    public static int checksum(ByteBuffer buffer, int offset) {
        return buffer.getShort(offset + CHECKSUM_OFFSET) & 0xFFFF;
    }

    public static void sourcePort(ByteBuffer buffer, int offset, int port) {
        buffer.putShort(offset + SOURCE_PORT_OFFSET, (short) port);
    }

    public static void destinationPort(ByteBuffer buffer, int offset, int port) {
        buffer.putShort(offset + DESTINATION_PORT_OFFSET, (short) port);
    }

    public static void length(ByteBuffer buffer, int offset, int length) {
        buffer.putShort(offset + LENGTH_OFFSET, (short) length);
    }

    public static void checksum(ByteBuffer buffer, int offset, int checksum) {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short) checksum);
    }
}
