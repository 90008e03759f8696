package io.ippvs.health;

/** The built-in checkers without options; the others have builders ({@link HttpGetCheck}, {@link UdpCheck}, {@link MiscCheck}). */
public final class HealthCheckers {

    private HealthCheckers() {}

    /** {@code TCP_CHECK}. */
    public static HealthChecker tcp() {
        return TcpCheck.INSTANCE;
    }

    /** {@code PING_CHECK}; needs CAP_NET_RAW (see {@link #icmpAvailable()}). */
    public static HealthChecker ping() {
        return PingCheck.INSTANCE;
    }

    /** Whether this process may send ICMP echoes, so {@link #ping()} can run. */
    public static boolean icmpAvailable() {
        return PingCheck.icmpAvailable();
    }
}
