package io.ippvs.core.checksum;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * CRC32c (Castagnoli, reflected polynomial 0x82F63B78), the SCTP checksum of RFC 4960 appendix B,
 * over a buffer range: no position or limit change, nothing read outside {@code [0, limit)}, heap
 * and direct buffers alike.
 *
 * <p>{@link #compute} and {@link #sctpChecksum} use the JDK's {@link CRC32C}, which the JIT turns
 * into the CPU's CRC32 instructions, through a per-thread instance: for a direct or read-only
 * buffer it reads through a per-thread duplicate, made once per buffer, so a thread that reuses
 * its packet buffers allocates nothing. {@link #update} continues a running CRC and uses
 * slicing-by-8 tables (8 KiB, built once); a running CRC is carried in its finalised form, so
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

    private static final byte[] ZEROS = new byte[4];
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** A thread's CRC32C and its view of the last direct buffer it read. */
    private static final class Scratch {
        final CRC32C crc = new CRC32C();
        ByteBuffer source;
        ByteBuffer view;

        /** Adds {@code length} bytes at {@code offset} of {@code buffer}, already bounds-checked. */
        void add(ByteBuffer buffer, int offset, int length) {
            if (buffer.hasArray()) {
                crc.update(buffer.array(), buffer.arrayOffset() + offset, length);
                return;
            }
            if (source != buffer) {
                source = buffer;
                view = buffer.duplicate();
            }
            view.clear().position(offset).limit(offset + length);
            crc.update(view);
        }
    }

    private Crc32c() {}

    /** The CRC32c of {@code length} bytes at {@code offset}. */
    public static int compute(ByteBuffer buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.limit());
        Scratch s = SCRATCH.get();
        s.crc.reset();
        s.add(buffer, offset, length);
        return (int) s.crc.getValue();
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
     *
     * @param length at least 12, the common header's length
     */
    public static int sctpChecksum(ByteBuffer buffer, int sctpOffset, int length) {
        if (length < 12) {
            throw new IllegalArgumentException("length: " + length + " is shorter than the SCTP common header");
        }
        Objects.checkFromIndexSize(sctpOffset, length, buffer.limit());
        Scratch s = SCRATCH.get();
        s.crc.reset();
        s.add(buffer, sctpOffset, 8);
        s.crc.update(ZEROS, 0, 4);
        s.add(buffer, sctpOffset + 12, length - 12);
        return Integer.reverseBytes((int) s.crc.getValue());
    }
}
