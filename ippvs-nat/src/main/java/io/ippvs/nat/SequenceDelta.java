package io.ippvs.nat;

/**
 * The sequence-number offset one direction of a TCP connection carries once a helper has changed the
 * length of a payload in that direction (Linux {@code struct ip_vs_seq}): segments after the last
 * rewritten one are shifted by {@code delta}, the rewritten segment itself and older ones (its
 * retransmissions) by {@code previousDelta}. The other direction's acknowledgements are shifted back.
 *
 * <p>Not thread-safe: its owner {@link FtpControl} is locked while it is used.
 */
final class SequenceDelta {

    private boolean set;
    private int initSeq;
    private int delta;
    private int previousDelta;

    /** The sequence number to send for a segment that arrived with {@code seq}. */
    int fixSeq(int seq) {
        if (delta == 0 && previousDelta == 0) {
            return seq;
        }
        return after(seq, initSeq) ? seq + delta : seq + previousDelta;
    }

    /** The acknowledgement to send in the other direction for a received {@code ack}. */
    int fixAck(int ack) {
        if (delta == 0 && previousDelta == 0) {
            return ack;
        }
        // ack names the next byte the peer expects, in the rewritten numbering, where the rewritten
        // segment starts at initSeq + previousDelta. Linux compares with initSeq + delta instead, which
        // misplaces an ACK of exactly the segment's start when the rewrite shrank the payload.
        return after(ack, initSeq + previousDelta) ? ack - delta : ack - previousDelta;
    }

    /**
     * Records that the segment which arrived with {@code seq} changed length by {@code diff}; a
     * retransmission of an already recorded segment (not after it) changes nothing.
     */
    void update(int seq, int diff) {
        if (!set || after(seq, initSeq)) {
            previousDelta = delta;
            delta += diff;
            initSeq = seq;
            set = true;
        }
    }

    /** Whether {@code seq} is the first sequence number of the last rewritten segment. */
    boolean isRewrittenSegment(int seq) {
        return set && seq == initSeq;
    }

    int delta() {
        return delta;
    }

    int previousDelta() {
        return previousDelta;
    }

    /** RFC 793 modular comparison: {@code a} comes after {@code b}. */
    static boolean after(int a, int b) {
        return b - a < 0;
    }
}
