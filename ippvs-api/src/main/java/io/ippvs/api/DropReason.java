package io.ippvs.api;

/**
 * Why a packet was dropped. Every drop is counted under exactly one reason.
 */
public enum DropReason {
    /** The packet is not a well-formed IP packet (bad version, header length, total length). */
    MALFORMED,
    /** A header (IP, extension or transport) ends before the packet does. */
    TRUNCATED,
    /** A checksum the caller asked to verify does not verify. */
    BAD_CHECKSUM,
    /** Addressed to a virtual service but no connection exists and the packet cannot start one. */
    NO_CONNECTION,
    /** Addressed to no virtual service, when the director is told to drop rather than pass such packets. */
    NO_SERVICE,
    /** The service has no real server that may take a new connection. */
    NO_REAL_SERVER,
    /** The connection table is at its bound; established flows are never evicted to make room. */
    TABLE_FULL,
    /** An ICMP error that quotes no known connection. */
    UNMATCHED_ICMP,
    /** A non-first fragment that follows no known first fragment. */
    FRAGMENT,
    /** TTL or hop limit ran out and no ICMP time-exceeded could be generated (or it was rate-limited). */
    TTL_EXPIRED,
    /** Larger than the path MTU and no ICMP too-big could be generated (or it was rate-limited). */
    TOO_BIG,
    /** Encapsulation needs more room before or after the packet than the buffer has. */
    NO_HEADROOM,
    /** A defence (secure_tcp, drop_entry) or a protocol rule refused the packet. */
    POLICY,
    /** The connection's forwarding method has no registered rewriter, or the packet type is unsupported. */
    UNSUPPORTED;

    private static final DropReason[] VALUES = values();

    /** The reason with this ordinal; for compact per-reason counter arrays. */
    public static DropReason ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }

    /** How many reasons there are; the length of a per-reason counter array. */
    public static int count() {
        return VALUES.length;
    }
}
