package io.ippvs.core.proto;

import io.ippvs.core.header.IpProtocol;
import java.util.Arrays;

/**
 * Per protocol and state timeouts in seconds: the Linux defaults, and the three that
 * {@code ipvsadm --set tcp tcpfin udp} changes (TCP ESTABLISHED, TCP FIN_WAIT, UDP). Immutable;
 * the director swaps the whole value.
 */
public final class ProtocolTimeouts {

    /** IANA protocol numbers. */
    public static final int TCP = IpProtocol.TCP;
    public static final int UDP = IpProtocol.UDP;
    public static final int SCTP = IpProtocol.SCTP;

    private static final ProtocolTimeouts DEFAULTS = new ProtocolTimeouts(defaultTcp(),
            UdpState.DEFAULT_TIMEOUT_SECONDS, defaultSctp());

    private final int[] tcp;
    private final int udp;
    private final int[] sctp;

    private ProtocolTimeouts(int[] tcp, int udp, int[] sctp) {
        this.tcp = tcp;
        this.udp = udp;
        this.sctp = sctp;
    }

    /** The Linux defaults (TCP ESTABLISHED 900, FIN_WAIT 120, UDP 300, ...). */
    public static ProtocolTimeouts defaults() {
        return DEFAULTS;
    }

    /**
     * These timeouts with {@code ipvsadm --set tcp tcpfin udp} applied: a 0 leaves that timeout
     * unchanged, as ipvsadm does.
     *
     * @throws IllegalArgumentException if a value is negative
     */
    public ProtocolTimeouts withSet(int tcpSeconds, int tcpFinSeconds, int udpSeconds) {
        check("tcp", tcpSeconds);
        check("tcpfin", tcpFinSeconds);
        check("udp", udpSeconds);
        int[] t = tcp.clone();
        if (tcpSeconds != 0) {
            t[TcpState.ESTABLISHED.code()] = tcpSeconds;
        }
        if (tcpFinSeconds != 0) {
            t[TcpState.FIN_WAIT.code()] = tcpFinSeconds;
        }
        return new ProtocolTimeouts(t, udpSeconds != 0 ? udpSeconds : udp, sctp);
    }

    /** TCP timeout of state code {@code state} (an unknown code gets the NONE timeout). */
    public int tcp(int state) {
        return state >= 0 && state < tcp.length ? tcp[state] : tcp[0];
    }

    /** TCP timeout of {@code state}. */
    public int tcp(TcpState state) {
        return tcp[state.code()];
    }

    /** The ESTABLISHED timeout ({@code --set} "tcp"). */
    public int tcpEstablished() {
        return tcp[TcpState.ESTABLISHED.code()];
    }

    /** The FIN_WAIT timeout ({@code --set} "tcpfin"). */
    public int tcpFin() {
        return tcp[TcpState.FIN_WAIT.code()];
    }

    /** The UDP timeout ({@code --set} "udp"). */
    public int udp() {
        return udp;
    }

    /** SCTP timeout of state code {@code state} (an unknown code gets the NONE timeout). */
    public int sctp(int state) {
        return state >= 0 && state < sctp.length ? sctp[state] : sctp[0];
    }

    /** SCTP timeout of {@code state}. */
    public int sctp(SctpState state) {
        return sctp[state.code()];
    }

    /**
     * Timeout for state code {@code state} of IANA protocol {@code protocol}: TCP and SCTP by state,
     * anything else the UDP timeout.
     */
    public int timeout(int protocol, int state) {
        if (protocol == TCP) {
            return tcp(state);
        }
        if (protocol == SCTP) {
            return sctp(state);
        }
        return udp;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProtocolTimeouts && Arrays.equals(tcp, ((ProtocolTimeouts) o).tcp)
                && udp == ((ProtocolTimeouts) o).udp && Arrays.equals(sctp, ((ProtocolTimeouts) o).sctp);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(tcp) * 31 + udp;
    }

    /** The {@code ipvsadm -L --timeout} line: {@code Timeout (tcp tcpfin udp): 900 120 300}. */
    @Override
    public String toString() {
        return "Timeout (tcp tcpfin udp): " + tcpEstablished() + " " + tcpFin() + " " + udp;
    }

    private static void check(String field, int seconds) {
        if (seconds < 0) {
            throw new IllegalArgumentException(field + ": " + seconds + " is negative");
        }
    }

    private static int[] defaultTcp() {
        int[] t = new int[TcpState.count()];
        for (TcpState s : TcpState.values()) {
            t[s.code()] = s.defaultTimeoutSeconds();
        }
        return t;
    }

    private static int[] defaultSctp() {
        int[] t = new int[SctpState.count()];
        for (SctpState s : SctpState.values()) {
            t[s.code()] = s.defaultTimeoutSeconds();
        }
        return t;
    }
}
