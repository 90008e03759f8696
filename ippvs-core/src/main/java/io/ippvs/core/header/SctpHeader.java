package io.ippvs.core.header;

import io.ippvs.core.checksum.Crc32c;
import java.nio.ByteBuffer;

/**
 * Flyweight over an SCTP common header (RFC 9260 section 3.1) and the chunk that follows it.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Source Port Number        |     Destination Port Number   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Verification Tag                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           Checksum                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * chunk:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Chunk Type  | Chunk  Flags  |        Chunk Length           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The checksum is a CRC32c over the whole SCTP packet with the field taken as zero; it is
 * not a ones' complement sum, so address changes never touch it, port changes need a
 * recomputation ({@link #updateChecksum(int)}). Absolute access only.
 */
public final class SctpHeader extends HeaderView {

    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int VERIFICATION_TAG_OFFSET = 4;
    public static final int CHECKSUM_OFFSET = 8;
    /** The common header's length; the first chunk starts here. */
    public static final int LENGTH = 12;
    /** Same as {@link #LENGTH}. */
    public static final int MIN_LENGTH = LENGTH;
    public static final int CHUNK_HEADER_LENGTH = 4;
    /** Offsets within a chunk header, from the chunk's first byte. */
    public static final int CHUNK_TYPE_OFFSET = 0;
    public static final int CHUNK_FLAGS_OFFSET = 1;
    public static final int CHUNK_LENGTH_OFFSET = 2;

    /** Chunk types (RFC 9260 section 3.2). */
    public static final int CHUNK_DATA = 0;
    public static final int CHUNK_INIT = 1;
    public static final int CHUNK_INIT_ACK = 2;
    public static final int CHUNK_SACK = 3;
    public static final int CHUNK_HEARTBEAT = 4;
    public static final int CHUNK_HEARTBEAT_ACK = 5;
    public static final int CHUNK_ABORT = 6;
    public static final int CHUNK_SHUTDOWN = 7;
    public static final int CHUNK_SHUTDOWN_ACK = 8;
    public static final int CHUNK_ERROR = 9;
    public static final int CHUNK_COOKIE_ECHO = 10;
    public static final int CHUNK_COOKIE_ACK = 11;
    public static final int CHUNK_SHUTDOWN_COMPLETE = 14;


    /** An unwrapped flyweight; {@link #wrap} it before use. */
    public SctpHeader() {}

    /** Points this flyweight at the header starting at {@code offset}. */
    public SctpHeader wrap(ByteBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int sourcePort() {
        return sourcePort(buffer, offset);
    }

    public SctpHeader sourcePort(int port) {
        sourcePort(buffer, offset, port);
        return this;
    }

    public int destinationPort() {
        return destinationPort(buffer, offset);
    }

    public SctpHeader destinationPort(int port) {
        destinationPort(buffer, offset, port);
        return this;
    }

    /** Verification tag, unsigned 32 bits. */
    public long verificationTag() {
        return verificationTag(buffer, offset);
    }

    public SctpHeader verificationTag(long tag) {
        verificationTag(buffer, offset, tag);
        return this;
    }

    /** The checksum field as a big-endian int (the CRC32c's bytes least significant first). */
    public int checksum() {
        return checksum(buffer, offset);
    }

    public SctpHeader checksum(int checksum) {
        checksum(buffer, offset, checksum);
        return this;
    }

    /** The checksum of the {@code length}-byte packet (common header and chunks) this header starts. */
    public int computeChecksum(int length) {
        return Crc32c.sctpChecksum(buffer, offset, length);
    }

    /** Stores {@link #computeChecksum(int)}. */
    public SctpHeader updateChecksum(int length) {
        return checksum(computeChecksum(length));
    }

    /** Offset of the first chunk. */
    public int firstChunkOffset() {
        return offset + LENGTH;
    }

    /** Type of the first chunk (the caller checks that it is within the packet). */
    public int firstChunkType() {
        return firstChunkType(buffer, offset);
    }

    /** Flags of the first chunk. */
    public int firstChunkFlags() {
        return firstChunkFlags(buffer, offset);
    }

    /** Length of the first chunk, its header included and its padding excluded. */
    public int firstChunkLength() {
        return firstChunkLength(buffer, offset);
    }

    // ---------------------------------------------------------------- static forms, for the hot path
    // The same fields read or written at {@code offset} in {@code buffer} without a flyweight instance.

    public static int sourcePort(ByteBuffer buffer, int offset) {
        return buffer.getShort(offset + SOURCE_PORT_OFFSET) & 0xFFFF;
    }

    public static int destinationPort(ByteBuffer buffer, int offset) {
        return buffer.getShort(offset + DESTINATION_PORT_OFFSET) & 0xFFFF;
    }

    /** Verification tag, unsigned 32 bits. */
    public static long verificationTag(ByteBuffer buffer, int offset) {
        return buffer.getInt(offset + VERIFICATION_TAG_OFFSET) & 0xFFFFFFFFL;
    }

    /** The checksum field as a big-endian int (the CRC32c's bytes least significant first). */
    public static int checksum(ByteBuffer buffer, int offset) {
        return buffer.getInt(offset + CHECKSUM_OFFSET);
    }

    /** Type of the first chunk (the caller checks that it is within the packet). */
    public static int firstChunkType(ByteBuffer buffer, int offset) {
        return chunkType(buffer, offset + LENGTH);
    }

    /** Flags of the first chunk. */
    public static int firstChunkFlags(ByteBuffer buffer, int offset) {
        return buffer.get(offset + LENGTH + CHUNK_FLAGS_OFFSET) & 0xFF;
    }

    /** Length of the first chunk, its header included and its padding excluded. */
    public static int firstChunkLength(ByteBuffer buffer, int offset) {
        return chunkLength(buffer, offset + LENGTH);
    }

    /** Type of the chunk whose header starts at {@code chunk}. */
    public static int chunkType(ByteBuffer buffer, int chunk) {
        return buffer.get(chunk + CHUNK_TYPE_OFFSET) & 0xFF;
    }

    /** Length of the chunk whose header starts at {@code chunk}, header included, padding excluded. */
    public static int chunkLength(ByteBuffer buffer, int chunk) {
        return buffer.getShort(chunk + CHUNK_LENGTH_OFFSET) & 0xFFFF;
    }

    public static void sourcePort(ByteBuffer buffer, int offset, int port) {
        buffer.putShort(offset + SOURCE_PORT_OFFSET, (short) port);
    }

    public static void destinationPort(ByteBuffer buffer, int offset, int port) {
        buffer.putShort(offset + DESTINATION_PORT_OFFSET, (short) port);
    }

    public static void verificationTag(ByteBuffer buffer, int offset, long tag) {
        buffer.putInt(offset + VERIFICATION_TAG_OFFSET, (int) tag);
    }

    public static void checksum(ByteBuffer buffer, int offset, int checksum) {
        buffer.putInt(offset + CHECKSUM_OFFSET, checksum);
    }
}
