package io.ippvs.core.director;

import static io.ippvs.testkit.PacketBuilder.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.Configuration;
import io.ippvs.api.Flow;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.RealServer;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.Scheduler;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.Verdict;
import io.ippvs.core.testing.FakeClock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A new connection sees a configuration change entirely or not at all. */
class DirectorAtomicityTest {

    /** Picks the first available server as it was when called, optionally pausing before it answers. */
    static final class PausingScheduler implements Scheduler {
        volatile List<? extends RealServer> servers = List.of();
        volatile CountDownLatch entered;
        volatile CountDownLatch release;
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public String name() {
            return "pausing";
        }

        @Override
        public void update(List<? extends RealServer> list) {
            servers = list;
        }

        @Override
        public RealServer schedule(Flow flow) {
            calls.incrementAndGet();
            RealServer pick = null;
            for (RealServer s : servers) {
                if (s.available()) {
                    pick = s;
                    break;
                }
            }
            CountDownLatch r = release;
            if (r != null) {
                release = null;
                entered.countDown();
                try {
                    r.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return pick;
        }
    }

    @Test
    @Timeout(20)
    void aChoiceMadeDuringAChangeIsMadeAgain() throws Exception {
        PausingScheduler sched = new PausingScheduler();
        RecordingRewriter dr = new RecordingRewriter(ForwardingMethod.DIRECT_ROUTE, false);
        Director d = Director.builder().nanoClock(new FakeClock()).rewriter(dr).scheduler("pausing", c -> sched).build();
        ServiceKey http = DirectorTest.key(io.ippvs.api.Protocol.TCP, DirectorTest.VIP, 80);
        RealServerConfig a = DirectorTest.server("192.168.1.10", 80, ForwardingMethod.DIRECT_ROUTE);
        RealServerConfig b = DirectorTest.server("192.168.1.11", 80, ForwardingMethod.DIRECT_ROUTE);
        d.configure(Configuration.EMPTY.withService(ServiceConfig.builder(http).scheduler("pausing").build())
                .withRealServer(http, b).withRealServer(http, a)); // a heads the list

        sched.entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        sched.release = release;
        AtomicReference<Verdict> verdict = new AtomicReference<>();
        Thread packet = new Thread(() -> verdict.set(d.process(DirectorTest.tcp(DirectorTest.CLIENT, 1, DirectorTest.VIP, 80, SYN))));
        packet.start();
        assertThat(sched.entered.await(10, TimeUnit.SECONDS)).isTrue();
        // while the scheduler holds its choice (a), one change quiesces a and weights b up
        d.configure(d.configuration().withEditedRealServer(http, a.toBuilder().weight(0).build())
                .withEditedRealServer(http, b.toBuilder().weight(5).build()));
        release.countDown();
        packet.join();

        assertThat(verdict.get()).isSameAs(Verdict.FORWARD);
        assertThat(sched.calls.get()).isEqualTo(2); // the first choice was discarded
        assertThat(dr.destination).isEqualTo("192.168.1.11");
        RealServer qa = d.service(http).realServers().get(0);
        assertThat(qa.activeConnections() + qa.inactiveConnections()).isZero();
        assertThat(d.service(http).realServers().get(1).activeConnections()).isEqualTo(1);
    }
}
