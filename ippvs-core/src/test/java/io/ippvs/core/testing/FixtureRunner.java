package io.ippvs.core.testing;

import com.google.common.net.InetAddresses;
import io.ippvs.api.Addresses;
import io.ippvs.api.NextHop;
import io.ippvs.api.PacketRewriter;
import io.ippvs.api.Protocol;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.Verdict;
import io.ippvs.core.director.Director;
import io.ippvs.testkit.ChecksumVerifier;
import io.ippvs.testkit.PacketBuilder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The one runner of {@link Fixture} lists, through a {@link Director} or through the rewriter alone,
 * either as a {@link Order#SEQUENCE} (one director or one rewriter for the whole list, fixtures in
 * order, each connection's state carried from one fixture to the next) or as {@link
 * Order#INDEPENDENT} cases (a fresh director or rewriter for each fixture; through a director the
 * connection is first opened by a TCP SYN or a datagram from the client).
 *
 * <p>Each fixture must give its verdict and exactly its expected bytes in {@code [position, limit)};
 * nothing may be written outside the buffer (guard bytes around it); a forwarded or replied packet's
 * checksums, recomputed from scratch, say what the fixture says (nothing, as a rule); and through a
 * director a FORWARD names the connection's real server as next hop and anything else clears it. On a
 * mismatch the report carries hex dumps and the path of a pcap of input, expected and actual bytes
 * under {@code target/fixtures/}.
 */
public final class FixtureRunner {

    /** Makes the rewriters fixtures meet. */
    @FunctionalInterface
    public interface Rewriters {
        /**
         * A fresh rewriter of {@code variant} (see {@link Fixture#rewriter()}), which will be given
         * {@code packetsBefore} packets before the first fixture's (an INDEPENDENT director run opens the
         * connection with one): a tunnel numbers its IPv4 identifications from its first packet.
         */
        PacketRewriter create(String variant, int packetsBefore);
    }

    /** How fixtures of a list relate. */
    public enum Order {
        /** One after another on the same director or rewriter. */
        SEQUENCE,
        /** Each on its own. */
        INDEPENDENT
    }

    private final boolean throughDirector;
    private final Order order;
    private final Rewriters rewriters;
    private final FakeClock clock = new FakeClock();
    private final long hashSeed;
    private final int maxConnections;
    private final Map<Fixture.Flow, FakeRewriteContext> contexts = new HashMap<>();
    private final Map<ServiceKey, Fixture.Server> services = new HashMap<>();
    private final NextHop hop = new NextHop();
    private String variant;
    private PacketRewriter rewriter;
    private Director director;
    private int run;

    private FixtureRunner(boolean throughDirector, Order order, Rewriters rewriters, long hashSeed, int maxConnections) {
        this.throughDirector = throughDirector;
        this.order = order;
        this.rewriters = rewriters;
        this.hashSeed = hashSeed;
        this.maxConnections = maxConnections;
    }

    /** Through a director (maximum 4096 connections, a random hash seed). */
    public static FixtureRunner throughDirector(Rewriters rewriters, Order order) {
        return throughDirector(rewriters, order, new java.security.SecureRandom().nextLong(), 4096);
    }

    /** Through a director with the given hash seed and size (for two directors to compare). */
    public static FixtureRunner throughDirector(Rewriters rewriters, Order order, long hashSeed, int maxConnections) {
        return new FixtureRunner(true, order, rewriters, hashSeed, maxConnections);
    }

    /** Through the rewriter alone, each connection described by a {@link FakeRewriteContext}. */
    public static FixtureRunner throughRewriter(Rewriters rewriters, Order order) {
        return new FixtureRunner(false, order, rewriters, 0, 0);
    }

    /**
     * A director with {@code rewriter} and a round-robin service for each service connection of
     * {@code fixtures}, as a SEQUENCE run meets them (for tests and benchmarks that drive it themselves).
     */
    public static Director director(List<Fixture> fixtures, PacketRewriter rewriter, LongSupplier clock, long hashSeed,
                                    int maxConnections) {
        Director d = Director.builder().nanoClock(clock).maxConnections(maxConnections).rewriter(rewriter)
                .hashSeed(hashSeed).build();
        Map<ServiceKey, Fixture.Server> known = new HashMap<>();
        for (Fixture f : fixtures) {
            addService(d, known, f.description(), f.flow());
        }
        return d;
    }

    private static void addService(Director d, Map<ServiceKey, Fixture.Server> known, String description, Fixture.Flow flow) {
        if (flow == null || !flow.service()) {
            return;
        }
        ServiceKey key = ServiceKey.of(flow.protocol(), InetAddresses.forString(flow.virtual()), flow.virtualPort());
        Fixture.Server server = known.putIfAbsent(key, flow.server());
        if (server == null) {
            d.addService(ServiceConfig.builder(key).scheduler("rr").build());
            d.addRealServer(key, flow.server().config());
        } else if (!server.equals(flow.server())) {
            throw new IllegalStateException(description + ": " + key + " already goes to " + server);
        }
    }

    /** Whether this runner runs {@code f} (its scope). */
    public boolean applies(Fixture f) {
        return f.scope() == Fixture.Scope.BOTH || (f.scope() == Fixture.Scope.DIRECTOR) == throughDirector;
    }

    /** Runs every fixture that applies, in order; returns the failure reports (empty when all match). */
    public List<String> runAll(List<Fixture> fixtures) {
        List<String> failures = new ArrayList<>();
        for (Fixture f : fixtures) {
            String failure = run(f);
            if (failure != null) {
                failures.add(failure);
            }
        }
        return failures;
    }

    /** Runs {@code f} and throws an {@link AssertionError} with the report if it does not match. */
    public void check(Fixture f) {
        if (!applies(f)) {
            throw new IllegalArgumentException(f.description() + ": not a fixture for this runner");
        }
        String failure = run(f);
        if (failure != null) {
            throw new AssertionError(failure);
        }
    }

    /** Runs {@code f} if it applies; null when it matches (or does not apply), else the report. */
    public String run(Fixture f) {
        if (!applies(f)) {
            return null;
        }
        run++;
        return throughDirector ? viaDirector(f) : viaRewriter(f);
    }

    /** How many fixtures have been run. */
    public int fixturesRun() {
        return run;
    }

    /** The current director (a SEQUENCE's, or the last INDEPENDENT fixture's); null before the first. */
    public Director director() {
        return director;
    }

    /** The current rewriter; null before the first fixture. */
    public PacketRewriter rewriter() {
        return rewriter;
    }

    /** The director's clock. */
    public FakeClock clock() {
        return clock;
    }

    /** The context of {@code flow} in a SEQUENCE through the rewriter; null if none of its fixtures ran. */
    public FakeRewriteContext context(Fixture.Flow flow) {
        return contexts.get(flow);
    }

    private String viaDirector(Fixture f) {
        if (order == Order.INDEPENDENT) {
            variant = null;
            services.clear();
        }
        boolean fresh = director == null || order == Order.INDEPENDENT;
        if (fresh) {
            useVariant(f, order == Order.INDEPENDENT && f.flow() != null ? 1 : 0);
            director = Director.builder().nanoClock(clock).maxConnections(maxConnections).rewriter(rewriter)
                    .hashSeed(hashSeed).build();
        } else if (!f.rewriter().equals(variant)) {
            throw new IllegalStateException(f.description() + ": a SEQUENCE meets one rewriter, not " + f.rewriter());
        }
        Fixture.Flow flow = f.flow();
        addService(director, services, f.description(), flow);
        clock.advanceMillis(1);
        if (order == Order.INDEPENDENT && flow != null) {
            String failure = open(f);
            if (failure != null) {
                return failure.isEmpty() ? null : failure;
            }
        }
        Guarded g = f.place();
        Verdict v;
        try {
            v = director.process(g.buffer, 0, hop);
        } catch (RuntimeException e) {
            return f.description() + ": threw " + e;
        }
        byte[] actual = g.packet();
        List<String> problems = new ArrayList<>();
        compare(f, v, actual, g, problems);
        if (v.isForward() && flow != null) {
            if (!hop.isSet() || hop.method() != flow.server().method()
                    || hop.addressFamily() != Addresses.family(flow.server().inetAddress())
                    || hop.addressHigh() != Addresses.high(flow.server().inetAddress())
                    || hop.addressLow() != Addresses.low(flow.server().inetAddress())) {
                problems.add("next hop " + hop + ", expected " + flow.server().address() + " by " + flow.server().method());
            }
        } else if (!v.isForward() && hop.isSet()) {
            problems.add("next hop " + hop + " set for " + v);
        }
        return report("director", f, v, actual, problems);
    }

    /**
     * Opens the fixture's connection with a TCP SYN or a UDP datagram from the client. Null when it
     * was forwarded and made one connection; "" when it was refused as the fixture's own packet is
     * (a server no packet of the flow can reach: the opening must then give the fixture's verdict,
     * leave its bytes alone and leave no connection behind); else the failure report.
     */
    private String open(Fixture f) {
        byte[] opening = opening(f.flow());
        Guarded g = new Guarded(opening, false, 64, 0);
        Verdict first = director.process(g.buffer, 0, hop);
        if (first.isForward()) {
            return director.connectionCount() == 1 ? null
                    : f.description() + ": the opening packet made " + director.connectionCount() + " connections";
        }
        List<String> problems = new ArrayList<>();
        if (first != f.verdict()) {
            problems.add("opening packet " + first + ", expected the fixture's " + f.verdict());
        }
        if (!Arrays.equals(g.packet(), opening) || !g.guardsIntact()) {
            problems.add("a refused opening packet was changed");
        }
        if (director.connectionCount() != 0) {
            problems.add(director.connectionCount() + " connections after a refused opening");
        }
        if (hop.isSet()) {
            problems.add("next hop set for " + first);
        }
        String failure = report("director-opening", f, first, g.packet(), problems);
        return failure == null ? "" : failure;
    }

    /**
     * The packet that opens {@code flow} on a director for an {@link Order#INDEPENDENT} fixture: a
     * TCP SYN (sequence 999), or a UDP datagram "open", from the client to the virtual service.
     */
    public static byte[] opening(Fixture.Flow flow) {
        boolean v6 = flow.client().contains(":");
        PacketBuilder b = v6 ? PacketBuilder.ipv6(flow.client(), flow.virtual()) : PacketBuilder.ipv4(flow.client(), flow.virtual());
        b = flow.protocol() == Protocol.UDP ? b.udp(flow.clientPort(), flow.virtualPort()).payload("open")
                : b.tcp(flow.clientPort(), flow.virtualPort()).flags(PacketBuilder.SYN).seq(999);
        return b.bytes();
    }

    private String viaRewriter(Fixture f) {
        FakeRewriteContext context;
        if (order == Order.INDEPENDENT) {
            useVariant(f, 0);
            context = f.flow().context();
            context.now = FakeClock.DEFAULT_START_NANOS;
        } else {
            if (rewriter == null) {
                useVariant(f, 0);
            } else if (!f.rewriter().equals(variant)) {
                throw new IllegalStateException(f.description() + ": a SEQUENCE meets one rewriter, not " + f.rewriter());
            }
            context = contexts.computeIfAbsent(f.flow(), Fixture.Flow::context);
        }
        Guarded g = f.place();
        Verdict v;
        try {
            v = rewriter.rewrite(context.packet(g.buffer, f.reply()));
        } catch (RuntimeException e) {
            return f.description() + ": threw " + e;
        }
        byte[] actual = g.packet();
        List<String> problems = new ArrayList<>();
        compare(f, v, actual, g, problems);
        return report("rewriter", f, v, actual, problems);
    }

    private void useVariant(Fixture f, int packetsBefore) {
        variant = f.rewriter();
        rewriter = Objects.requireNonNull(rewriters.create(variant, packetsBefore), variant);
    }

    private static void compare(Fixture f, Verdict v, byte[] actual, Guarded g, List<String> problems) {
        if (v != f.verdict()) {
            problems.add("verdict " + v + ", expected " + f.verdict());
        }
        if (!Arrays.equals(actual, f.output())) {
            problems.add("bytes differ");
        }
        if (!g.guardsIntact()) {
            problems.add("wrote outside the buffer");
        }
        if (v.isForward() || v.isReply()) {
            List<String> checksums = ChecksumVerifier.problems(ByteBuffer.wrap(actual));
            if (!checksums.equals(f.checksumProblems())) {
                problems.add("checksums " + checksums + ", expected " + f.checksumProblems());
            }
        }
    }

    private static String report(String target, Fixture f, Verdict v, byte[] actual, List<String> problems) {
        if (problems.isEmpty()) {
            return null;
        }
        return f.description() + ": " + String.join("; ", problems)
                + "\n  verdict  " + v + " expected " + f.verdict()
                + "\n  input    " + Guarded.hex(f.input()) + "\n  expected " + Guarded.hex(f.output())
                + "\n  actual   " + Guarded.hex(actual)
                + "\n  pcap     " + Guarded.dump(target + "-" + f.description(), List.of(f.input(), f.output(), actual));
    }
}
