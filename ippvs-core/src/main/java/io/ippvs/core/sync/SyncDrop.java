package io.ippvs.core.sync;

/**
 * Why a received datagram, or one entry of it, was dropped. Each names the check of
 * {@code ip_vs_process_message}, {@code ip_vs_proc_sync_conn}, {@code ip_vs_proc_seqopt} or
 * {@code ip_vs_proc_str} (net/netfilter/ipvs/ip_vs_sync.c) it mirrors; the kernel's error code is in
 * brackets. Message-level reasons drop the whole datagram, entry-level ones that entry only.
 */
public enum SyncDrop {
    /** Shorter than the version-0 header (4 bytes): "message header too short". */
    TOO_SHORT(true),
    /** The header's size differs from the datagram's length: "bogus message size". */
    BAD_SIZE(true),
    /** Another sync id than the backup's (which is not 0): "Ignoring syncid". */
    FOREIGN_SYNCID(true),
    /** Fewer bytes left than an IPv4 entry while nr_conns promises more: "Dropping buffer, too small". */
    TRUNCATED(true),
    /** An entry's size runs past the datagram: "msg > buffer". */
    ENTRY_OVERRUN(true),
    /** An entry's version nibble is not 0: "Unknown version". */
    ENTRY_VERSION(true),
    /** Entry type neither 0 (IPv4) nor with bit 0 set (IPv6) [-10]. */
    ENTRY_TYPE(true),
    /** Entry size smaller than its fixed part [-20]. */
    ENTRY_SHORT(true),
    /** An option header or its data runs past the entry, or has length 0 [-30, -40]. */
    OPTION_BOUNDS(true),
    /** Sequence option of a length other than 24, or twice [-50]. */
    SEQ_OPTION(true),
    /** PE data option longer than 255, or twice [-60]. */
    PE_DATA_OPTION(true),
    /** PE name option longer than 16, or twice [-70]. */
    PE_NAME_OPTION(true),
    /** Version 0: an entry or its options run past the datagram ("BACKUP v0, bogus conn"). */
    V0_TRUNCATED(true),

    /** An option type the receiver does not know, without the optional bit 0x40 [20]. */
    UNKNOWN_MANDATORY_OPTION(false),
    /** A connection of a protocol without IPVS support here (TCP, UDP and SCTP are supported) [30]. */
    UNSUPPORTED_PROTOCOL(false),
    /** A state code beyond the protocol's states [40]. */
    INVALID_STATE(false),
    /** PE data without a PE name, or a PE name no engine answers to here [50]. */
    PERSISTENCE_ENGINE(false),
    /** The receiver could not install the entry (table full, unusable addresses). */
    NOT_INSTALLED(false);

    private static final SyncDrop[] VALUES = values();

    private final boolean wholeMessage;

    SyncDrop(boolean wholeMessage) {
        this.wholeMessage = wholeMessage;
    }

    /** Whether this reason drops the whole datagram rather than one entry. */
    public boolean wholeMessage() {
        return wholeMessage;
    }

    /** The reason with {@code ordinal}. */
    public static SyncDrop of(int ordinal) {
        return VALUES[ordinal];
    }

    /** How many reasons there are. */
    public static int count() {
        return VALUES.length;
    }

    /** The metric label: the name in lower case. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
