package io.ippvs.core.director;

import io.ippvs.api.NextHop;
import io.ippvs.api.Offload;
import io.ippvs.api.Verdict;
import io.ippvs.core.conn.ConnectionTable;
import io.ippvs.core.header.IpProtocol;
import io.ippvs.core.packet.PacketInfo;
import io.ippvs.core.packet.PacketParser;
import io.ippvs.core.packet.ParseStatus;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A worker's burst of up to {@link #MAX} packets, taken in stages as vector data planes (VPP, DPDK)
 * do, so that the cache misses of different packets overlap instead of each packet waiting for its
 * own: parse all; hash all and read their index buckets; read the entries the buckets point to; then
 * state, accounting and rewrite, packet by packet, on lines now in cache.
 *
 * <p>The first three stages only read (the table and the packets), so the last stage sees exactly
 * what one-by-one processing would: the same verdicts, bytes, counters and table, in packet order.
 * One clock reading serves the whole burst, and the worker's own counter stripe counts it.
 */
final class Burst {

    /** The most packets one call takes. */
    static final int MAX = 64;
    /** Handles in use up to which the table is taken to stay in cache (1 MiB of entries). */
    static final int SMALL_TABLE = 1 << 14;

    private final PacketInfo[] infos = new PacketInfo[MAX];
    private final ParseStatus[] statuses = new ParseStatus[MAX];
    /** Each packet's offload facts, null for a plain packet (never a plain instance). */
    private final Offload[] facts = new Offload[MAX];
    private final int[] inHints = new int[MAX];
    private final int[] outHints = new int[MAX];
    /** What the touch stages read, kept so the JIT cannot drop the reads. */
    long sink;

    Burst() {
        for (int i = 0; i < MAX; i++) {
            infos[i] = new PacketInfo();
        }
    }

    int process(PacketPath path, Scratch s, ByteBuffer[] packets, int from, int count, int[] fwmarks,
                NextHop[] hops, Offload[] offloads, Verdict[] verdicts, long now) {
        PacketParser parser = path.parser;
        ConnectionTable table = path.table;
        // 1 parse: each packet's bytes, independent of the others
        for (int i = 0; i < count; i++) {
            PacketInfo info = infos[i];
            Offload o = offloads == null ? null : offloads[from + i];
            if (o != null && o.isPlain()) {
                o = null;
            }
            facts[i] = o;
            ParseStatus status;
            try {
                status = parser.parse(packets[from + i], info, o != null && o.checksumPartial());
            } catch (RuntimeException e) {
                status = null; // a defect: the packet is dropped as malformed
            }
            statuses[i] = status;
        }
        // 2, 3: while the table is small enough to stay in cache there are no misses to overlap, and
        // the touches would only cost; past that, read ahead what the lookups will read
        if (table.handleLimit() > SMALL_TABLE) {
            touch(table, count);
        }
        // 4 lookup, state, accounting and rewrite, in packet order
        PacketInfo own = s.info;
        try {
            for (int i = 0; i < count; i++) {
                s.info = infos[i];
                verdicts[from + i] = path.processParsed(s, packets[from + i], statuses[i],
                        fwmarks == null ? 0 : fwmarks[from + i], hops == null ? null : hops[from + i], now, facts[i]);
            }
        } finally {
            s.info = own;
            Arrays.fill(facts, 0, count, null); // the caller's instances are not kept
        }
        return count;
    }

    /**
     * Stages 2 and 3: the inbound key's home bucket of every packet, then the outbound key's of those
     * whose inbound bucket holds no slot of their tag (replies, as a rule; a client's SYN, which
     * finds its service and never looks outbound, is left out), then the entries the slots point to.
     * Each loop's loads are independent of one another, so their misses overlap.
     */
    private void touch(ConnectionTable table, int count) {
        for (int i = 0; i < count; i++) {
            inHints[i] = statuses[i] == ParseStatus.OK && IpProtocol.hasPorts(infos[i].protocolNumber())
                    ? table.touchInbound(infos[i]) : ConnectionTable.NOT_FOUND;
        }
        for (int i = 0; i < count; i++) {
            PacketInfo info = infos[i];
            boolean syn = info.protocolNumber() == IpProtocol.TCP
                    && (info.tcpFlags() & (PacketInfo.TCP_SYN | PacketInfo.TCP_ACK)) == PacketInfo.TCP_SYN;
            outHints[i] = inHints[i] < 0 && !syn && statuses[i] == ParseStatus.OK
                    && IpProtocol.hasPorts(info.protocolNumber())
                    ? table.touchOutbound(info) : ConnectionTable.NOT_FOUND;
        }
        long read = 0;
        for (int i = 0; i < count; i++) {
            read ^= table.touchEntry(inHints[i]) ^ table.touchEntry(outHints[i]);
        }
        sink = read;
    }
}
