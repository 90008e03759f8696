package io.ippvs.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes raw-IP pcap files (LINKTYPE_RAW = 101) so a failing fixture can be opened in Wireshark or tcpdump. */
public final class Pcap {

    /** Link type of packets that start with the IP header. */
    public static final int LINKTYPE_RAW = 101;

    private static final int MAGIC = 0xA1B2C3D4;
    private static final int SNAPLEN = 262_144;

    private Pcap() {}

    /** Writes {@code packets} (each a whole IP packet) to {@code file}, one second apart. */
    public static void write(Path file, List<byte[]> packets) {
        int size = 24;
        for (byte[] p : packets) {
            size += 16 + p.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(SNAPLEN).putInt(LINKTYPE_RAW);
        int second = 0;
        for (byte[] p : packets) {
            out.putInt(second++).putInt(0).putInt(p.length).putInt(p.length).put(p);
        }
        try {
            Files.write(file, out.array());
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
    }

    /** Writes the packets to a file in the temporary directory named after {@code name}; returns it. */
    public static Path dump(String name, List<byte[]> packets) {
        try {
            Path file = Files.createTempFile("ippvs-" + name.replaceAll("[^A-Za-z0-9_.-]", "_") + "-", ".pcap");
            write(file, packets);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
