package io.ippvs.api;

/**
 * Rewrites the packets of connections of one {@link ForwardingMethod}: NAT, tunnel or direct route.
 *
 * <p>The director has already parsed the packet, found or created its connection and updated the
 * connection's state when it calls {@link #rewrite(RewriteContext)}. The rewriter changes the bytes
 * in place (NAT), or prepends an outer header in the headroom before {@code position} (tunnels),
 * leaving {@code [position, limit)} holding the packet to send, and returns the verdict.
 *
 * <p>A packet may come with offload facts ({@link RewriteContext#offload()}, see {@link Offload}): a
 * partial transport checksum, whose field only the pseudo-header part of an address change touches,
 * and a super-packet to be segmented later, to which MTUs apply per segment. A rewriter that moves
 * the packet's start keeps the facts' offsets in step; one that cannot handle a super-packet refuses
 * it with a drop verdict rather than forwarding it wrong.
 *
 * <p>Implementations are thread-safe: the director calls them from many packet threads at once.
 * They must not allocate on an established flow, never throw on packet content, and never read or
 * write outside the buffer's {@code [0, capacity)} nor, before encapsulation, outside the packet.
 */
public interface PacketRewriter {

    /** The forwarding method this rewriter serves. */
    ForwardingMethod method();

    /**
     * Rewrites the packet described by {@code context}.
     *
     * @return {@link Verdict#FORWARD} with the rewritten packet in the buffer, {@link Verdict#REPLY}
     *     with a generated ICMP error for the sender in the buffer, or a drop verdict
     */
    Verdict rewrite(RewriteContext context);
}
