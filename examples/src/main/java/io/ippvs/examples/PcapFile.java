package io.ippvs.examples;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A classic pcap file (the libpcap format, draft-ietf-opsawg-pcap): a 24-byte header, then records of
 * a 16-byte header and the captured bytes. Both byte orders and both timestamp resolutions
 * (microseconds, magic {@code a1b2c3d4}; nanoseconds, {@code a1b23c4d}) are read and written back as
 * they came. The whole file is read and checked before anything is done with it, so a damaged file
 * is refused before a single packet is replayed.
 */
final class PcapFile {

    static final int MAGIC_MICROS = 0xA1B2C3D4;
    static final int MAGIC_NANOS = 0xA1B23C4D;
    /** A pcapng Section Header Block starts with this type, the same in both byte orders. */
    static final int PCAPNG_SHB = 0x0A0D0D0A;
    static final int LINKTYPE_ETHERNET = 1;
    static final int LINKTYPE_RAW = 101;
    static final int LINKTYPE_IPV4 = 228;
    static final int LINKTYPE_IPV6 = 229;
    /** The largest record tcpdump and Wireshark write; a bigger captured length means a damaged file. */
    static final int MAX_RECORD = 262_144;
    private static final int HEADER = 24;
    private static final int RECORD_HEADER = 16;

    /** A damaged or unsupported file; the message says what and where. */
    static final class FormatException extends Exception {
        private static final long serialVersionUID = 1L;

        FormatException(String message) {
            super(message);
        }
    }

    /** One record: its time in nanoseconds since the epoch, the original length and the captured bytes. */
    record Record(long nanos, int originalLength, byte[] data) {}

    final ByteOrder order;
    final boolean nanosecond;
    final int snapLength;
    final int linkType;
    final List<Record> records;

    PcapFile(ByteOrder order, boolean nanosecond, int snapLength, int linkType, List<Record> records) {
        this.order = order;
        this.nanosecond = nanosecond;
        this.snapLength = snapLength;
        this.linkType = linkType;
        this.records = records;
    }

    /** Reads and checks a whole file. */
    static PcapFile read(byte[] file) throws FormatException {
        if (file.length < 4) {
            throw new FormatException("not a pcap file: " + file.length + " bytes, shorter than the 4-byte magic number");
        }
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.BIG_ENDIAN);
        int magic = b.getInt(0);
        if (magic == PCAPNG_SHB) {
            throw new FormatException("a pcapng file; only classic pcap is read (convert it: editcap -F pcap IN OUT)");
        }
        boolean nanos;
        if (magic == MAGIC_MICROS || Integer.reverseBytes(magic) == MAGIC_MICROS) {
            nanos = false;
        } else if (magic == MAGIC_NANOS || Integer.reverseBytes(magic) == MAGIC_NANOS) {
            nanos = true;
        } else {
            throw new FormatException(String.format("not a pcap file: magic number 0x%08x", magic));
        }
        if (magic != MAGIC_MICROS && magic != MAGIC_NANOS) {
            b.order(ByteOrder.LITTLE_ENDIAN);
        }
        if (file.length < HEADER) {
            throw new FormatException("truncated file header: " + file.length + " of " + HEADER + " bytes");
        }
        int major = b.getShort(4) & 0xFFFF;
        int minor = b.getShort(6) & 0xFFFF;
        if (major != 2) {
            throw new FormatException("pcap version " + major + "." + minor + "; only 2.x is read");
        }
        int snap = b.getInt(16);
        // the low 28 bits are the link type; the top 4 say whether frames carry an FCS
        int linkType = b.getInt(20) & 0x0FFFFFFF;
        if (linkType != LINKTYPE_ETHERNET && linkType != LINKTYPE_RAW && linkType != LINKTYPE_IPV4
                && linkType != LINKTYPE_IPV6) {
            throw new FormatException("link type " + linkType + " is not read (1 Ethernet, 101 raw IP, 228 IPv4, 229 IPv6)");
        }
        long limit = snap <= 0 || snap > MAX_RECORD ? MAX_RECORD : snap;
        List<Record> records = new ArrayList<>();
        int at = HEADER;
        long fraction = nanos ? 1_000_000_000L : 1_000_000L;
        while (at < file.length) {
            int n = records.size() + 1;
            if (file.length - at < RECORD_HEADER) {
                throw new FormatException("record " + n + " at byte " + at + ": truncated record header ("
                        + (file.length - at) + " of " + RECORD_HEADER + " bytes)");
            }
            long seconds = b.getInt(at) & 0xFFFFFFFFL;
            long frac = b.getInt(at + 4) & 0xFFFFFFFFL;
            long captured = b.getInt(at + 8) & 0xFFFFFFFFL;
            long original = b.getInt(at + 12) & 0xFFFFFFFFL;
            if (frac >= fraction) {
                throw new FormatException("record " + n + " at byte " + at + ": timestamp fraction " + frac
                        + " is not below " + fraction);
            }
            if (captured > limit) {
                throw new FormatException("record " + n + " at byte " + at + ": captured length " + captured
                        + " exceeds the snapshot length " + limit);
            }
            if (captured > original) {
                throw new FormatException("record " + n + " at byte " + at + ": captured length " + captured
                        + " exceeds the original length " + original);
            }
            if (file.length - at - RECORD_HEADER < captured) {
                throw new FormatException("record " + n + " at byte " + at + ": truncated data ("
                        + (file.length - at - RECORD_HEADER) + " of " + captured + " bytes)");
            }
            byte[] data = new byte[(int) captured];
            System.arraycopy(file, at + RECORD_HEADER, data, 0, data.length);
            long ns = seconds * 1_000_000_000L + (nanos ? frac : frac * 1000);
            records.add(new Record(ns, (int) Math.min(original, Integer.MAX_VALUE), data));
            at += RECORD_HEADER + (int) captured;
        }
        return new PcapFile(b.order(), nanos, snap, linkType, records);
    }

    /** A writer for records with this file's byte order, resolution, snapshot length and link type. */
    Writer writer(OutputStream out) throws IOException {
        return new Writer(out, order, nanosecond, snapLength, linkType);
    }

    /** Writes records as they are added. */
    static final class Writer implements AutoCloseable {
        private final OutputStream out;
        private final ByteOrder order;
        private final boolean nanosecond;
        private int written;

        Writer(OutputStream out, ByteOrder order, boolean nanosecond, int snapLength, int linkType) throws IOException {
            this.out = out;
            this.order = order;
            this.nanosecond = nanosecond;
            ByteBuffer h = ByteBuffer.allocate(HEADER).order(order);
            h.putInt(nanosecond ? MAGIC_NANOS : MAGIC_MICROS).putShort((short) 2).putShort((short) 4)
                    .putInt(0).putInt(0).putInt(snapLength).putInt(linkType);
            out.write(h.array());
        }

        /** One record of {@code length} bytes of {@code packet} from its position, stamped {@code nanos}. */
        void write(long nanos, ByteBuffer packet, int length) throws IOException {
            ByteBuffer h = ByteBuffer.allocate(RECORD_HEADER).order(order);
            long seconds = nanos / 1_000_000_000L;
            long frac = nanos % 1_000_000_000L;
            h.putInt((int) seconds).putInt((int) (nanosecond ? frac : frac / 1000)).putInt(length).putInt(length);
            out.write(h.array());
            byte[] data = new byte[length];
            packet.get(packet.position(), data);
            out.write(data);
            written++;
        }

        int written() {
            return written;
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
