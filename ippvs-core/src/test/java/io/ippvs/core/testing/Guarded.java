package io.ippvs.core.testing;

import io.ippvs.testkit.Pcap;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HexFormat;
import java.util.List;

/**
 * A packet in a buffer fenced by guard bytes: the buffer handed to the code under test is a slice
 * whose capacity ends before the guards, so any write outside it shows up in {@link #guardsIntact()}.
 */
public final class Guarded {

    public static final int GUARD = 32;
    public static final byte GUARD_BYTE = (byte) 0xA5;

    private final ByteBuffer whole;
    public final ByteBuffer buffer;

    /**
     * @param headroom bytes before the packet inside the buffer
     * @param tailroom capacity after the packet inside the buffer
     */
    public Guarded(byte[] packet, int length, boolean direct, int headroom, int tailroom) {
        int capacity = headroom + length + tailroom;
        whole = direct ? ByteBuffer.allocateDirect(capacity + 2 * GUARD) : ByteBuffer.allocate(capacity + 2 * GUARD);
        for (int i = 0; i < whole.capacity(); i++) {
            whole.put(i, GUARD_BYTE);
        }
        buffer = whole.duplicate().position(GUARD).limit(GUARD + capacity).slice();
        for (int i = 0; i < length; i++) {
            buffer.put(headroom + i, packet[i]);
        }
        buffer.position(headroom).limit(headroom + length);
    }

    public Guarded(byte[] packet, boolean direct, int headroom, int tailroom) {
        this(packet, packet.length, direct, headroom, tailroom);
    }

    public boolean guardsIntact() {
        int capacity = buffer.capacity();
        for (int i = 0; i < GUARD; i++) {
            if (whole.get(i) != GUARD_BYTE || whole.get(GUARD + capacity + i) != GUARD_BYTE) {
                return false;
            }
        }
        return true;
    }

    /** The bytes in {@code [position, limit)}. */
    public byte[] packet() {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    public static String hex(byte[] b) {
        return b == null ? "(none)" : HexFormat.of().formatHex(b);
    }

    /** Writes the packets to target/fixtures/NAME.pcap (falls back to the temporary directory); returns the path. */
    public static Path dump(String name, List<byte[]> packets) {
        try {
            Path dir = Paths.get("target", "fixtures");
            Files.createDirectories(dir);
            Path file = dir.resolve(name.replaceAll("[^A-Za-z0-9_.-]", "_") + ".pcap");
            Pcap.write(file, packets);
            return file.toAbsolutePath();
        } catch (Exception e) {
            return Pcap.dump(name, packets);
        }
    }

    /**
     * Runs one packet of {@code c}'s connection through {@code rewriter} in a guarded buffer with
     * {@code tailroom}, asserting a FORWARD verdict, no write outside the buffer and valid checksums.
     */
    public static byte[] forward(FakeRewriteContext c, io.ippvs.api.PacketRewriter rewriter, byte[] packet, boolean isReply,
            int tailroom) {
        Guarded g = new Guarded(packet, false, 0, tailroom);
        org.assertj.core.api.Assertions.assertThat(rewriter.rewrite(c.packet(g.buffer, isReply)))
                .isEqualTo(io.ippvs.api.Verdict.FORWARD);
        org.assertj.core.api.Assertions.assertThat(g.guardsIntact()).isTrue();
        byte[] out = g.packet();
        io.ippvs.testkit.ChecksumVerifier.assertValid(out);
        return out;
    }
}
