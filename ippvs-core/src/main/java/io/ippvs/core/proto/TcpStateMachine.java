package io.ippvs.core.proto;

/**
 * The IPVS TCP state transition tables: {@link #normal()} and the stricter {@link #secure()}
 * ({@code secure_tcp} defence). Each maps (direction, the packet's most significant flag, current
 * state) to the next state. Flags rank RST &gt; SYN &gt; FIN &gt; ACK; a segment with none of them
 * moves the connection to CLOSE ({@code set_tcp_state} starts from CLOSE and skips the table when
 * {@code tcp_state_idx} returns -1).
 *
 * <p>Rows below are the kernel's, columns the current state in code order
 * (NO ES SS SR FW TW CL CW LA LI SA). Immutable and thread-safe; {@link #next(int, int, int)}
 * allocates nothing.
 */
public final class TcpStateMachine {

    /** Direction code: client to server. */
    public static final int IN = 0;
    /** Direction code: server to client. */
    public static final int OUT = 1;
    /** Direction code: client to server, no output seen yet. */
    public static final int INPUT_ONLY = 2;

    /** TCP header flag bits (as in the flags byte). */
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int ACK = 0x10;

    /** Event (row) indexes, in the kernel's order. */
    static final int EV_SYN = 0;
    static final int EV_FIN = 1;
    static final int EV_ACK = 2;
    static final int EV_RST = 3;

    private static final int STATES = 11;

    // direction, event, then the 11 next states
    private static final String[] NORMAL = {
        "IN  syn SR ES ES SR SR SR SR SR SR SR SR",
        "IN  fin CL CW SS TW TW TW CL CW LA LI TW",
        "IN  ack ES ES SS ES FW TW CL CW CL LI ES",
        "IN  rst CL CL CL SR CL CL CL CL LA LI SR",
        "OUT syn SS ES SS SR SS SS SS SS SS LI SR",
        "OUT fin TW FW SS TW FW TW CL TW LA LI TW",
        "OUT ack ES ES SS ES FW TW CL CW LA ES ES",
        "OUT rst CL CL SS CL CL TW CL CL CL CL CL",
        "INON syn SR ES ES SR SR SR SR SR SR SR SR",
        "INON fin CL FW SS TW FW TW CL CW LA LI TW",
        "INON ack ES ES SS ES FW TW CL CW CL LI ES",
        "INON rst CL CL CL SR CL CL CL CL LA LI CL",
    };

    // secure_tcp: SA stays SA on IN syn/fin/ack, IN ack keeps SR, IN rst in SA closes, OUT syn in
    // SR/SA goes SA, INON syn from NO FW TW CL CW LA LI SA goes SA
    private static final String[] SECURE = {
        "IN  syn SR ES ES SR SR SR SR SR SR SR SA",
        "IN  fin CL CW SS TW TW TW CL CW LA LI SA",
        "IN  ack ES ES SS SR FW TW CL CW CL LI SA",
        "IN  rst CL CL CL SR CL CL CL CL LA LI CL",
        "OUT syn SS ES SS SA SS SS SS SS SS LI SA",
        "OUT fin TW FW SS TW FW TW CL TW LA LI TW",
        "OUT ack ES ES SS ES FW TW CL CW LA ES ES",
        "OUT rst CL CL SS CL CL TW CL CL CL CL CL",
        "INON syn SA ES ES SR SA SA SA SA SA SA SA",
        "INON fin CL FW SS TW FW TW CL CW LA LI TW",
        "INON ack ES ES SS ES FW TW CL CW CL LI ES",
        "INON rst CL CL CL SR CL CL CL CL LA LI CL",
    };

    private static final String ABBREVIATIONS = "NO ES SS SR FW TW CL CW LA LI SA";

    private static final TcpStateMachine NORMAL_MACHINE = new TcpStateMachine(NORMAL);
    private static final TcpStateMachine SECURE_MACHINE = new TcpStateMachine(SECURE);

    /** [direction * 4 + event] * 11 + state -> next state. */
    private final byte[] table = new byte[3 * 4 * STATES];

    private TcpStateMachine(String[] rows) {
        for (int r = 0; r < rows.length; r++) {
            String[] cells = rows[r].trim().split("\\s+");
            for (int s = 0; s < STATES; s++) {
                table[r * STATES + s] = (byte) (ABBREVIATIONS.indexOf(cells[2 + s]) / 3);
            }
        }
    }

    /** The standard table. */
    public static TcpStateMachine normal() {
        return NORMAL_MACHINE;
    }

    /** The secure_tcp table. */
    public static TcpStateMachine secure() {
        return SECURE_MACHINE;
    }

    /**
     * The event row for TCP flags: 0 syn, 1 fin, 2 ack, 3 rst, or -1 when the packet carries none of
     * them (RST wins over SYN, SYN over FIN, FIN over ACK).
     */
    public static int event(int tcpFlags) {
        if ((tcpFlags & RST) != 0) {
            return EV_RST;
        }
        if ((tcpFlags & SYN) != 0) {
            return EV_SYN;
        }
        if ((tcpFlags & FIN) != 0) {
            return EV_FIN;
        }
        if ((tcpFlags & ACK) != 0) {
            return EV_ACK;
        }
        return -1;
    }

    /**
     * The state after a packet with {@code tcpFlags} travelling in {@code direction} ({@link #IN},
     * {@link #OUT}, {@link #INPUT_ONLY}) meets a connection in state code {@code state}; CLOSE when
     * none of RST/SYN/FIN/ACK is set, as {@code set_tcp_state} does. Out-of-range codes are returned
     * unchanged.
     */
    public int next(int state, int direction, int tcpFlags) {
        if (state < 0 || state >= STATES || direction < 0 || direction > 2) {
            return state;
        }
        int event = event(tcpFlags);
        if (event < 0) {
            return TcpState.CLOSE.code();
        }
        return table[((direction << 2) + event) * STATES + state];
    }

    /** {@link #next(int, int, int)} on enums. */
    public TcpState next(TcpState state, Direction direction, int tcpFlags) {
        return TcpState.ofCode(next(state.code(), direction.code(), tcpFlags));
    }

    /** Whether a packet with {@code tcpFlags} may create a new TCP connection: SYN without RST. */
    public static boolean startsConnection(int tcpFlags) {
        return (tcpFlags & (SYN | RST)) == SYN;
    }
}
