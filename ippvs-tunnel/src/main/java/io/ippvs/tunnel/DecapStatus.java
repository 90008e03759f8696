package io.ippvs.tunnel;

/**
 * The outcome of {@link Decapsulator#decapsulate}: {@link #OK}, or why the packet was refused. Each
 * outcome is counted.
 */
public enum DecapStatus {
    /** Stripped: the buffer's {@code [position, limit)} now holds the inner packet. */
    OK,
    /** Shorter than the headers it announces (outer IP, tunnel header or inner IP header). */
    TRUNCATED,
    /** Outer IP version neither 4 nor 6. */
    BAD_VERSION,
    /** Outer IPv4 header length below 20 bytes or beyond the total length, or an IPv6 extension chain that does not parse. */
    BAD_HEADER_LENGTH,
    /** Outer IPv4 header checksum wrong. */
    BAD_IP_CHECKSUM,
    /** An outer fragment: the host's stack must reassemble it first. */
    FRAGMENT,
    /** The outer destination is not one of this endpoint's addresses. */
    NOT_OUR_ADDRESS,
    /** Not a tunnel packet: another protocol, or UDP to another port than the GUE port. */
    NOT_TUNNEL,
    /** A tunnel type this endpoint was not configured to accept. */
    TUNNEL_TYPE_DISABLED,
    /** The UDP length disagrees with the IP length. */
    BAD_UDP_LENGTH,
    /** The outer UDP checksum is wrong (or zero over IPv6 when that is not allowed). */
    BAD_UDP_CHECKSUM,
    /** GUE variant 2 or 3, or a GUE control message. */
    BAD_GUE_HEADER,
    /** GUE names an inner protocol other than IPv4 (4) or IPv6 (41). */
    BAD_GUE_PROTOCOL,
    /** GRE with routing, strict source route or recursion bits set, or a version other than 0. */
    BAD_GRE_HEADER,
    /** GRE carrying something other than IPv4 or IPv6. */
    BAD_GRE_PROTOCOL,
    /** The GRE checksum is wrong. */
    BAD_GRE_CHECKSUM,
    /** The GRE key is missing, present when none is configured, or different from the configured one. */
    GRE_KEY_MISMATCH,
    /** The inner packet is not a well-formed IP packet of the announced family that fills the tunnel payload exactly. */
    INNER_MALFORMED,
    /** The outer header says CE but the inner packet is not ECN-capable (RFC 6040: drop). */
    ECN_NOT_ECT,
    /** The inner ECN field must change (RFC 6040) but the buffer is read-only. */
    READ_ONLY
}
