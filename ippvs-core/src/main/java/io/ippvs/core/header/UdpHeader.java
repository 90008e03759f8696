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
        return buffer.getShort(offset + SOURCE_PORT_OFFSET) & 0xFFFF;
    }

    public UdpHeader sourcePort(int port) {
        buffer.putShort(offset + SOURCE_PORT_OFFSET, (short) port);
        return this;
    }

    public int destinationPort() {
        return buffer.getShort(offset + DESTINATION_PORT_OFFSET) & 0xFFFF;
    }

    public UdpHeader destinationPort(int port) {
        buffer.putShort(offset + DESTINATION_PORT_OFFSET, (short) port);
        return this;
    }

    /** Length of header and data in bytes. */
    public int length() {
        return buffer.getShort(offset + LENGTH_OFFSET) & 0xFFFF;
    }

    public UdpHeader length(int length) {
        buffer.putShort(offset + LENGTH_OFFSET, (short) length);
        return this;
    }

    public int checksum() {
        return buffer.getShort(offset + CHECKSUM_OFFSET) & 0xFFFF;
    }

    public UdpHeader checksum(int checksum) {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short) checksum);
        return this;
    }

    /** Offset of the datagram's data. */
    public int payloadOffset() {
        return offset + LENGTH;
    }
}
