package io.ippvs.nat;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.DropReason;
import io.ippvs.api.NextHop;
import io.ippvs.api.Stats;
import io.ippvs.api.Verdict;
import io.ippvs.core.director.ConnectionInfo;
import io.ippvs.core.director.Director;
import io.ippvs.core.director.Worker;
import io.ippvs.core.testing.FakeClock;
import io.ippvs.core.testing.Fixture;
import io.ippvs.core.testing.FixtureRunner;
import io.ippvs.core.testing.RandomPackets;
import io.ippvs.nat.testing.NatFixtures;
import io.ippvs.testkit.PacketBuilder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * {@link Worker#process(ByteBuffer[], int, int, int[], NextHop[], Verdict[], long)} is a faster way
 * to the same outcome, not another outcome: any sequence of packets through bursts of random sizes
 * (1..64) gives the same output bytes, verdicts, next hops, counters and connection table as the
 * same packets one by one through {@link Worker#process(ByteBuffer, int, NextHop, long)} at the same
 * times, with a small table and with one past the size where the burst starts reading ahead. The
 * sequences mix the NAT fixtures (handshakes, data both ways, ICMP errors, FTP), their
 * repeats out of order, one-byte mutations of them and random packets.
 */
class BurstProperties {

    private static final int HEADROOM = 64;
    private static final int CAPACITY = 2048;
    private static final int FILL = 17_000;

    @Property(tries = 30)
    void burstsOfRandomSizesEqualOneByOne(@ForAll long seed) {
        Random r = new Random(seed);
        List<byte[]> packets = sequence(r);
        FakeClock oneClock = new FakeClock();
        FakeClock burstClock = new FakeClock();
        Director one = director(oneClock, seed);
        Director bursts = director(burstClock, seed);
        Worker w1 = one.newWorker();
        Worker wb = bursts.newWorker();
        if (r.nextBoolean()) {
            // a table past Burst's in-cache size, so that the burst reads buckets and entries ahead
            fill(one, w1, oneClock.nanos());
            fill(bursts, wb, burstClock.nanos());
        }

        ByteBuffer[] burst = new ByteBuffer[Worker.MAX_BURST];
        NextHop[] hops = new NextHop[Worker.MAX_BURST];
        Verdict[] verdicts = new Verdict[Worker.MAX_BURST];
        NextHop hop = new NextHop();
        for (int i = 0; i < hops.length; i++) {
            hops[i] = new NextHop();
        }
        int at = 0;
        while (at < packets.size()) {
            int n = Math.min(packets.size() - at, 1 + r.nextInt(Worker.MAX_BURST));
            oneClock.advanceMillis(1 + r.nextInt(3000));
            burstClock.set(oneClock.nanos());
            long now = oneClock.nanos();
            for (int k = 0; k < n; k++) {
                burst[k] = buffer(packets.get(at + k));
            }
            wb.process(burst, 0, n, null, hops, verdicts, now);
            for (int k = 0; k < n; k++) {
                ByteBuffer b = buffer(packets.get(at + k));
                Verdict v = w1.process(b, 0, hop, now);
                String what = "packet " + (at + k) + " (burst of " + n + ", seed " + seed + ")";
                assertThat(verdicts[k]).as(what).isEqualTo(v);
                assertThat(bytes(burst[k])).as(what).isEqualTo(bytes(b));
                assertThat(describe(hops[k])).as(what).isEqualTo(describe(hop));
            }
            at += n;
        }
        assertSameCounters(one, bursts);
        assertThat(sorted(bursts.connections())).isEqualTo(sorted(one.connections()));
    }

    /** Half-open connections of one client, enough to take the table past 16384 handles. */
    private static void fill(Director d, Worker w, long now) {
        Fixture.Flow svc = NatFixtures.flow("web");
        for (int port = 1024; port < 1024 + FILL; port++) {
            byte[] syn = PacketBuilder.ipv4("203.0.113.250", svc.virtual()).tcp(port, svc.virtualPort())
                    .flags(PacketBuilder.SYN).seq(port).bytes();
            assertThat(w.process(buffer(syn), 0, null, now)).isEqualTo(Verdict.FORWARD);
        }
    }

    private static void assertSameCounters(Director one, Director bursts) {
        assertThat(bursts.forwarded()).isEqualTo(one.forwarded());
        assertThat(bursts.passed()).isEqualTo(one.passed());
        assertThat(bursts.replied()).isEqualTo(one.replied());
        for (DropReason reason : DropReason.values()) {
            assertThat(bursts.drops(reason)).as(reason.name()).isEqualTo(one.drops(reason));
        }
        Stats a = one.totals();
        Stats b = bursts.totals();
        assertThat(new long[] {b.connections(), b.inPackets(), b.outPackets(), b.inBytes(), b.outBytes()})
                .isEqualTo(new long[] {a.connections(), a.inPackets(), a.outPackets(), a.inBytes(), a.outBytes()});
    }

    private static Director director(FakeClock clock, long seed) {
        return FixtureRunner.director(NatFixtures.all(), NatRewriter.builder().icmpRateLimit(1_000_000_000, 1_000_000)
                .build(), clock, seed, 1 << 15);
    }

    /** Fixtures in order, then repeats, mutations and random packets in random order. */
    private static List<byte[]> sequence(Random r) {
        List<byte[]> fixtures = NatFixtures.all().stream().map(Fixture::input).toList();
        List<byte[]> out = new ArrayList<>(fixtures);
        int extra = 50 + r.nextInt(300);
        for (int i = 0; i < extra; i++) {
            byte[] p = fixtures.get(r.nextInt(fixtures.size())).clone();
            switch (r.nextInt(4)) {
                case 0 -> p[r.nextInt(p.length)] ^= (byte) (1 << r.nextInt(8));
                case 1 -> p = RandomPackets.any(r);
                case 2 -> p = Arrays.copyOf(p, r.nextInt(p.length + 1));
                default -> { }
            }
            out.add(p);
        }
        return out;
    }

    private static ByteBuffer buffer(byte[] packet) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(CAPACITY, HEADROOM + packet.length));
        b.position(HEADROOM);
        b.put(packet);
        b.limit(b.position());
        b.position(HEADROOM);
        return b;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** The hop as it was set for its packet (a server's live counters move on after its packet). */
    private static String describe(NextHop hop) {
        return !hop.isSet() ? "unset" : hop.addressFamily() + "/" + hop.addressHigh() + "/" + hop.addressLow() + "/"
                + hop.realServer().config();
    }

    private static List<String> sorted(List<ConnectionInfo> connections) {
        return connections.stream().map(ConnectionInfo::toString).sorted().toList();
    }
}
