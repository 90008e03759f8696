package io.ippvs.core.conn;

import io.ippvs.api.Addresses;

/**
 * A reusable, mutable description of an entry to {@link ConnectionTable#insert insert}: one instance
 * per thread, refilled for every new connection, so inserting allocates nothing.
 *
 * <p>Addresses use the two-{@code long} form of {@link Addresses} (IPv4: high 0, low the unsigned
 * address). For a persistence template set {@link ConnectionFlags#TEMPLATE}: the client address is
 * the masked one, the client port is ignored (templates have port 0) and the virtual port is the
 * service port or 0; templates have no outbound key.
 */
public final class ConnectionSpec {

    int family = Addresses.IPV4;
    int protocol;
    long clientHigh;
    long clientLow;
    int clientPort;
    long virtualHigh;
    long virtualLow;
    int virtualPort;
    long destinationHigh;
    long destinationLow;
    int destinationPort;
    int flags;
    int state;
    int timeoutSeconds;
    int realServer;
    int template = ConnectionTable.NO_HANDLE;
    int attachment = -1;

    /** An IPv4 spec with everything else zero, no template and attachment -1. */
    public ConnectionSpec() {}

    /** Resets every field to the values of a new instance. */
    public ConnectionSpec clear() {
        family = Addresses.IPV4;
        protocol = 0;
        clientHigh = clientLow = virtualHigh = virtualLow = destinationHigh = destinationLow = 0;
        clientPort = virtualPort = destinationPort = 0;
        flags = state = timeoutSeconds = realServer = 0;
        template = ConnectionTable.NO_HANDLE;
        attachment = -1;
        return this;
    }

    /** {@link Addresses#IPV4} or {@link Addresses#IPV6}. */
    public ConnectionSpec family(int family) {
        this.family = family;
        return this;
    }

    /** IANA protocol number (6 TCP, 17 UDP, 132 SCTP; anything 0..255 for fwmark templates). */
    public ConnectionSpec protocol(int protocol) {
        this.protocol = protocol;
        return this;
    }

    /** Client address and port (the packet's source on the way in). */
    public ConnectionSpec client(long high, long low, int port) {
        this.clientHigh = high;
        this.clientLow = low;
        this.clientPort = port;
        return this;
    }

    /** Virtual address and port (the packet's destination on the way in). */
    public ConnectionSpec virtual(long high, long low, int port) {
        this.virtualHigh = high;
        this.virtualLow = low;
        this.virtualPort = port;
        return this;
    }

    /** Real server address and port (the source of replies). */
    public ConnectionSpec destination(long high, long low, int port) {
        this.destinationHigh = high;
        this.destinationLow = low;
        this.destinationPort = port;
        return this;
    }

    /** {@link ConnectionFlags} bits (16 bits). */
    public ConnectionSpec flags(int flags) {
        this.flags = flags;
        return this;
    }

    /** Initial protocol state code (0..255) and its timeout in seconds (expiry = now + timeout). */
    public ConnectionSpec state(int state, int timeoutSeconds) {
        this.state = state;
        this.timeoutSeconds = timeoutSeconds;
        return this;
    }

    /** The director's id of the real server. */
    public ConnectionSpec realServer(int id) {
        this.realServer = id;
        return this;
    }

    /** Handle of the controlling persistence template, or {@link ConnectionTable#NO_HANDLE}. */
    public ConnectionSpec template(int handle) {
        this.template = handle;
        return this;
    }

    /** A caller-defined int stored with the entry (e.g. an index into NAT's sequence-delta store). */
    public ConnectionSpec attachment(int attachment) {
        this.attachment = attachment;
        return this;
    }
}
