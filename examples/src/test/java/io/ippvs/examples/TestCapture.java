package io.ippvs.examples;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The test's own pcap writer, pcap reader and IP packet builder, written from the format
 * descriptions (draft-ietf-opsawg-pcap, RFC 791, RFC 8200, RFC 793, RFC 768) and sharing no code
 * with the command they check.
 */
final class TestCapture {

    private TestCapture() {}

    record Frame(long nanos, byte[] bytes) {}

    /** A classic pcap file: magic in {@code order}, micro- or nanosecond timestamps. */
    static byte[] pcap(ByteOrder order, boolean nanos, int linkType, List<Frame> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer h = ByteBuffer.allocate(24).order(order);
        h.putInt(nanos ? 0xA1B23C4D : 0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(262144).putInt(linkType);
        out.writeBytes(h.array());
        for (Frame f : frames) {
            ByteBuffer r = ByteBuffer.allocate(16).order(order);
            long sub = f.nanos % 1_000_000_000L;
            r.putInt((int) (f.nanos / 1_000_000_000L)).putInt((int) (nanos ? sub : sub / 1000))
                    .putInt(f.bytes.length).putInt(f.bytes.length);
            out.writeBytes(r.array());
            out.writeBytes(f.bytes);
        }
        return out.toByteArray();
    }

    /** What the test's reader found in a pcap file. */
    record Parsed(ByteOrder order, boolean nanos, int linkType, List<Frame> frames) {}

    /** Reads a classic pcap file, failing the test on anything a reader would call damaged. */
    static Parsed read(byte[] file) {
        if (file.length < 24) {
            throw new AssertionError("pcap shorter than its header: " + file.length);
        }
        ByteBuffer b = ByteBuffer.wrap(file);
        int magic = b.getInt(0);
        ByteOrder order = ByteOrder.BIG_ENDIAN;
        if (magic != 0xA1B2C3D4 && magic != 0xA1B23C4D) {
            order = ByteOrder.LITTLE_ENDIAN;
            magic = Integer.reverseBytes(magic);
        }
        if (magic != 0xA1B2C3D4 && magic != 0xA1B23C4D) {
            throw new AssertionError("bad magic " + Integer.toHexString(magic));
        }
        b.order(order);
        boolean nanos = magic == 0xA1B23C4D;
        if (b.getShort(4) != 2 || b.getShort(6) != 4) {
            throw new AssertionError("version " + b.getShort(4) + "." + b.getShort(6));
        }
        int snap = b.getInt(16);
        int link = b.getInt(20);
        List<Frame> frames = new ArrayList<>();
        int at = 24;
        while (at < file.length) {
            if (file.length - at < 16) {
                throw new AssertionError("truncated record header at " + at);
            }
            long sec = b.getInt(at) & 0xFFFFFFFFL;
            long frac = b.getInt(at + 4) & 0xFFFFFFFFL;
            int incl = b.getInt(at + 8);
            int orig = b.getInt(at + 12);
            if (frac >= (nanos ? 1_000_000_000L : 1_000_000L) || incl < 0 || incl > snap || incl != orig
                    || file.length - at - 16 < incl) {
                throw new AssertionError("damaged record at " + at + ": frac " + frac + " incl " + incl + " orig " + orig);
            }
            byte[] data = new byte[incl];
            System.arraycopy(file, at + 16, data, 0, incl);
            frames.add(new Frame(sec * 1_000_000_000L + (nanos ? frac : frac * 1000), data));
            at += 16 + incl;
        }
        return new Parsed(order, nanos, link, frames);
    }

    /** An IPv4 or IPv6 TCP segment (flags, seq, ack) or, with protocol 17, a UDP datagram, checksums computed. */
    static byte[] packet(int protocol, String src, int srcPort, String dst, int dstPort, int ttl, int tcpFlags, byte[] payload) {
        byte[] s = address(src);
        byte[] d = address(dst);
        int l4Length = (protocol == 6 ? 20 : 8) + payload.length;
        boolean v6 = s.length == 16;
        int ipLength = v6 ? 40 : 20;
        ByteBuffer b = ByteBuffer.allocate(ipLength + l4Length);
        if (v6) {
            b.putInt(0, 0x60000000).putShort(4, (short) l4Length).put(6, (byte) protocol).put(7, (byte) ttl)
                    .put(8, s).put(24, d);
        } else {
            b.put(0, (byte) 0x45).putShort(2, (short) (20 + l4Length)).putShort(4, (short) 0x1234)
                    .putShort(6, (short) 0x4000).put(8, (byte) ttl).put(9, (byte) protocol).put(12, s).put(16, d);
            b.putShort(10, (short) checksum(b, 0, 20, 0));
        }
        b.putShort(ipLength, (short) srcPort).putShort(ipLength + 2, (short) dstPort);
        if (protocol == 6) {
            b.putInt(ipLength + 4, 1000).putInt(ipLength + 8, (tcpFlags & 0x10) != 0 ? 5001 : 0)
                    .put(ipLength + 12, (byte) 0x50).put(ipLength + 13, (byte) tcpFlags).putShort(ipLength + 14, (short) 8192);
            b.put(ipLength + 20, payload);
        } else {
            b.putShort(ipLength + 4, (short) l4Length).put(ipLength + 8, payload);
        }
        long pseudo = 0;
        for (int i = 0; i < s.length; i += 2) {
            pseudo += (s[i] & 0xFF) << 8 | s[i + 1] & 0xFF;
            pseudo += (d[i] & 0xFF) << 8 | d[i + 1] & 0xFF;
        }
        pseudo += protocol + l4Length;
        int sum = checksum(b, ipLength, l4Length, pseudo);
        b.putShort(ipLength + (protocol == 6 ? 16 : 6), (short) (protocol == 17 && sum == 0 ? 0xFFFF : sum));
        return b.array();
    }

    static byte[] ethernet(byte[] dstMac, byte[] srcMac, int etherType, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + payload.length);
        b.put(dstMac).put(srcMac).putShort((short) etherType).put(payload);
        return b.array();
    }

    private static int checksum(ByteBuffer b, int off, int len, long initial) {
        long sum = initial;
        for (int i = 0; i < len; i += 2) {
            int hi = b.get(off + i) & 0xFF;
            int lo = i + 1 < len ? b.get(off + i + 1) & 0xFF : 0;
            sum += hi << 8 | lo;
        }
        while (sum > 0xFFFF) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    private static byte[] address(String text) {
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
