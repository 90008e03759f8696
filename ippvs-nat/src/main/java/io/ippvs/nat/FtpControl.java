package io.ippvs.nat;

import io.ippvs.core.sync.SyncEntry;
import io.ippvs.core.sync.SyncProtocol;
import java.nio.ByteBuffer;

/**
 * What the FTP helper remembers about one control connection, attached to it with
 * {@link io.ippvs.api.RewriteContext#attach}: the sequence offsets of both directions, whether the
 * client asked for passive mode, and the start of a line that a segment boundary cut. Packets of one
 * connection may reach several threads, so every use holds this object's monitor.
 */
final class FtpControl {

    /** Longest command or reply line the helper looks into; 227, PORT and EPRT lines are far shorter. */
    static final int MAX_LINE = 256;

    /** Client-to-server offsets (commands are never resized today, kept for symmetry with Linux). */
    final SequenceDelta in = new SequenceDelta();
    /** Server-to-client offsets, changed by a resized 227 reply. */
    final SequenceDelta out = new SequenceDelta();
    /** A PASV or EPSV was seen and its 227 / 229 answer has not been. */
    boolean passivePending;

    /**
     * The start of a client command whose end is in the next segment, copied (commands are only read,
     * so the segment itself went on unchanged). Its bytes are {@code [0, commandLength)}.
     */
    ByteBuffer command;
    int commandLength;
    /** The sequence number the rest of {@link #command} arrives with. */
    int commandNextSeq;

    /**
     * The start of a server reply that may have to be rewritten and whose end is in a later segment.
     * It was cut off its segment and is put back in front of the segment that continues it, so the
     * client never sees half a line in the server's numbering. Bytes {@code [0, heldLength)}.
     */
    byte[] held;
    int heldLength;
    /** The (server-numbered) sequence number of the first held byte. */
    int heldSeq;

    /** The offsets for a sync message; returns the IN_SEQ / OUT_SEQ flags of the directions that have one. */
    synchronized long export(SyncEntry into) {
        long flags = 0;
        if (in.isSet()) {
            into.inInitSeq = in.lineStart();
            into.inDelta = in.delta();
            into.inPreviousDelta = in.previousDelta();
            flags |= SyncProtocol.F_IN_SEQ;
        }
        if (out.isSet()) {
            into.outInitSeq = out.lineStart();
            into.outDelta = out.delta();
            into.outPreviousDelta = out.previousDelta();
            flags |= SyncProtocol.F_OUT_SEQ;
        }
        into.hasSequence = flags != 0;
        return flags;
    }

    /** The offsets a sync message carried, for each direction its flags mark (or that has an offset). */
    synchronized void restore(SyncEntry from) {
        if ((from.flags & SyncProtocol.F_IN_SEQ) != 0 || from.inDelta != 0 || from.inPreviousDelta != 0) {
            in.restore(from.inInitSeq, from.inDelta, from.inPreviousDelta);
        }
        if ((from.flags & SyncProtocol.F_OUT_SEQ) != 0 || from.outDelta != 0 || from.outPreviousDelta != 0) {
            out.restore(from.outInitSeq, from.outDelta, from.outPreviousDelta);
        }
    }

    ByteBuffer command() {
        if (command == null) {
            command = ByteBuffer.allocate(MAX_LINE);
        }
        return command;
    }

    byte[] held() {
        if (held == null) {
            held = new byte[MAX_LINE];
        }
        return held;
    }
}
