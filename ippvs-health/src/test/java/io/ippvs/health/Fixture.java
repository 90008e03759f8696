package io.ippvs.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.Configuration;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.Verdict;
import io.ippvs.core.director.Director;
import io.ippvs.testkit.PacketBuilder;
import io.ippvs.nat.NatRewriter;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/** A NAT director in front of loopback servers, the events a monitor sends, and the waits of the tests. */
final class Fixture {

    static final String VIP = "10.0.0.100";
    static final ServiceKey KEY = ServiceKey.of(Protocol.TCP, address(VIP), 80);
    static final ServiceConfig SERVICE = ServiceConfig.builder(KEY).scheduler("rr").build();

    private Fixture() {}

    static InetAddress address(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A NAT director with expire_nodest_conn on, as a director whose servers come and go runs. */
    static Director director() {
        return Director.builder().rewriter(NatRewriter.builder().build()).expireNodestConn(true).build();
    }

    static RealServerConfig loopback(int port, int weight) {
        return RealServerConfig.builder(Loopback.LOCALHOST, port).forwardingMethod(ForwardingMethod.MASQUERADE)
                .weight(weight).build();
    }

    /** A check with short times: probes every {@code delay}, retries after {@code delay}, no warmup. */
    static CheckConfig.Builder fast(HealthChecker checker, Duration delay, int retry, Duration timeout) {
        return CheckConfig.builder(checker).delayLoop(delay).delayBeforeRetry(delay).retry(retry).connectTimeout(timeout)
                .warmup(Duration.ZERO);
    }

    /** The weight of the server on {@code port} in the director's service, or null when it is not listed. */
    static Integer weight(Director d, int port) {
        Configuration.Service s = d.configuration().service(KEY);
        for (RealServerConfig r : s.realServers()) {
            if (r.port() == port) {
                return r.weight();
            }
        }
        return null;
    }

    /** Listed servers as port → weight. */
    static Map<Integer, Integer> listed(Director d) {
        Map<Integer, Integer> m = new TreeMap<>();
        for (RealServerConfig r : d.configuration().service(KEY).realServers()) {
            m.put(r.port(), r.weight());
        }
        return m;
    }

    /** Waits until {@code condition}; returns the nanos it took. */
    static long await(BooleanSupplier condition, Duration limit, String what) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + limit + ": " + what);
            }
            Thread.sleep(2);
        }
        return System.nanoTime() - start;
    }

    /**
     * {@code n} new TCP connections (real SYN packets, each from its own client port) through the
     * director; returns how many reached each real-server port, read from the rewritten packets.
     */
    static Map<Integer, Integer> syns(Director d, int n, int firstClientPort) {
        Map<Integer, Integer> reached = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            ByteBuffer b = PacketBuilder.ipv4("198.51.100.7", VIP).tcp(firstClientPort + i, 80).flags(PacketBuilder.SYN)
                    .seq(1000 + i).buffer();
            Verdict v = d.process(b);
            assertThat(v).as("SYN %d", i).isEqualTo(Verdict.FORWARD);
            int p = b.position();
            int ihl = (b.get(p) & 0xF) * 4;
            assertThat(b.getInt(p + 16)).as("destination is loopback").isEqualTo(0x7F000001);
            reached.merge(b.getShort(p + ihl + 2) & 0xFFFF, 1, Integer::sum);
        }
        return reached;
    }

    /** Records events with the time they arrived. */
    static final class Events implements HealthListener {
        record Timed(HealthEvent event, long nanos) {}

        private final List<Timed> events = new ArrayList<>();

        @Override
        public synchronized void onEvent(HealthEvent e) {
            events.add(new Timed(e, System.nanoTime()));
        }

        synchronized List<HealthEvent> all() {
            List<HealthEvent> out = new ArrayList<>();
            for (Timed t : events) {
                out.add(t.event);
            }
            return out;
        }

        synchronized List<String> summary() {
            List<String> out = new ArrayList<>();
            for (Timed t : events) {
                HealthEvent e = t.event;
                out.add(e.type() + (e.server() == null ? "" : " " + e.server().port()));
            }
            return out;
        }

        /** The arrival time of the first event of {@code type} for {@code port} (0 = a service event) after {@code since}, or -1. */
        synchronized long time(HealthEvent.Type type, int port, long since) {
            for (Timed t : events) {
                int p = t.event.server() == null ? 0 : t.event.server().port();
                if (t.event.type() == type && p == port && t.nanos >= since) {
                    return t.nanos;
                }
            }
            return -1;
        }
    }
}
