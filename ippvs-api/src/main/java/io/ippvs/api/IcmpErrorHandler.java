package io.ippvs.api;

import java.nio.ByteBuffer;

/**
 * A last chance for an ICMP error whose quote matches none of the director's connections as it
 * stands. An error about a tunnel packet is one: its quote starts with the outer header the tunnel
 * rewriter wrote, and the client's packet comes only after it (the tunnel module's
 * {@code io.ippvs.tunnel.TunnelIcmpRelay} is the handler for those). Registered with
 * the director builder's {@code icmpErrorHandler}.
 *
 * <p>Called on the packet thread, so implementations are thread-safe, allocation-free and never
 * throw on packet content.
 */
@FunctionalInterface
public interface IcmpErrorHandler {

    /** The director's connections as a handler may look them up, during its call only. */
    @FunctionalInterface
    interface Connections {
        /**
         * The real server of the connection the client's packet (client to virtual address, as it
         * arrived at the director) belongs to, or {@code null} when there is none.
         */
        RealServer inbound(int family, int protocol, long clientHigh, long clientLow, int clientPort,
                           long virtualHigh, long virtualLow, int virtualPort);
    }

    /**
     * Handles the ICMP error in {@code [position, limit)} of {@code packet}.
     *
     * @return {@code null} when the error is not this handler's (the director then drops it as
     *     {@link DropReason#UNMATCHED_ICMP}); otherwise the verdict, with the buffer as
     *     it says, which the director counts like any other
     */
    Verdict handle(ByteBuffer packet, Connections connections);
}
