package io.ippvs.core.sync;

/**
 * Implemented by a rewriter whose application helper keeps TCP sequence offsets per connection
 * (the FTP helper of NAT), so that the sync protocol can carry them
 * ({@code IPVS_OPT_SEQ_DATA}: {@code struct ip_vs_seq} in and out) and a backup can carry on
 * rewriting the connection where the master left it.
 */
public interface SequenceSync {

    /**
     * Writes the offsets the helper keeps in {@code attachment} (the connection's attachment, may be
     * null or another helper's) into {@code into}'s sequence fields.
     *
     * @return {@link SyncProtocol#F_IN_SEQ} and/or {@link SyncProtocol#F_OUT_SEQ} for the directions
     *     that carry an offset; 0 (nothing written) when there are none
     */
    long exportSequence(Object attachment, SyncEntry into);

    /**
     * The attachment for a connection received with sequence data {@code from}: {@code existing}
     * (the connection's current attachment, may be null) updated, or a new one.
     */
    Object importSequence(Object existing, SyncEntry from);
}
