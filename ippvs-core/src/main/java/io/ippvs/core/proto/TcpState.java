package io.ippvs.core.proto;

/**
 * The eleven TCP connection states of IPVS ({@code IP_VS_TCP_S_*}), in the kernel's order (the
 * codes index the transition tables), with the names {@code ipvsadm -c} prints and the default
 * timeouts.
 */
public enum TcpState {
    NONE("NONE", 2, false),
    ESTABLISHED("ESTABLISHED", 900, true),
    SYN_SENT("SYN_SENT", 120, true),
    SYN_RECV("SYN_RECV", 60, true),
    FIN_WAIT("FIN_WAIT", 120, false),
    TIME_WAIT("TIME_WAIT", 120, false),
    CLOSE("CLOSE", 10, false),
    CLOSE_WAIT("CLOSE_WAIT", 60, false),
    LAST_ACK("LAST_ACK", 30, false),
    LISTEN("LISTEN", 120, false),
    SYNACK("SYNACK", 120, true);

    private static final TcpState[] BY_CODE = values();

    private final String ipvsName;
    private final int defaultTimeoutSeconds;
    private final boolean active;

    TcpState(String ipvsName, int defaultTimeoutSeconds, boolean active) {
        this.ipvsName = ipvsName;
        this.defaultTimeoutSeconds = defaultTimeoutSeconds;
        this.active = active;
    }

    /** The state code stored in the connection table (0..10, the kernel's numbering). */
    public int code() {
        return ordinal();
    }

    /** The name {@code ipvsadm -c} prints. */
    public String ipvsName() {
        return ipvsName;
    }

    /** The Linux default timeout in seconds. */
    public int defaultTimeoutSeconds() {
        return defaultTimeoutSeconds;
    }

    /** Whether a connection in this state counts in ActiveConn (ESTABLISHED, SYN_SENT, SYN_RECV, SYNACK). */
    public boolean isActive() {
        return active;
    }

    /** Whether state code {@code code} is active, without touching an enum. */
    public static boolean isActive(int code) {
        return code >= 1 && code <= 3 || code == 10;
    }

    /** The state with code {@code code}. */
    public static TcpState ofCode(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("state: " + code + " is not a TCP state code (0..10)");
        }
        return BY_CODE[code];
    }

    /** Number of states. */
    public static int count() {
        return BY_CODE.length;
    }
}
