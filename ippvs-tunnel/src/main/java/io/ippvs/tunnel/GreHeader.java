package io.ippvs.tunnel;

import java.nio.ByteBuffer;

/**
 * The GRE header of RFC 2784 with the key and sequence extensions of RFC 2890.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |C| |K|S| Reserved0       | Ver |         Protocol Type         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Checksum (optional)      |       Reserved1 (Optional)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Key (optional)                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Sequence Number (optional)                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The checksum covers the GRE header and its payload.
 */
final class GreHeader {

    /** Length of the header without optional fields. */
    static final int LENGTH = 4;
    /** Length with the checksum field (and Reserved1). */
    static final int LENGTH_WITH_CHECKSUM = 8;
    static final int PROTOCOL_OFFSET = 2;
    static final int CHECKSUM_OFFSET = 4;

    static final int FLAG_CHECKSUM = 0x8000;
    static final int FLAG_KEY = 0x2000;
    static final int FLAG_SEQUENCE = 0x1000;
    /**
     * Bits a receiver must find clear (RFC 2784: bits 1 to 5, except K and S which RFC 2890 gave a
     * meaning): routing present, strict source route and the top bit of the recursion count.
     */
    static final int FLAGS_MUST_BE_ZERO = 0x4C00;
    static final int VERSION_MASK = 0x0007;

    /** GRE protocol types (EtherTypes) of the payloads a tunnel carries. */
    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_IPV6 = 0x86DD;

    private GreHeader() {}

    /** The flags and version word of the header at {@code offset}. */
    static int flags(ByteBuffer buffer, int offset) {
        return buffer.getShort(offset) & 0xFFFF;
    }

    /** The protocol type (an EtherType) of the header at {@code offset}. */
    static int protocolType(ByteBuffer buffer, int offset) {
        return buffer.getShort(offset + PROTOCOL_OFFSET) & 0xFFFF;
    }

    /** The key of the header at {@code offset} with these flags (the caller checks that it has one). */
    static int key(ByteBuffer buffer, int offset, int flags) {
        return buffer.getInt(offset + keyOffset(flags));
    }

    /** Stores the checksum of a header written with the checksum flag. */
    static void checksum(ByteBuffer buffer, int offset, int checksum) {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short) checksum);
    }

    /** Length of a header with these flags. */
    static int length(int flags) {
        int length = LENGTH;
        if ((flags & FLAG_CHECKSUM) != 0) {
            length += 4;
        }
        if ((flags & FLAG_KEY) != 0) {
            length += 4;
        }
        if ((flags & FLAG_SEQUENCE) != 0) {
            length += 4;
        }
        return length;
    }

    /** Offset of the key within a header with these flags (the key follows the checksum word). */
    static int keyOffset(int flags) {
        return (flags & FLAG_CHECKSUM) != 0 ? 8 : 4;
    }

    /** Writes the first word; with the checksum flag, also a zero checksum and Reserved1 to fill in later. */
    static void write(ByteBuffer buffer, int offset, boolean checksum, int etherType) {
        buffer.putInt(offset, (checksum ? FLAG_CHECKSUM << 16 : 0) | (etherType & 0xFFFF));
        if (checksum) {
            buffer.putInt(offset + CHECKSUM_OFFSET, 0);
        }
    }
}
