package io.ippvs.benchmarks;

import io.ippvs.api.NextHop;
import io.ippvs.api.PacketRewriter;
import io.ippvs.api.Verdict;
import io.ippvs.core.director.Director;
import io.ippvs.core.director.Worker;
import io.ippvs.core.testing.Fixture;
import io.ippvs.core.testing.FixtureRunner;
import io.ippvs.nat.NatRewriter;
import io.ippvs.nat.testing.NatFixtures;
import io.ippvs.tunnel.testing.TunnelFixtures;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The golden fixtures the tests run, replayed through {@link Worker}s as Katran's fixtures drive its
 * perf test: the NAT list ({@code NatFixtures}, one director in order: new connections, established
 * ones, ICMP errors both ways, TTL and MTU replies, fragments, FTP with its rewrites and expected
 * connections) and the tunnel list ({@code TunnelFixtures}: IPIP, GUE, GRE, too big, TTL, direct
 * route), every fixture a director meets. One operation is one packet: each invocation replays the
 * next {@value #BATCH} packets of the list, wrapping to its start, each first copied into its own
 * buffer placed as the fixture says (heap or direct, its headroom and tailroom).
 *
 * <p>Fixtures go into lanes, one director and worker each: a lane holds the fixtures of one rewriter
 * variant whose services agree (a virtual service goes to one real server). The NAT list is one lane,
 * as in {@code NatDirectorFixturesTest}; the tunnel list, whose fixtures are independent and send the
 * same virtual service to many servers, needs several, and each lane's connections are opened (a SYN
 * or a datagram) before the replay; where the server cannot be reached the refused opening is what
 * is replayed, as {@code FixtureRunner} takes it for the outcome. Setup replays the list once and checks every verdict against the
 * fixture (and, for NAT, every byte), so the figure is of outcomes the tests prove; later laps meet
 * connections already in their later states, as a replayed capture would. The clock moves 1 µs per
 * packet; the NAT rewriter's ICMP rate limit is lifted so that TTL and MTU fixtures stay replies.
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar FixtureReplayBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FixtureReplayBenchmark {

    static final int BATCH = 64;

    @Param({"nat", "tunnel"})
    public String list;

    private Worker[] workerOf;
    private byte[][] inputs;
    private ByteBuffer[] buffers;
    private int[] headrooms;
    private final NextHop hop = new NextHop();
    private long now;
    private int next;

    /** One director for fixtures of one rewriter variant whose services agree. */
    private static final class Lane {
        final String variant;
        final Map<String, Fixture.Server> services = new HashMap<>();
        final List<Fixture> fixtures = new ArrayList<>();
        Worker worker;

        Lane(String variant) {
            this.variant = variant;
        }

        boolean takes(Fixture f) {
            if (!f.rewriter().equals(variant)) {
                return false;
            }
            Fixture.Flow flow = f.flow();
            if (flow == null || !flow.service()) {
                return true;
            }
            Fixture.Server server = services.get(key(flow));
            return server == null || server.equals(flow.server());
        }

        void add(Fixture f) {
            fixtures.add(f);
            if (f.flow() != null && f.flow().service()) {
                services.put(key(f.flow()), f.flow().server());
            }
        }

        private static String key(Fixture.Flow flow) {
            return flow.protocol() + " " + flow.virtual() + " " + flow.virtualPort();
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        boolean nat = list.equals("nat");
        FixtureRunner.Order order = nat ? FixtureRunner.Order.SEQUENCE : FixtureRunner.Order.INDEPENDENT;
        // the fixtures a director meets (not those of the rewriter alone)
        List<Fixture> fixtures = (nat ? NatFixtures.all() : TunnelFixtures.all()).stream()
                .filter(f -> f.scope() != Fixture.Scope.REWRITER).toList();
        List<Lane> lanes = new ArrayList<>();
        Lane[] laneOf = new Lane[fixtures.size()];
        for (int i = 0; i < fixtures.size(); i++) {
            Fixture f = fixtures.get(i);
            Lane lane = lanes.stream().filter(l -> l.takes(f)).findFirst().orElse(null);
            if (lane == null) {
                lane = new Lane(f.rewriter());
                lanes.add(lane);
            }
            lane.add(f);
            laneOf[i] = lane;
        }
        if (nat && lanes.size() != 1) {
            throw new IllegalStateException("the NAT list is one sequence, not " + lanes.size() + " lanes");
        }
        now = System.nanoTime();
        Map<Fixture, byte[]> refused = new HashMap<>();
        for (Lane lane : lanes) {
            PacketRewriter rewriter = nat ? NatRewriter.builder().icmpRateLimit(1_000_000_000, 1_000_000).build()
                    : TunnelFixtures.rewriter(lane.variant, 1);
            Director d = FixtureRunner.director(lane.fixtures, rewriter, () -> now, 0x5EED, 4096);
            lane.worker = d.newWorker();
            if (order == FixtureRunner.Order.INDEPENDENT) {
                for (Fixture f : lane.fixtures) {
                    byte[] opening = FixtureRunner.opening(f.flow());
                    ByteBuffer b = ByteBuffer.allocate(64 + opening.length);
                    b.put(64, opening).position(64);
                    if (!lane.worker.process(b, 0, hop, now).isForward()) {
                        // a server no packet can reach refuses the opening as it refuses the fixture
                        // (FixtureRunner takes that refusal as the outcome): replay the opening
                        refused.put(f, opening);
                    }
                }
            }
        }
        workerOf = new Worker[fixtures.size()];
        inputs = new byte[fixtures.size()][];
        buffers = new ByteBuffer[fixtures.size()];
        headrooms = new int[fixtures.size()];
        for (int i = 0; i < fixtures.size(); i++) {
            Fixture f = fixtures.get(i);
            Fixture.Placement p = f.placement();
            inputs[i] = refused.getOrDefault(f, f.input());
            int capacity = p.headroom() + inputs[i].length + p.tailroom();
            workerOf[i] = laneOf[i].worker;
            buffers[i] = p.direct() ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
            headrooms[i] = p.headroom();
        }
        // the first lap is the tests' run: every verdict (and for the NAT sequence every byte) as expected
        for (int i = 0; i < fixtures.size(); i++) {
            Fixture f = fixtures.get(i);
            now += 1_000_000;
            Verdict v = replay(i);
            ByteBuffer b = buffers[i];
            byte[] out = new byte[b.remaining()];
            b.get(b.position(), out);
            if (v != f.verdict() || (nat && !Arrays.equals(out, f.output()))) {
                throw new IllegalStateException(f.description() + ": " + v + ", expected " + f.verdict());
            }
        }
        next = 0;
    }

    private Verdict replay(int i) {
        byte[] in = inputs[i];
        ByteBuffer b = buffers[i];
        int at = headrooms[i];
        b.limit(b.capacity());
        b.put(at, in, 0, in.length);
        b.limit(at + in.length).position(at);
        return workerOf[i].process(b, 0, hop, now);
    }

    /** The number of fixtures replayed per lap of the list. */
    public int packetsPerLap() {
        return inputs.length;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int replay() {
        int forwarded = 0;
        int i = next;
        for (int n = 0; n < BATCH; n++) {
            now += 1_000;
            forwarded += replay(i).isForward() ? 1 : 0;
            if (++i == inputs.length) {
                i = 0;
            }
        }
        next = i;
        return forwarded;
    }
}
