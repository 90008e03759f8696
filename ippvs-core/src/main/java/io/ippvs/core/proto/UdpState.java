package io.ippvs.core.proto;

/** UDP has one IPVS state; {@code ipvsadm -c} prints it as {@code UDP}. UDP connections stay inactive. */
public enum UdpState {
    NORMAL;

    /** Default timeout in seconds. */
    public static final int DEFAULT_TIMEOUT_SECONDS = 300;

    /** The state code stored in the connection table: 0. */
    public int code() {
        return ordinal();
    }

    /** The name {@code ipvsadm -c} prints. */
    public String ipvsName() {
        return "UDP";
    }
}
