package io.ippvs.core.director;

import static io.ippvs.core.director.DirectorTest.CLIENT;
import static io.ippvs.core.director.DirectorTest.VIP;
import static io.ippvs.core.director.DirectorTest.key;
import static io.ippvs.core.director.DirectorTest.server;
import static io.ippvs.core.director.DirectorTest.tcp;
import static io.ippvs.testkit.PacketBuilder.ACK;
import static io.ippvs.testkit.PacketBuilder.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServer;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.core.testing.FakeClock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Persistence templates as ip_vs_conn.c and ip_vs_core.c keep them. */
class PersistenceTemplateTest {

    final FakeClock clock = new FakeClock();
    final RecordingRewriter nat = new RecordingRewriter(ForwardingMethod.MASQUERADE, true);

    Director.Builder builder() {
        return Director.builder().nanoClock(clock).rewriter(nat).maxConnections(1000).hashSeed(42);
    }

    static List<ConnectionInfo> templates(Director d) {
        return d.connections().stream().filter(ConnectionInfo::template).toList();
    }

    /**
     * ip_vs_conn_expire: a template whose timer runs out while it still controls connections
     * (n_control) goes to expire_later, which sets cp->timeout = 60*HZ and re-arms the timer: 60 s,
     * not the service's persistence timeout.
     */
    @Test
    void aTemplateThatStillControlsConnectionsIsReArmedForSixtySeconds() {
        Director d = builder().build();
        ServiceKey http = key(Protocol.TCP, VIP, 80);
        d.addService(ServiceConfig.builder(http).scheduler("rr").persistent(300).build());
        d.addRealServer(http, server("192.168.1.10", 80, ForwardingMethod.MASQUERADE));
        d.process(tcp(CLIENT, 1000, VIP, 80, SYN));
        d.process(tcp(CLIENT, 1000, VIP, 80, ACK)); // ESTABLISHED: 900 s
        assertThat(templates(d)).singleElement().extracting(ConnectionInfo::expiresInMillis).isEqualTo(300_000L);
        clock.advanceSeconds(300);
        d.sweep();
        assertThat(templates(d)).singleElement().extracting(ConnectionInfo::expiresInMillis).isEqualTo(60_000L);
        clock.advanceSeconds(60);
        d.sweep();
        assertThat(templates(d)).singleElement().extracting(ConnectionInfo::expiresInMillis).isEqualTo(60_000L);
    }

    /**
     * ip_vs_check_template: when the template's server is no longer available (removed, or quiesced
     * with expire_quiescent_template) the template is unhashed, given dport = vport = 0xffff and
     * cport 0, and hashed again; its refcnt is dropped without restarting its timer. It stays in the
     * table, bound to its server (persistconns), until it expires; the client gets a new template.
     */
    @Test
    void anInvalidatedTemplateStaysListedAndCountedWithPorts0xffffUntilItExpires() {
        Director d = builder().expireQuiescentTemplate(true).build();
        ServiceKey http = key(Protocol.TCP, VIP, 80);
        d.addService(ServiceConfig.builder(http).scheduler("rr").persistent(300).build());
        RealServer b = d.addRealServer(http, server("192.168.1.11", 8080, ForwardingMethod.MASQUERADE));
        RealServerConfig ca = server("192.168.1.10", 8080, ForwardingMethod.MASQUERADE);
        RealServer a = d.addRealServer(http, ca); // the head: rr's first choice
        d.process(tcp(CLIENT, 1000, VIP, 80, SYN));
        assertThat(nat.realServer).isSameAs(a);
        clock.advanceSeconds(100);
        d.sweep(); // a's SYN_RECV connection (60 s) goes: the template controls nothing now
        d.editRealServer(http, ca.toBuilder().weight(0).build());
        d.process(tcp(CLIENT, 1001, VIP, 80, SYN));
        assertThat(nat.realServer).isSameAs(b);

        List<ConnectionInfo> ts = templates(d);
        assertThat(ts).hasSize(2);
        ConnectionInfo old = ts.stream().filter(t -> t.realServer() == a).findFirst().orElseThrow();
        assertThat(old.virtualPort()).isEqualTo(0xFFFF);
        assertThat(old.destinationPort()).isEqualTo(0xFFFF);
        assertThat(old.clientPort()).isZero();
        assertThat(old.expiresInMillis()).isEqualTo(200_000L); // its timer was not restarted
        ConnectionInfo fresh = ts.stream().filter(t -> t.realServer() == b).findFirst().orElseThrow();
        assertThat(fresh.virtualPort()).isEqualTo(80);
        assertThat(a.persistentConnections()).isEqualTo(1);
        assertThat(b.persistentConnections()).isEqualTo(1);

        // the client stays with b; the invalidated template is not found again
        d.process(tcp(CLIENT, 1002, VIP, 80, SYN));
        assertThat(nat.realServer).isSameAs(b);
        assertThat(templates(d)).hasSize(2);

        // the old template goes at its own expiry
        clock.advanceSeconds(200);
        d.sweep();
        assertThat(templates(d)).extracting(ConnectionInfo::realServer).containsExactly(b);
        assertThat(a.persistentConnections()).isZero();
    }

    /**
     * ip_vs_sched_persist: vport is the packet's port only when it equals the service port and the
     * service is not FTP; the template is made with ip_vs_conn_new(..., (vport) ? dest->port : 0, ...).
     */
    @Test
    void theTemplatesDestinationPortIsZeroForFtpAndPortZeroServices() {
        Director d = builder().build();
        ServiceKey http = key(Protocol.TCP, VIP, 80);
        ServiceKey ftp = key(Protocol.TCP, VIP, 21);
        ServiceKey any = key(Protocol.TCP, "10.0.0.2", 0);
        for (ServiceKey k : List.of(http, ftp, any)) {
            d.addService(ServiceConfig.builder(k).scheduler("rr").persistent(300).build());
        }
        d.addRealServer(http, server("192.168.1.10", 8080, ForwardingMethod.MASQUERADE));
        d.addRealServer(ftp, server("192.168.1.10", 21, ForwardingMethod.MASQUERADE));
        d.addRealServer(any, server("192.168.1.10", 0, ForwardingMethod.MASQUERADE));
        d.process(tcp(CLIENT, 1000, VIP, 80, SYN));
        d.process(tcp(CLIENT, 1001, VIP, 21, SYN));
        d.process(tcp(CLIENT, 1002, "10.0.0.2", 443, SYN));
        assertThat(templates(d)).extracting(t -> t.virtual() + ":" + t.virtualPort() + " -> " + t.destinationPort())
                .containsExactlyInAnyOrder("10.0.0.1:80 -> 8080", "10.0.0.1:0 -> 0", "10.0.0.2:0 -> 0");
    }
}
