package io.ippvs.api;

import java.net.InetAddress;
import java.util.Objects;

/**
 * Identifies a virtual service: (protocol, virtual address, virtual port), or a firewall mark with an
 * address family (ipvsadm {@code -t|-u|--sctp-service host:port} or {@code -f mark [-6]}).
 *
 * <p>Immutable and thread-safe. Port 0 makes a port-zero (catch-all) service that takes every port
 * of the virtual address.
 */
public final class ServiceKey {

    private final Protocol protocol;
    private final int family;
    private final long addressHigh;
    private final long addressLow;
    private final int port;
    private final int fwmark;

    private ServiceKey(Protocol protocol, int family, long addressHigh, long addressLow, int port, int fwmark) {
        this.protocol = protocol;
        this.family = family;
        this.addressHigh = addressHigh;
        this.addressLow = addressLow;
        this.port = port;
        this.fwmark = fwmark;
    }

    /**
     * An address service.
     *
     * @throws IllegalArgumentException naming {@code protocol}, {@code address} or {@code port} when
     *     one is null or out of range
     */
    public static ServiceKey of(Protocol protocol, InetAddress address, int port) {
        if (protocol == null) {
            throw new IllegalArgumentException("protocol: must not be null");
        }
        if (address == null) {
            throw new IllegalArgumentException("address: must not be null");
        }
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port: " + port + " is outside 0..65535");
        }
        return new ServiceKey(protocol, Addresses.family(address), Addresses.high(address), Addresses.low(address), port, 0);
    }

    /**
     * A firewall-mark service of one address family. The mark is an unsigned 32-bit value (1..2^32-1,
     * as ipvsadm's {@code -f} takes it), held in an int: marks above 2^31-1 are negative ints.
     *
     * @throws IllegalArgumentException naming {@code fwmark} or {@code family} when out of range
     */
    public static ServiceKey fwmark(int fwmark, int family) {
        if (fwmark == 0) {
            throw new IllegalArgumentException("fwmark: must not be 0");
        }
        if (family != Addresses.IPV4 && family != Addresses.IPV6) {
            throw new IllegalArgumentException("family: " + family + " is neither 4 nor 6");
        }
        return new ServiceKey(null, family, 0, 0, 0, fwmark);
    }

    /** Whether this is a firewall-mark service. */
    public boolean isFwmark() {
        return fwmark != 0;
    }

    /** The protocol; {@code null} for a firewall-mark service, which takes every protocol. */
    public Protocol protocol() {
        return protocol;
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

    /** The virtual address; {@code null} for a firewall-mark service. Allocates. */
    public InetAddress address() {
        return isFwmark() ? null : Addresses.toInetAddress(family, addressHigh, addressLow);
    }

    /** The virtual port; 0 for port-zero and firewall-mark services. */
    public int port() {
        return port;
    }

    /** The firewall mark as its 32 bits (read it with {@link Integer#toUnsignedLong}); 0 for an address service. */
    public int fwmark() {
        return fwmark;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ServiceKey)) {
            return false;
        }
        ServiceKey k = (ServiceKey) o;
        return protocol == k.protocol && family == k.family && addressHigh == k.addressHigh
                && addressLow == k.addressLow && port == k.port && fwmark == k.fwmark;
    }

    @Override
    public int hashCode() {
        return Objects.hash(protocol, family, addressHigh, addressLow, port, fwmark);
    }

    /** ipvsadm's form: {@code TCP 10.0.0.1:80}, {@code UDP [2001:db8::1]:53}, {@code FWM 7}. */
    @Override
    public String toString() {
        if (isFwmark()) {
            return "FWM " + Integer.toUnsignedString(fwmark) + (family == Addresses.IPV6 ? " IPv6" : "");
        }
        String a = Addresses.format(family, addressHigh, addressLow);
        return protocol.label() + " " + (family == Addresses.IPV6 ? "[" + a + "]" : a) + ":" + port;
    }
}
