package io.ippvs.core.header;

import io.ippvs.core.checksum.InternetChecksum;
import java.nio.ByteBuffer;

/**
 * Flyweight over an IPv4 header (RFC 791) at an offset in a buffer.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |Type of Service|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|      Fragment Offset    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options                    |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * Flags: bit 0 reserved, bit 1 DF (don't fragment), bit 2 MF (more fragments).
 * </pre>
 *
 * <p>Accessors read and write the buffer with absolute big-endian access; nothing is cached, nothing
 * validated (the parser validates), nothing allocated. Setters do not touch the checksum: call
 * {@link #updateChecksum()} or update it incrementally with {@link InternetChecksum}.
 */
public final class Ipv4Header extends HeaderView {

    public static final int VERSION_IHL_OFFSET = 0;
    public static final int TOS_OFFSET = 1;
    public static final int TOTAL_LENGTH_OFFSET = 2;
    public static final int IDENTIFICATION_OFFSET = 4;
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    public static final int TTL_OFFSET = 8;
    public static final int PROTOCOL_OFFSET = 9;
    public static final int CHECKSUM_OFFSET = 10;
    public static final int SOURCE_ADDRESS_OFFSET = 12;
    public static final int DESTINATION_ADDRESS_OFFSET = 16;
    /** Length without options. */
    public static final int MIN_LENGTH = 20;
    /** Length with 40 bytes of options (IHL 15). */
    public static final int MAX_LENGTH = 60;

    /** DF in the flags/fragment-offset word. */
    public static final int DONT_FRAGMENT = 0x4000;
    /** MF in the flags/fragment-offset word. */
    public static final int MORE_FRAGMENTS = 0x2000;
    /** The fragment offset, in 8-byte units, in the flags/fragment-offset word. */
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;


    /** An unwrapped flyweight; {@link #wrap} it before use. */
    public Ipv4Header() {}

    /** Points this flyweight at the header starting at {@code offset}. */
    public Ipv4Header wrap(ByteBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int version() {
        return version(buffer, offset);
    }

    public Ipv4Header version(int version) {
        version(buffer, offset, version);
        return this;
    }

    /** Header length in bytes (IHL * 4), options included. */
    public int headerLength() {
        return headerLength(buffer, offset);
    }

    /** Sets IHL to {@code bytes / 4}. */
    public Ipv4Header headerLength(int bytes) {
        headerLength(buffer, offset, bytes);
        return this;
    }

    /** The TOS byte: DSCP in the upper six bits, ECN in the lower two. */
    public int tos() {
        return tos(buffer, offset);
    }

    public Ipv4Header tos(int tos) {
        tos(buffer, offset, tos);
        return this;
    }

    /** Total length of the datagram in bytes, header included. */
    public int totalLength() {
        return totalLength(buffer, offset);
    }

    public Ipv4Header totalLength(int length) {
        totalLength(buffer, offset, length);
        return this;
    }

    public int identification() {
        return identification(buffer, offset);
    }

    public Ipv4Header identification(int id) {
        identification(buffer, offset, id);
        return this;
    }

    /** The flags and fragment offset as one 16-bit word. */
    public int flagsAndFragmentOffset() {
        return flagsAndFragmentOffset(buffer, offset);
    }

    public Ipv4Header flagsAndFragmentOffset(int word) {
        flagsAndFragmentOffset(buffer, offset, word);
        return this;
    }

    public boolean dontFragment() {
        return (flagsAndFragmentOffset() & DONT_FRAGMENT) != 0;
    }

    public Ipv4Header dontFragment(boolean df) {
        int w = flagsAndFragmentOffset();
        return flagsAndFragmentOffset(df ? w | DONT_FRAGMENT : w & ~DONT_FRAGMENT);
    }

    public boolean moreFragments() {
        return (flagsAndFragmentOffset() & MORE_FRAGMENTS) != 0;
    }

    public Ipv4Header moreFragments(boolean mf) {
        int w = flagsAndFragmentOffset();
        return flagsAndFragmentOffset(mf ? w | MORE_FRAGMENTS : w & ~MORE_FRAGMENTS);
    }

    /** Fragment offset in bytes (the field counts 8-byte units). */
    public int fragmentOffset() {
        return (flagsAndFragmentOffset() & FRAGMENT_OFFSET_MASK) << 3;
    }

    /** Sets the fragment offset to {@code bytes / 8}, keeping the flags. */
    public Ipv4Header fragmentOffset(int bytes) {
        int w = flagsAndFragmentOffset();
        return flagsAndFragmentOffset((w & ~FRAGMENT_OFFSET_MASK) | ((bytes >>> 3) & FRAGMENT_OFFSET_MASK));
    }

    /** Whether this is a fragment: MF set or a non-zero offset. */
    public boolean isFragment() {
        return (flagsAndFragmentOffset() & (MORE_FRAGMENTS | FRAGMENT_OFFSET_MASK)) != 0;
    }

    public int ttl() {
        return ttl(buffer, offset);
    }

    public Ipv4Header ttl(int ttl) {
        ttl(buffer, offset, ttl);
        return this;
    }

    public int protocol() {
        return protocol(buffer, offset);
    }

    public Ipv4Header protocol(int protocol) {
        protocol(buffer, offset, protocol);
        return this;
    }

    public int checksum() {
        return checksum(buffer, offset);
    }

    public Ipv4Header checksum(int checksum) {
        checksum(buffer, offset, checksum);
        return this;
    }

    /** The source address as a big-endian int (the low word of io.ippvs.api.Addresses, as int). */
    public int sourceAddress() {
        return sourceAddress(buffer, offset);
    }

    public Ipv4Header sourceAddress(int address) {
        sourceAddress(buffer, offset, address);
        return this;
    }

    public int destinationAddress() {
        return destinationAddress(buffer, offset);
    }

    public Ipv4Header destinationAddress(int address) {
        destinationAddress(buffer, offset, address);
        return this;
    }

    /** Offset of the first option byte; options run to {@code offset() + headerLength()}. */
    public int optionsOffset() {
        return offset + MIN_LENGTH;
    }

    /** Offset of the upper-layer header. */
    public int payloadOffset() {
        return offset + headerLength();
    }

    /** The header checksum the header should carry, computed over {@link #headerLength()} bytes. */
    public int computeChecksum() {
        int length = headerLength();
        // the checksum field is summed as zero: subtract what it holds by summing around it
        int sum = InternetChecksum.sum(buffer, offset, CHECKSUM_OFFSET, 0);
        sum = InternetChecksum.sum(buffer, offset + CHECKSUM_OFFSET + 2, length - CHECKSUM_OFFSET - 2, sum);
        return ~sum & 0xFFFF;
    }

    /** Stores {@link #computeChecksum()}. */
    public Ipv4Header updateChecksum() {
        return checksum(computeChecksum());
    }

    /** Whether the header (with its options) sums to 0xFFFF. */
    public boolean checksumValid() {
        return InternetChecksum.sum(buffer, offset, headerLength(), 0) == InternetChecksum.VALID_SUM;
    }

    // ---------------------------------------------------------------- static forms, for the hot path
    // The same fields read or written at {@code offset} in {@code buffer} without a flyweight instance.

    public static int version(ByteBuffer buffer, int offset) {
        return (buffer.get(offset) & 0xFF) >>> 4;
    }

    /** Header length in bytes (IHL * 4), options included. */
    public static int headerLength(ByteBuffer buffer, int offset) {
        return (buffer.get(offset) & 0x0F) << 2;
    }

    /** The TOS byte: DSCP in the upper six bits, ECN in the lower two. */
    public static int tos(ByteBuffer buffer, int offset) {
        return buffer.get(offset + TOS_OFFSET) & 0xFF;
    }

    /** Total length of the datagram in bytes, header included. */
    public static int totalLength(ByteBuffer buffer, int offset) {
        return buffer.getShort(offset + TOTAL_LENGTH_OFFSET) & 0xFFFF;
    }

    public static int identification(ByteBuffer buffer, int offset) {
        return buffer.getShort(offset + IDENTIFICATION_OFFSET) & 0xFFFF;
    }

    /** The flags and fragment offset as one 16-bit word. */
    public static int flagsAndFragmentOffset(ByteBuffer buffer, int offset) {
        return buffer.getShort(offset + FLAGS_FRAGMENT_OFFSET) & 0xFFFF;
    }

    public static int ttl(ByteBuffer buffer, int offset) {
        return buffer.get(offset + TTL_OFFSET) & 0xFF;
    }

    public static int protocol(ByteBuffer buffer, int offset) {
        return buffer.get(offset + PROTOCOL_OFFSET) & 0xFF;
    }

    public static int checksum(ByteBuffer buffer, int offset) {
        return buffer.getShort(offset + CHECKSUM_OFFSET) & 0xFFFF;
    }

    /** The source address as a big-endian int (the low word of io.ippvs.api.Addresses, as int). */
    public static int sourceAddress(ByteBuffer buffer, int offset) {
        return buffer.getInt(offset + SOURCE_ADDRESS_OFFSET);
    }

    public static int destinationAddress(ByteBuffer buffer, int offset) {
        return buffer.getInt(offset + DESTINATION_ADDRESS_OFFSET);
    }

    public static boolean dontFragment(ByteBuffer buffer, int offset) {
        return (flagsAndFragmentOffset(buffer, offset) & DONT_FRAGMENT) != 0;
    }

    /** Fragment offset in bytes (the field counts 8-byte units). */
    public static int fragmentOffset(ByteBuffer buffer, int offset) {
        return (flagsAndFragmentOffset(buffer, offset) & FRAGMENT_OFFSET_MASK) << 3;
    }

    /** Whether this is a fragment: MF set or a non-zero offset. */
    public static boolean isFragment(ByteBuffer buffer, int offset) {
        return (flagsAndFragmentOffset(buffer, offset) & (MORE_FRAGMENTS | FRAGMENT_OFFSET_MASK)) != 0;
    }

    public static void version(ByteBuffer buffer, int offset, int version) {
        buffer.put(offset, (byte) ((version << 4) | (buffer.get(offset) & 0x0F)));
    }

    /** Sets IHL to {@code bytes / 4}. */
    public static void headerLength(ByteBuffer buffer, int offset, int bytes) {
        buffer.put(offset, (byte) ((buffer.get(offset) & 0xF0) | ((bytes >>> 2) & 0x0F)));
    }

    public static void tos(ByteBuffer buffer, int offset, int tos) {
        buffer.put(offset + TOS_OFFSET, (byte) tos);
    }

    public static void totalLength(ByteBuffer buffer, int offset, int length) {
        buffer.putShort(offset + TOTAL_LENGTH_OFFSET, (short) length);
    }

    public static void identification(ByteBuffer buffer, int offset, int id) {
        buffer.putShort(offset + IDENTIFICATION_OFFSET, (short) id);
    }

    public static void flagsAndFragmentOffset(ByteBuffer buffer, int offset, int word) {
        buffer.putShort(offset + FLAGS_FRAGMENT_OFFSET, (short) word);
    }

    public static void ttl(ByteBuffer buffer, int offset, int ttl) {
        buffer.put(offset + TTL_OFFSET, (byte) ttl);
    }

    public static void protocol(ByteBuffer buffer, int offset, int protocol) {
        buffer.put(offset + PROTOCOL_OFFSET, (byte) protocol);
    }

    public static void checksum(ByteBuffer buffer, int offset, int checksum) {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short) checksum);
    }

    public static void sourceAddress(ByteBuffer buffer, int offset, int address) {
        buffer.putInt(offset + SOURCE_ADDRESS_OFFSET, address);
    }

    public static void destinationAddress(ByteBuffer buffer, int offset, int address) {
        buffer.putInt(offset + DESTINATION_ADDRESS_OFFSET, address);
    }
}
