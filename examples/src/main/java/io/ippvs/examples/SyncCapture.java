package io.ippvs.examples;

import io.ippvs.core.director.Director;
import io.ippvs.core.sync.SyncCounters;
import io.ippvs.core.sync.SyncDecoder;
import io.ippvs.core.sync.SyncMaster;
import io.ippvs.core.sync.SyncProtocol;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.function.LongSupplier;

/**
 * Sync datagrams in pcap files for {@code ippvs pcap}: {@code --sync-out} writes what the replay's
 * master sends as IPv4 UDP from 192.0.2.1 to 224.0.0.81:8848 with TTL 1 (raw IP, link type 101;
 * Wireshark shows them with {@code -d udp.port==8848,ipvs}); {@code --sync-in} loads a backup from
 * such a capture, or one taken of Linux directors (Ethernet, raw IP, IPv4 or IPv6 link types; UDP
 * to port 8848), each datagram at its record's time.
 */
final class SyncCapture {

    private static final int SOURCE = 0xC0000201; // 192.0.2.1
    private static final int GROUP = 0xE0000051; // 224.0.0.81

    private SyncCapture() {}

    /** A sender that writes each datagram as an IPv4/UDP record stamped with {@code clock}. */
    static SyncMaster.Sender writer(PcapFile.Writer w, LongSupplier clock) {
        return (buf, off, len) -> {
            ByteBuffer p = ByteBuffer.allocate(28 + len);
            p.put(0, (byte) 0x45).putShort(2, (short) (28 + len)).put(6, (byte) 0x40).put(8, (byte) 1)
                    .put(9, (byte) 17).putInt(12, SOURCE).putInt(16, GROUP);
            p.putShort(10, (short) headerChecksum(p));
            // UDP checksum 0: none, as IPv4 allows
            p.putShort(20, (short) SyncProtocol.DEFAULT_PORT).putShort(22, (short) SyncProtocol.DEFAULT_PORT)
                    .putShort(24, (short) (8 + len));
            p.put(28, buf, off, len);
            try {
                w.write(clock.getAsLong(), p, p.capacity());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return true;
        };
    }

    private static int headerChecksum(ByteBuffer p) {
        long sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += p.getShort(i) & 0xFFFF;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    /**
     * Installs every sync datagram of {@code capture} into {@code director}, setting {@code clock}
     * to each record's time first; returns the counters.
     */
    static SyncCounters load(PcapFile capture, Director director, java.util.function.LongConsumer clock) {
        SyncCounters counters = new SyncCounters();
        SyncDecoder decoder = new SyncDecoder(counters);
        for (PcapFile.Record rec : capture.records) {
            byte[] f = rec.data();
            int l3 = 0;
            if (capture.linkType == PcapFile.LINKTYPE_ETHERNET) {
                l3 = f.length >= 18 && (f[12] & 0xFF) == 0x81 && f[13] == 0 ? 18 : 14;
            }
            if (f.length < l3 + 1) {
                continue;
            }
            int version = (f[l3] & 0xFF) >>> 4;
            int l4;
            int protocol;
            if (version == 4 && f.length >= l3 + 20) {
                l4 = l3 + (f[l3] & 0x0F) * 4;
                protocol = f[l3 + 9] & 0xFF;
            } else if (version == 6 && f.length >= l3 + 40) {
                l4 = l3 + 40; // sync datagrams carry no extension headers
                protocol = f[l3 + 6] & 0xFF;
            } else {
                continue;
            }
            if (protocol != 17 || f.length < l4 + 8
                    || ((f[l4 + 2] & 0xFF) << 8 | f[l4 + 3] & 0xFF) != SyncProtocol.DEFAULT_PORT) {
                continue;
            }
            int length = Math.min(((f[l4 + 4] & 0xFF) << 8 | f[l4 + 5] & 0xFF) - 8, f.length - l4 - 8);
            if (length < 0) {
                continue;
            }
            clock.accept(rec.nanos());
            decoder.decode(ByteBuffer.wrap(f, l4 + 8, length).slice(), 0, length, 0, director.syncInstaller());
        }
        return counters;
    }
}
