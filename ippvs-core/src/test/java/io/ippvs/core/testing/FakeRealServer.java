package io.ippvs.core.testing;

import com.google.common.net.InetAddresses;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.RealServer;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.Stats;
import io.ippvs.api.TunnelChecksum;
import io.ippvs.api.TunnelType;
import java.net.InetAddress;

/**
 * A real server for tests and benchmarks that run without a director: its configuration plus
 * connection counts and flags a caller sets directly.
 *
 * <p>By default it is nothing but its configuration: weight from the configuration, no connections,
 * not overloaded, available, and {@link #stats()} throws {@link UnsupportedOperationException}
 * unless stats were set with {@link #stats(Stats)}.
 */
public final class FakeRealServer implements RealServer {

    private volatile RealServerConfig config;
    private volatile int weight;
    private volatile int active;
    private volatile int inactive;
    private volatile int persistent;
    private volatile boolean overloaded;
    private volatile boolean available = true;
    private volatile boolean hasStats;
    private volatile Stats stats;

    public FakeRealServer(RealServerConfig config) {
        config(config);
    }

    /** A tunnel real server at {@code address} (IPv4 or IPv6 text). */
    public static FakeRealServer tunnel(String address, TunnelType type, int port, TunnelChecksum checksum, int mtu) {
        InetAddress a = InetAddresses.forString(address);
        return new FakeRealServer(RealServerConfig.builder(a, 0).forwardingMethod(ForwardingMethod.TUNNEL)
                .tunnelType(type).tunnelPort(port).tunnelChecksum(checksum).mtu(mtu).build());
    }

    /** An IPIP tunnel real server at {@code address}, default checksum and MTU. */
    public static FakeRealServer ipip(String address) {
        return tunnel(address, TunnelType.IPIP, 0, TunnelChecksum.NONE, 0);
    }

    /** A direct-routing real server at {@code address}. */
    public static FakeRealServer direct(String address, int mtu) {
        InetAddress a = InetAddresses.forString(address);
        return new FakeRealServer(RealServerConfig.builder(a, 0).forwardingMethod(ForwardingMethod.DIRECT_ROUTE).mtu(mtu).build());
    }

    /** Replaces the configuration; the weight follows it. */
    public FakeRealServer config(RealServerConfig newConfig) {
        this.config = newConfig;
        this.weight = newConfig.weight();
        return this;
    }

    public FakeRealServer weight(int w) {
        this.weight = w;
        return this;
    }

    public FakeRealServer connections(int activeConnections, int inactiveConnections, int persistentConnections) {
        this.active = activeConnections;
        this.inactive = inactiveConnections;
        this.persistent = persistentConnections;
        return this;
    }

    public FakeRealServer overloaded(boolean o) {
        this.overloaded = o;
        return this;
    }

    public FakeRealServer available(boolean a) {
        this.available = a;
        return this;
    }

    /** Makes {@link #stats()} return {@code s} (which may be null) instead of throwing. */
    public FakeRealServer stats(Stats s) {
        this.stats = s;
        this.hasStats = true;
        return this;
    }

    @Override
    public RealServerConfig config() {
        return config;
    }

    @Override
    public int addressFamily() {
        return config.addressFamily();
    }

    @Override
    public long addressHigh() {
        return config.addressHigh();
    }

    @Override
    public long addressLow() {
        return config.addressLow();
    }

    @Override
    public int port() {
        return config.port();
    }

    @Override
    public ForwardingMethod forwardingMethod() {
        return config.forwardingMethod();
    }

    @Override
    public int weight() {
        return weight;
    }

    @Override
    public int activeConnections() {
        return active;
    }

    @Override
    public int inactiveConnections() {
        return inactive;
    }

    @Override
    public int persistentConnections() {
        return persistent;
    }

    @Override
    public boolean overloaded() {
        return overloaded;
    }

    @Override
    public boolean available() {
        return available;
    }

    @Override
    public Stats stats() {
        if (!hasStats) {
            throw new UnsupportedOperationException("no stats in this fake real server");
        }
        return stats;
    }
}
