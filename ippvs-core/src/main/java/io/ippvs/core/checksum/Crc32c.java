package io.ippvs.core.checksum;

import java.nio.ByteBuffer;

/**
 * CRC32c (Castagnoli, reflected polynomial 0x82F63B78), the SCTP checksum of RFC 4960 appendix B,
 * over a buffer range with absolute reads: no allocation, no position change, heap and direct
 * buffers alike. Slicing-by-8 tables (8 KiB, built once).
 *
 * <p>A running CRC is carried between calls in its finalised form, so
 * {@code update(update(0, b, 0, n), b, n, m) == update(0, b, 0, n + m)}.
 */
public final class Crc32c {

    private static final int POLYNOMIAL = 0x82F63B78;
    private static final int[] TABLE = new int[8 * 256];

    static {
        for (int n = 0; n < 256; n++) {
            int c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
            }
            TABLE[n] = c;
        }
        for (int n = 0; n < 256; n++) {
            int c = TABLE[n];
            for (int t = 1; t < 8; t++) {
                c = (c >>> 8) ^ TABLE[c & 0xFF];
                TABLE[t * 256 + n] = c;
            }
        }
    }

    private Crc32c() {}

    /** The CRC32c of {@code length} bytes at {@code offset}. */
    public static int compute(ByteBuffer buffer, int offset, int length) {
        return update(0, buffer, offset, length);
    }

    /** Continues the CRC32c {@code crc} (0 to start) over {@code length} bytes at {@code offset}. */
    public static int update(int crc, ByteBuffer buffer, int offset, int length) {
        int c = ~crc;
        int i = offset;
        int end = offset + length;
        for (; i + 8 <= end; i += 8) {
            // the reflected CRC consumes bytes in wire order, least significant first
            int lo = c ^ Integer.reverseBytes(buffer.getInt(i));
            int hi = Integer.reverseBytes(buffer.getInt(i + 4));
            c = TABLE[7 * 256 + (lo & 0xFF)]
                    ^ TABLE[6 * 256 + ((lo >>> 8) & 0xFF)]
                    ^ TABLE[5 * 256 + ((lo >>> 16) & 0xFF)]
                    ^ TABLE[4 * 256 + (lo >>> 24)]
                    ^ TABLE[3 * 256 + (hi & 0xFF)]
                    ^ TABLE[2 * 256 + ((hi >>> 8) & 0xFF)]
                    ^ TABLE[256 + ((hi >>> 16) & 0xFF)]
                    ^ TABLE[hi >>> 24];
        }
        for (; i < end; i++) {
            c = (c >>> 8) ^ TABLE[(c ^ buffer.get(i)) & 0xFF];
        }
        return ~c;
    }

    /** Continues the CRC32c {@code crc} over {@code count} zero bytes (a checksum field taken as zero). */
    public static int updateZeros(int crc, int count) {
        int c = ~crc;
        for (int i = 0; i < count; i++) {
            c = (c >>> 8) ^ TABLE[c & 0xFF];
        }
        return ~c;
    }

    /**
     * The SCTP checksum of the packet of {@code length} bytes at {@code sctpOffset}, computed as if
     * its checksum field (bytes 8..11) were zero, in the form it is stored: read as a big-endian int
     * from the header it equals this value (the CRC's bytes go on the wire least significant first).
     */
    public static int sctpChecksum(ByteBuffer buffer, int sctpOffset, int length) {
        int crc = update(0, buffer, sctpOffset, 8);
        crc = updateZeros(crc, 4);
        crc = update(crc, buffer, sctpOffset + 12, length - 12);
        return Integer.reverseBytes(crc);
    }
}
