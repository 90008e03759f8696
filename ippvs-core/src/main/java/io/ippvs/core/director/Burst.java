package io.ippvs.core.director;

import io.ippvs.api.NextHop;
import io.ippvs.api.Verdict;
import io.ippvs.core.conn.ConnectionTable;
import io.ippvs.core.header.IpProtocol;
import io.ippvs.core.packet.PacketInfo;
import io.ippvs.core.packet.PacketParser;
import io.ippvs.core.packet.ParseStatus;
import java.nio.ByteBuffer;

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

    private final PacketInfo[] infos = new PacketInfo[MAX];
    private final ParseStatus[] statuses = new ParseStatus[MAX];
    private final int[] inHints = new int[MAX];
    private final int[] outHints = new int[MAX];
    /** What the touch stages read, kept so the JIT cannot drop the reads. */
    long sink;

    Burst() {
        for (int i = 0; i < MAX; i++) {
            infos[i] = new PacketInfo();
        }
    }

    int process(Director director, Worker w, ByteBuffer[] packets, int from, int count, int[] fwmarks,
                NextHop[] hops, Verdict[] verdicts, long now) {
        PacketParser parser = director.parser;
        ConnectionTable table = director.table;
        // 1 parse: each packet's bytes, independent of the others
        for (int i = 0; i < count; i++) {
            PacketInfo info = infos[i];
            ParseStatus status;
            try {
                status = parser.parse(packets[from + i], info);
            } catch (RuntimeException e) {
                status = null; // a defect: the packet is dropped as malformed
            }
            statuses[i] = status;
        }
        // 2 hash and read the home buckets of both keys: a reply's inbound probe misses before its
        // outbound one hits, and both buckets are then in cache
        for (int i = 0; i < count; i++) {
            if (statuses[i] == ParseStatus.OK && IpProtocol.hasPorts(infos[i].protocolNumber())) {
                inHints[i] = table.touchInbound(infos[i]);
                outHints[i] = table.touchOutbound(infos[i]);
            } else {
                inHints[i] = outHints[i] = ConnectionTable.NOT_FOUND;
            }
        }
        // 3 read the entries the buckets point to
        long read = 0;
        for (int i = 0; i < count; i++) {
            read ^= table.touchEntry(inHints[i]) ^ table.touchEntry(outHints[i]);
        }
        sink = read;
        // 4 lookup, state, accounting and rewrite, in packet order
        Scratch s = w.scratch;
        PacketInfo own = s.info;
        try {
            for (int i = 0; i < count; i++) {
                s.info = infos[i];
                verdicts[from + i] = director.processParsed(w, packets[from + i], statuses[i],
                        fwmarks == null ? 0 : fwmarks[from + i], hops == null ? null : hops[from + i], now);
            }
        } finally {
            s.info = own;
        }
        return count;
    }
}
