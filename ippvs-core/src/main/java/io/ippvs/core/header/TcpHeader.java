package io.ippvs.core.header;

import java.nio.ByteBuffer;

/**
 * Flyweight over a TCP header (RFC 9293) at an offset in a buffer.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Acknowledgment Number                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 * |       |       |R|E|G|K|H|T|N|N|                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options                    |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Absolute access only; nothing validated, nothing allocated. The checksum covers the
 * pseudo-header: see io.ippvs.core.checksum.InternetChecksum.
 */
public final class TcpHeader extends HeaderView {

    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int SEQUENCE_OFFSET = 4;
    public static final int ACKNOWLEDGMENT_OFFSET = 8;
    public static final int DATA_OFFSET_OFFSET = 12;
    public static final int FLAGS_OFFSET = 13;
    public static final int WINDOW_OFFSET = 14;
    public static final int CHECKSUM_OFFSET = 16;
    public static final int URGENT_POINTER_OFFSET = 18;
    /** Length without options. */
    public static final int MIN_LENGTH = 20;
    /** Length with 40 bytes of options (data offset 15). */
    public static final int MAX_LENGTH = 60;

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    /** Option kinds (RFC 9293, RFC 7323, RFC 2018). */
    public static final int OPTION_END = 0;
    public static final int OPTION_NOP = 1;
    public static final int OPTION_MSS = 2;
    public static final int OPTION_WINDOW_SCALE = 3;
    public static final int OPTION_SACK_PERMITTED = 4;
    public static final int OPTION_SACK = 5;
    public static final int OPTION_TIMESTAMPS = 8;


    /** An unwrapped flyweight; {@link #wrap} it before use. */
    public TcpHeader() {}

    /** Points this flyweight at the header starting at {@code offset}. */
    public TcpHeader wrap(ByteBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int sourcePort() {
        return sourcePort(buffer, offset);
    }

    public TcpHeader sourcePort(int port) {
        sourcePort(buffer, offset, port);
        return this;
    }

    public int destinationPort() {
        return destinationPort(buffer, offset);
    }

    public TcpHeader destinationPort(int port) {
        destinationPort(buffer, offset, port);
        return this;
    }

    /** Sequence number, unsigned 32 bits. */
    public long sequenceNumber() {
        return sequenceNumber(buffer, offset);
    }

    public TcpHeader sequenceNumber(long seq) {
        sequenceNumber(buffer, offset, seq);
        return this;
    }

    /** Acknowledgment number, unsigned 32 bits. */
    public long acknowledgmentNumber() {
        return acknowledgmentNumber(buffer, offset);
    }

    public TcpHeader acknowledgmentNumber(long ack) {
        acknowledgmentNumber(buffer, offset, ack);
        return this;
    }

    /** Header length in bytes (data offset * 4), options included. */
    public int headerLength() {
        return headerLength(buffer, offset);
    }

    /** Sets the data offset to {@code bytes / 4}, keeping the reserved bits. */
    public TcpHeader headerLength(int bytes) {
        int b = buffer.get(offset + DATA_OFFSET_OFFSET) & 0x0F;
        buffer.put(offset + DATA_OFFSET_OFFSET, (byte) (b | ((bytes << 2) & 0xF0)));
        return this;
    }

    /** The flags byte (CWR ... FIN). */
    public int flags() {
        return flags(buffer, offset);
    }

    public TcpHeader flags(int flags) {
        flags(buffer, offset, flags);
        return this;
    }

    /** Whether every flag in {@code mask} is set. */
    public boolean hasFlags(int mask) {
        return (flags() & mask) == mask;
    }

    public int window() {
        return window(buffer, offset);
    }

    public TcpHeader window(int window) {
        window(buffer, offset, window);
        return this;
    }

    public int checksum() {
        return checksum(buffer, offset);
    }

    public TcpHeader checksum(int checksum) {
        checksum(buffer, offset, checksum);
        return this;
    }

    public int urgentPointer() {
        return urgentPointer(buffer, offset);
    }

    public TcpHeader urgentPointer(int pointer) {
        urgentPointer(buffer, offset, pointer);
        return this;
    }

    /** Offset of the first option byte; options run to {@code offset() + headerLength()}. */
    public int optionsOffset() {
        return offset + MIN_LENGTH;
    }

    /** Offset of the segment's data. */
    public int payloadOffset() {
        return offset + headerLength();
    }

    /**
     * Offset of the first option of {@code kind}, or -1 when absent or when the options are
     * malformed. Reads only within the header and the buffer's limit.
     */
    public int findOption(int kind) {
        int end = Math.min(offset + headerLength(), buffer.limit());
        int at = optionsOffset();
        while (at < end) {
            int k = buffer.get(at) & 0xFF;
            if (k == OPTION_END) {
                return -1;
            }
            if (k == OPTION_NOP) {
                at++;
                continue;
            }
            if (at + 1 >= end) {
                return -1;
            }
            int length = buffer.get(at + 1) & 0xFF;
            if (length < 2 || at + length > end) {
                return -1;
            }
            if (k == kind) {
                return at;
            }
            at += length;
        }
        return -1;
    }

    /** The MSS option's value, or -1 when the segment carries none. */
    public int mss() {
        int at = findOption(OPTION_MSS);
        return at < 0 || (buffer.get(at + 1) & 0xFF) != 4 ? -1 : buffer.getShort(at + 2) & 0xFFFF;
    }

    /** Overwrites the value of an existing MSS option; returns false when there is none. */
    public boolean mss(int mss) {
        int at = findOption(OPTION_MSS);
        if (at < 0 || (buffer.get(at + 1) & 0xFF) != 4) {
            return false;
        }
        buffer.putShort(at + 2, (short) mss);
        return true;
    }

    // ---------------------------------------------------------------- static forms, for the hot path
    // The same fields read or written at {@code offset} in {@code buffer} without a flyweight instance.

    public static int sourcePort(ByteBuffer buffer, int offset) {
        return buffer.getShort(offset + SOURCE_PORT_OFFSET) & 0xFFFF;
    }

    public static int destinationPort(ByteBuffer buffer, int offset) {
        return buffer.getShort(offset + DESTINATION_PORT_OFFSET) & 0xFFFF;
    }

    /** Sequence number, unsigned 32 bits. */
    public static long sequenceNumber(ByteBuffer buffer, int offset) {
        return buffer.getInt(offset + SEQUENCE_OFFSET) & 0xFFFFFFFFL;
    }

    /** Acknowledgment number, unsigned 32 bits. */
    public static long acknowledgmentNumber(ByteBuffer buffer, int offset) {
        return buffer.getInt(offset + ACKNOWLEDGMENT_OFFSET) & 0xFFFFFFFFL;
    }

    /** Header length in bytes (data offset * 4), options included. */
    public static int headerLength(ByteBuffer buffer, int offset) {
        return (buffer.get(offset + DATA_OFFSET_OFFSET) & 0xF0) >>> 2;
    }

    /** The flags byte (CWR ... FIN). */
    public static int flags(ByteBuffer buffer, int offset) {
        return buffer.get(offset + FLAGS_OFFSET) & 0xFF;
    }

    public static int window(ByteBuffer buffer, int offset) {
        return buffer.getShort(offset + WINDOW_OFFSET) & 0xFFFF;
    }

    public static int checksum(ByteBuffer buffer, int offset) {
        return buffer.getShort(offset + CHECKSUM_OFFSET) & 0xFFFF;
    }

    public static int urgentPointer(ByteBuffer buffer, int offset) {
        return buffer.getShort(offset + URGENT_POINTER_OFFSET) & 0xFFFF;
    }

    public static void sourcePort(ByteBuffer buffer, int offset, int port) {
        buffer.putShort(offset + SOURCE_PORT_OFFSET, (short) port);
    }

    public static void destinationPort(ByteBuffer buffer, int offset, int port) {
        buffer.putShort(offset + DESTINATION_PORT_OFFSET, (short) port);
    }

    public static void sequenceNumber(ByteBuffer buffer, int offset, long seq) {
        buffer.putInt(offset + SEQUENCE_OFFSET, (int) seq);
    }

    public static void acknowledgmentNumber(ByteBuffer buffer, int offset, long ack) {
        buffer.putInt(offset + ACKNOWLEDGMENT_OFFSET, (int) ack);
    }

    public static void flags(ByteBuffer buffer, int offset, int flags) {
        buffer.put(offset + FLAGS_OFFSET, (byte) flags);
    }

    public static void window(ByteBuffer buffer, int offset, int window) {
        buffer.putShort(offset + WINDOW_OFFSET, (short) window);
    }

    public static void checksum(ByteBuffer buffer, int offset, int checksum) {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short) checksum);
    }

    public static void urgentPointer(ByteBuffer buffer, int offset, int pointer) {
        buffer.putShort(offset + URGENT_POINTER_OFFSET, (short) pointer);
    }
}
