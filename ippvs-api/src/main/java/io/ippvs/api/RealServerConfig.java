package io.ippvs.api;

import java.net.InetAddress;
import java.util.Objects;

/**
 * The configuration of a real server within a service (ipvsadm {@code -a}/{@code -e}): address,
 * port, forwarding method, weight, connection thresholds, tunnel options and MTU. Immutable and
 * thread-safe; build one with {@link #builder(InetAddress, int)}.
 */
public final class RealServerConfig {

    /** ipvsadm's largest weight. */
    public static final int MAX_WEIGHT = 65535;

    private final int family;
    private final long addressHigh;
    private final long addressLow;
    private final int port;
    private final ForwardingMethod forwardingMethod;
    private final int weight;
    private final int upperThreshold;
    private final int lowerThreshold;
    private final TunnelType tunnelType;
    private final int tunnelPort;
    private final TunnelChecksum tunnelChecksum;
    private final int mtu;

    private RealServerConfig(Builder b) {
        this.family = b.family;
        this.addressHigh = b.addressHigh;
        this.addressLow = b.addressLow;
        this.port = b.port;
        this.forwardingMethod = b.forwardingMethod;
        this.weight = b.weight;
        this.upperThreshold = b.upperThreshold;
        this.lowerThreshold = b.lowerThreshold;
        this.tunnelType = b.tunnelType;
        this.tunnelPort = b.tunnelPort;
        this.tunnelChecksum = b.tunnelChecksum;
        this.mtu = b.mtu;
    }

    /**
     * A builder for a server reached by {@code method}, with ipvsadm's other defaults: weight 1, no
     * thresholds, IPIP for tunnels. A director refuses (at configuration time) a server whose method
     * it has no rewriter for, so choose the method the director was built with: a NAT director
     * ({@code NatRewriter}) needs {@link ForwardingMethod#MASQUERADE}.
     *
     * @param port the real server's port; 0 means "the virtual port of the packet", as ipvsadm does
     *     for port-zero and firewall-mark services and for direct routing
     * @throws IllegalArgumentException naming {@code address}, {@code port} or {@code forwardingMethod}
     */
    public static Builder builder(InetAddress address, int port, ForwardingMethod method) {
        return new Builder(address, port).forwardingMethod(method);
    }

    /**
     * A builder with all of ipvsadm's defaults, including its forwarding method, direct routing
     * ({@code -g}), which only a director with a direct-route rewriter accepts; prefer
     * {@link #builder(InetAddress, int, ForwardingMethod)}, which says the method.
     *
     * @param port the real server's port; 0 means "the virtual port of the packet"
     * @throws IllegalArgumentException naming {@code address} or {@code port}
     */
    public static Builder builder(InetAddress address, int port) {
        return new Builder(address, port);
    }

    public Builder toBuilder() {
        Builder b = new Builder(Addresses.toInetAddress(family, addressHigh, addressLow), port);
        b.forwardingMethod = forwardingMethod;
        b.weight = weight;
        b.upperThreshold = upperThreshold;
        b.lowerThreshold = lowerThreshold;
        b.tunnelType = tunnelType;
        b.tunnelPort = tunnelPort;
        b.tunnelChecksum = tunnelChecksum;
        b.mtu = mtu;
        return b;
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

    /** The address; allocates. */
    public InetAddress address() {
        return Addresses.toInetAddress(family, addressHigh, addressLow);
    }

    public int port() {
        return port;
    }

    public ForwardingMethod forwardingMethod() {
        return forwardingMethod;
    }

    /** 0..65535; 0 quiesces the server (no new connections). */
    public int weight() {
        return weight;
    }

    /** Upper connection threshold (ipvsadm {@code -x}); 0 = none. */
    public int upperThreshold() {
        return upperThreshold;
    }

    /** Lower connection threshold (ipvsadm {@code -y}); 0 = three quarters of the upper one. */
    public int lowerThreshold() {
        return lowerThreshold;
    }

    public TunnelType tunnelType() {
        return tunnelType;
    }

    /** Destination UDP port for GUE; 0 otherwise. */
    public int tunnelPort() {
        return tunnelPort;
    }

    public TunnelChecksum tunnelChecksum() {
        return tunnelChecksum;
    }

    /** MTU towards this server in bytes; 0 = the rewriter's default. */
    public int mtu() {
        return mtu;
    }

    /** Whether this configuration names the same server (address and port) as {@code other}. */
    public boolean sameServer(RealServerConfig other) {
        return family == other.family && addressHigh == other.addressHigh && addressLow == other.addressLow && port == other.port;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RealServerConfig)) {
            return false;
        }
        RealServerConfig c = (RealServerConfig) o;
        return sameServer(c) && forwardingMethod == c.forwardingMethod && weight == c.weight
                && upperThreshold == c.upperThreshold && lowerThreshold == c.lowerThreshold
                && tunnelType == c.tunnelType && tunnelPort == c.tunnelPort && tunnelChecksum == c.tunnelChecksum
                && mtu == c.mtu;
    }

    @Override
    public int hashCode() {
        return Objects.hash(family, addressHigh, addressLow, port, forwardingMethod, weight, upperThreshold,
                lowerThreshold, tunnelType, tunnelPort, tunnelChecksum, mtu);
    }

    @Override
    public String toString() {
        return Addresses.format(family, addressHigh, addressLow, port) + " " + forwardingMethod.listingName()
                + " w" + weight;
    }

    /** Builds a {@link RealServerConfig}; every setter validates and names the field it rejects. */
    public static final class Builder {
        private final int family;
        private final long addressHigh;
        private final long addressLow;
        private final int port;
        private ForwardingMethod forwardingMethod = ForwardingMethod.DIRECT_ROUTE;
        private int weight = 1;
        private int upperThreshold;
        private int lowerThreshold;
        private TunnelType tunnelType = TunnelType.IPIP;
        private int tunnelPort;
        private TunnelChecksum tunnelChecksum = TunnelChecksum.NONE;
        private int mtu;

        private Builder(InetAddress address, int port) {
            if (address == null) {
                throw new IllegalArgumentException("address: must not be null");
            }
            if (port < 0 || port > 0xFFFF) {
                throw new IllegalArgumentException("port: " + port + " is outside 0..65535");
            }
            this.family = Addresses.family(address);
            this.addressHigh = Addresses.high(address);
            this.addressLow = Addresses.low(address);
            this.port = port;
        }

        public Builder forwardingMethod(ForwardingMethod method) {
            if (method == null) {
                throw new IllegalArgumentException("forwardingMethod: must not be null");
            }
            this.forwardingMethod = method;
            return this;
        }

        /** @throws IllegalArgumentException naming {@code weight} when outside 0..65535 */
        public Builder weight(int weight) {
            if (weight < 0 || weight > MAX_WEIGHT) {
                throw new IllegalArgumentException("weight: " + weight + " is outside 0.." + MAX_WEIGHT);
            }
            this.weight = weight;
            return this;
        }

        /** @throws IllegalArgumentException naming {@code upperThreshold} when negative */
        public Builder upperThreshold(int connections) {
            if (connections < 0) {
                throw new IllegalArgumentException("upperThreshold: " + connections + " must not be negative");
            }
            this.upperThreshold = connections;
            return this;
        }

        /** @throws IllegalArgumentException naming {@code lowerThreshold} when negative */
        public Builder lowerThreshold(int connections) {
            if (connections < 0) {
                throw new IllegalArgumentException("lowerThreshold: " + connections + " must not be negative");
            }
            this.lowerThreshold = connections;
            return this;
        }

        public Builder tunnelType(TunnelType type) {
            if (type == null) {
                throw new IllegalArgumentException("tunnelType: must not be null");
            }
            this.tunnelType = type;
            return this;
        }

        /** @throws IllegalArgumentException naming {@code tunnelPort} when outside 0..65535 */
        public Builder tunnelPort(int port) {
            if (port < 0 || port > 0xFFFF) {
                throw new IllegalArgumentException("tunnelPort: " + port + " is outside 0..65535");
            }
            this.tunnelPort = port;
            return this;
        }

        public Builder tunnelChecksum(TunnelChecksum mode) {
            if (mode == null) {
                throw new IllegalArgumentException("tunnelChecksum: must not be null");
            }
            this.tunnelChecksum = mode;
            return this;
        }

        /** @throws IllegalArgumentException naming {@code mtu} when neither 0 nor within 68..65535 */
        public Builder mtu(int mtu) {
            if (mtu != 0 && (mtu < 68 || mtu > 0xFFFF)) {
                throw new IllegalArgumentException("mtu: " + mtu + " is neither 0 (default) nor within 68..65535");
            }
            this.mtu = mtu;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming {@code lowerThreshold} when it exceeds a non-zero upper
         *     threshold, or {@code tunnelPort} when GUE has none
         */
        public RealServerConfig build() {
            if (upperThreshold != 0 && lowerThreshold > upperThreshold) {
                throw new IllegalArgumentException("lowerThreshold: " + lowerThreshold + " exceeds upperThreshold " + upperThreshold);
            }
            if (forwardingMethod == ForwardingMethod.TUNNEL && tunnelType == TunnelType.GUE && tunnelPort == 0) {
                throw new IllegalArgumentException("tunnelPort: GUE needs a destination port");
            }
            if (tunnelChecksum == TunnelChecksum.REMOTE && tunnelType != TunnelType.GUE) {
                throw new IllegalArgumentException("tunnelChecksum: remote checksum offload is for GUE only, not " + tunnelType);
            }
            return new RealServerConfig(this);
        }
    }
}
