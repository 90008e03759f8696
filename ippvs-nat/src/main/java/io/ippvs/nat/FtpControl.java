package io.ippvs.nat;

/**
 * What the FTP helper remembers about one control connection, attached to it with
 * {@link io.ippvs.api.RewriteContext#attach}: the sequence offsets of both directions and whether the
 * client asked for passive mode. Packets of one connection may reach several threads, so every use
 * holds this object's monitor.
 */
final class FtpControl {

    /** Client-to-server offsets (commands are never resized today, kept for symmetry with Linux). */
    final SequenceDelta in = new SequenceDelta();
    /** Server-to-client offsets, changed by a resized 227 reply. */
    final SequenceDelta out = new SequenceDelta();
    /** A PASV or EPSV was seen and its 227 / 229 answer has not been. */
    boolean passivePending;
}
