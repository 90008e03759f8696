package io.ippvs.core.proto;

/**
 * The fourteen SCTP connection states of IPVS ({@code IP_VS_SCTP_S_*}) in the kernel's order (the
 * codes index {@code sctp_states[][][]} of {@code ip_vs_proto_sctp.c}; ESTABLISHED is 8), with the
 * names {@code sctp_state_name_table} gives {@code ipvsadm -c} and the timeouts of
 * {@code sctp_timeouts}: NONE 2 s, INIT1 and REJECTED 4 s, ESTABLISHED 900 s, the rest 61 s
 * ({@code IP_VS_SCTP_MAX_RTO}). Only ESTABLISHED counts as active ({@code set_sctp_state}).
 */
public enum SctpState {
    NONE("NONE", 2),
    INIT1("INIT1", 4),
    INIT("INIT", 61),
    COOKIE_SENT("C-SENT", 61),
    COOKIE_REPLIED("C-REPLIED", 61),
    COOKIE_WAIT("C-WAIT", 61),
    COOKIE("COOKIE", 61),
    COOKIE_ECHOED("C-ECHOED", 61),
    ESTABLISHED("ESTABLISHED", 900),
    SHUTDOWN_SENT("S-SENT", 61),
    SHUTDOWN_RECEIVED("S-RECEIVED", 61),
    SHUTDOWN_ACK_SENT("S-ACK-SENT", 61),
    REJECTED("REJECTED", 4),
    CLOSED("CLOSED", 61);

    private static final SctpState[] BY_CODE = values();

    private final String ipvsName;
    private final int defaultTimeoutSeconds;

    SctpState(String ipvsName, int defaultTimeoutSeconds) {
        this.ipvsName = ipvsName;
        this.defaultTimeoutSeconds = defaultTimeoutSeconds;
    }

    /** The state code stored in the connection table (0..13). */
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

    /** Whether the state counts in ActiveConn (ESTABLISHED only). */
    public boolean isActive() {
        return this == ESTABLISHED;
    }

    /** Whether state code {@code code} is active. */
    public static boolean isActive(int code) {
        return code == ESTABLISHED.ordinal();
    }

    /** The state with code {@code code}. */
    public static SctpState ofCode(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("state: " + code + " is not an SCTP state code (0..13)");
        }
        return BY_CODE[code];
    }

    /** Number of states. */
    public static int count() {
        return BY_CODE.length;
    }
}
