package io.ippvs.health;

import static io.ippvs.health.Fixture.KEY;
import static io.ippvs.health.Fixture.SERVICE;
import static io.ippvs.health.Fixture.await;
import static io.ippvs.health.Fixture.fast;
import static io.ippvs.health.Fixture.listed;
import static io.ippvs.health.Fixture.loopback;
import static io.ippvs.health.Fixture.syns;
import static io.ippvs.health.Fixture.weight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ippvs.api.RealServerConfig;
import io.ippvs.core.director.Director;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor against real servers on loopback, stopped and started during the test, in front of a
 * NAT director that real SYN packets go through. Semantics from keepalived: {@code check_tcp.c
 * tcp_epilog} (retries, delays), {@code ipwrapper.c} ({@code perform_svr_state},
 * {@code update_quorum_state}, sorry server), {@code ipvswrapper.c ipvs_cmd} (inhibit_on_failure is
 * weight 0), {@code check_misc.c} (misc_dynamic).
 */
class HealthMonitorTest {

    private static final Duration DELAY = Duration.ofMillis(500);
    /** Generous: a cold JVM on a loaded machine may take a while over its first connects; refused ones fail at once. */
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** keepalived's retry: retries after the first failure, so down after RETRY + 1 failed probes. */
    private static final int RETRY = 2;
    /**
     * The bound, delay_loop × retry + connect_timeout, with the retry being the
     * number of failed probes (keepalived's retry + 1) and delay_before_retry = delay_loop; + 10%.
     */
    private static final long DOWN_BOUND_NANOS = (long) ((DELAY.toNanos() * (RETRY + 1) + TIMEOUT.toNanos()) * 1.1);
    /** Back within one delay_loop of recovering, + 10%. */
    private static final long UP_BOUND_NANOS = (long) (DELAY.toNanos() * 1.1);

    private static HealthConfig oneService(List<Loopback.Server> servers, HealthChecker checker, boolean inhibit) {
        CheckedService.Builder s = CheckedService.builder(SERVICE);
        for (Loopback.Server l : servers) {
            s.realServer(CheckedRealServer.builder(loopback(l.port(), 1)).inhibitOnFailure(inhibit)
                    .check(fast(checker, DELAY, RETRY, TIMEOUT).build()).build());
        }
        return HealthConfig.of(s.build());
    }

    /** Kills one of three servers: out within the bound, no new connection reaches it, back within one delay_loop. */
    private static void deathAndRecovery(List<Loopback.Server> servers, HealthChecker checker) throws Exception {
        for (Loopback.Server s : servers) {
            // a server that runs answers its first probe fast too: warm this JVM's side of the exchange
            checker.check(new CheckTarget(KEY, loopback(s.port(), 1),
                    new java.net.InetSocketAddress(Loopback.LOCALHOST, s.port()), Duration.ofSeconds(5)));
        }
        Director d = Fixture.director();
        Fixture.Events events = new Fixture.Events();
        try (HealthMonitor m = HealthMonitor.builder(d, oneService(servers, checker, false)).listener(events).build()) {
            m.start();
            List<Integer> ports = new ArrayList<>();
            for (Loopback.Server s : servers) {
                ports.add(s.port());
            }
            assertThat(listed(d).keySet()).containsExactlyInAnyOrderElementsOf(ports);
            Thread.sleep(DELAY.toMillis() * 2); // a few good probes first
            assertThat(events.all()).isEmpty();

            Loopback.Server victim = servers.get(1);
            long died = System.nanoTime();
            victim.stop();
            await(() -> weight(d, victim.port()) == null, Duration.ofSeconds(5), "the dead server leaves the service");
            long out = events.time(HealthEvent.Type.SERVER_DOWN, victim.port(), died) - died;
            System.out.printf("%s: out after %.1f ms (bound %.1f)%n", checker.name(), out / 1e6, DOWN_BOUND_NANOS / 1e6);
            assertThat(out).as("out after %d ms, bound %d ms", out / 1_000_000, DOWN_BOUND_NANOS / 1_000_000)
                    .isPositive().isLessThanOrEqualTo(DOWN_BOUND_NANOS);
            // keepalived needs retry + 1 failures: not before the retries had their time
            assertThat(out).isGreaterThanOrEqualTo(DELAY.toNanos() * RETRY);

            Map<Integer, Integer> reached = syns(d, 1000, 20000);
            assertThat(reached).doesNotContainKey(victim.port());
            assertThat(reached.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(1000);
            assertThat(reached).containsOnlyKeys(servers.get(0).port(), servers.get(2).port());

            long restarted = System.nanoTime();
            victim.start();
            await(() -> weight(d, victim.port()) != null, Duration.ofSeconds(5), "the server comes back");
            long back = events.time(HealthEvent.Type.SERVER_UP, victim.port(), restarted) - restarted;
            System.out.printf("%s: back after %.1f ms (bound %.1f)%n", checker.name(), back / 1e6, UP_BOUND_NANOS / 1e6);
            assertThat(back).as("back after %d ms, bound %d ms", back / 1_000_000, UP_BOUND_NANOS / 1_000_000)
                    .isPositive().isLessThanOrEqualTo(UP_BOUND_NANOS);
            assertThat(syns(d, 300, 30000)).containsKey(victim.port());
            assertThat(events.summary()).containsExactly("SERVER_DOWN " + victim.port(), "SERVER_UP " + victim.port());
            assertThat(m.prometheusText()).contains("ippvs_real_server_transitions_total{local_address=\"10.0.0.100\","
                    + "local_mark=\"\",local_port=\"80\",proto=\"TCP\",remote_address=\"127.0.0.1\",remote_port=\""
                    + victim.port() + "\",to=\"down\"} 1");
        }
    }

    @Test
    void tcpCheckTakesADeadServerOutAndBack() throws Exception {
        List<Loopback.Server> servers = List.of(Loopback.Tcp.started(), Loopback.Tcp.started(), Loopback.Tcp.started());
        try {
            deathAndRecovery(servers, HealthCheckers.tcp());
        } finally {
            servers.forEach(Loopback.Server::stop);
        }
    }

    @Test
    void httpGetTakesADeadServerOutAndBack() throws Exception {
        List<Loopback.Server> servers = List.of(Loopback.Http.started(), Loopback.Http.started(), Loopback.Http.started());
        try {
            deathAndRecovery(servers, HttpGetCheck.http().url("/health").build());
        } finally {
            servers.forEach(Loopback.Server::stop);
        }
    }

    @Test
    void udpCheckTakesADeadEchoServerOutAndBack() throws Exception {
        // a stopped echo server answers with ICMP port unreachable: check_udp.c counts that as a failure
        List<Loopback.Server> servers = List.of(Loopback.UdpEcho.started(), Loopback.UdpEcho.started(),
                Loopback.UdpEcho.started());
        try {
            deathAndRecovery(servers, UdpCheck.builder().requireReply().build());
        } finally {
            servers.forEach(Loopback.Server::stop);
        }
    }

    @Test
    void inhibitOnFailureKeepsTheServerListedAtWeightZero() throws Exception {
        Loopback.Tcp a = Loopback.Tcp.started();
        Loopback.Tcp b = Loopback.Tcp.started();
        Director d = Fixture.director();
        try (HealthMonitor m = HealthMonitor.builder(d, oneService(List.of(a, b), HealthCheckers.tcp(), true)).build()) {
            m.start();
            b.stop();
            await(() -> Integer.valueOf(0).equals(weight(d, b.port())), Duration.ofSeconds(5), "weight 0");
            assertThat(listed(d)).containsEntry(a.port(), 1).containsEntry(b.port(), 0);
            assertThat(m.serverUp(KEY, loopback(b.port(), 1))).isFalse();
            assertThat(m.prometheusText()).contains("remote_port=\"" + b.port() + "\"} 0")
                    .contains("remote_port=\"" + a.port() + "\"} 1");
            assertThat(syns(d, 200, 20000)).containsOnlyKeys(a.port());
            b.start();
            await(() -> Integer.valueOf(1).equals(weight(d, b.port())), Duration.ofSeconds(5), "weight back");
        } finally {
            a.stop();
            b.stop();
        }
    }

    @Test
    void quorumWithHysteresisAndTheSorryServer() throws Exception {
        List<Loopback.Tcp> s = List.of(Loopback.Tcp.started(), Loopback.Tcp.started(), Loopback.Tcp.started());
        Loopback.Tcp sorry = Loopback.Tcp.started();
        // quorum 2, hysteresis 1: gained at a live weight of 3 or more, lost below 1 (update_quorum_state)
        CheckedService.Builder b = CheckedService.builder(SERVICE).quorum(2).hysteresis(1)
                .sorryServer(loopback(sorry.port(), 1), true);
        for (Loopback.Tcp t : s) {
            b.realServer(CheckedRealServer.builder(loopback(t.port(), 1))
                    .check(fast(HealthCheckers.tcp(), Duration.ofMillis(100), 0, TIMEOUT).build()).build());
        }
        Director d = Fixture.director();
        Fixture.Events events = new Fixture.Events();
        int p0 = s.get(0).port();
        int p1 = s.get(1).port();
        int p2 = s.get(2).port();
        try (HealthMonitor m = HealthMonitor.builder(d, HealthConfig.of(b.build())).listener(events).build()) {
            m.start();
            // sorry_server_inhibit: listed at weight 0 from the start
            assertThat(listed(d)).isEqualTo(Map.of(p0, 1, p1, 1, p2, 1, sorry.port(), 0));
            assertThat(m.serviceUp(KEY)).isTrue();

            s.get(0).stop();
            await(() -> weight(d, p0) == null, Duration.ofSeconds(5), "first down");
            s.get(1).stop();
            await(() -> weight(d, p1) == null, Duration.ofSeconds(5), "second down");
            assertThat(m.serviceUp(KEY)).as("live weight 1 is not below quorum - hysteresis").isTrue();
            assertThat(listed(d)).isEqualTo(Map.of(p2, 1, sorry.port(), 0));

            s.get(2).stop();
            await(() -> Integer.valueOf(1).equals(weight(d, sorry.port())), Duration.ofSeconds(5), "sorry server in");
            assertThat(m.serviceUp(KEY)).isFalse();
            assertThat(syns(d, 100, 20000)).containsOnlyKeys(sorry.port());

            s.get(0).start();
            await(() -> m.serverUp(KEY, loopback(p0, 1)), Duration.ofSeconds(5), "first up");
            s.get(1).start();
            await(() -> m.serverUp(KEY, loopback(p1, 1)), Duration.ofSeconds(5), "second up");
            // a live weight of 2 is below quorum + hysteresis: the sorry server keeps serving alone
            assertThat(m.serviceUp(KEY)).isFalse();
            assertThat(listed(d)).isEqualTo(Map.of(sorry.port(), 1));
            assertThat(syns(d, 100, 21000)).containsOnlyKeys(sorry.port());

            s.get(2).start();
            // the director follows first, then the listeners hear SERVICE_UP
            await(() -> events.summary().contains("SERVICE_UP"), Duration.ofSeconds(5), "quorum gained");
            assertThat(m.serviceUp(KEY)).isTrue();
            assertThat(listed(d)).isEqualTo(Map.of(p0, 1, p1, 1, p2, 1, sorry.port(), 0));
            assertThat(syns(d, 300, 22000)).containsOnlyKeys(p0, p1, p2);

            assertThat(events.summary()).containsExactly("SERVER_DOWN " + p0, "SERVER_DOWN " + p1, "SERVER_DOWN " + p2,
                    "SERVICE_DOWN", "SERVER_UP " + p0, "SERVER_UP " + p1, "SERVER_UP " + p2, "SERVICE_UP");
            assertThat(m.prometheusText()).contains("ippvs_virtual_service_quorum_up{local_address=\"10.0.0.100\","
                    + "local_mark=\"\",local_port=\"80\",proto=\"TCP\"} 1");
        } finally {
            s.forEach(Loopback.Tcp::stop);
            sorry.stop();
        }
    }

    @Test
    void miscDynamicSetsTheWeightFromTheExitCode(@TempDir Path dir) throws Exception {
        Path code = dir.resolve("code");
        Files.writeString(code, "0");
        MiscCheck misc = MiscCheck.of(List.of("sh", "-c", "exit $(cat " + code + ")"), Duration.ofSeconds(2), true);
        RealServerConfig server = loopback(8080, 5);
        HealthConfig config = HealthConfig.of(CheckedService.builder(SERVICE).realServer(CheckedRealServer.builder(server)
                .check(fast(misc, Duration.ofMillis(100), 0, TIMEOUT).build()).build()).build());
        Director d = Fixture.director();
        Fixture.Events events = new Fixture.Events();
        try (HealthMonitor m = HealthMonitor.builder(d, config).listener(events).build()) {
            m.start();
            assertThat(weight(d, 8080)).isEqualTo(5);
            Files.writeString(code, "12"); // misc_dynamic: weight = code - 2
            await(() -> Integer.valueOf(10).equals(weight(d, 8080)), Duration.ofSeconds(5), "weight 10");
            Files.writeString(code, "2");
            await(() -> Integer.valueOf(0).equals(weight(d, 8080)), Duration.ofSeconds(5), "weight 0, still up");
            assertThat(m.serverUp(KEY, server)).isTrue();
            Files.writeString(code, "1"); // down
            await(() -> weight(d, 8080) == null, Duration.ofSeconds(5), "removed");
            Files.writeString(code, "0"); // up with the configured weight again
            await(() -> Integer.valueOf(5).equals(weight(d, 8080)), Duration.ofSeconds(5), "configured weight");
            // update_svr_wgt updates the quorum: a live weight of 0 loses it, as keepalived does
            assertThat(events.summary()).containsExactly("SERVER_WEIGHT 8080", "SERVER_WEIGHT 8080", "SERVICE_DOWN",
                    "SERVER_DOWN 8080", "SERVER_UP 8080", "SERVICE_UP");
            assertThat(events.all().get(0).weight()).isEqualTo(10);
            assertThat(events.all().get(1).weight()).isZero();
        }
    }

    @Test
    void alphaStartsDownAndJoinsOnTheFirstSuccess() throws Exception {
        Loopback.Tcp t = Loopback.Tcp.started();
        int deadPort = Loopback.freePort();
        CheckedService.Builder b = CheckedService.builder(SERVICE);
        for (int port : new int[] {t.port(), deadPort}) {
            b.realServer(CheckedRealServer.builder(loopback(port, 1))
                    .check(fast(HealthCheckers.tcp(), DELAY, RETRY, TIMEOUT).alpha(true).warmup(Duration.ofMillis(200)).build())
                    .build());
        }
        Director d = Fixture.director();
        Fixture.Events events = new Fixture.Events();
        try (HealthMonitor m = HealthMonitor.builder(d, HealthConfig.of(b.build())).listener(events).build()) {
            m.start();
            // check_data.c: alpha servers start down, so the service starts without quorum
            assertThat(listed(d)).isEmpty();
            await(() -> weight(d, t.port()) != null, Duration.ofSeconds(5), "joins after its first success");
            Thread.sleep(DELAY.toMillis() * 2);
            assertThat(listed(d)).containsOnlyKeys(t.port());
            assertThat(events.summary()).containsExactly("SERVICE_DOWN", "SERVER_UP " + t.port(), "SERVICE_UP");
        } finally {
            t.stop();
        }
    }

    @Test
    void withoutAlphaOneFailureIsEnoughInitially() throws Exception {
        // check_data.c arms retry_it = retry at start: a server never confirmed goes at its first failure
        int deadPort = Loopback.freePort();
        HealthConfig config = HealthConfig.of(CheckedService.builder(SERVICE).realServer(CheckedRealServer
                .builder(loopback(deadPort, 1)).check(fast(HealthCheckers.tcp(), Duration.ofSeconds(5), 3, TIMEOUT)
                        .warmup(Duration.ofMillis(300)).build())
                .build()).build());
        Director d = Fixture.director();
        // the warmup spread's random point at its end: the first probe 300 ms after start
        java.util.Random late = new java.util.Random() {
            private static final long serialVersionUID = 1L;

            @Override
            public double nextDouble() {
                return 1.0;
            }
        };
        try (HealthMonitor m = HealthMonitor.builder(d, config).random(late).build()) {
            m.start();
            assertThat(weight(d, deadPort)).isEqualTo(1);
            // with retry 3 and 5 s between probes, only the first probe can have run in this time
            await(() -> weight(d, deadPort) == null, Duration.ofSeconds(2), "out after the first failure");
        }
    }

    @Test
    void probesRunOnHealthThreadsAndAHungCheckerIsAbandoned() throws Exception {
        List<String> threads = new CopyOnWriteArrayList<>();
        HealthChecker hung = new HealthChecker() {
            @Override
            public String name() {
                return "HUNG";
            }

            @Override
            public CheckResult check(CheckTarget target) throws Exception {
                threads.add(Thread.currentThread().getName());
                Thread.sleep(60_000); // ignores its timeout; the watchdog must not wait for it
                return CheckResult.up();
            }
        };
        HealthConfig config = HealthConfig.of(CheckedService.builder(SERVICE).realServer(CheckedRealServer
                .builder(loopback(9, 1)).check(fast(hung, Duration.ofMillis(100), 0, Duration.ofMillis(100)).build())
                .build()).build());
        Director d = Fixture.director();
        try (HealthMonitor m = HealthMonitor.builder(d, config).build()) {
            m.start();
            await(() -> weight(d, 9) == null, Duration.ofSeconds(3), "a hung probe counts as failed");
            await(() -> threads.size() >= 2, Duration.ofSeconds(3), "probing goes on");
            assertThat(threads).allMatch(n -> n.startsWith("ippvs-health-probe-"));
            assertThat(m.prometheusText()).contains("checker=\"HUNG\",result=\"failure\"}");
        }
    }

    @Test
    void serversTheChecksDoNotKnowAreLeftAlone() throws Exception {
        Loopback.Tcp t = Loopback.Tcp.started();
        Director d = Fixture.director();
        d.addService(SERVICE);
        d.addRealServer(KEY, loopback(7777, 3)); // the operator's own
        try (HealthMonitor m = HealthMonitor.builder(d, oneService(List.of(t), HealthCheckers.tcp(), false)).build()) {
            m.start();
            t.stop();
            await(() -> weight(d, t.port()) == null, Duration.ofSeconds(5), "checked server out");
            assertThat(listed(d)).isEqualTo(Map.of(7777, 3));
            d.removeService(KEY); // the operator removes the service: the checks carry on without changing anything
            t.start();
            Thread.sleep(DELAY.toMillis() * 2);
            assertThat(d.configuration().service(KEY)).isNull();
        } finally {
            t.stop();
        }
    }

    @Test
    void pingCheckNeedsIcmp() {
        HealthConfig config = HealthConfig.of(CheckedService.builder(SERVICE).realServer(CheckedRealServer
                .builder(loopback(80, 1)).check(fast(HealthCheckers.ping(), DELAY, 0, TIMEOUT).build()).build()).build());
        if (HealthCheckers.icmpAvailable()) {
            try (HealthMonitor m = HealthMonitor.builder(Fixture.director(), config).build()) {
                m.start();
                assertThat(m.serverUp(KEY, loopback(80, 1))).isTrue();
            }
        } else {
            try (HealthMonitor m = HealthMonitor.builder(Fixture.director(), config).build()) {
                assertThatThrownBy(m::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("CAP_NET_RAW");
            }
        }
    }
}
