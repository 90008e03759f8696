package io.ippvs.tunnel;

import java.nio.ByteBuffer;

/**
 * The Generic UDP Encapsulation header, variant 0 (draft-ietf-intarea-gue), as the tunnel writes it
 * after the outer UDP header: no optional fields, no flags.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Ver|C|  Hlen   |  Proto/ctype  |             Flags             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Extension fields (Hlen words)                 ~
 * </pre>
 *
 * Variant 1 has no GUE header at all: the UDP payload starts with the inner IPv4 or IPv6 header,
 * whose version nibble (4 = 0100, 6 = 0110) puts 01 in the two variant bits.
 */
final class GueHeader {

    /** Length of the header without extension fields. */
    static final int LENGTH = 4;
    static final int PROTOCOL_OFFSET = 1;

    private GueHeader() {}

    /** Writes a variant 0 data header carrying {@code innerProtocol} (4 or 41). */
    static void write(ByteBuffer buffer, int offset, int innerProtocol) {
        buffer.putInt(offset, (innerProtocol & 0xFF) << 16);
    }

    /** The first byte (variant, control bit, extension length) of the header at {@code offset}. */
    static int firstByte(ByteBuffer buffer, int offset) {
        return buffer.get(offset) & 0xFF;
    }

    /** The inner protocol of the variant 0 header at {@code offset}. */
    static int protocol(ByteBuffer buffer, int offset) {
        return buffer.get(offset + PROTOCOL_OFFSET) & 0xFF;
    }

    /** The two variant bits of the first byte. */
    static int variant(int firstByte) {
        return (firstByte >>> 6) & 0x03;
    }

    /** The control-message bit of a variant 0 header. */
    static boolean control(int firstByte) {
        return (firstByte & 0x20) != 0;
    }

    /** Length in bytes of the extension fields of a variant 0 header. */
    static int extensionLength(int firstByte) {
        return (firstByte & 0x1F) * 4;
    }
}
