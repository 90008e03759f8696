package io.ippvs.tunnel;

import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.RealServer;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.Stats;
import io.ippvs.api.TunnelChecksum;
import io.ippvs.api.TunnelType;
import java.net.InetAddress;
import com.google.common.net.InetAddresses;

/** A real server that is nothing but its configuration, for rewriter tests without a director. */
final class FakeRealServer implements RealServer {

    private final RealServerConfig config;

    FakeRealServer(RealServerConfig config) {
        this.config = config;
    }

    /** A tunnel real server at {@code address} (IPv4 or IPv6 text). */
    static FakeRealServer tunnel(String address, TunnelType type, int port, TunnelChecksum checksum, int mtu) {
        InetAddress a = InetAddresses.forString(address);
        return new FakeRealServer(RealServerConfig.builder(a, 0).forwardingMethod(ForwardingMethod.TUNNEL)
                .tunnelType(type).tunnelPort(port).tunnelChecksum(checksum).mtu(mtu).build());
    }

    static FakeRealServer ipip(String address) {
        return tunnel(address, TunnelType.IPIP, 0, TunnelChecksum.NONE, 0);
    }

    static FakeRealServer direct(String address, int mtu) {
        InetAddress a = InetAddresses.forString(address);
        return new FakeRealServer(RealServerConfig.builder(a, 0).forwardingMethod(ForwardingMethod.DIRECT_ROUTE).mtu(mtu).build());
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
        return config.weight();
    }

    @Override
    public int activeConnections() {
        return 0;
    }

    @Override
    public int inactiveConnections() {
        return 0;
    }

    @Override
    public int persistentConnections() {
        return 0;
    }

    @Override
    public boolean overloaded() {
        return false;
    }

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public Stats stats() {
        throw new UnsupportedOperationException("no stats in rewriter tests");
    }
}
