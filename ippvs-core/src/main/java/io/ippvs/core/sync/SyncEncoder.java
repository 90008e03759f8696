package io.ippvs.core.sync;

import static io.ippvs.core.sync.SyncProtocol.*;

import io.ippvs.api.Addresses;
import java.nio.ByteBuffer;

/**
 * Writes version-1 sync messages as {@code ip_vs_sync_conn} (net/netfilter/ipvs/ip_vs_sync.c) does:
 * the 8-byte header, then entries each starting 4-byte aligned, the padding zeroed and counted in
 * the size of the message (never after the last entry). Wraps a caller's buffer (absolute writes,
 * its position and limit untouched), so building a message allocates nothing.
 */
public final class SyncEncoder {

    /** Most entries a message may count: {@code nr_conns} is a u8. */
    public static final int MAX_ENTRIES = 255;

    private ByteBuffer buffer;
    private int offset;
    private int maxLength;
    private int size;
    private int count;

    /** An encoder to {@link #begin} messages with. */
    public SyncEncoder() {}

    /**
     * Starts a message at {@code offset} of {@code buffer}, at most {@code maxLength} bytes long.
     *
     * @throws IllegalArgumentException naming the field when the message cannot fit the buffer or
     *     the sync id is not a u8
     */
    public SyncEncoder begin(ByteBuffer buffer, int offset, int maxLength, int syncId) {
        if (maxLength < HEADER_SIZE + V4_SIZE || maxLength > 0xFFFF || offset < 0
                || offset + maxLength > buffer.capacity()) {
            throw new IllegalArgumentException("maxLength: " + maxLength + " at offset " + offset
                    + " does not fit a buffer of " + buffer.capacity() + " or the range 44..65535");
        }
        if ((syncId & ~0xFF) != 0) {
            throw new IllegalArgumentException("syncId: " + syncId + " is not in 0..255");
        }
        this.buffer = buffer;
        this.offset = offset;
        this.maxLength = maxLength;
        this.size = HEADER_SIZE;
        this.count = 0;
        buffer.put(offset + RESERVED_OFFSET, (byte) 0);
        buffer.put(offset + SYNCID_OFFSET, (byte) syncId);
        buffer.put(offset + NR_CONNS_OFFSET, (byte) 0);
        buffer.put(offset + VERSION_OFFSET, (byte) VERSION);
        buffer.putShort(offset + SPARE_OFFSET, (short) 0);
        buffer.putShort(offset + SIZE_OFFSET, (short) size);
        return this;
    }

    /** Entries written so far. */
    public int count() {
        return count;
    }

    /** Bytes of the message so far (what its size field says). */
    public int length() {
        return size;
    }

    /** Whether the message has room for {@code e} (padding included) and may count one more entry. */
    public boolean fits(SyncEntry e) {
        return count < MAX_ENTRIES && size + pad(size) + e.encodedSize() <= maxLength;
    }

    /**
     * Appends {@code e}; false (nothing written) when it does not {@link #fits fit}. Writes the
     * sequence option when {@link SyncEntry#hasSequence} is set and PE data (then its name) when present.
     */
    public boolean add(SyncEntry e) {
        if (!fits(e)) {
            return false;
        }
        ByteBuffer b = buffer;
        int pad = pad(size);
        int p = offset + size;
        for (int i = 0; i < pad; i++) {
            b.put(p++, (byte) 0);
        }
        int len = e.encodedSize();
        boolean v6 = e.family == Addresses.IPV6;
        b.put(p + TYPE_OFFSET, (byte) (v6 ? TYPE_INET6 : 0));
        b.put(p + PROTOCOL_OFFSET, (byte) e.protocol);
        b.putShort(p + VER_SIZE_OFFSET, (short) (len & SVER_MASK)); // version 0 in the top nibble
        b.putInt(p + FLAGS_OFFSET, (int) (e.flags & ~F_HASHED));
        b.putShort(p + STATE_OFFSET, (short) e.state);
        b.putShort(p + CPORT_OFFSET, (short) e.clientPort);
        b.putShort(p + VPORT_OFFSET, (short) e.virtualPort);
        b.putShort(p + DPORT_OFFSET, (short) e.destinationPort);
        b.putInt(p + FWMARK_OFFSET, (int) e.fwmark);
        b.putInt(p + TIMEOUT_OFFSET, (int) e.timeout);
        int a = p + ADDRESSES_OFFSET;
        if (v6) {
            b.putLong(a, e.clientHigh).putLong(a + 8, e.clientLow);
            b.putLong(a + 16, e.virtualHigh).putLong(a + 24, e.virtualLow);
            b.putLong(a + 32, e.destinationHigh).putLong(a + 40, e.destinationLow);
            a += 48;
        } else {
            b.putInt(a, (int) e.clientLow).putInt(a + 4, (int) e.virtualLow).putInt(a + 8, (int) e.destinationLow);
            a += 12;
        }
        if (e.hasSequence) {
            b.put(a, (byte) OPT_SEQ_DATA).put(a + 1, (byte) SEQ_OPTION_LENGTH);
            b.putInt(a + 2, e.inInitSeq).putInt(a + 6, e.inDelta).putInt(a + 10, e.inPreviousDelta);
            b.putInt(a + 14, e.outInitSeq).putInt(a + 18, e.outDelta).putInt(a + 22, e.outPreviousDelta);
            a += 2 + SEQ_OPTION_LENGTH;
        }
        if (e.peDataLength > 0) {
            a = option(b, a, OPT_PE_DATA, e.peData, e.peDataLength);
            if (e.peNameLength > 0) {
                option(b, a, OPT_PE_NAME, e.peName, e.peNameLength);
            }
        }
        size += pad + len;
        count++;
        b.putShort(offset + SIZE_OFFSET, (short) size);
        b.put(offset + NR_CONNS_OFFSET, (byte) count);
        return true;
    }

    private static int option(ByteBuffer b, int at, int type, byte[] data, int length) {
        b.put(at, (byte) type).put(at + 1, (byte) length);
        for (int i = 0; i < length; i++) {
            b.put(at + 2 + i, data[i]);
        }
        return at + 2 + length;
    }

    /** Zero bytes before an entry at {@code size}: {@code (4 - head) & 3} in the kernel. */
    private static int pad(int size) {
        return (4 - size) & 3;
    }
}
