package io.ippvs.core.admin;

import io.ippvs.api.Configuration;
import io.ippvs.api.DropReason;
import io.ippvs.api.RealServer;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.Stats;
import io.ippvs.api.VirtualService;
import io.ippvs.core.testing.FakeRealServer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Hand-made views and a director stand-in holding a Configuration, for tests without a director. */
final class Fakes {

    private Fakes() {}

    /** Counters set by hand. */
    record FakeStats(long connections, long inPackets, long outPackets, long inBytes, long outBytes,
            long connectionsPerSecond, long inPacketsPerSecond, long outPacketsPerSecond, long inBytesPerSecond,
            long outBytesPerSecond) implements Stats {

        static final FakeStats ZERO = new FakeStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        static FakeStats counters(long c, long ip, long op, long ib, long ob) {
            return new FakeStats(c, ip, op, ib, ob, 0, 0, 0, 0, 0);
        }

        static FakeStats rates(long c, long ip, long op, long ib, long ob) {
            return new FakeStats(0, 0, 0, 0, 0, c, ip, op, ib, ob);
        }
    }

    /** The numbers a test gives one live server; the server itself is a {@link FakeRealServer}. */
    record Live(int active, int inactive, int persistent, Stats stats) {}

    /** A service view. */
    record FakeService(ServiceConfig config, List<RealServer> realServers, Stats stats) implements VirtualService {}

    /** A director stand-in: the configuration plus counts and counters set per server address. */
    static class FakeTarget implements IpvsadmTarget {
        Configuration configuration = Configuration.EMPTY;
        final Map<String, Live> liveServers = new HashMap<>();
        final Map<ServiceKey, Stats> serviceStats = new HashMap<>();
        Stats totals = FakeStats.ZERO;
        final List<ConnectionRow> connections = new ArrayList<>();
        final EnumMap<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        int configureCalls;
        int zeroCalls;
        ServiceKey zeroedService;

        @Override
        public Configuration configuration() {
            return configuration;
        }

        @Override
        public void configure(Configuration next) {
            configureCalls++;
            configuration = next;
        }

        @Override
        public List<VirtualService> services() {
            List<VirtualService> out = new ArrayList<>();
            for (Configuration.Service s : configuration.services()) {
                List<RealServer> rs = new ArrayList<>();
                for (RealServerConfig r : s.realServers()) {
                    Live live = liveServers.get(s.config().key() + " " + r.address().getHostAddress() + ":" + r.port());
                    rs.add(live == null ? new FakeRealServer(r).stats(FakeStats.ZERO)
                            : new FakeRealServer(r).connections(live.active(), live.inactive(), live.persistent())
                                    .stats(live.stats()));
                }
                out.add(new FakeService(s.config(), List.copyOf(rs), serviceStats.getOrDefault(s.config().key(), FakeStats.ZERO)));
            }
            return out;
        }

        /** Sets the live numbers of a server of a service (matched by address and port). */
        void live(ServiceKey key, String addressPort, int active, int inactive, int persistent, Stats stats) {
            liveServers.put(key + " " + addressPort, new Live(active, inactive, persistent, stats));
        }

        @Override
        public Stats totals() {
            return totals;
        }

        @Override
        public List<ConnectionRow> connections() {
            return connections;
        }

        @Override
        public void zeroCounters() {
            zeroCalls++;
        }

        @Override
        public void zeroCounters(ServiceKey key) {
            zeroedService = key;
        }

        @Override
        public long drops(DropReason reason) {
            return drops.getOrDefault(reason, 0L);
        }
    }
}
