package io.ippvs.core.sync;

import io.ippvs.core.proto.SctpState;
import java.util.Arrays;

/**
 * State codes on the wire are the kernel's ({@code enum ip_vs_sctp_states}, the TCP enum of
 * include/uapi/linux/ip_vs.h); the table's codes follow {@link SctpState}, which may lack one of
 * the kernel's fourteen SCTP states. TCP and UDP codes are the kernel's already. Mapped by name, so
 * the table follows whatever {@link SctpState} holds.
 */
public final class SyncStates {

    private static final String[] KERNEL_SCTP = {"NONE", "INIT1", "INIT", "COOKIE_SENT", "COOKIE_REPLIED",
        "COOKIE_WAIT", "COOKIE", "COOKIE_ECHOED", "ESTABLISHED", "SHUTDOWN_SENT", "SHUTDOWN_RECEIVED",
        "SHUTDOWN_ACK_SENT", "REJECTED", "CLOSED"};
    private static final int[] SCTP_TO_WIRE = new int[SctpState.values().length];
    private static final int[] SCTP_FROM_WIRE = new int[KERNEL_SCTP.length];

    static {
        for (SctpState s : SctpState.values()) {
            SCTP_TO_WIRE[s.code()] = Arrays.asList(KERNEL_SCTP).indexOf(s.name());
        }
        for (int i = 0; i < KERNEL_SCTP.length; i++) {
            SctpState local = null;
            for (SctpState s : SctpState.values()) {
                if (s.name().equals(KERNEL_SCTP[i])) {
                    local = s;
                }
            }
            // a state the table lacks (COOKIE: the COOKIE ECHO seen) is taken as the next one
            SCTP_FROM_WIRE[i] = local != null ? local.code() : SctpState.COOKIE_ECHOED.code();
        }
    }

    private SyncStates() {}

    /** The kernel's code for the table's {@code state} of {@code protocol}. */
    public static int toWire(int protocol, int state) {
        if (protocol == 132 && state >= 0 && state < SCTP_TO_WIRE.length) {
            return SCTP_TO_WIRE[state];
        }
        return state;
    }

    /** The table's code for a wire state the decoder has checked against the protocol's count. */
    public static int fromWire(int protocol, int state) {
        if (protocol == 132 && state < SCTP_FROM_WIRE.length) {
            return SCTP_FROM_WIRE[state];
        }
        return state;
    }
}
