package io.ippvs.api;

import java.net.InetAddress;

/**
 * A mutable out-parameter an appliance may pass with a packet to learn where a
 * {@link Verdict#FORWARD forwarded} packet should go: the real server of its connection and the
 * forwarding method. For direct routing this is the next hop the appliance must resolve to a
 * link-layer address; for NAT and tunnels it is the new IP destination.
 *
 * <p>Not thread-safe: use one instance per thread and read it right after the call that filled it.
 */
public final class NextHop {

    private int family;
    private long addressHigh;
    private long addressLow;
    private int port;
    private ForwardingMethod method;
    private RealServer realServer;

    /** An empty hop, for one thread to reuse. */
    public NextHop() {}

    /** Sets every field; called by the director. */
    public void set(RealServer realServer) {
        this.realServer = realServer;
        this.family = realServer.addressFamily();
        this.addressHigh = realServer.addressHigh();
        this.addressLow = realServer.addressLow();
        this.port = realServer.port();
        this.method = realServer.forwardingMethod();
    }

    /** Forgets the previous packet's hop. */
    public void clear() {
        realServer = null;
        method = null;
        family = 0;
        addressHigh = 0;
        addressLow = 0;
        port = 0;
    }

    /** Whether the last packet produced a hop. */
    public boolean isSet() {
        return realServer != null;
    }

    public int addressFamily() {
        return family;
    }

    public long addressHigh() {
        return addressHigh;
    }

    public long addressLow() {
        return addressLow;
    }

    public int port() {
        return port;
    }

    /** The forwarding method; {@code null} when no hop is set. */
    public ForwardingMethod method() {
        return method;
    }

    /** The real server; {@code null} when no hop is set. */
    public RealServer realServer() {
        return realServer;
    }

    /**
     * The hop's address; {@code null} when no hop is set. Allocates: an I/O loop reads
     * {@link #addressFamily()}, {@link #addressHigh()} and {@link #addressLow()} instead.
     */
    public InetAddress address() {
        return realServer == null ? null : Addresses.toInetAddress(family, addressHigh, addressLow);
    }

    /** The hop as text, {@code 10.1.1.2:8080 Masq} or {@code [2001:db8::2]:80 Route}; {@code none} when not set. */
    @Override
    public String toString() {
        return realServer == null ? "none" : Addresses.format(family, addressHigh, addressLow, port) + " " + method.listingName();
    }
}
