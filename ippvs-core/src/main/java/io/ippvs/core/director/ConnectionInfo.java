package io.ippvs.core.director;

import io.ippvs.api.Addresses;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServer;
import java.net.InetAddress;

/**
 * One row of {@code ipvsadm -c}: a connection or persistence template as it was when
 * {@link Director#connections()} took its snapshot.
 *
 * @param protocolNumber IANA protocol number; 0 for the template of a firewall-mark service
 * @param state the state as ipvsadm prints it ({@code ESTABLISHED}, {@code NONE}, ...)
 * @param expiresInMillis time left before the entry expires
 * @param template whether this is a persistence template
 * @param family address family of the client and virtual addresses
 * @param clientHigh client address, high word (see {@link Addresses})
 * @param clientLow client address, low word
 * @param clientPort client port; 0 for a template
 * @param virtualHigh virtual address, high word (for a firewall-mark template: 0)
 * @param virtualLow virtual address, low word (for a firewall-mark template: the mark)
 * @param virtualPort virtual port
 * @param destinationFamily address family of the real server (differs for cross-family tunnels)
 * @param destinationHigh real server address, high word
 * @param destinationLow real server address, low word
 * @param destinationPort real server port
 * @param realServer the real server
 */
public record ConnectionInfo(int protocolNumber, String state, long expiresInMillis, boolean template, int family,
        long clientHigh, long clientLow, int clientPort, long virtualHigh, long virtualLow, int virtualPort,
        int destinationFamily, long destinationHigh, long destinationLow, int destinationPort, RealServer realServer) {

    /** The protocol column of ipvsadm -c: {@code TCP}, {@code UDP}, {@code SCTP}, or {@code IP}. */
    public String protocolLabel() {
        Protocol p = Protocol.ofNumber(protocolNumber);
        return p == null ? "IP" : p.label();
    }

    /** The client address as text. */
    public String client() {
        return Addresses.format(family, clientHigh, clientLow);
    }

    /** The virtual address as text (for a firewall-mark template: the mark as an address). */
    public String virtual() {
        return Addresses.format(family, virtualHigh, virtualLow);
    }

    /** The real server's address as text. */
    public String destination() {
        return Addresses.format(destinationFamily, destinationHigh, destinationLow);
    }

    /** The client address; allocates. */
    public InetAddress clientAddress() {
        return Addresses.toInetAddress(family, clientHigh, clientLow);
    }

    /** The virtual address; allocates. */
    public InetAddress virtualAddress() {
        return Addresses.toInetAddress(family, virtualHigh, virtualLow);
    }

    /** The real server's address; allocates. */
    public InetAddress destinationAddress() {
        return Addresses.toInetAddress(destinationFamily, destinationHigh, destinationLow);
    }

    /**
     * The row as {@code ipvsadm -c -n} shows its fields: {@code TCP 198.51.100.7:40000 10.0.0.1:80
     * 192.168.1.10:8080 ESTABLISHED 899s}, with {@code template} after a template's state.
     */
    @Override
    public String toString() {
        return protocolLabel() + " " + Addresses.format(family, clientHigh, clientLow, clientPort) + " "
                + Addresses.format(family, virtualHigh, virtualLow, virtualPort) + " "
                + Addresses.format(destinationFamily, destinationHigh, destinationLow, destinationPort) + " " + state
                + (template ? " template" : "") + " " + expiresInMillis / 1000 + "s";
    }
}
