package io.ippvs.core.packet;

import io.ippvs.api.DropReason;

/** The outcome of {@link PacketParser#parse}: {@link #OK}, or the precise reason a packet is unusable. */
public enum ParseStatus {
    OK(null),
    /** Fewer bytes than a minimal IP header. */
    TRUNCATED(DropReason.TRUNCATED),
    /** IP version neither 4 nor 6 (or not the family the caller asked for). */
    BAD_VERSION(DropReason.MALFORMED),
    /** IPv4 IHL below 5, options running past the total length, or a TCP data offset below 5. */
    BAD_HEADER_LENGTH(DropReason.MALFORMED),
    /**
     * The IP total / payload length is beyond the buffer's limit, or below the minimal header
     * length; or a UDP length below 8.
     */
    BAD_TOTAL_LENGTH(DropReason.MALFORMED),
    /**
     * A fragment other than the first: its transport header is in another packet. The IP-level fields
     * (addresses, protocol, fragment id and offset) are filled so a fragment cache can place it.
     */
    NON_FIRST_FRAGMENT(DropReason.FRAGMENT),
    /** More IPv6 extension headers than the parser walks, or an extension header that overruns the packet. */
    EXTENSION_CHAIN_TOO_LONG(DropReason.MALFORMED),
    /** The transport header (or an ICMP error's quoted headers) is cut short. */
    L4_TRUNCATED(DropReason.TRUNCATED),
    /** A checksum did not verify, when the caller asked for verification. */
    BAD_CHECKSUM(DropReason.BAD_CHECKSUM);

    private final DropReason dropReason;

    ParseStatus(DropReason dropReason) {
        this.dropReason = dropReason;
    }

    /** The drop reason the director counts for this status; {@code null} for {@link #OK}. */
    public DropReason dropReason() {
        return dropReason;
    }
}
