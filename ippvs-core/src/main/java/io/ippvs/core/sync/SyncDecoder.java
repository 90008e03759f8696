package io.ippvs.core.sync;

import static io.ippvs.core.sync.SyncProtocol.*;

import io.ippvs.api.Addresses;
import java.nio.ByteBuffer;

/**
 * Reads received sync datagrams, version 1 and version 0, with the kernel's checks
 * ({@code ip_vs_process_message}, {@code ip_vs_process_message_v0}, {@code ip_vs_proc_sync_conn},
 * {@code ip_vs_proc_seqopt}, {@code ip_vs_proc_str} in net/netfilter/ipvs/ip_vs_sync.c), and hands
 * every good entry to a {@link Handler}.
 *
 * <p>Never throws and never reads outside {@code [offset, offset + length)}. One difference from the
 * kernel, on purpose: a datagram with a message-level fault is dropped <em>whole</em>, where the
 * kernel would already have applied the entries before the fault. So it is walked twice: once to
 * check its structure, then to deliver. An entry with an entry-level fault (unknown mandatory
 * option, unsupported protocol, invalid state, unusable PE data) is dropped alone, as in the kernel.
 * Every drop is counted by {@link SyncDrop} reason. Not thread-safe: one decoder per receiving thread;
 * it reuses one {@link SyncEntry} and allocates nothing.
 */
public final class SyncDecoder {

    /** Takes one decoded entry; returns null when installed, else why not. Must not keep {@code entry}. */
    @FunctionalInterface
    public interface Handler {
        SyncDrop entry(SyncEntry entry);
    }

    private final SyncCounters counters;
    private final SyncEntry entry = new SyncEntry();

    public SyncDecoder(SyncCounters counters) {
        this.counters = counters;
    }

    /**
     * Decodes the datagram in {@code [offset, offset + length)} of {@code buf} (absolute reads in
     * the buffer's byte order, which must be the default big-endian; its position and limit are not used).
     *
     * @param syncId the backup's sync id; 0 accepts every id
     * @return the entries handed to {@code handler}, or -1 when the datagram was dropped whole
     */
    public int decode(ByteBuffer buf, int offset, int length, int syncId, Handler handler) {
        counters.received();
        SyncDrop bad = check(buf, offset, length, syncId);
        if (bad != null) {
            counters.drop(bad);
            return -1;
        }
        boolean v1 = isVersion1(buf, offset);
        int n = v1 ? buf.get(offset + NR_CONNS_OFFSET) & 0xFF : buf.get(offset + V0_NR_CONNS_OFFSET) & 0xFF;
        int p = offset + (v1 ? HEADER_SIZE : HEADER_V0_SIZE);
        int delivered = 0;
        for (int i = 0; i < n; i++) {
            SyncDrop r;
            if (v1) {
                int size = (buf.getShort(p + VER_SIZE_OFFSET) & 0xFFFF) & SVER_MASK;
                r = entryV1(buf, p, p + size, true);
                p += (size + 3) & ~3;
            } else {
                r = entryV0(buf, p);
                p += (buf.getShort(p + V0_FLAGS_OFFSET) & F_SEQ_MASK) != 0 ? V0_FULL_CONN_SIZE : V0_CONN_SIZE;
            }
            counters.entryReceived();
            if (r == null) {
                r = handler.entry(entry);
                if (r == null) {
                    counters.installed();
                    delivered++;
                    continue;
                }
            }
            counters.drop(r);
        }
        return delivered;
    }

    /** The message-level checks, in the kernel's order; null when the datagram may be delivered. */
    SyncDrop check(ByteBuffer buf, int offset, int length, int syncId) {
        if (length < HEADER_V0_SIZE || offset < 0 || offset + length > buf.capacity()) {
            return SyncDrop.TOO_SHORT;
        }
        if (length != (buf.getShort(offset + SIZE_OFFSET) & 0xFFFF)) {
            return SyncDrop.BAD_SIZE;
        }
        if (syncId != 0 && (buf.get(offset + SYNCID_OFFSET) & 0xFF) != syncId) {
            return SyncDrop.FOREIGN_SYNCID;
        }
        int end = offset + length;
        if (!isVersion1(buf, offset)) {
            return checkV0(buf, offset, end);
        }
        int n = buf.get(offset + NR_CONNS_OFFSET) & 0xFF;
        int next = offset + HEADER_SIZE;
        for (int i = 0; i < n; i++) {
            int p = next;
            if (p + V4_SIZE > end) {
                return SyncDrop.TRUNCATED;
            }
            int verSize = buf.getShort(p + VER_SIZE_OFFSET) & 0xFFFF;
            int size = verSize & SVER_MASK;
            if (p + size > end) {
                return SyncDrop.ENTRY_OVERRUN;
            }
            if (verSize >>> SVER_SHIFT != 0) {
                return SyncDrop.ENTRY_VERSION;
            }
            SyncDrop r = entryV1(buf, p, p + size, false);
            if (r != null && r.wholeMessage()) {
                return r;
            }
            next = p + ((size + 3) & ~3);
        }
        return null;
    }

    /**
     * Version 1 and reserved and spare zero: anything else is the old format, whose first byte is
     * nr_conns (so a version-0 receiver sees a version-1 message as empty).
     */
    private static boolean isVersion1(ByteBuffer buf, int offset) {
        return buf.get(offset + VERSION_OFFSET) == VERSION && buf.get(offset + RESERVED_OFFSET) == 0
                && buf.getShort(offset + SPARE_OFFSET) == 0;
    }

    private static SyncDrop checkV0(ByteBuffer buf, int offset, int end) {
        int n = buf.get(offset + V0_NR_CONNS_OFFSET) & 0xFF;
        int p = offset + HEADER_V0_SIZE;
        for (int i = 0; i < n; i++) {
            if (p + V0_CONN_SIZE > end) {
                return SyncDrop.V0_TRUNCATED;
            }
            p += (buf.getShort(p + V0_FLAGS_OFFSET) & F_SEQ_MASK) != 0 ? V0_FULL_CONN_SIZE : V0_CONN_SIZE;
            if (p > end) {
                return SyncDrop.V0_TRUNCATED;
            }
        }
        return null;
    }

    /**
     * {@code ip_vs_proc_sync_conn}: one entry in {@code [p, end)} (already known to lie within the
     * datagram and to hold 36 bytes of buffer). With {@code fill} the entry is decoded into
     * {@link #entry}; either way the checks are the same.
     */
    private SyncDrop entryV1(ByteBuffer buf, int p, int end, boolean fill) {
        int type = buf.get(p + TYPE_OFFSET) & 0xFF;
        boolean v6;
        if ((type & TYPE_INET6) != 0) {
            v6 = true;
        } else if (type == 0) {
            v6 = false;
        } else {
            return SyncDrop.ENTRY_TYPE;
        }
        int fixed = v6 ? V6_SIZE : V4_SIZE;
        if (p + fixed > end) {
            return SyncDrop.ENTRY_SHORT;
        }
        SyncEntry e = entry;
        if (fill) {
            e.clear();
        }
        boolean seq = false;
        boolean peData = false;
        boolean peName = false;
        int peDataAt = 0;
        int peDataLen = 0;
        int o = p + fixed;
        while (o < end) {
            if (o + 2 > end) {
                return SyncDrop.OPTION_BOUNDS;
            }
            int ptype = buf.get(o) & 0xFF;
            int plen = buf.get(o + 1) & 0xFF;
            o += 2;
            if (plen == 0 || o + plen > end) {
                return SyncDrop.OPTION_BOUNDS;
            }
            switch (ptype & ~OPT_F_PARAM) {
                case OPT_SEQ_DATA:
                    if (plen != SEQ_OPTION_LENGTH || seq) {
                        return SyncDrop.SEQ_OPTION;
                    }
                    seq = true;
                    if (fill) {
                        sequence(buf, o, e, false);
                    }
                    break;
                case OPT_PE_DATA:
                    if (plen > SyncEntry.PE_DATA_MAX || peData) {
                        return SyncDrop.PE_DATA_OPTION;
                    }
                    peData = true;
                    peDataAt = o;
                    peDataLen = plen;
                    break;
                case OPT_PE_NAME:
                    if (plen > SyncEntry.PE_NAME_MAX || peName) {
                        return SyncDrop.PE_NAME_OPTION;
                    }
                    peName = true;
                    if (fill) {
                        e.peNameLength = plen;
                        copy(buf, o, e.peName, plen);
                    }
                    break;
                default:
                    if ((ptype & OPT_F_PARAM) == 0) {
                        // as the kernel: the entry is given up here, later options unread
                        return SyncDrop.UNKNOWN_MANDATORY_OPTION;
                    }
            }
            o += plen;
        }
        long flags = ((buf.getInt(p + FLAGS_OFFSET) & 0xFFFFFFFFL) & F_BACKUP_MASK) | F_SYNC;
        int protocol = buf.get(p + PROTOCOL_OFFSET) & 0xFF;
        int state = buf.getShort(p + STATE_OFFSET) & 0xFFFF;
        SyncDrop bad = protocolAndState(flags, protocol, state);
        if (bad != null) {
            return bad;
        }
        if (peData && !peName) {
            return SyncDrop.PERSISTENCE_ENGINE; // "BACKUP, Invalid PE parameters"
        }
        if (!fill) {
            return null;
        }
        if (peData) {
            e.peDataLength = peDataLen;
            copy(buf, peDataAt, e.peData, peDataLen);
        }
        e.family = v6 ? Addresses.IPV6 : Addresses.IPV4;
        e.protocol = protocol;
        e.flags = flags;
        e.state = state;
        e.clientPort = buf.getShort(p + CPORT_OFFSET) & 0xFFFF;
        e.virtualPort = buf.getShort(p + VPORT_OFFSET) & 0xFFFF;
        e.destinationPort = buf.getShort(p + DPORT_OFFSET) & 0xFFFF;
        e.fwmark = buf.getInt(p + FWMARK_OFFSET) & 0xFFFFFFFFL;
        e.timeout = buf.getInt(p + TIMEOUT_OFFSET) & 0xFFFFFFFFL;
        int a = p + ADDRESSES_OFFSET;
        if (v6) {
            e.clientHigh = buf.getLong(a);
            e.clientLow = buf.getLong(a + 8);
            e.virtualHigh = buf.getLong(a + 16);
            e.virtualLow = buf.getLong(a + 24);
            e.destinationHigh = buf.getLong(a + 32);
            e.destinationLow = buf.getLong(a + 40);
        } else {
            e.clientLow = buf.getInt(a) & 0xFFFFFFFFL;
            e.virtualLow = buf.getInt(a + 4) & 0xFFFFFFFFL;
            e.destinationLow = buf.getInt(a + 8) & 0xFFFFFFFFL;
        }
        return null;
    }

    /** {@code ip_vs_process_message_v0}'s body for one (bounds-checked) entry: IPv4, no timeout or fwmark. */
    private SyncDrop entryV0(ByteBuffer buf, int p) {
        SyncEntry e = entry.clear();
        long flags = ((buf.getShort(p + V0_FLAGS_OFFSET) & 0xFFFFL) | F_SYNC) & ~F_HASHED;
        int protocol = buf.get(p + V0_PROTOCOL_OFFSET) & 0xFF;
        int state = buf.getShort(p + V0_STATE_OFFSET) & 0xFFFF;
        SyncDrop bad = protocolAndState(flags, protocol, state);
        if (bad != null) {
            return bad;
        }
        e.family = Addresses.IPV4;
        e.protocol = protocol;
        e.flags = flags;
        e.state = state;
        e.clientPort = buf.getShort(p + V0_CPORT_OFFSET) & 0xFFFF;
        e.virtualPort = buf.getShort(p + V0_VPORT_OFFSET) & 0xFFFF;
        e.destinationPort = buf.getShort(p + V0_DPORT_OFFSET) & 0xFFFF;
        e.clientLow = buf.getInt(p + V0_CADDR_OFFSET) & 0xFFFFFFFFL;
        e.virtualLow = buf.getInt(p + V0_VADDR_OFFSET) & 0xFFFFFFFFL;
        e.destinationLow = buf.getInt(p + V0_DADDR_OFFSET) & 0xFFFFFFFFL;
        if ((flags & F_SEQ_MASK) != 0) {
            // ip_vs_sync_conn_v0 memcpy()s struct ip_vs_seq in host order; Linux masters are little-endian
            sequence(buf, p + V0_CONN_SIZE, e, true);
        }
        return null;
    }

    /**
     * A connection's protocol must be one IPVS handles here and its state one of the protocol's
     * ({@code pp->num_states}); a template's state is not checked (the kernel only logs it).
     */
    private static SyncDrop protocolAndState(long flags, int protocol, int state) {
        if ((flags & F_TEMPLATE) != 0) {
            return null;
        }
        int states = stateCount(protocol);
        if (states < 0) {
            return SyncDrop.UNSUPPORTED_PROTOCOL;
        }
        return state >= states ? SyncDrop.INVALID_STATE : null;
    }

    /** Two {@code struct ip_vs_seq} (init_seq, delta, previous_delta), in then out. */
    private static void sequence(ByteBuffer buf, int o, SyncEntry e, boolean littleEndian) {
        e.hasSequence = true;
        e.inInitSeq = u32(buf, o, littleEndian);
        e.inDelta = u32(buf, o + 4, littleEndian);
        e.inPreviousDelta = u32(buf, o + 8, littleEndian);
        e.outInitSeq = u32(buf, o + 12, littleEndian);
        e.outDelta = u32(buf, o + 16, littleEndian);
        e.outPreviousDelta = u32(buf, o + 20, littleEndian);
    }

    private static int u32(ByteBuffer buf, int at, boolean littleEndian) {
        int v = buf.getInt(at);
        return littleEndian ? Integer.reverseBytes(v) : v;
    }

    private static void copy(ByteBuffer buf, int at, byte[] to, int length) {
        for (int i = 0; i < length; i++) {
            to[i] = buf.get(at + i);
        }
    }
}
