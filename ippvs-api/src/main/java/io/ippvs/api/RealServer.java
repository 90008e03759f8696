package io.ippvs.api;

import java.net.InetAddress;

/**
 * A real server of a virtual service as the director runs it: its configuration plus live
 * connection counts and traffic counters.
 *
 * <p>Implementations are thread-safe. Configuration accessors return the values of one configuration
 * generation; the counts change as connections come and go and are read without locks, so a reader
 * may see a value a moment old. Identity is stable: an edit ({@code ipvsadm -e}) keeps the same
 * instance, a removal and re-add makes a new one.
 */
public interface RealServer {

    /** The configuration in force. */
    RealServerConfig config();

    /** {@link Addresses#IPV4} or {@link Addresses#IPV6}. */
    int addressFamily();

    long addressHigh();

    long addressLow();

    /** The address; allocates. */
    default InetAddress address() {
        return Addresses.toInetAddress(addressFamily(), addressHigh(), addressLow());
    }

    /** The port; 0 when it follows the packet's virtual port. */
    int port();

    ForwardingMethod forwardingMethod();

    /** 0..65535; 0 means quiesced. */
    int weight();

    /** Connections in an active state (TCP ESTABLISHED, SYN_SENT, SYN_RECV, SYNACK). */
    int activeConnections();

    /** Connections in any other state, including every UDP connection. */
    int inactiveConnections();

    /** Persistence templates that point at this server. */
    int persistentConnections();

    /**
     * Whether the server is over its upper connection threshold (IPVS's OVERLOAD flag, with its
     * hysteresis).
     */
    boolean overloaded();

    /** Whether the server may take new connections: still in its service, weight above 0, not overloaded. */
    boolean available();

    /** Traffic through this server. */
    Stats stats();
}
