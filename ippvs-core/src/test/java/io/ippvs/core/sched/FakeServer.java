package io.ippvs.core.sched;

import io.ippvs.api.Addresses;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.RealServer;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.Stats;

/** A real server whose weight, connection counts and flags a test sets directly. */
final class FakeServer implements RealServer {

    final String name;
    final int family;
    final long high;
    final long low;
    final int port;
    volatile int weight;
    volatile int active;
    volatile int inactive;
    volatile boolean overloaded;
    volatile boolean inService = true;

    FakeServer(String name, int family, long high, long low, int port, int weight) {
        this.name = name;
        this.family = family;
        this.high = high;
        this.low = low;
        this.port = port;
        this.weight = weight;
    }

    /** An IPv4 server 10.0.0.n:80. */
    static FakeServer v4(String name, int n, int weight) {
        return new FakeServer(name, Addresses.IPV4, 0, 0x0A000000L + n, 80, weight);
    }

    FakeServer weight(int w) {
        weight = w;
        return this;
    }

    FakeServer conns(int activeConnections, int inactiveConnections) {
        active = activeConnections;
        inactive = inactiveConnections;
        return this;
    }

    FakeServer overloaded(boolean o) {
        overloaded = o;
        return this;
    }

    @Override
    public RealServerConfig config() {
        return RealServerConfig.builder(address(), port).weight(weight).build();
    }

    @Override
    public int addressFamily() {
        return family;
    }

    @Override
    public long addressHigh() {
        return high;
    }

    @Override
    public long addressLow() {
        return low;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public ForwardingMethod forwardingMethod() {
        return ForwardingMethod.DIRECT_ROUTE;
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
        return 0;
    }

    @Override
    public boolean overloaded() {
        return overloaded;
    }

    @Override
    public boolean available() {
        return inService && weight > 0 && !overloaded;
    }

    @Override
    public Stats stats() {
        throw new UnsupportedOperationException("schedulers never read stats");
    }

    @Override
    public String toString() {
        return name;
    }
}
