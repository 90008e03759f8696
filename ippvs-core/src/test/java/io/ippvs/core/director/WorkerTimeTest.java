package io.ippvs.core.director;

import static io.ippvs.core.director.DirectorTest.CLIENT;
import static io.ippvs.core.director.DirectorTest.VIP;
import static io.ippvs.core.director.DirectorTest.tcp;
import static io.ippvs.testkit.PacketBuilder.ACK;
import static io.ippvs.testkit.PacketBuilder.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.DropReason;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.Verdict;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link Worker#process(java.nio.ByteBuffer, int, io.ippvs.api.NextHop, long)}: the caller's time. */
class WorkerTimeTest {

    static final long T0 = TimeUnit.DAYS.toNanos(3);
    static final long SECOND = 1_000_000_000L;

    final AtomicInteger clockReads = new AtomicInteger();
    final DirectorTest t = new DirectorTest();
    final Director d = Director.builder().nanoClock(() -> {
        clockReads.incrementAndGet();
        return T0;
    }).rewriter(t.nat).maxConnections(100).hashSeed(42).build();

    WorkerTimeTest() {
        d.addService(ServiceConfig.builder(t.http).scheduler("rr").build());
        d.addRealServer(t.http, DirectorTest.server("192.168.1.10", 8080, ForwardingMethod.MASQUERADE));
    }

    @Test
    void packetsUseTheGivenTimeAndNeverReadTheClock() {
        Worker w = d.newWorker();
        clockReads.set(0);
        assertThat(w.process(tcp(CLIENT, 40000, VIP, 80, SYN), 0, null, T0)).isSameAs(Verdict.FORWARD);
        assertThat(w.process(tcp(CLIENT, 40000, VIP, 80, ACK), 0, null, T0 + SECOND)).isSameAs(Verdict.FORWARD);
        assertThat(clockReads).hasValue(0);
        assertThat(d.nanoTime()).isEqualTo(T0);
        assertThat(clockReads).hasValue(1);
    }

    @Test
    void expiryIsJudgedByTheGivenTime() {
        Worker w = d.newWorker();
        w.process(tcp(CLIENT, 40000, VIP, 80, SYN), 0, null, T0);
        // SYN_RECV lasts 60 s: a packet 61 s later finds no connection, and an ACK cannot start one
        assertThat(w.process(tcp(CLIENT, 40000, VIP, 80, ACK), 0, null, T0 + 61 * SECOND))
                .isEqualTo(Verdict.drop(DropReason.NO_CONNECTION));
    }
}
