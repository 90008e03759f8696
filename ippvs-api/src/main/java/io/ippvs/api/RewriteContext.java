package io.ippvs.api;

import java.nio.ByteBuffer;

/**
 * What a {@link PacketRewriter} is told about one packet and its connection. The director reuses one
 * instance per thread; a rewriter must not keep it beyond its {@code rewrite} call.
 *
 * <p>Offsets are absolute indexes into {@link #buffer()}. Addresses use the two-word form of
 * {@link Addresses}. The client and virtual addresses share {@link #addressFamily()}; the destination
 * (real server) has the family of {@link #realServer()}, which may differ for tunnels.
 */
public interface RewriteContext {

    /** The buffer; {@code [position, limit)} is the IP packet. */
    ByteBuffer buffer();

    /** {@link Addresses#IPV4} or {@link Addresses#IPV6}: the family of the packet's IP header. */
    int addressFamily();

    /** Offset of the IP header (equal to the buffer's position on entry). */
    int l3Offset();

    /** Offset of the transport header (after IPv4 options or IPv6 extension headers). */
    int l4Offset();

    /** IANA number of the header at {@link #l4Offset()}: 6, 17, 132, or 1 / 58 for an ICMP error. */
    int protocol();

    /** Whether the packet goes from the real server towards the client (NAT replies). */
    boolean reply();

    /** Whether the packet is an ICMP error that quotes a packet of this connection. */
    boolean icmpError();

    /** For an ICMP error: the offset of the quoted IP header; -1 otherwise. */
    int innerL3Offset();

    /** For an ICMP error: the offset of the quoted transport header; -1 otherwise. */
    int innerL4Offset();

    // ---------------------------------------------------------------- the parser's facts
    // What the director's parser already read from the packet, handed down so that a rewriter need
    // not read it again ("parse once"). The director's context answers from its parse; the defaults
    // read the bytes, for contexts made by hand. A rewriter still bounds-checks whatever it reads or
    // writes from these, since a hand-made context's bytes can disagree with them.

    /**
     * One past the last byte of the IP packet by its own length field (IPv4 total length, IPv6 40 +
     * payload length); trailing bytes up to the limit are padding, not packet.
     */
    default int end() {
        ByteBuffer b = buffer();
        int l3 = l3Offset();
        return addressFamily() == Addresses.IPV4 ? l3 + (b.getShort(l3 + 2) & 0xFFFF)
                : l3 + 40 + (b.getShort(l3 + 4) & 0xFFFF);
    }

    /** IPv4 TTL or IPv6 hop limit as the packet arrived. */
    default int ttl() {
        ByteBuffer b = buffer();
        int l3 = l3Offset();
        return b.get(addressFamily() == Addresses.IPV4 ? l3 + 8 : l3 + 7) & 0xFF;
    }

    /** IPv4 TOS byte or IPv6 traffic class (DSCP and ECN) as the packet arrived. */
    default int trafficClass() {
        ByteBuffer b = buffer();
        int l3 = l3Offset();
        return addressFamily() == Addresses.IPV4 ? b.get(l3 + 1) & 0xFF : (b.getInt(l3) >>> 20) & 0xFF;
    }

    /** IPv4 DF; always true for IPv6, which routers never fragment. */
    default boolean dontFragment() {
        return addressFamily() != Addresses.IPV4 || (buffer().getShort(l3Offset() + 6) & 0x4000) != 0;
    }

    /**
     * Offset of the transport payload (after TCP options, the UDP or SCTP common header, the ICMP
     * header); -1 when unknown (a non-first fragment, or a context that does not say).
     */
    default int payloadOffset() {
        return -1;
    }

    /**
     * The fragment offset in bytes: 0 for a whole packet or a first fragment, more for a later one
     * (which carries no transport header); -1 when the context does not say (the rewriter then reads
     * the headers itself).
     */
    default int fragmentOffset() {
        return -1;
    }

    long clientAddressHigh();

    long clientAddressLow();

    int clientPort();

    long virtualAddressHigh();

    long virtualAddressLow();

    int virtualPort();

    long destinationAddressHigh();

    long destinationAddressLow();

    /** The real server's port for this connection (the virtual port when the server's port is 0). */
    int destinationPort();

    /** The connection's real server. */
    RealServer realServer();

    /** The director's clock, in nanoseconds; for rate limits. */
    long nanoTime();

    /** The per-connection object an application helper attached, or {@code null}. */
    Object attachment();

    /** Attaches {@code value} to this connection for later packets; {@code null} detaches. */
    void attach(Object value);

    /**
     * Creates a connection an application helper (FTP) expects to follow this one, bound to the same
     * real server: the packets of the new connection then find it instead of being scheduled.
     * {@code clientPort} 0 means "any client port": the first matching packet binds it.
     *
     * @return false when the connection table is full or an equal connection exists
     */
    boolean expectConnection(Protocol protocol, int clientPort, int virtualPort, int destinationPort);

    /**
     * The packet's offload facts (partial checksum, segmentation) as the I/O layer passed them in,
     * already checked against the parsed headers by the director: when partial, the checksum field is
     * the transport header's own. A rewriter that changes addresses updates a partial checksum's
     * pseudo-header part only, applies MTUs to {@link Offload#largestSegment}, and, when it prepends
     * headers, calls {@link Offload#encapsulated}. The director clears it after a
     * {@link Verdict#REPLY}.
     *
     * @return the facts, or {@code null} for a plain packet with complete checksums (the default,
     *     and what every caller that passes no {@link Offload} gets)
     */
    default Offload offload() {
        return null;
    }
}
