package io.ippvs.tunnel;

/**
 * ECN propagation across a tunnel, as RFC 6040 says for IP-in-IP (and so for GUE and GRE).
 *
 * <p>Encapsulation uses normal mode (section 4.1): the outer header gets a copy of the inner ECN
 * field, CE included; the DSCP is copied too. Linux still resets CE to ECT(0) in the outer header (the
 * older RFC 3168 full-functionality rule); RFC 6040 dropped that so a tunnel keeps congestion marks
 * visible to the path. Decapsulation combines the two fields by the table of section 4.2.
 */
final class Ecn {

    static final int MASK = 0x03;
    static final int NOT_ECT = 0x00;
    static final int ECT_1 = 0x01;
    static final int ECT_0 = 0x02;
    static final int CE = 0x03;

    /** Returned by {@link #decapsulate} when the packet must be dropped. */
    static final int DROP = -1;

    private Ecn() {}

    /** The outer TOS / traffic class for an inner one: a plain copy (normal mode). */
    static int encapsulate(int innerTos) {
        return innerTos & 0xFF;
    }

    /**
     * The inner ECN field after decapsulation (RFC 6040 figure 4), or {@link #DROP} when the outer
     * says CE but the inner transport does not understand ECN: the mark cannot be passed on, and
     * forwarding without it would hide the congestion.
     */
    static int decapsulate(int innerEcn, int outerEcn) {
        if (outerEcn == CE) {
            return innerEcn == NOT_ECT ? DROP : CE;
        }
        if (outerEcn == ECT_1 && innerEcn == ECT_0) {
            return ECT_1;
        }
        return innerEcn;
    }
}
