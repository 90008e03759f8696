package io.ippvs.nat;

/**
 * The sequence-number offset one direction of a TCP connection carries once a helper has rewritten a
 * line in that direction (Linux {@code struct ip_vs_seq}, kept per line rather than per segment).
 * Bytes from the end of the last rewritten line on are shifted by {@code delta}, bytes up to its start
 * by {@code previousDelta}; the line itself only ever leaves whole and rewritten. The other
 * direction's acknowledgements are shifted back.
 *
 * <p>Only the last rewritten line is remembered, as in Linux: a retransmission reaching back across
 * an earlier one is numbered as if that line had not changed length.
 *
 * <p>Not thread-safe: its owner {@link FtpControl} is locked while it is used.
 */
final class SequenceDelta {

    private boolean set;
    private int lineStart;
    private int lineEnd;
    private int delta;
    private int previousDelta;

    /** The sequence number to send for a segment that starts at {@code seq} (not inside the line). */
    int fixSeq(int seq) {
        return after(seq, lineStart) ? seq + delta : seq + previousDelta;
    }

    /** The acknowledgement to send in the other direction for a received {@code ack}. */
    int fixAck(int ack) {
        // ack names the next byte the peer expects, in the rewritten numbering, where the rewritten
        // line starts at lineStart + previousDelta. Linux compares with its start + delta instead, which
        // misplaces an ACK of exactly the line's start when the rewrite shrank it.
        return after(ack, lineStart + previousDelta) ? ack - delta : ack - previousDelta;
    }

    /**
     * Records that the line {@code [start, end)} (sender's numbering) was rewritten with a length
     * change of {@code diff}; the same line again (a retransmission) or an older one changes nothing.
     */
    void rewritten(int start, int end, int diff) {
        if (!set || after(start, lineStart)) {
            previousDelta = delta;
            delta += diff;
            lineStart = start;
            lineEnd = end;
            set = true;
        }
    }

    /** Whether a line was rewritten: the sync protocol's IN_SEQ / OUT_SEQ flag for this direction. */
    boolean isSet() {
        return set;
    }

    int delta() {
        return delta;
    }

    int previousDelta() {
        return previousDelta;
    }

    /**
     * Takes the offsets a sync master sent ({@code struct ip_vs_seq}: init_seq, delta,
     * previous_delta). The line's end is not on the wire, so a retransmission reaching into it is
     * not recognised as one; every later segment is numbered right.
     */
    void restore(int initSeq, int delta, int previousDelta) {
        this.set = true;
        this.lineStart = initSeq;
        this.lineEnd = initSeq;
        this.delta = delta;
        this.previousDelta = previousDelta;
    }

    int lineStart() {
        return lineStart;
    }

    int lineEnd() {
        return lineEnd;
    }

    /** Whether {@code seq} lies strictly inside the last rewritten line. */
    boolean inside(int seq) {
        return set && after(seq, lineStart) && after(lineEnd, seq);
    }

    /** Whether a segment of {@code length} bytes from {@code seq} holds the last rewritten line's first byte. */
    boolean covers(int seq, int length) {
        return set && !after(seq, lineStart) && after(seq + length, lineStart);
    }

    /** RFC 793 modular comparison: {@code a} comes after {@code b}. */
    static boolean after(int a, int b) {
        return b - a < 0;
    }
}
