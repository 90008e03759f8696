package io.ippvs.examples;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * IPv4 TCP and UDP packets for the demo's simulated hosts: built with correct checksums, read back
 * field by field, and checked by a full one's-complement sum of their own (not the library's), so a
 * rewrite the director got wrong shows as a bad checksum.
 */
final class Ipv4Packets {

    static final int TCP = 6;
    static final int UDP = 17;
    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int PSH = 0x08;
    static final int ACK = 0x10;

    private Ipv4Packets() {}

    /** An IPv4/TCP segment (no options), DF set, TTL 64. */
    static ByteBuffer tcp(int src, int srcPort, int dst, int dstPort, int flags, long seq, long ack, String payload) {
        byte[] data = payload.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ipv4(src, dst, TCP, 20 + data.length);
        b.putShort(20, (short) srcPort).putShort(22, (short) dstPort).putInt(24, (int) seq).putInt(28, (int) ack);
        b.put(32, (byte) 0x50).put(33, (byte) flags).putShort(34, (short) 65535);
        b.put(40, data);
        b.putShort(36, (short) transportChecksum(b));
        return b;
    }

    /** An IPv4/UDP datagram, DF set, TTL 64. */
    static ByteBuffer udp(int src, int srcPort, int dst, int dstPort, String payload) {
        byte[] data = payload.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ipv4(src, dst, UDP, 8 + data.length);
        b.putShort(20, (short) srcPort).putShort(22, (short) dstPort).putShort(24, (short) (8 + data.length));
        b.put(28, data);
        int sum = transportChecksum(b);
        b.putShort(26, (short) (sum == 0 ? 0xFFFF : sum));
        return b;
    }

    private static ByteBuffer ipv4(int src, int dst, int protocol, int l4Length) {
        ByteBuffer b = ByteBuffer.allocate(20 + l4Length);
        b.put(0, (byte) 0x45).putShort(2, (short) (20 + l4Length)).putShort(6, (short) 0x4000);
        b.put(8, (byte) 64).put(9, (byte) protocol).putInt(12, src).putInt(16, dst);
        b.putShort(10, (short) fold(sum(b, 0, 20, 0)));
        return b;
    }

    static int source(ByteBuffer p) {
        return p.getInt(p.position() + 12);
    }

    static int destination(ByteBuffer p) {
        return p.getInt(p.position() + 16);
    }

    static int protocol(ByteBuffer p) {
        return p.get(p.position() + 9) & 0xFF;
    }

    private static int l4(ByteBuffer p) {
        return p.position() + (p.get(p.position()) & 0x0F) * 4;
    }

    static int sourcePort(ByteBuffer p) {
        return p.getShort(l4(p)) & 0xFFFF;
    }

    static int destinationPort(ByteBuffer p) {
        return p.getShort(l4(p) + 2) & 0xFFFF;
    }

    static int flags(ByteBuffer p) {
        return p.get(l4(p) + 13) & 0xFF;
    }

    static long seq(ByteBuffer p) {
        return p.getInt(l4(p) + 4) & 0xFFFFFFFFL;
    }

    static long ack(ByteBuffer p) {
        return p.getInt(l4(p) + 8) & 0xFFFFFFFFL;
    }

    /** The TCP or UDP payload as text. */
    static String payload(ByteBuffer p) {
        int start = l4(p) + (protocol(p) == TCP ? ((p.get(l4(p) + 12) & 0xF0) >> 2) : 8);
        byte[] data = new byte[p.limit() - start];
        p.get(start, data);
        return new String(data, StandardCharsets.US_ASCII);
    }

    /** IP header checksum and TCP/UDP checksum, each recomputed in full. */
    static boolean checksumsValid(ByteBuffer p) {
        int ihl = (p.get(p.position()) & 0x0F) * 4;
        if (fold(sum(p, p.position(), ihl, 0)) != 0) {
            return false;
        }
        int l4 = l4(p);
        int length = p.limit() - l4;
        return fold(sum(p, l4, length, pseudoHeader(p, length))) == 0;
    }

    private static int transportChecksum(ByteBuffer b) {
        int length = b.limit() - 20;
        return fold(sum(b, 20, length, pseudoHeader(b, length)));
    }

    private static long pseudoHeader(ByteBuffer p, int length) {
        int src = source(p);
        int dst = destination(p);
        return (src >>> 16) + (src & 0xFFFF) + (dst >>> 16) + (dst & 0xFFFF) + protocol(p) + length;
    }

    private static long sum(ByteBuffer b, int offset, int length, long initial) {
        long s = initial;
        for (int i = 0; i + 1 < length; i += 2) {
            s += b.getShort(offset + i) & 0xFFFF;
        }
        if ((length & 1) != 0) {
            s += (b.get(offset + length - 1) & 0xFF) << 8;
        }
        return s;
    }

    /** The one's complement of the folded sum: 0 when a checksum over data including its checksum is right. */
    private static int fold(long s) {
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) (~s & 0xFFFF);
    }

    static int address(String dotted) {
        String[] q = dotted.split("\\.");
        return Integer.parseInt(q[0]) << 24 | Integer.parseInt(q[1]) << 16 | Integer.parseInt(q[2]) << 8 | Integer.parseInt(q[3]);
    }

    static String text(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xFF) + "." + (address >>> 8 & 0xFF) + "." + (address & 0xFF);
    }
}
