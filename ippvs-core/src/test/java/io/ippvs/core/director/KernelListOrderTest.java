package io.ippvs.core.director;

import static io.ippvs.core.director.DirectorTest.CLIENT;
import static io.ippvs.core.director.DirectorTest.VIP;
import static io.ippvs.core.director.DirectorTest.key;
import static io.ippvs.core.director.DirectorTest.server;
import static io.ippvs.core.director.DirectorTest.tcp;
import static io.ippvs.testkit.PacketBuilder.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.Flow;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServer;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.Scheduler;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.core.admin.Ipvsadm;
import io.ippvs.core.testing.FakeClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The order in which schedulers walk a service's servers, and when they hear of changes, from the
 * kernel: {@code __ip_vs_update_dest} (ip_vs_ctl.c) links a new server with {@code list_add_rcu} at
 * the head of {@code svc->destinations} and calls the scheduler's {@code add_dest}; an edit calls
 * {@code upd_dest} and keeps the place; {@code __ip_vs_del_dest} unlinks and calls {@code del_dest}.
 * Nothing else reaches a service's scheduler.
 */
class KernelListOrderTest {

    final FakeClock clock = new FakeClock();
    final RecordingRewriter nat = new RecordingRewriter(ForwardingMethod.MASQUERADE, true);
    final ServiceKey http = key(Protocol.TCP, VIP, 80);
    int port = 10000;

    Director director() {
        return Director.builder().nanoClock(clock).rewriter(nat).maxConnections(1000).hashSeed(42).build();
    }

    Director with(String scheduler, String... servers) {
        Director d = director();
        d.addService(ServiceConfig.builder(http).scheduler(scheduler).build());
        for (String s : servers) {
            d.addRealServer(http, server(s, 80, ForwardingMethod.MASQUERADE));
        }
        return d;
    }

    /** The servers of {@code n} new connections, last octet only. */
    List<String> picks(Director d, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            d.process(tcp(CLIENT, port++, VIP, 80, SYN));
            out.add(nat.destination.substring(nat.destination.lastIndexOf('.')));
        }
        return out;
    }

    /** ip_vs_rr_schedule starts at the list head, where the newest server is: .3, .2, .1, .3. */
    @Test
    void rrWalksNewestFirst() {
        Director d = with("rr", "10.1.1.1", "10.1.1.2", "10.1.1.3");
        assertThat(picks(d, 4)).containsExactly(".3", ".2", ".1", ".3");
    }

    /**
     * -e keeps a server's place (rr has no upd_dest). -d of the cursor's server moves the cursor to
     * its predecessor (ip_vs_rr_del_dest: p->next->prev); the re-added server goes to the head.
     */
    @Test
    void rrEditKeepsThePlaceAndReAddGoesToTheHead() {
        Director d = with("rr", "10.1.1.1", "10.1.1.2", "10.1.1.3");
        assertThat(picks(d, 2)).containsExactly(".3", ".2");
        d.editRealServer(http, server("10.1.1.2", 80, ForwardingMethod.MASQUERADE).toBuilder().weight(2).build());
        assertThat(picks(d, 2)).containsExactly(".1", ".3");
        assertThat(picks(d, 2)).containsExactly(".2", ".1"); // cursor on .1 now
        d.removeRealServer(http, server("10.1.1.1", 80, ForwardingMethod.MASQUERADE)); // cursor -> .2
        d.addRealServer(http, server("10.1.1.1", 80, ForwardingMethod.MASQUERADE)); // list .1 .3 .2
        assertThat(picks(d, 4)).containsExactly(".1", ".3", ".2", ".1");
    }

    /**
     * wrr with weights 4, 3, 2 added as A (.1), B (.2), C (.3), worked by hand from ip_vs_wrr.c.
     * The service starts with no servers: init_svc leaves di = 1, mw = 0, cw = 0. Each add runs
     * ip_vs_wrr_dest_changed (cl = head, di = gcd, mw = max - (di - 1), cw = mw if cw > mw or cw == 0,
     * else rounded when di > 1): after A di = 4, mw = 1, cw = 0 -> 1; after B (list B A) di = 1, mw = 4,
     * cw stays 1; after C (list C B A) cw stays 1. ip_vs_wrr_schedule then scans from the head for
     * weight >= cw, lowering cw by di at each wrap and restarting at mw below 1: cw 1 gives C B A,
     * then cw 4: A, cw 3: B A, cw 2: C B A, cw 1: C B A, cw 4: A ...
     */
    @Test
    void wrrFollowsTheKernelsSequenceIncludingTheWeightLeftByTheAdds() {
        Director d = wrrAddedAsABC();
        assertThat(picks(d, 13)).containsExactly(".3", ".2", ".1", ".1", ".2", ".1", ".3", ".2", ".1",
                ".3", ".2", ".1", ".1");
    }

    /** A restore is the same commands in one change: each -a is still its own add_dest. */
    @Test
    void wrrFromARestoreMatchesTheSameCommandsOneByOne() {
        Director d = director();
        Ipvsadm.forDirector(d).execute("-R", "-A -t 10.0.0.1:80 -s wrr\n"
                + "-a -t 10.0.0.1:80 -r 10.1.1.1:80 -m -w 4\n"
                + "-a -t 10.0.0.1:80 -r 10.1.1.2:80 -m -w 3\n"
                + "-a -t 10.0.0.1:80 -r 10.1.1.3:80 -m -w 2\n");
        assertThat(picks(d, 9)).containsExactly(".3", ".2", ".1", ".1", ".2", ".1", ".3", ".2", ".1");
    }

    /**
     * ip_vs_wrr_dest_changed runs only for the service's own servers: adding another service, or a
     * server to it, mid-round leaves this service's cursor and current weight where they were.
     */
    @Test
    void wrrKeepsItsPlaceWhenAnotherServiceChanges() {
        Director d = wrrAddedAsABC();
        assertThat(picks(d, 5)).containsExactly(".3", ".2", ".1", ".1", ".2");
        ServiceKey other = key(Protocol.TCP, VIP, 443);
        d.addService(ServiceConfig.builder(other).scheduler("rr").build());
        d.addRealServer(other, server("10.2.2.2", 443, ForwardingMethod.MASQUERADE));
        assertThat(picks(d, 4)).containsExactly(".1", ".3", ".2", ".1");
    }

    /** ip_vs_lc_schedule keeps the first of equal overheads in list order: the newest server. */
    @Test
    void leastConnectionTiesGoToTheNewest() {
        Director d = with("lc", "10.1.1.1", "10.1.1.2", "10.1.1.3");
        assertThat(picks(d, 3)).containsExactly(".3", ".2", ".1");
    }

    /** What a scheduler is told, and when: once per own server added, edited or removed. */
    @Test
    void aSchedulerHearsOfItsOwnServersOnlyOncePerChangeNewestFirst() {
        List<List<String>> updates = new ArrayList<>();
        Scheduler recording = new Scheduler() {
            @Override
            public String name() {
                return "recording";
            }

            @Override
            public void update(List<? extends RealServer> servers) {
                updates.add(servers.stream().map(s -> s.address().getHostAddress()).toList());
            }

            @Override
            public RealServer schedule(Flow flow) {
                return null;
            }
        };
        Director d = Director.builder().nanoClock(clock).rewriter(nat).scheduler("recording", c -> recording).build();
        d.addService(ServiceConfig.builder(http).scheduler("recording").build());
        d.addRealServer(http, server("10.1.1.1", 80, ForwardingMethod.MASQUERADE));
        d.addRealServer(http, server("10.1.1.2", 80, ForwardingMethod.MASQUERADE));
        d.addRealServer(http, server("10.1.1.3", 80, ForwardingMethod.MASQUERADE));
        assertThat(updates).containsExactly(List.of("10.1.1.1"), List.of("10.1.1.2", "10.1.1.1"),
                List.of("10.1.1.3", "10.1.1.2", "10.1.1.1"));
        updates.clear();
        ServiceKey other = key(Protocol.UDP, VIP, 53);
        d.addService(ServiceConfig.builder(other).scheduler("rr").build());
        d.addRealServer(other, server("10.2.2.2", 53, ForwardingMethod.MASQUERADE));
        d.editService(ServiceConfig.builder(other).scheduler("wlc").build());
        assertThat(updates).isEmpty();
        d.editRealServer(http, weighted("10.1.1.2", 7));
        assertThat(updates).containsExactly(List.of("10.1.1.3", "10.1.1.2", "10.1.1.1"));
        d.removeRealServer(http, server("10.1.1.3", 80, ForwardingMethod.MASQUERADE));
        d.addRealServer(http, server("10.1.1.3", 80, ForwardingMethod.MASQUERADE));
        assertThat(updates).hasSize(3).last().isEqualTo(List.of("10.1.1.3", "10.1.1.2", "10.1.1.1"));
        assertThat(updates.get(1)).containsExactly("10.1.1.2", "10.1.1.1");
        assertThat(d.service(http).realServers()).extracting(s -> s.address().getHostAddress())
                .containsExactly("10.1.1.3", "10.1.1.2", "10.1.1.1");
    }

    /** wrr with A = .1 weight 4, B = .2 weight 3, C = .3 weight 2, added in that order by -a. */
    Director wrrAddedAsABC() {
        Director d = director();
        d.addService(ServiceConfig.builder(http).scheduler("wrr").build());
        d.addRealServer(http, weighted("10.1.1.1", 4));
        d.addRealServer(http, weighted("10.1.1.2", 3));
        d.addRealServer(http, weighted("10.1.1.3", 2));
        return d;
    }

    static RealServerConfig weighted(String address, int weight) {
        return server(address, 80, ForwardingMethod.MASQUERADE).toBuilder().weight(weight).build();
    }
}
