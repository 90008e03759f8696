package io.ippvs.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ippvs.api.Configuration;
import io.ippvs.api.DropReason;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.PacketRewriter;
import io.ippvs.api.RewriteContext;
import io.ippvs.api.Verdict;
import io.ippvs.core.director.Director;
import io.ippvs.core.testing.FakeClock;
import io.ippvs.core.testing.PacketBuilder;
import org.junit.jupiter.api.Test;

/** ipvsadm over a real director: commands configure it, listings show its live numbers. */
class IpvsadmDirectorTest {

    /** Direct routing leaves the packet as it is. */
    private static final PacketRewriter AS_IS = new PacketRewriter() {
        @Override
        public ForwardingMethod method() {
            return ForwardingMethod.DIRECT_ROUTE;
        }

        @Override
        public Verdict rewrite(RewriteContext context) {
            return Verdict.FORWARD;
        }
    };

    private final FakeClock clock = new FakeClock();
    private final Director director = Director.builder().nanoClock(clock).maxConnections(1024).rewriter(AS_IS).build();
    private final Ipvsadm ipvsadm = Ipvsadm.forDirector(director);

    @Test
    void configuresTheDirectorAndListsItsConnections() {
        ipvsadm.restore("lb.rules", "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 192.168.1.10:80 -g -w 2\n");
        assertThat(director.configuration().services()).hasSize(1);

        Verdict v = director.process(PacketBuilder.ipv4("172.16.0.5", "10.0.0.1").tcp(40000, 80).flags(PacketBuilder.SYN).buffer());
        assertThat(v.isForward()).isTrue();

        assertThat(ipvsadm.execute("-L -n")).isEqualTo("IP Virtual Server version 1.2.1 (size=4096)\n"
                + "Prot LocalAddress:Port Scheduler Flags\n"
                + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
                + "TCP  10.0.0.1:80 rr\n"
                + "  -> 192.168.1.10:80              Route   2      1          0         \n");
        // a SYN takes NONE to SYN_RECV, whose timeout is 60 s
        assertThat(ipvsadm.execute("-L -n -c")).isEqualTo("IPVS connection entries\n"
                + "pro expire state       source             virtual            destination\n"
                + "TCP 01:00  SYN_RECV    172.16.0.5:40000   10.0.0.1:80        192.168.1.10:80\n");
        clock.advanceSeconds(15);
        assertThat(ipvsadm.execute("-Lcn")).contains("TCP 00:45  SYN_RECV");
        // one 40-byte packet in: 20 bytes IPv4 + 20 bytes TCP
        assertThat(ipvsadm.execute("-L -n --stats --exact")).isEqualTo("IP Virtual Server version 1.2.1 (size=4096)\n"
                + "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
                + "  -> RemoteAddress:Port\n"
                + "TCP  10.0.0.1:80                         1        1        0       40        0\n"
                + "  -> 192.168.1.10:80                     1        1        0       40        0\n");
        assertThat(ipvsadm.metrics()).contains("node_ipvs_backend_connections_active{local_address=\"10.0.0.1\","
                + "local_mark=\"\",local_port=\"80\",proto=\"TCP\",remote_address=\"192.168.1.10\",remote_port=\"80\"} 1\n")
                .contains("node_ipvs_connections_total 1\n").contains("node_ipvs_incoming_bytes_total 40\n");

        ipvsadm.execute("-Z -t 10.0.0.1:80");
        assertThat(ipvsadm.execute("-L -n --stats")).isEqualTo("IP Virtual Server version 1.2.1 (size=4096)\n"
                + "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
                + "  -> RemoteAddress:Port\n"
                + "TCP  10.0.0.1:80                         0        0        0        0        0\n"
                + "  -> 192.168.1.10:80                     0        0        0        0        0\n");
        assertThat(director.totals().inBytes()).isEqualTo(40);
        ipvsadm.execute("-Z");
        assertThat(director.totals().inBytes()).isZero();
        assertThat(ipvsadm.save()).isEqualTo("-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 192.168.1.10:80 -g -w 2\n");
    }

    @Test
    void dropsAreExposed() {
        director.process(PacketBuilder.ipv4("172.16.0.5", "10.0.0.1").tcp(40000, 80).flags(PacketBuilder.SYN).totalLengthOverride(7).buffer());
        long malformed = director.drops(DropReason.MALFORMED) + director.drops(DropReason.TRUNCATED);
        assertThat(malformed).isPositive();
        assertThat(ipvsadm.metrics()).containsAnyOf("ippvs_dropped_packets_total{reason=\"malformed\"} 1\n",
                "ippvs_dropped_packets_total{reason=\"truncated\"} 1\n");
    }

    @Test
    void aFailedCommandLeavesTheDirectorAsItWas() {
        ipvsadm.execute("-A -t 10.0.0.1:80");
        Configuration before = director.configuration();
        assertThatThrownBy(() -> ipvsadm.execute("-A -t 10.0.0.1:80 -s nosuch")).hasMessage("scheduler: unknown scheduler 'nosuch'");
        assertThatThrownBy(() -> ipvsadm.execute("-R", "-C\n-A -t 10.0.0.2:80\n-a -t 10.0.0.3:80 -r 1.2.3.4\n"))
                .hasMessage("<stdin>:3: service: Service not defined (TCP 10.0.0.3:80)");
        assertThat(director.configuration()).isSameAs(before);
        assertThatThrownBy(() -> ipvsadm.execute("-Z -t 10.0.0.9:80")).hasMessage("service: No such service (TCP 10.0.0.9:80)");
    }

    @Test
    void everyIpvsSchedulerIsKnownToTheDirector() {
        for (String s : Ipvsadm.IPVS_SCHEDULERS) {
            ipvsadm.execute("-A -t 10.0.0.1:80 -s " + s);
            assertThat(director.configuration().services().get(0).config().scheduler()).isEqualTo(s);
            ipvsadm.execute("-D -t 10.0.0.1:80");
        }
    }
}
