package io.ippvs.core.sync;

import static io.ippvs.core.sync.SyncProtocol.*;

import java.nio.ByteBuffer;

/**
 * Our extension: a director that (re)starts asks its peers for their whole table. The request is a
 * datagram a Linux backup reads as an empty version-0 message and so ignores: its first byte
 * (version 0's {@code nr_conns}, version 1's {@code reserved}) is 0 and its version byte is not 1,
 * so {@code ip_vs_process_message} hands it to {@code ip_vs_process_message_v0}, which loops over
 * zero entries. The answer is ordinary version-1 messages, which any backup may apply.
 *
 * <pre>
 *  0: 00 | syncid | size = 16 (be16) | 00 | 'R' (0x52) | 00 00 | "IPVS" | "RSYN"
 * </pre>
 */
public final class ResyncRequest {

    /** Size of the request datagram. */
    public static final int SIZE = 16;
    private static final int VERSION_MARK = 0x52;
    private static final long MAGIC = 0x4950_5653_5253_594EL; // "IPVSRSYN"

    private ResyncRequest() {}

    /** Writes a request for {@code syncId} at {@code offset}; returns {@link #SIZE}. */
    public static int write(ByteBuffer b, int offset, int syncId) {
        b.put(offset + RESERVED_OFFSET, (byte) 0);
        b.put(offset + SYNCID_OFFSET, (byte) syncId);
        b.putShort(offset + SIZE_OFFSET, (short) SIZE);
        b.put(offset + NR_CONNS_OFFSET, (byte) 0);
        b.put(offset + VERSION_OFFSET, (byte) VERSION_MARK);
        b.putShort(offset + SPARE_OFFSET, (short) 0);
        b.putLong(offset + HEADER_SIZE, MAGIC);
        return SIZE;
    }

    /** Whether the datagram in {@code [offset, offset + length)} is a request; never throws. */
    public static boolean is(ByteBuffer b, int offset, int length) {
        return length == SIZE && offset >= 0 && offset + SIZE <= b.capacity() && b.get(offset) == 0
                && (b.getShort(offset + SIZE_OFFSET) & 0xFFFF) == SIZE
                && (b.get(offset + VERSION_OFFSET) & 0xFF) == VERSION_MARK && b.getLong(offset + HEADER_SIZE) == MAGIC;
    }

    /** The sync id a request names. */
    public static int syncId(ByteBuffer b, int offset) {
        return b.get(offset + SYNCID_OFFSET) & 0xFF;
    }
}
