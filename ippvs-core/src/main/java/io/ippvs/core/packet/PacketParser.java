package io.ippvs.core.packet;

import java.nio.ByteBuffer;

/**
 * Validates one IP packet in a buffer's {@code [position, limit)} and fills a {@link PacketInfo}.
 *
 * <p>Never throws on packet content, never reads outside {@code [position, limit)}, never moves the
 * buffer's position or limit, never allocates. Stateless and thread-safe.
 */
public final class PacketParser {

    private final boolean verifyChecksums;

    /** @param verifyChecksums whether transport and IPv4 header checksums are verified */
    public PacketParser(boolean verifyChecksums) {
        this.verifyChecksums = verifyChecksums;
    }

    public boolean verifiesChecksums() {
        return verifyChecksums;
    }

    /** Parses the packet in {@code [position, limit)} of {@code buffer} into {@code info}. */
    public ParseStatus parse(ByteBuffer buffer, PacketInfo info) {
        throw new UnsupportedOperationException("the parser lands with the foundation issue");
    }
}
