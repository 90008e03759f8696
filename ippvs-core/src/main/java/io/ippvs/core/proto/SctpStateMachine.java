package io.ippvs.core.proto;

/**
 * The SCTP state machine of IPVS, {@code sctp_states[][][]} of {@code ip_vs_proto_sctp.c} cell by
 * cell: (direction, event, current state) to the next state, for the directions INPUT, OUTPUT and
 * INPUT-ONLY ({@link TcpStateMachine#IN}, {@code OUT}, {@code INPUT_ONLY}).
 *
 * <p>The event is that of the packet's first chunk ({@code sctp_events}: SACK, HEARTBEAT,
 * HEARTBEAT ACK, ECN and any unknown chunk count as DATA), except that an ABORT bundled right after
 * a COOKIE ECHO or COOKIE ACK wins, as {@code set_sctp_state} reads it. Immutable tables;
 * {@link #next(int, int, int)} allocates nothing.
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
    /** Not an event: the packet has no chunk header, so {@code set_sctp_state} changes nothing. */
    public static final int NO_CHUNK = -1;

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

    // sctp_states[dir][event][state] of ip_vs_proto_sctp.c; columns are the states in code order
    private static final String[] ROWS = {
        "IN   d   ES I1 IN CS CR CW CO CE ES SS SR SA RJ CL",
        "IN   i   I1 IN IN CS CR CW CO CE ES SS SR SA IN IN",
        "IN   i_a CW CW CW CS CR CO CO CE ES SS SR SA RJ CL",
        "IN   c_e CR IN IN CR CR CW CO CE ES SS SR SA RJ CL",
        "IN   c_a ES I1 IN CS CR CW CO ES ES SS SR SA RJ CL",
        "IN   s   SR I1 IN CS CR CW CO CE SR SS SR SA RJ CL",
        "IN   s_a CL IN IN CS CR CW CO CE ES CL SR CL RJ CL",
        "IN   s_c CL CL CL CS CR CW CO CE ES SS SR CL RJ CL",
        "IN   err CL I1 IN CS CR CW CO CL ES SS SR SA RJ CL",
        "IN   ab  CL CL CL CL CL RJ CL CL CL CL CL CL CL CL",
        "OUT  d   ES I1 IN CS CR CW CO CE ES SS SR SA RJ CL",
        "OUT  i   CW CW CW CW CW CW CW CW ES CW CW CW CW CW",
        "OUT  i_a CS CS CS CS CR CW CO CE ES SS SR SA RJ CL",
        "OUT  c_e CE CE CE CE CE CE CE CE ES SS SR SA RJ CL",
        "OUT  c_a ES ES ES ES ES ES ES ES ES SS SR SA RJ CL",
        "OUT  s   SS SS SS SS SS SS SS SS SS SS SR SA RJ CL",
        "OUT  s_a SA SA SA SA SA CW CO CE ES SA SA SA RJ CL",
        "OUT  s_c CL I1 IN CS CR CW CO CE ES SS SR SA RJ CL",
        "OUT  err CL CL CL CL CL CW CO CE ES SS SR SA RJ CL",
        "OUT  ab  CL RJ CL CL CL CL CL CL CL CL CL CL CL CL",
        "INON d   ES I1 IN CS CR ES CO CE ES SS SR SA RJ CL",
        "INON i   I1 IN IN IN IN IN CO CE ES SS SR SA IN IN",
        "INON i_a CE CE CE CE CE CE CO CE ES SS SR SA RJ CL",
        "INON c_e ES ES ES ES ES ES CO CE ES SS SR SA RJ CL",
        "INON c_a ES I1 IN ES ES CW ES ES ES SS SR SA RJ CL",
        "INON s   SR I1 IN CS CR CW CO CE SR SS SR SA RJ CL",
        "INON s_a CL IN IN CS CR CW CO CE CL CL SR CL RJ CL",
        "INON s_c CL CL CL CL CL CW CO CE ES SS CL CL RJ CL",
        "INON err CL I1 IN CS CR CW CO CE ES SS SR SA RJ CL",
        "INON ab  CL CL CL CL CL RJ CL CL CL CL CL CL CL CL",
    };

    private static final String ABBREVIATIONS = "NO I1 IN CS CR CW CO CE ES SS SR SA RJ CL";

    /** [direction * EVENTS + event] * STATES + state -> next state. */
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
        byte[] t = new byte[ROWS.length * STATES];
        for (int r = 0; r < ROWS.length; r++) {
            String[] cells = ROWS[r].trim().split("\\s+");
            for (int st = 0; st < STATES; st++) {
                int code = ABBREVIATIONS.indexOf(cells[2 + st]);
                if (code < 0 || cells.length != 2 + STATES) {
                    throw new IllegalStateException("sctp state row " + r + " is malformed");
                }
                t[r * STATES + st] = (byte) (code / 3);
            }
        }
        return t;
    }
}
