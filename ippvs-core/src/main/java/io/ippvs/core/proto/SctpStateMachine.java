package io.ippvs.core.proto;

import static io.ippvs.core.proto.SctpState.CLOSED;
import static io.ippvs.core.proto.SctpState.COOKIE_ECHOED;
import static io.ippvs.core.proto.SctpState.COOKIE_REPLIED;
import static io.ippvs.core.proto.SctpState.COOKIE_SENT;
import static io.ippvs.core.proto.SctpState.COOKIE_WAIT;
import static io.ippvs.core.proto.SctpState.ESTABLISHED;
import static io.ippvs.core.proto.SctpState.INIT;
import static io.ippvs.core.proto.SctpState.INIT1;
import static io.ippvs.core.proto.SctpState.NONE;
import static io.ippvs.core.proto.SctpState.REJECTED;
import static io.ippvs.core.proto.SctpState.SHUTDOWN_ACK_SENT;
import static io.ippvs.core.proto.SctpState.SHUTDOWN_RECEIVED;
import static io.ippvs.core.proto.SctpState.SHUTDOWN_SENT;

/**
 * The SCTP state machine: chunk-driven like IPVS's {@code ip_vs_proto_sctp.c}, built from the
 * association's handshake and shutdown rather than copied cell by cell from the kernel table (a
 * simplification; the states, names, timeouts and the active state are the kernel's).
 *
 * <p>The event is the packet's first chunk (SACK, HEARTBEAT and unknown chunks count as DATA),
 * except that an ABORT bundled right after a COOKIE ECHO or COOKIE ACK wins, as in IPVS:
 * <ul>
 *   <li>client opens: INIT in → INIT1, INIT ACK out → INIT, COOKIE ECHO in → C-SENT, COOKIE ACK
 *       out (or, input-only, the next DATA in) → ESTABLISHED;
 *   <li>server opens: INIT out → C-WAIT, INIT ACK in → C-REPLIED, COOKIE ECHO out → C-ECHOED,
 *       COOKIE ACK in → ESTABLISHED;
 *   <li>SHUTDOWN in → S-SENT, out → S-RECEIVED; SHUTDOWN ACK → S-ACK-SENT; SHUTDOWN COMPLETE →
 *       CLOSED;
 *   <li>ABORT during the handshake from the server (or any ABORT answering INIT) → REJECTED, any
 *       other ABORT → CLOSED; INIT on a closed or rejected association starts over; ERROR changes
 *       nothing.
 * </ul>
 */
public final class SctpStateMachine {

    /** Event codes, the kernel's order. */
    public static final int DATA = 0;
    public static final int EV_INIT = 1;
    public static final int INIT_ACK = 2;
    public static final int COOKIE_ECHO = 3;
    public static final int COOKIE_ACK = 4;
    public static final int SHUTDOWN = 5;
    public static final int SHUTDOWN_ACK = 6;
    public static final int SHUTDOWN_COMPLETE = 7;
    public static final int ERROR = 8;
    public static final int ABORT = 9;
    private static final int EVENTS = 10;

    /** SCTP chunk types (RFC 9260). */
    public static final int CHUNK_DATA = 0;
    public static final int CHUNK_INIT = 1;
    public static final int CHUNK_INIT_ACK = 2;
    public static final int CHUNK_ABORT = 6;
    public static final int CHUNK_SHUTDOWN = 7;
    public static final int CHUNK_SHUTDOWN_ACK = 8;
    public static final int CHUNK_ERROR = 9;
    public static final int CHUNK_COOKIE_ECHO = 10;
    public static final int CHUNK_COOKIE_ACK = 11;
    public static final int CHUNK_SHUTDOWN_COMPLETE = 14;

    private static final int STATES = SctpState.count();
    private static final byte[] TABLE = build();

    private SctpStateMachine() {}

    /**
     * The event for a packet whose first chunk has type {@code firstChunk}; {@code secondChunk} is the
     * type of the chunk after it, or -1 if none (an ABORT bundled after COOKIE ECHO / COOKIE ACK wins).
     */
    public static int event(int firstChunk, int secondChunk) {
        if ((firstChunk == CHUNK_COOKIE_ECHO || firstChunk == CHUNK_COOKIE_ACK) && secondChunk == CHUNK_ABORT) {
            return ABORT;
        }
        switch (firstChunk) {
            case CHUNK_INIT:
                return EV_INIT;
            case CHUNK_INIT_ACK:
                return INIT_ACK;
            case CHUNK_COOKIE_ECHO:
                return COOKIE_ECHO;
            case CHUNK_COOKIE_ACK:
                return COOKIE_ACK;
            case CHUNK_SHUTDOWN:
                return SHUTDOWN;
            case CHUNK_SHUTDOWN_ACK:
                return SHUTDOWN_ACK;
            case CHUNK_SHUTDOWN_COMPLETE:
                return SHUTDOWN_COMPLETE;
            case CHUNK_ERROR:
                return ERROR;
            case CHUNK_ABORT:
                return ABORT;
            default:
                return DATA;
        }
    }

    /**
     * The state after event {@code event} travelling in {@code direction} ({@link TcpStateMachine#IN},
     * {@code OUT}, {@code INPUT_ONLY}) meets state code {@code state}. Out-of-range input returns
     * {@code state}.
     */
    public static int next(int state, int direction, int event) {
        if (state < 0 || state >= STATES || direction < 0 || direction > 2 || event < 0 || event >= EVENTS) {
            return state;
        }
        return TABLE[(direction * EVENTS + event) * STATES + state];
    }

    /** {@link #next(int, int, int)} on enums. */
    public static SctpState next(SctpState state, Direction direction, int event) {
        return SctpState.ofCode(next(state.code(), direction.code(), event));
    }

    /** Whether a packet with this event may create a new SCTP connection (INIT, as IPVS schedules). */
    public static boolean startsConnection(int event) {
        return event == EV_INIT;
    }

    private static byte[] build() {
        byte[] t = new byte[3 * EVENTS * STATES];
        for (int dir = 0; dir < 3; dir++) {
            boolean out = dir == TcpStateMachine.OUT;
            boolean inputOnly = dir == TcpStateMachine.INPUT_ONLY;
            for (int ev = 0; ev < EVENTS; ev++) {
                for (SctpState s : SctpState.values()) {
                    t[(dir * EVENTS + ev) * STATES + s.code()] = (byte) transition(s, out, inputOnly, ev).code();
                }
            }
        }
        return t;
    }

    private static boolean handshake(SctpState s) {
        return s.compareTo(INIT1) >= 0 && s.compareTo(COOKIE_ECHOED) <= 0;
    }

    private static SctpState transition(SctpState s, boolean out, boolean inputOnly, int event) {
        boolean fresh = s == NONE || s == CLOSED || s == REJECTED;
        switch (event) {
            case EV_INIT:
                return fresh ? (out ? COOKIE_WAIT : INIT1) : s;
            case INIT_ACK:
                if (out && s == INIT1) {
                    return INIT;
                }
                return !out && s == COOKIE_WAIT ? COOKIE_REPLIED : s;
            case COOKIE_ECHO:
                if (!out && (s == INIT || (inputOnly && s == INIT1))) {
                    return COOKIE_SENT;
                }
                return out && (s == COOKIE_REPLIED || s == COOKIE_WAIT) ? COOKIE_ECHOED : s;
            case COOKIE_ACK:
                if (out && s == COOKIE_SENT) {
                    return ESTABLISHED;
                }
                return !out && s == COOKIE_ECHOED ? ESTABLISHED : s;
            case DATA:
                // data after the cookie exchange proves the association is up (input-only sees no COOKIE ACK)
                return s == COOKIE_SENT || s == COOKIE_ECHOED || s == COOKIE_REPLIED ? ESTABLISHED : s;
            case SHUTDOWN:
                return s == ESTABLISHED ? (out ? SHUTDOWN_RECEIVED : SHUTDOWN_SENT) : s;
            case SHUTDOWN_ACK:
                return s == ESTABLISHED || s == SHUTDOWN_SENT || s == SHUTDOWN_RECEIVED ? SHUTDOWN_ACK_SENT : s;
            case SHUTDOWN_COMPLETE:
                return s == SHUTDOWN_ACK_SENT || s == SHUTDOWN_SENT || s == SHUTDOWN_RECEIVED ? CLOSED : s;
            case ABORT:
                if (s == INIT1 || (out && (s == NONE || handshake(s)))) {
                    return REJECTED;
                }
                return s == REJECTED ? REJECTED : CLOSED;
            default:
                return s; // ERROR
        }
    }
}
