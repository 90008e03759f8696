package io.ippvs.health;

import io.ippvs.api.Configuration;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.core.director.Director;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the checks of a {@link HealthConfig} against a {@link Director} with keepalived's semantics
 * ({@code ipwrapper.c}): servers that fail their checks leave their service (or go to weight 0 with
 * {@code inhibit_on_failure}) and come back when they pass, quorum and the sorry server follow, and
 * {@link HealthListener}s hear every transition.
 *
 * <p>Every change goes through {@link Director#update}, the director's normal configuration path:
 * a server taken out is removed exactly as {@code ipvsadm -d} removes it, so its established
 * connections drain, or expire on their next packet with expire_nodest_conn. Packet threads never
 * wait for a check: one thread ({@code ippvs-health-timer}) keeps the timers and runs TCP_CHECK and
 * HTTP_GET on non-blocking sockets itself, as keepalived's scheduler does; other checkers' probes run on probe
 * threads ({@code ippvs-health-probe-N}). At most one probe per check runs at a time, and every
 * result is applied under one lock, so transitions, director changes and listener calls happen one
 * at a time and in order.
 *
 * <p>{@link #start()} adds each service to the director when it is not there (and edits it to the
 * configured scheduler and persistence when it is), puts the servers that start up in it, and
 * schedules each check's first probe at a random point within its {@code warmup}. {@link #close()}
 * stops the checks and leaves the director as it is. Servers of a service that the health checks do
 * not know are never touched.
 */
public final class HealthMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);
    /** How long after its timeout a probe that has not returned is abandoned and counted as failed. */
    private static final long WATCHDOG_GRACE_NANOS = 500_000_000L;
    /** How often the watchdog looks for such probes. */
    private static final long WATCHDOG_PERIOD_NANOS = 100_000_000L;

    private final Director director;
    private final HealthConfig config;
    private final List<HealthListener> listeners;
    private final Random random;
    private final List<ServiceState> services = new ArrayList<>();
    private EventLoop loop;
    private final ExecutorService probes;
    private final List<HealthEvent> pending = new ArrayList<>();
    /** Guards every check's, server's and service's state, the pending events and the director changes. */
    private final Object state = new Object();
    private volatile boolean running;
    private boolean started;

    private HealthMonitor(Builder b) {
        this.director = b.director;
        this.config = b.config;
        this.listeners = List.copyOf(b.listeners);
        this.random = b.random;
        for (CheckedService s : config.services()) {
            services.add(new ServiceState(s));
        }
        this.probes = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                probeThreads());
    }

    public static Builder builder(Director director, HealthConfig config) {
        return new Builder(director, config);
    }

    /**
     * Installs the services and the servers that start up, then starts the checks.
     *
     * @throws IllegalStateException when already started or closed, or a PING_CHECK is configured and
     *     this process may not send ICMP echoes
     * @throws IllegalArgumentException when the director rejects a service (an unknown scheduler)
     */
    public void start() {
        synchronized (this) {
            if (started) {
                throw new IllegalStateException("health monitor: already started");
            }
            started = true;
        }
        for (ServiceState s : services) {
            for (ServerState r : s.servers) {
                for (CheckState c : r.checks) {
                    if (c.config.checker() == PingCheck.INSTANCE && !PingCheck.icmpAvailable()) {
                        throw new IllegalStateException("PING_CHECK of " + r.config.config() + " in " + s.config.key()
                                + ": this process may not send ICMP echoes (it needs CAP_NET_RAW)");
                    }
                }
            }
        }
        running = true;
        loop = new EventLoop("ippvs-health-timer");
        CompletableFuture<Void> init = new CompletableFuture<>();
        loop.post(() -> {
            try {
                install();
                init.complete(null);
            } catch (RuntimeException e) {
                init.completeExceptionally(e);
            }
        });
        try {
            init.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("health monitor: interrupted while starting", e);
        } catch (ExecutionException e) {
            close();
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("health monitor: start failed", e.getCause());
        }
    }

    /** ipwrapper.c init_services, then check_api.c register_checkers_thread. */
    private void install() {
        synchronized (state) {
            installLocked();
        }
        loop.schedule(this::watchdog, WATCHDOG_PERIOD_NANOS);
    }

    private void installLocked() {
        for (ServiceState s : services) {
            ServiceConfig sc = s.config.config();
            director.update(c -> {
                Configuration.Service existing = c.service(sc.key());
                if (existing == null) {
                    return c.withService(sc);
                }
                return existing.config().equals(sc) ? c : c.withEditedService(sc);
            });
            apply(s);
            LOG.info("Activating health checks for {}: {} real servers, quorum {}{}", sc.key(), s.servers.size(),
                    s.config.quorum(), s.quorumUp ? "" : " (starting with quorum down)");
            if (!s.quorumUp) {
                pending.add(new HealthEvent(HealthEvent.Type.SERVICE_DOWN, sc.key(), null, s.liveWeight(), null));
            }
        }
        deliver();
        for (ServiceState s : services) {
            for (ServerState r : s.servers) {
                for (CheckState c : r.checks) {
                    long warmup = c.config.warmup().toNanos();
                    long first = warmup == 0 ? 0 : (long) (random.nextDouble() * warmup);
                    loop.schedule(() -> probe(c), first);
                }
            }
        }
    }

    /**
     * Starts one probe (loop thread): TCP_CHECK and HTTP_GET as non-blocking sockets on the loop
     * itself, any other checker on a probe thread, which then runs the check's epilog itself.
     */
    private void probe(CheckState c) {
        synchronized (state) {
            if (!running) {
                return;
            }
            long attempt = ++c.attempt;
            c.probing = true;
            c.deadline = System.nanoTime() + c.target.timeout().toNanos() + WATCHDOG_GRACE_NANOS;
            if (c.config.checker() == TcpCheck.INSTANCE) {
                c.future = null;
                loop.connect(c.target.address(), c.target.timeout().toNanos(), r -> complete(c, attempt, r));
                return;
            }
            if (c.config.checker() instanceof HttpGetCheck h && !h.tls()) {
                c.future = null;
                h.start(loop, c.target, r -> complete(c, attempt, r));
                return;
            }
            try {
                c.future = probes.submit(() -> complete(c, attempt, run(c)));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                c.probing = false; // closing
            }
        }
    }

    /** Abandons probes past their deadline (loop thread): each counts as a failure and its check goes on. */
    private void watchdog() {
        if (running) {
            loop.schedule(this::watchdog, WATCHDOG_PERIOD_NANOS);
        }
        long now = System.nanoTime();
        for (ServiceState s : services) {
            for (ServerState r : s.servers) {
                for (CheckState c : r.checks) {
                    Future<?> f;
                    long attempt;
                    synchronized (state) {
                        f = c.future;
                        attempt = c.attempt;
                        if (!c.probing || f == null || now - c.deadline < 0) {
                            continue;
                        }
                    }
                    f.cancel(true);
                    complete(c, attempt, CheckResult.down("no result within " + c.target.timeout()));
                }
            }
        }
    }

    private static CheckResult run(CheckState c) {
        try {
            CheckResult r = c.config.checker().check(c.target);
            return r == null ? CheckResult.down("checker returned no result") : r;
        } catch (Exception e) {
            return CheckResult.down(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    /**
     * keepalived's epilog for one result, under the state lock so that transitions, director changes
     * and listener calls happen one at a time and in order, whichever thread brings the result.
     */
    private void complete(CheckState c, long attempt, CheckResult r) {
        synchronized (state) {
            if (!running || c.attempt != attempt || !c.probing) {
                return; // closing, or the watchdog (or the probe) came first
            }
            c.probing = false;
            c.future = null;
            LOG.debug("{} of {} in {}: {}", c.config.checker().name(), c.target.address(), c.target.service(), r);
            Duration delay = c.epilog(r, transitions);
            deliver();
            long nanos = delay.toNanos();
            if (loop.inLoop()) {
                loop.schedule(() -> probe(c), nanos);
            } else {
                loop.post(() -> loop.schedule(() -> probe(c), nanos));
            }
        }
    }

    private final CheckState.Transitions transitions = new CheckState.Transitions() {
        @Override
        public void checker(CheckState check, boolean up, String reason) {
            ServerState server = check.server;
            if (check.isUp != up) {
                // ipwrapper.c update_svr_checker_state: the server follows when this is its first failed
                // check going down, or its last failed check coming up
                if (up ? server.failedChecks <= 1 : server.failedChecks == 0) {
                    serverState(server, up, reason);
                }
                check.state(up);
            }
        }

        @Override
        public void weight(ServerState server, long effectiveWeight) {
            int before = server.weight();
            server.effectiveWeight = effectiveWeight;
            if (server.weight() == before) {
                return;
            }
            LOG.info("Changing weight from {} to {} for {}active service {} of VS {}", before, server.weight(),
                    server.alive ? "" : "in", server.config.config(), server.service.config.key());
            pending.add(new HealthEvent(HealthEvent.Type.SERVER_WEIGHT, server.service.config.key(), server.config.config(),
                    server.weight(), null));
            quorum(server.service);
            apply(server.service);
        }
    };

    /** ipwrapper.c perform_svr_state. */
    private void serverState(ServerState server, boolean alive, String reason) {
        if (server.alive == alive) {
            return;
        }
        ServiceState s = server.service;
        boolean inhibit = server.config.inhibitOnFailure();
        LOG.info("{} service {} {} VS {}{}", alive ? (inhibit ? "Enabling" : "Adding") : (inhibit ? "Disabling" : "Removing"),
                server.config.config(), inhibit ? "of" : alive ? "to" : "from", s.config.key(),
                reason == null ? "" : " (" + reason + ")");
        server.alive = alive;
        if (alive) {
            server.ups++;
        } else {
            server.downs++;
        }
        pending.add(new HealthEvent(alive ? HealthEvent.Type.SERVER_UP : HealthEvent.Type.SERVER_DOWN, s.config.key(),
                server.config.config(), server.weight(), alive ? null : reason));
        quorum(s);
        apply(s);
    }

    private void quorum(ServiceState s) {
        int change = s.updateQuorum();
        if (change == 0) {
            return;
        }
        CheckedService c = s.config;
        LOG.info("{} quorum {}{}{} for VS {} (live weight {}){}", change > 0 ? "Gained" : "Lost", c.quorum(),
                change > 0 ? "+" : "-", c.hysteresis(), c.key(), s.liveWeight(),
                c.sorryServer() == null ? "" : change > 0 ? "; sorry server " + c.sorryServer() + " out"
                        : "; sorry server " + c.sorryServer() + " in");
        pending.add(new HealthEvent(change > 0 ? HealthEvent.Type.SERVICE_UP : HealthEvent.Type.SERVICE_DOWN, c.key(), null,
                s.liveWeight(), null));
    }

    /** Puts the director where the service's state says, in one configuration change. */
    private void apply(ServiceState s) {
        try {
            director.update(c -> {
                Configuration next = s.apply(c);
                if (next == null) {
                    if (!s.missingLogged) {
                        LOG.warn("VS {} is no longer in the director; its health checks change nothing until it is back",
                                s.config.key());
                        s.missingLogged = true;
                    }
                    return c;
                }
                s.missingLogged = false;
                return next;
            });
        } catch (IllegalArgumentException e) {
            LOG.warn("VS {}: the director refused the health checks' change: {}", s.config.key(), e.getMessage());
        }
    }

    private void deliver() {
        for (HealthEvent e : pending) {
            for (HealthListener l : listeners) {
                try {
                    l.onEvent(e);
                } catch (RuntimeException ex) {
                    LOG.warn("health listener {} failed on {}", l, e, ex);
                }
            }
        }
        pending.clear();
    }

    /** Whether the checks hold {@code server} (address and port) of {@code service} up. */
    public boolean serverUp(ServiceKey service, RealServerConfig server) {
        return server(service, server).alive;
    }

    /** The weight {@code server} serves with while up: the configured one, or what misc_dynamic set. */
    public int serverWeight(ServiceKey service, RealServerConfig server) {
        return server(service, server).weight();
    }

    /** Whether {@code service} has quorum. */
    public boolean serviceUp(ServiceKey service) {
        return service(service).quorumUp;
    }

    /** The configuration being run. */
    public HealthConfig config() {
        return config;
    }

    /**
     * {@code ippvs_real_server_up}, {@code ippvs_virtual_service_quorum_up} and the check counters in
     * the Prometheus text format, with the labels of {@code io.ippvs.core.admin.PrometheusText}, to
     * append to its output.
     */
    public String prometheusText() {
        return HealthMetrics.format(services);
    }

    private ServiceState service(ServiceKey key) {
        for (ServiceState s : services) {
            if (s.config.key().equals(key)) {
                return s;
            }
        }
        throw new IllegalArgumentException("service: " + key + " is not health-checked");
    }

    private ServerState server(ServiceKey key, RealServerConfig server) {
        for (ServerState r : service(key).servers) {
            if (r.config.config().sameServer(server)) {
                return r;
            }
        }
        throw new IllegalArgumentException("realServer: " + server + " is not health-checked in " + key);
    }

    /** Stops the checks (a probe in flight is interrupted); the director keeps its configuration. */
    @Override
    public void close() {
        running = false;
        if (loop != null) {
            loop.close();
        }
        probes.shutdownNow();
    }

    private static ThreadFactory probeThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "ippvs-health-probe-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Builds a {@link HealthMonitor}. */
    public static final class Builder {
        private final Director director;
        private final HealthConfig config;
        private final List<HealthListener> listeners = new ArrayList<>();
        private Random random = new Random();

        private Builder(Director director, HealthConfig config) {
            if (director == null) {
                throw new IllegalArgumentException("director: must not be null");
            }
            if (config == null) {
                throw new IllegalArgumentException("config: must not be null");
            }
            this.director = director;
            this.config = config;
        }

        public Builder listener(HealthListener listener) {
            if (listener == null) {
                throw new IllegalArgumentException("listener: must not be null");
            }
            listeners.add(listener);
            return this;
        }

        /** The random source of the warmup spread; default a new {@link Random}. */
        public Builder random(Random random) {
            if (random == null) {
                throw new IllegalArgumentException("random: must not be null");
            }
            this.random = random;
            return this;
        }

        public HealthMonitor build() {
            return new HealthMonitor(this);
        }
    }
}
