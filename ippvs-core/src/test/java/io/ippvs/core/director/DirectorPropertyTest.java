package io.ippvs.core.director;

import static io.ippvs.testkit.PacketBuilder.ACK;
import static io.ippvs.testkit.PacketBuilder.FIN;
import static io.ippvs.testkit.PacketBuilder.RST;
import static io.ippvs.testkit.PacketBuilder.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.DropReason;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServer;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.VirtualService;
import io.ippvs.core.testing.FakeClock;
import io.ippvs.testkit.PacketBuilder;
import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

/**
 * Random sequences of configuration changes, packets of many flows (both directions), clock
 * advances and sweeps against a small director. After every step: each real server's active,
 * inactive and persistent counts equal what the table holds for it; the table never exceeds its
 * bound; after a sweep no entry is past its expiry; every packet was counted in exactly one outcome.
 */
class DirectorPropertyTest {

    static final String[] VIPS = {"10.0.0.1", "10.0.0.2"};
    static final String[] CLIENTS = {"198.51.100.1", "198.51.100.2", "203.0.113.9"};
    static final String[] SERVERS = {"192.168.1.10", "192.168.1.11", "192.168.1.12"};
    static final int[] FLAGS = {SYN, ACK, FIN | ACK, RST, SYN | ACK, 0};

    /** The services the chains play with: TCP :80 (persistent or not), UDP :53, and a port-zero TCP service. */
    static ServiceConfig service(int i, boolean persistent, boolean onePacket) {
        switch (i) {
            case 0: {
                ServiceConfig.Builder b = ServiceConfig.builder(DirectorTest.key(Protocol.TCP, VIPS[0], 80)).scheduler("rr");
                return (persistent ? b.persistent(30).persistenceNetmask(24) : b).build();
            }
            case 1:
                return ServiceConfig.builder(DirectorTest.key(Protocol.UDP, VIPS[0], 53)).scheduler("wlc")
                        .onePacket(onePacket).build();
            default:
                return ServiceConfig.builder(DirectorTest.key(Protocol.TCP, VIPS[1], 0)).scheduler("lc").build();
        }
    }

    static final class World {
        final FakeClock clock = new FakeClock();
        final RecordingRewriter nat = new RecordingRewriter(ForwardingMethod.MASQUERADE, false);
        final RecordingRewriter dr = new RecordingRewriter(ForwardingMethod.DIRECT_ROUTE, false);
        final Director director;
        final int max;
        /** Every real server object ever handed out, removed ones included. */
        final Set<RealServer> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        long packets;
        boolean justSwept;

        World(int max, boolean expireNodest, int connReuse, Defence dropEntry) {
            this.max = max;
            this.director = Director.builder().nanoClock(clock).rewriter(nat).rewriter(dr).maxConnections(max)
                    .expireNodestConn(expireNodest).connReuseMode(connReuse).dropEntry(dropEntry)
                    .defenceThreshold(0.5).hashSeed(max).build();
        }

        void process(ByteBuffer b) {
            packets++;
            director.process(b);
            justSwept = false;
        }

        void remember() {
            for (VirtualService v : director.services()) {
                seen.addAll(v.realServers());
            }
        }

        void check() {
            Director d = director;
            long outcomes = d.forwarded() + d.replied() + d.passed();
            for (DropReason r : DropReason.values()) {
                outcomes += d.drops(r);
            }
            assertThat(outcomes).as("every packet counted once").isEqualTo(packets);
            List<ConnectionInfo> all = d.connections(true);
            assertThat(all).hasSize(d.connectionCount());
            assertThat(d.connectionCount()).isLessThanOrEqualTo(max);
            Map<RealServer, int[]> counts = new IdentityHashMap<>();
            for (ConnectionInfo c : all) {
                assertThat(c.realServer()).isNotNull();
                int[] n = counts.computeIfAbsent(c.realServer(), k -> new int[3]);
                if (c.template()) {
                    n[2]++;
                } else if (active(c)) {
                    n[0]++;
                } else {
                    n[1]++;
                }
                if (justSwept) {
                    assertThat(c.expiresInMillis()).as("entry past its expiry after a sweep: %s", c).isNotNegative();
                }
                assertThat(c.expiresInMillis()).isLessThanOrEqualTo(900_000);
            }
            remember();
            for (RealServer rs : seen) {
                int[] n = counts.getOrDefault(rs, new int[3]);
                assertThat(rs.activeConnections()).as("active of %s", rs).isEqualTo(n[0]);
                assertThat(rs.inactiveConnections()).as("inactive of %s", rs).isEqualTo(n[1]);
                assertThat(rs.persistentConnections()).as("persistent of %s", rs).isEqualTo(n[2]);
            }
            for (RealServer rs : counts.keySet()) {
                assertThat(seen).as("entry of an unknown server").contains(rs);
            }
        }

        static boolean active(ConnectionInfo c) {
            String s = c.state();
            return c.protocolNumber() == 6
                    && (s.equals("ESTABLISHED") || s.equals("SYN_SENT") || s.equals("SYN_RECV") || s.equals("SYNACK"));
        }
    }

    static Action.Independent<World> addService() {
        return () -> Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.of(true, false),
                Arbitraries.of(true, false)).as((i, persistent, ops) -> Transformer.mutate(
                        "add/edit service " + i + (persistent ? " persistent" : "") + (ops ? " ops" : ""), w -> {
                            ServiceConfig c = service(i, persistent, ops);
                            if (w.director.service(c.key()) == null) {
                                w.director.addService(c);
                            } else {
                                w.director.editService(c);
                            }
                            w.remember();
                        }));
    }

    static Action.Independent<World> removeService() {
        return () -> Arbitraries.integers().between(0, 2).map(i -> Transformer.mutate("remove service " + i, w -> {
            ServiceKey k = service(i, false, false).key();
            if (w.director.service(k) != null) {
                w.remember();
                w.director.removeService(k);
            }
        }));
    }

    static Action.Independent<World> addServer() {
        return () -> Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 3), Arbitraries.of(ForwardingMethod.MASQUERADE,
                        ForwardingMethod.DIRECT_ROUTE), Arbitraries.integers().between(0, 3))
                .as((svc, srv, weight, method, upper) -> Transformer.mutate(
                        "add/edit server " + SERVERS[srv] + " to " + svc + " w" + weight + " " + method + " u" + upper, w -> {
                            ServiceKey k = service(svc, false, false).key();
                            if (w.director.service(k) == null) {
                                return;
                            }
                            RealServerConfig c = RealServerConfig.builder(DirectorTest.ip(SERVERS[srv]), 8080)
                                    .forwardingMethod(method).weight(weight).upperThreshold(upper).build();
                            boolean exists = w.director.service(k).realServers().stream()
                                    .anyMatch(r -> r.config().sameServer(c));
                            if (exists) {
                                w.director.editRealServer(k, c);
                            } else {
                                w.director.addRealServer(k, c);
                            }
                            w.remember();
                        }));
    }

    static Action.Independent<World> removeServer() {
        return () -> Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 2))
                .as((svc, srv) -> Transformer.mutate("remove server " + SERVERS[srv] + " from " + svc, w -> {
                    ServiceKey k = service(svc, false, false).key();
                    RealServerConfig c = RealServerConfig.builder(DirectorTest.ip(SERVERS[srv]), 8080).build();
                    if (w.director.service(k) != null && w.director.service(k).realServers().stream()
                            .anyMatch(r -> r.config().sameServer(c))) {
                        w.remember();
                        w.director.removeRealServer(k, c);
                    }
                }));
    }

    static Action.Independent<World> clientPacket() {
        return () -> Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().between(1000, 1004),
                Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, FLAGS.length - 1))
                .as((client, port, svc, flags) -> Transformer.mutate(
                        "client " + CLIENTS[client] + ":" + port + " -> service " + svc + " flags " + FLAGS[flags], w -> {
                            String vip = svc == 2 ? VIPS[1] : VIPS[0];
                            int vport = svc == 1 ? 53 : svc == 2 ? 8000 + port % 2 : 80;
                            ByteBuffer b = svc == 1
                                    ? PacketBuilder.ipv4(CLIENTS[client], vip).udp(port, vport).payload("q").buffer()
                                    : PacketBuilder.ipv4(CLIENTS[client], vip).tcp(port, vport).flags(FLAGS[flags]).buffer();
                            w.process(b);
                        }));
    }

    static Action.Independent<World> serverPacket() {
        return () -> Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().between(1000, 1004),
                Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, FLAGS.length - 1))
                .as((client, port, srv, flags) -> Transformer.mutate(
                        "server " + SERVERS[srv] + " -> " + CLIENTS[client] + ":" + port + " flags " + FLAGS[flags],
                        w -> w.process(PacketBuilder.ipv4(SERVERS[srv], CLIENTS[client]).tcp(8080, port)
                                .flags(FLAGS[flags]).buffer())));
    }

    static Action.Independent<World> garbage() {
        return () -> Arbitraries.bytes().array(byte[].class).ofMaxSize(60).map(bytes ->
                Transformer.mutate("garbage " + bytes.length + " bytes", w -> w.process(ByteBuffer.wrap(bytes))));
    }

    static Action.Independent<World> advance() {
        return () -> Arbitraries.integers().between(1, 400).map(s -> Transformer.mutate("advance " + s + " s", w -> {
            w.clock.advanceSeconds(s);
            w.justSwept = false;
        }));
    }

    static Action.Independent<World> sweep() {
        return () -> Arbitraries.just(Transformer.mutate("sweep", w -> {
            w.director.sweep();
            w.justSwept = true;
        }));
    }

    @Provide
    Arbitrary<ActionChain<World>> chains() {
        return Combinators.combine(Arbitraries.of(2, 5, 16, 64), Arbitraries.of(true, false), Arbitraries.of(0, 1, 3),
                Arbitraries.of(Defence.OFF, Defence.AUTO, Defence.ALWAYS))
                .flatAs((max, nodest, reuse, dropEntry) -> ActionChain.startWith(() -> new World(max, nodest, reuse, dropEntry))
                        .withAction(2, addService())
                        .withAction(1, removeService())
                        .withAction(3, addServer())
                        .withAction(1, removeServer())
                        .withAction(12, clientPacket())
                        .withAction(4, serverPacket())
                        .withAction(1, garbage())
                        .withAction(3, advance())
                        .withAction(2, sweep())
                        .withMaxTransformations(150));
    }

    @Property(tries = 300)
    void countsMatchTheTableAndEveryPacketIsCountedOnce(@ForAll("chains") ActionChain<World> chain) {
        chain.withInvariant("director", World::check).run();
    }
}
