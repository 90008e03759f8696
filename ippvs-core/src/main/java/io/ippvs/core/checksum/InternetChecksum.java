package io.ippvs.core.checksum;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The Internet checksum of RFC 1071: the 16-bit one's complement of the one's complement sum of
 * the data taken as big-endian 16-bit words, in full, with the IPv4 / IPv6 pseudo-headers, and
 * updated incrementally as RFC 1624 (equation 3) says when one field changes.
 *
 * <p>Vocabulary: a <em>sum</em> is a partial one's complement sum folded to 16 bits (0..0xFFFF,
 * not complemented) that can be fed as {@code initial} into the next {@link #sum}; a
 * <em>checksum</em> is the complemented value stored in a header. To check a received header,
 * sum it including its checksum field: a correct one sums to 0xFFFF.
 *
 * <p>All methods are static, read with absolute big-endian getters (heap and direct buffers),
 * never move the buffer's position and never allocate.
 */
public final class InternetChecksum {

    /** What a correct header or segment sums to, its checksum field included. */
    public static final int VALID_SUM = 0xFFFF;

    /** Little-endian long view of any ByteBuffer, whatever its own byte order. */
    private static final VarHandle LONG_LE = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private InternetChecksum() {}

    /**
     * The one's complement sum of {@code length} bytes at {@code offset} plus {@code initial},
     * folded to 16 bits. An odd last byte is padded with a zero byte on its right, as RFC 1071 says.
     *
     * @param initial a previous sum (for example {@link #pseudoHeaderV4}), or 0
     */
    public static int sum(ByteBuffer buffer, int offset, int length, int initial) {
        int i = offset;
        int end = offset + length;
        // 16 bytes per step, read little-endian (no byte swaps on x86 and ARM): the one's
        // complement sum is byte-order independent (RFC 1071 section 2B), so the sum of the swapped
        // words is the swapped sum. Each 32-bit half goes into a 64-bit accumulator, which cannot
        // overflow for any packet below 2^31 bytes.
        long swapped = 0;
        for (; i + 16 <= end; i += 16) {
            long a = (long) LONG_LE.get(buffer, i);
            long b = (long) LONG_LE.get(buffer, i + 8);
            swapped += (a >>> 32) + (a & 0xFFFFFFFFL) + (b >>> 32) + (b & 0xFFFFFFFFL);
        }
        int folded = fold(swapped);
        long acc = (initial & 0xFFFFFFFFL) + (Integer.reverseBytes(folded) >>> 16);
        for (; i + 4 <= end; i += 4) {
            acc += buffer.getInt(i) & 0xFFFFFFFFL;
        }
        if (i + 2 <= end) {
            acc += buffer.getShort(i) & 0xFFFF;
            i += 2;
        }
        if (i < end) {
            acc += (buffer.get(i) & 0xFF) << 8;
        }
        return fold(acc);
    }

    /** {@code ~sum(...)}: the checksum to store for these bytes (with their checksum field zero). */
    public static int checksum(ByteBuffer buffer, int offset, int length, int initial) {
        return ~sum(buffer, offset, length, initial) & 0xFFFF;
    }

    /** Folds a 32-bit accumulator (taken as unsigned) to a 16-bit one's complement sum. */
    public static int fold(int acc) {
        return fold(acc & 0xFFFFFFFFL);
    }

    /** Folds a non-negative 64-bit accumulator to a 16-bit one's complement sum. */
    public static int fold(long acc) {
        acc = (acc & 0xFFFFFFFFL) + (acc >>> 32);
        acc = (acc & 0xFFFFL) + (acc >>> 16);
        acc = (acc & 0xFFFFL) + (acc >>> 16);
        return (int) ((acc & 0xFFFFL) + (acc >>> 16));
    }

    /**
     * The sum of the IPv4 pseudo-header (RFC 793 / 768): source, destination, zero, protocol,
     * upper-layer length.
     */
    public static int pseudoHeaderV4(int source, int destination, int protocol, int length) {
        long acc = (source >>> 16) + (source & 0xFFFF)
                + (destination >>> 16) + (destination & 0xFFFF)
                + (protocol & 0xFF) + (length & 0xFFFF);
        return fold(acc);
    }

    /**
     * The sum of the IPv6 pseudo-header (RFC 8200 section 8.1): source, destination (each as the
     * two big-endian words of {@link io.ippvs.api.Addresses}), 32-bit upper-layer length, next header.
     */
    public static int pseudoHeaderV6(long sourceHigh, long sourceLow, long destinationHigh, long destinationLow,
                                     int nextHeader, int length) {
        long acc = halves(sourceHigh) + halves(sourceLow) + halves(destinationHigh) + halves(destinationLow)
                + (length >>> 16) + (length & 0xFFFF) + (nextHeader & 0xFF);
        return fold(acc);
    }

    /**
     * The pseudo-header sum of the IPv4 header at {@code ipOffset}, read from the buffer, for an
     * upper-layer segment of {@code length} bytes of {@code protocol}.
     */
    public static int pseudoHeaderV4(ByteBuffer buffer, int ipOffset, int protocol, int length) {
        return pseudoHeaderV4(buffer.getInt(ipOffset + 12), buffer.getInt(ipOffset + 16), protocol, length);
    }

    /**
     * The pseudo-header sum of the IPv6 header at {@code ipOffset}, read from the buffer, for an
     * upper-layer segment of {@code length} bytes of {@code nextHeader} (after extension headers).
     */
    public static int pseudoHeaderV6(ByteBuffer buffer, int ipOffset, int nextHeader, int length) {
        return pseudoHeaderV6(buffer.getLong(ipOffset + 8), buffer.getLong(ipOffset + 16),
                buffer.getLong(ipOffset + 24), buffer.getLong(ipOffset + 32), nextHeader, length);
    }

    /**
     * RFC 1624 equation 3, {@code HC' = ~(~HC + ~m + m')}: the checksum after one 16-bit word
     * covered by it changes from {@code oldValue} to {@code newValue}.
     */
    public static int update16(int oldChecksum, int oldValue, int newValue) {
        long acc = (~oldChecksum & 0xFFFF) + (~oldValue & 0xFFFF) + (newValue & 0xFFFF);
        return ~fold(acc) & 0xFFFF;
    }

    /** {@link #update16} for an aligned 32-bit field (an IPv4 address, a TCP sequence number). */
    public static int update32(int oldChecksum, int oldValue, int newValue) {
        long acc = (~oldChecksum & 0xFFFF)
                + (~oldValue >>> 16) + (~oldValue & 0xFFFF)
                + (newValue >>> 16) + (newValue & 0xFFFF);
        return ~fold(acc) & 0xFFFF;
    }

    /** {@link #update16} for an aligned 128-bit field (an IPv6 address as two big-endian words). */
    public static int update128(int oldChecksum, long oldHigh, long oldLow, long newHigh, long newLow) {
        long acc = (~oldChecksum & 0xFFFF)
                + halves(~oldHigh) + halves(~oldLow) + halves(newHigh) + halves(newLow);
        return ~fold(acc) & 0xFFFF;
    }

    /**
     * A checksum field left partial ({@code CHECKSUM_PARTIAL}: it holds the folded pseudo-header sum,
     * not complemented) after a pseudo-header word changed from {@code oldValue} to {@code newValue}:
     * {@code fold(field + ~m + m')}, Linux's {@code tcp_partial_csum_update} (ip_vs_proto_tcp.c).
     */
    public static int updatePartial16(int partialSum, int oldValue, int newValue) {
        return fold((partialSum & 0xFFFF) + (~oldValue & 0xFFFF) + (newValue & 0xFFFF));
    }

    /** {@link #updatePartial16} for a 32-bit pseudo-header field (an IPv4 address). */
    public static int updatePartial32(int partialSum, int oldValue, int newValue) {
        return fold((partialSum & 0xFFFFL) + (~oldValue >>> 16) + (~oldValue & 0xFFFF) + (newValue >>> 16)
                + (newValue & 0xFFFF));
    }

    /** {@link #updatePartial16} for a 128-bit pseudo-header field (an IPv6 address). */
    public static int updatePartial128(int partialSum, long oldHigh, long oldLow, long newHigh, long newLow) {
        return fold((partialSum & 0xFFFFL) + halves(~oldHigh) + halves(~oldLow) + halves(newHigh) + halves(newLow));
    }

    /**
     * The value to store in a UDP checksum field for a computed checksum: 0 is sent as 0xFFFF,
     * because a zero field means "no checksum" (RFC 768).
     */
    public static int udpField(int checksum) {
        return checksum == 0 ? 0xFFFF : checksum;
    }

    /**
     * Whether a UDP checksum field means "not computed": only IPv4 allows it (RFC 768); over IPv6
     * a zero UDP checksum is invalid (RFC 8200 section 8.1).
     *
     * @param family 4 or 6
     */
    public static boolean udpChecksumAbsent(int family, int field) {
        return family == 4 && field == 0;
    }

    /**
     * {@link #update16} for a UDP checksum field: a field of 0 (IPv4 "no checksum") stays 0, and a
     * result of 0 is stored as 0xFFFF.
     */
    public static int updateUdp16(int oldField, int oldValue, int newValue) {
        return oldField == 0 ? 0 : udpField(update16(oldField, oldValue, newValue));
    }

    /** {@link #updateUdp16} for a 32-bit field. */
    public static int updateUdp32(int oldField, int oldValue, int newValue) {
        return oldField == 0 ? 0 : udpField(update32(oldField, oldValue, newValue));
    }

    /** {@link #updateUdp16} for a 128-bit field. */
    public static int updateUdp128(int oldField, long oldHigh, long oldLow, long newHigh, long newLow) {
        return oldField == 0 ? 0 : udpField(update128(oldField, oldHigh, oldLow, newHigh, newLow));
    }

    /** The sum of the four 16-bit words of {@code v}, unfolded. */
    private static long halves(long v) {
        return (v >>> 48) + ((v >>> 32) & 0xFFFF) + ((v >>> 16) & 0xFFFF) + (v & 0xFFFF);
    }
}
