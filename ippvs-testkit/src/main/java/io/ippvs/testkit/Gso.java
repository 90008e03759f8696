package io.ippvs.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the kernel (or a NIC) does after an offloading director, written independently of the
 * production code: make a packet's transport checksum partial as a sending stack leaves
 * it ({@code CHECKSUM_PARTIAL}), finish a partial checksum ({@code skb_checksum_help}), and cut a
 * super-packet into segments as {@code tcp_gso_segment} / {@code __udp_gso_segment} /
 * {@code inet_gso_segment} do, including an IP-in-IP outer header ({@code SKB_GSO_IPXIP4/6}).
 *
 * <p>Packets are byte arrays holding one IP packet: IPv4 (options allowed) or IPv6 without extension
 * headers, TCP or UDP, optionally inside one outer IPv4 / IPv6 header of protocol 4 or 41.
 */
public final class Gso {

    private Gso() {}

    /** Offset of the transport header of the (inner) IP packet at {@code ip}. */
    public static int transportOffset(byte[] p, int ip) {
        return (p[ip] & 0xF0) == 0x60 ? ip + 40 : ip + (p[ip] & 0x0F) * 4;
    }

    /** The IP protocol / next header of the IP packet at {@code ip}. */
    public static int protocol(byte[] p, int ip) {
        return (p[ip] & 0xF0) == 0x60 ? p[ip + 6] & 0xFF : p[ip + 9] & 0xFF;
    }

    /** Where the checksum field is, from the transport header: TCP 16, UDP 6. */
    public static int checksumOffset(int protocol) {
        return protocol == 6 ? 16 : 6;
    }

    /**
     * A copy of a whole TCP / UDP packet with its checksum field holding the folded pseudo-header
     * sum (not complemented) for its length, as a stack with checksum offload hands it over.
     */
    public static byte[] partial(byte[] packet) {
        byte[] p = packet.clone();
        int l4 = transportOffset(p, 0);
        int protocol = protocol(p, 0);
        int length = ipEnd(p, 0) - l4;
        put16(p, l4 + checksumOffset(protocol), ChecksumVerifier.pseudoHeaderSum(p, 0, protocol, length));
        return p;
    }

    /**
     * A copy of {@code packet} with the partial checksum at {@code start + offset} finished over
     * {@code [start, end of packet)}: the complement of the sum, the field included; 0 as 0xFFFF for UDP.
     */
    public static byte[] complete(byte[] packet, int start, int offset) {
        byte[] p = packet.clone();
        int field = start + offset;
        int sum = ~ChecksumVerifier.onesComplementSum(p, start, p.length, 0) & 0xFFFF;
        put16(p, field, offset == 6 && sum == 0 ? 0xFFFF : sum);
        return p;
    }

    /**
     * Cuts a super-packet whose checksum is partial into segments of at most {@code size} payload
     * bytes, each with complete checksums. Each segment's partial sum is the super-packet's with the
     * pseudo-header length changed (as {@code tcp_gso_segment} does), then finished: so a wrong
     * partial sum in the super-packet shows in every segment.
     */
    public static List<byte[]> segment(byte[] superPacket, int size) {
        int version = (superPacket[0] & 0xF0) >>> 4;
        int proto = protocol(superPacket, 0);
        if (proto == 4 || proto == 41) {
            int outer = version == 6 ? 40 : (superPacket[0] & 0x0F) * 4;
            List<byte[]> inner = segment(Arrays.copyOfRange(superPacket, outer, ipEnd(superPacket, 0)), size);
            List<byte[]> out = new ArrayList<>();
            for (int i = 0; i < inner.size(); i++) {
                byte[] s = inner.get(i);
                byte[] seg = new byte[outer + s.length];
                System.arraycopy(superPacket, 0, seg, 0, outer);
                System.arraycopy(s, 0, seg, outer, s.length);
                ipLength(seg, 0, seg.length, i);
                out.add(seg);
            }
            return out;
        }
        int l4 = transportOffset(superPacket, 0);
        int end = ipEnd(superPacket, 0);
        boolean tcp = proto == 6;
        int headers = l4 + (tcp ? ((superPacket[l4 + 12] & 0xF0) >>> 2) : 8);
        int payload = end - headers;
        int field = l4 + checksumOffset(proto);
        int superSum = u16(superPacket, field);
        int superLength = end - l4;
        List<byte[]> out = new ArrayList<>();
        int n = payload <= size ? 1 : (payload + size - 1) / size;
        for (int i = 0; i < n; i++) {
            int from = headers + i * size;
            int chunk = Math.min(size, end - from);
            byte[] seg = new byte[headers + Math.max(chunk, 0)];
            System.arraycopy(superPacket, 0, seg, 0, headers);
            if (chunk > 0) {
                System.arraycopy(superPacket, from, seg, headers, chunk);
            }
            ipLength(seg, 0, seg.length, i);
            int length = seg.length - l4;
            if (tcp) {
                long seq = ((ChecksumVerifier.u32(seg, l4 + 4) & 0xFFFFFFFFL) + (long) i * size) & 0xFFFFFFFFL;
                put32(seg, l4 + 4, (int) seq);
                int flags = seg[l4 + 13] & 0xFF;
                if (i + 1 < n) {
                    flags &= ~0x09; // FIN and PSH only on the last segment
                }
                if (i > 0) {
                    flags &= ~0x80; // CWR only on the first
                }
                seg[l4 + 13] = (byte) flags;
            } else {
                put16(seg, l4 + 4, length);
            }
            // the pseudo-header's length word changes from the super-packet's to the segment's
            int partial = ChecksumVerifier.onesComplementSum(new byte[0], 0, 0,
                    superSum + (~superLength & 0xFFFF) + length);
            put16(seg, field, partial);
            out.add(complete(seg, l4, checksumOffset(proto)));
        }
        return out;
    }

    /** Sets the IP length of the packet at {@code ip} to {@code total}; IPv4 also id + {@code idDelta} and its checksum. */
    private static void ipLength(byte[] p, int ip, int total, int idDelta) {
        if ((p[ip] & 0xF0) == 0x60) {
            put16(p, ip + 4, total - 40);
            return;
        }
        int ihl = (p[ip] & 0x0F) * 4;
        put16(p, ip + 2, total);
        put16(p, ip + 4, (u16(p, ip + 4) + idDelta) & 0xFFFF);
        put16(p, ip + 10, 0);
        put16(p, ip + 10, ~ChecksumVerifier.onesComplementSum(p, ip, ip + ihl, 0) & 0xFFFF);
    }

    private static int ipEnd(byte[] p, int ip) {
        return (p[ip] & 0xF0) == 0x60 ? ip + 40 + u16(p, ip + 4) : ip + u16(p, ip + 2);
    }

    private static int u16(byte[] p, int i) {
        return ChecksumVerifier.u16(p, i);
    }

    private static void put16(byte[] p, int i, int v) {
        p[i] = (byte) (v >>> 8);
        p[i + 1] = (byte) v;
    }

    private static void put32(byte[] p, int i, int v) {
        put16(p, i, v >>> 16);
        put16(p, i + 2, v & 0xFFFF);
    }
}
