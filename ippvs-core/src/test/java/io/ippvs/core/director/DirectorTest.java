package io.ippvs.core.director;

import static io.ippvs.core.testing.PacketBuilder.ACK;
import static io.ippvs.core.testing.PacketBuilder.FIN;
import static io.ippvs.core.testing.PacketBuilder.RST;
import static io.ippvs.core.testing.PacketBuilder.SYN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ippvs.api.Addresses;
import io.ippvs.api.Configuration;
import io.ippvs.api.DropReason;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.NextHop;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServer;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.Verdict;
import io.ippvs.api.VirtualService;
import io.ippvs.core.testing.FakeClock;
import io.ippvs.core.testing.PacketBuilder;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class DirectorTest {

    static final String VIP = "10.0.0.1";
    static final String CLIENT = "198.51.100.7";

    final FakeClock clock = new FakeClock();
    final RecordingRewriter nat = new RecordingRewriter(ForwardingMethod.MASQUERADE, true);
    final RecordingRewriter dr = new RecordingRewriter(ForwardingMethod.DIRECT_ROUTE, false);
    final ServiceKey http = key(Protocol.TCP, VIP, 80);

    Director.Builder builder() {
        return Director.builder().nanoClock(clock).rewriter(nat).rewriter(dr).maxConnections(1000).hashSeed(42);
    }

    static InetAddress ip(String a) {
        try {
            return InetAddress.getByName(a);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static ServiceKey key(Protocol p, String a, int port) {
        return ServiceKey.of(p, ip(a), port);
    }

    static RealServerConfig server(String a, int port, ForwardingMethod m) {
        return RealServerConfig.builder(ip(a), port).forwardingMethod(m).build();
    }

    static ByteBuffer tcp(String src, int sport, String dst, int dport, int flags) {
        return PacketBuilder.ipv4(src, dst).tcp(sport, dport).flags(flags).buffer();
    }

    static ByteBuffer udp(String src, int sport, String dst, int dport) {
        return PacketBuilder.ipv4(src, dst).udp(sport, dport).payload("hello").buffer();
    }

    Director natDirector(String scheduler, String... servers) {
        Director d = builder().build();
        d.addService(ServiceConfig.builder(http).scheduler(scheduler).build());
        for (String s : servers) {
            d.addRealServer(http, server(s, 8080, ForwardingMethod.MASQUERADE));
        }
        return d;
    }

    /** A director with one rr service and one masqueraded server, 192.168.1.10 on the service's port. */
    Director oneNatServer(ServiceKey key) {
        Director d = builder().build();
        d.addService(ServiceConfig.builder(key).scheduler("rr").build());
        d.addRealServer(key, server("192.168.1.10", key.port(), ForwardingMethod.MASQUERADE));
        return d;
    }

    static String state(Director d, int clientPort) {
        return d.connections().stream().filter(c -> !c.template() && c.clientPort() == clientPort)
                .map(ConnectionInfo::state).findFirst().orElse("absent");
    }

    @Test
    void synSchedulesRewritesAndCountsTheConnection() {
        Director d = natDirector("rr", "192.168.1.10");
        NextHop hop = new NextHop();
        ByteBuffer syn = tcp(CLIENT, 40000, VIP, 80, SYN);
        assertThat(d.process(syn, 0, hop)).isSameAs(Verdict.FORWARD);
        // the seam: the NAT rewriter got the connection and wrote the real server into the packet
        assertThat(nat.calls).isEqualTo(1);
        assertThat(nat.reply).isFalse();
        assertThat(nat.destination).isEqualTo("192.168.1.10");
        assertThat(nat.destinationPort).isEqualTo(8080);
        assertThat(nat.clientPort).isEqualTo(40000);
        assertThat(syn.getInt(16)).isEqualTo((192 << 24) | (168 << 16) | (1 << 8) | 10);
        assertThat(hop.isSet()).isTrue();
        assertThat(hop.method()).isEqualTo(ForwardingMethod.MASQUERADE);
        assertThat(Addresses.format(hop.addressFamily(), hop.addressHigh(), hop.addressLow())).isEqualTo("192.168.1.10");

        RealServer rs = d.service(http).realServers().get(0);
        assertThat(d.connectionCount()).isEqualTo(1);
        assertThat(rs.activeConnections()).isEqualTo(1); // SYN_RECV is active
        assertThat(rs.inactiveConnections()).isZero();
        assertThat(state(d, 40000)).isEqualTo("SYN_RECV");
        assertThat(rs.stats().connections()).isEqualTo(1);
        assertThat(rs.stats().inPackets()).isEqualTo(1);
        assertThat(rs.stats().inBytes()).isEqualTo(40);
        assertThat(d.service(http).stats().inPackets()).isEqualTo(1);
        assertThat(d.totals().connections()).isEqualTo(1);
        assertThat(d.forwarded()).isEqualTo(1);

        assertThat(d.process(tcp(CLIENT, 40000, VIP, 80, ACK))).isSameAs(Verdict.FORWARD);
        assertThat(state(d, 40000)).isEqualTo("ESTABLISHED");
        assertThat(rs.stats().connections()).isEqualTo(1);
        assertThat(rs.stats().inPackets()).isEqualTo(2);
    }

    @Test
    void trafficWithoutConnectionOrService() {
        Director d = natDirector("rr", "192.168.1.10");
        assertThat(d.process(tcp(CLIENT, 1, VIP, 80, ACK))).isEqualTo(Verdict.drop(DropReason.NO_CONNECTION));
        assertThat(d.process(tcp(CLIENT, 1, VIP, 80, SYN | RST))).isEqualTo(Verdict.drop(DropReason.NO_CONNECTION));
        assertThat(d.process(tcp(CLIENT, 1, VIP, 81, SYN))).isSameAs(Verdict.PASS);
        assertThat(d.process(tcp(CLIENT, 1, "10.0.0.2", 80, SYN))).isSameAs(Verdict.PASS);
        assertThat(d.process(PacketBuilder.ipv4(CLIENT, VIP).icmpEcho(1, 1).buffer())).isSameAs(Verdict.PASS);
        assertThat(d.drops(DropReason.NO_CONNECTION)).isEqualTo(2);
        assertThat(d.passed()).isEqualTo(3);
        assertThat(d.connectionCount()).isZero();

        Director strict = builder().dropNonServiceTraffic(true).build();
        assertThat(strict.process(tcp(CLIENT, 1, VIP, 80, SYN))).isEqualTo(Verdict.drop(DropReason.NO_SERVICE));
    }

    @Test
    void malformedTruncatedAndFragments() {
        Director d = natDirector("rr", "192.168.1.10");
        byte[] syn = PacketBuilder.ipv4(CLIENT, VIP).tcp(1, 80).flags(SYN).bytes();
        assertThat(d.process(ByteBuffer.wrap(syn, 0, 10))).isEqualTo(Verdict.drop(DropReason.TRUNCATED));
        byte[] bad = syn.clone();
        bad[0] = 0x35;
        assertThat(d.process(ByteBuffer.wrap(bad)).isDrop()).isTrue();
        ByteBuffer fragment = PacketBuilder.ipv4(CLIENT, VIP).fragment(1480, false).raw(6, new byte[40]).buffer();
        assertThat(d.process(fragment)).isEqualTo(Verdict.drop(DropReason.FRAGMENT));
        assertThat(d.drops(DropReason.FRAGMENT)).isEqualTo(1);
        assertThat(d.drops(DropReason.TRUNCATED) + d.drops(DropReason.MALFORMED)).isEqualTo(2);
    }

    @Test
    void natRepliesUseTheOutputRows() {
        Director d = natDirector("rr", "192.168.1.10");
        d.process(tcp(CLIENT, 40000, VIP, 80, SYN));
        // the server's SYN+ACK comes back from 192.168.1.10:8080 to the client
        assertThat(d.process(tcp("192.168.1.10", 8080, CLIENT, 40000, SYN | ACK))).isSameAs(Verdict.FORWARD);
        assertThat(nat.reply).isTrue();
        assertThat(nat.virtualPort).isEqualTo(80);
        RealServer rs = d.service(http).realServers().get(0);
        assertThat(rs.stats().outPackets()).isEqualTo(1);
        assertThat(d.totals().outPackets()).isEqualTo(1);
        d.process(tcp(CLIENT, 40000, VIP, 80, ACK));
        assertThat(state(d, 40000)).isEqualTo("ESTABLISHED");
        // with output seen, a client FIN takes the IN row: ES -> CLOSE_WAIT
        d.process(tcp(CLIENT, 40000, VIP, 80, FIN | ACK));
        assertThat(state(d, 40000)).isEqualTo("CLOSE_WAIT");
        assertThat(rs.activeConnections()).isZero();
        assertThat(rs.inactiveConnections()).isEqualTo(1);
    }

    @Test
    void directRouteStaysOnTheInputOnlyRows() {
        Director d = builder().build();
        d.addService(ServiceConfig.builder(http).scheduler("rr").build());
        d.addRealServer(http, server("192.168.1.20", 0, ForwardingMethod.DIRECT_ROUTE));
        NextHop hop = new NextHop();
        d.process(tcp(CLIENT, 40000, VIP, 80, SYN), 0, hop);
        assertThat(hop.method()).isEqualTo(ForwardingMethod.DIRECT_ROUTE);
        assertThat(dr.destinationPort).isEqualTo(80); // port 0 follows the virtual port
        d.process(tcp(CLIENT, 40000, VIP, 80, ACK));
        d.process(tcp(CLIENT, 40000, VIP, 80, FIN | ACK));
        assertThat(state(d, 40000)).isEqualTo("FIN_WAIT"); // INPUT_ONLY fin from ES
        // a reply of a DR connection is not ours
        assertThat(d.process(tcp("192.168.1.20", 80, CLIENT, 40000, ACK))).isSameAs(Verdict.PASS);
    }

    static long expiresIn(Director d, int clientPort) {
        return d.connections().stream().filter(c -> !c.template() && c.clientPort() == clientPort)
                .mapToLong(ConnectionInfo::expiresInMillis).findFirst().orElse(-1);
    }

    /**
     * __ip_vs_update_dest (ip_vs_ctl.c) sets IP_VS_CONN_F_NOOUTPUT only when the server is not
     * masqueraded, so set_tcp_state (ip_vs_proto_tcp.c) takes a NAT connection's INPUT rows from its
     * first packet: SYN, ACK, FIN from the client with no server packet yet is ES -> CLOSE_WAIT (60 s),
     * not the input-only ES -> FIN_WAIT (120 s).
     */
    @Test
    void natUsesTheInputRowsFromTheFirstPacket() {
        Director d = natDirector("rr", "192.168.1.10");
        d.process(tcp(CLIENT, 40000, VIP, 80, SYN));
        d.process(tcp(CLIENT, 40000, VIP, 80, ACK));
        assertThat(state(d, 40000)).isEqualTo("ESTABLISHED");
        d.process(tcp(CLIENT, 40000, VIP, 80, FIN | ACK));
        assertThat(state(d, 40000)).isEqualTo("CLOSE_WAIT");
        assertThat(expiresIn(d, 40000)).isEqualTo(60_000);
        RealServer rs = d.service(http).realServers().get(0);
        assertThat(rs.activeConnections()).isZero();
        assertThat(rs.inactiveConnections()).isEqualTo(1);
        clock.advanceSeconds(61);
        d.sweep();
        assertThat(state(d, 40000)).isEqualTo("absent");
    }

    /**
     * set_tcp_state: new_state starts as IP_VS_TCP_S_CLOSE and tcp_state_idx returns -1 for a segment
     * with none of RST/SYN/FIN/ACK, so an established connection closes (10 s) and moves from
     * ActiveConn to InActConn.
     */
    @Test
    void aSegmentWithoutRstSynFinOrAckCloses() {
        Director d = natDirector("rr", "192.168.1.10");
        d.process(tcp(CLIENT, 40000, VIP, 80, SYN));
        d.process(tcp(CLIENT, 40000, VIP, 80, ACK));
        RealServer rs = d.service(http).realServers().get(0);
        assertThat(rs.activeConnections()).isEqualTo(1);
        assertThat(d.process(tcp(CLIENT, 40000, VIP, 80, 0x08))).isSameAs(Verdict.FORWARD); // PSH only
        assertThat(state(d, 40000)).isEqualTo("CLOSE");
        assertThat(expiresIn(d, 40000)).isEqualTo(10_000);
        assertThat(rs.activeConnections()).isZero();
        assertThat(rs.inactiveConnections()).isEqualTo(1);
        clock.advanceSeconds(11);
        d.sweep();
        assertThat(d.connectionCount()).isZero();
        assertThat(rs.inactiveConnections()).isZero();
    }

    @Test
    void connectionsExpireAndCountsReturnToZero() {
        Director d = natDirector("rr", "192.168.1.10");
        d.process(tcp(CLIENT, 40000, VIP, 80, SYN));
        RealServer rs = d.service(http).realServers().get(0);
        clock.advanceSeconds(59);
        d.sweep();
        assertThat(d.connectionCount()).isEqualTo(1);
        clock.advanceSeconds(2);
        d.sweep();
        assertThat(d.connectionCount()).isZero();
        assertThat(rs.activeConnections()).isZero();
        assertThat(rs.inactiveConnections()).isZero();
        // and a late ACK finds nothing
        assertThat(d.process(tcp(CLIENT, 40000, VIP, 80, ACK))).isEqualTo(Verdict.drop(DropReason.NO_CONNECTION));
    }

    @Test
    void setTimeoutsApply() {
        ServiceKey dns = key(Protocol.UDP, VIP, 53);
        Director d = oneNatServer(dns);
        d.timeouts(0, 0, 10);
        assertThat(d.configuration().udpTimeout()).isEqualTo(10);
        d.process(udp(CLIENT, 5353, VIP, 53));
        assertThat(d.connections().get(0).expiresInMillis()).isEqualTo(10_000);
        assertThat(d.connections().get(0).state()).isEqualTo("UDP");
        RealServer rs = d.service(dns).realServers().get(0);
        assertThat(rs.inactiveConnections()).isEqualTo(1);
        assertThat(rs.activeConnections()).isZero();
        clock.advanceSeconds(11);
        d.sweep();
        assertThat(d.connectionCount()).isZero();
        assertThat(rs.inactiveConnections()).isZero();
    }

    @Test
    void onePacketSchedulingKeepsNoEntry() {
        Director d = builder().build();
        ServiceKey dns = key(Protocol.UDP, VIP, 53);
        d.addService(ServiceConfig.builder(dns).scheduler("rr").onePacket(true).build());
        d.addRealServer(dns, server("192.168.1.10", 53, ForwardingMethod.MASQUERADE));
        d.addRealServer(dns, server("192.168.1.11", 53, ForwardingMethod.MASQUERADE));
        d.process(udp(CLIENT, 5353, VIP, 53));
        assertThat(nat.destination).isEqualTo("192.168.1.10");
        d.process(udp(CLIENT, 5353, VIP, 53));
        assertThat(nat.destination).isEqualTo("192.168.1.11"); // scheduled afresh
        assertThat(d.connectionCount()).isZero();
        assertThat(d.service(dns).stats().connections()).isEqualTo(2);
        for (RealServer rs : d.service(dns).realServers()) {
            assertThat(rs.inactiveConnections()).isZero();
        }
    }

    @Test
    void unsupportedMethodDrops() {
        Director d = builder().build();
        d.addService(ServiceConfig.builder(http).scheduler("rr").build());
        d.addRealServer(http, server("192.168.1.30", 80, ForwardingMethod.TUNNEL));
        assertThat(d.process(tcp(CLIENT, 1, VIP, 80, SYN))).isEqualTo(Verdict.drop(DropReason.UNSUPPORTED));
        assertThat(d.drops(DropReason.UNSUPPORTED)).isEqualTo(1);
    }

    @Test
    void noRealServerAndQuiescedServers() {
        Director d = natDirector("rr");
        assertThat(d.process(tcp(CLIENT, 1, VIP, 80, SYN))).isEqualTo(Verdict.drop(DropReason.NO_REAL_SERVER));
        RealServerConfig a = server("192.168.1.10", 80, ForwardingMethod.MASQUERADE);
        d.addRealServer(http, a);
        d.process(tcp(CLIENT, 2, VIP, 80, SYN));
        RealServer before = d.service(http).realServers().get(0);
        RealServer after = d.editRealServer(http, a.toBuilder().weight(0).build());
        assertThat(after).isSameAs(before);
        assertThat(after.weight()).isZero();
        // quiesced: no new connections, but the existing one still flows
        assertThat(d.process(tcp(CLIENT, 3, VIP, 80, SYN))).isEqualTo(Verdict.drop(DropReason.NO_REAL_SERVER));
        assertThat(d.process(tcp(CLIENT, 2, VIP, 80, ACK))).isSameAs(Verdict.FORWARD);
        assertThat(after.activeConnections()).isEqualTo(1);
        assertThat(after.stats().connections()).isEqualTo(1);
    }

    @Test
    void thresholdsOverloadAServerUntilItDrains() {
        Director d = builder().build();
        d.addService(ServiceConfig.builder(http).scheduler("rr").build());
        RealServer a = d.addRealServer(http,
                RealServerConfig.builder(ip("192.168.1.10"), 80).forwardingMethod(ForwardingMethod.MASQUERADE)
                        .upperThreshold(2).lowerThreshold(1).build());
        RealServer b = d.addRealServer(http, server("192.168.1.11", 80, ForwardingMethod.MASQUERADE));
        for (int port = 1; port <= 4; port++) {
            d.process(tcp(CLIENT, port, VIP, 80, SYN)); // rr: a b a b
        }
        assertThat(a.activeConnections()).isEqualTo(2);
        assertThat(a.overloaded()).isTrue();
        d.process(tcp(CLIENT, 5, VIP, 80, SYN));
        d.process(tcp(CLIENT, 6, VIP, 80, SYN));
        assertThat(a.activeConnections()).isEqualTo(2);
        assertThat(b.activeConnections()).isEqualTo(4);
        // one of a's connections resets (after its ACK: input-only RST in SYN_RECV stays there): 1 left,
        // not below the lower threshold 1
        d.process(tcp(CLIENT, 1, VIP, 80, ACK));
        d.process(tcp(CLIENT, 1, VIP, 80, RST));
        d.sweep();
        clock.advanceSeconds(11);
        d.sweep();
        assertThat(a.activeConnections() + a.inactiveConnections()).isEqualTo(1);
        assertThat(a.overloaded()).isTrue();
        d.process(tcp(CLIENT, 3, VIP, 80, ACK));
        d.process(tcp(CLIENT, 3, VIP, 80, RST));
        clock.advanceSeconds(11);
        d.sweep();
        assertThat(a.overloaded()).isFalse();
        assertThat(a.available()).isTrue();
    }

    /**
     * ip_vs_sched_persist (ip_vs_core.c) keys the template on caddr & svc->netmask, any 32 bits ipvsadm
     * -M gave (parse_netmask takes non-contiguous masks): with 255.0.255.0 clients agreeing in the
     * first and third octets share a server.
     */
    @Test
    void aNonContiguousIpv4MaskKeysTheTemplateAsTheKernelDoes() {
        Director d = builder().build();
        d.addService(ServiceConfig.builder(http).scheduler("rr").persistent(300).persistenceMask(0xFF00FF00).build());
        d.addRealServer(http, server("192.168.1.10", 80, ForwardingMethod.MASQUERADE));
        d.addRealServer(http, server("192.168.1.11", 80, ForwardingMethod.MASQUERADE));
        d.process(tcp("198.51.100.7", 1000, VIP, 80, SYN));
        RealServer first = nat.realServer;
        d.process(tcp("198.9.100.200", 1001, VIP, 80, SYN)); // 198.0.100.0 as well
        assertThat(nat.realServer).isSameAs(first);
        d.process(tcp("198.51.101.7", 1002, VIP, 80, SYN)); // 198.0.101.0: a new template, the next server
        assertThat(nat.realServer).isNotSameAs(first);
        assertThat(d.connections().stream().filter(ConnectionInfo::template).map(ConnectionInfo::client))
                .containsExactlyInAnyOrder("198.0.100.0", "198.0.101.0");
    }

    @Test
    void persistenceKeepsAClientNetworkOnOneServer() {
        Director d = builder().build();
        d.addService(ServiceConfig.builder(http).scheduler("rr").persistent(300).persistenceNetmask(24).build());
        RealServer a = d.addRealServer(http, server("192.168.1.10", 80, ForwardingMethod.MASQUERADE));
        RealServer b = d.addRealServer(http, server("192.168.1.11", 80, ForwardingMethod.MASQUERADE));
        d.process(tcp("198.51.100.7", 1000, VIP, 80, SYN));
        assertThat(nat.realServer).isSameAs(a);
        d.process(tcp("198.51.100.99", 1001, VIP, 80, SYN)); // same /24
        assertThat(nat.realServer).isSameAs(a);
        d.process(tcp("203.0.113.5", 1002, VIP, 80, SYN)); // another network
        assertThat(nat.realServer).isSameAs(b);
        assertThat(a.persistentConnections()).isEqualTo(1);
        assertThat(b.persistentConnections()).isEqualTo(1);
        assertThat(d.connectionCount()).isEqualTo(5);
        ConnectionInfo t = d.connections().stream().filter(ConnectionInfo::template)
                .filter(c -> c.client().equals("198.51.100.0")).findFirst().orElseThrow();
        assertThat(t.clientPort()).isZero();
        assertThat(t.virtualPort()).isEqualTo(80);
        assertThat(t.expiresInMillis()).isEqualTo(300_000);
        assertThat(t.state()).isEqualTo("NONE");

        // the template outlives its timeout while its connections live
        clock.advanceSeconds(200);
        d.process(tcp("198.51.100.7", 1000, VIP, 80, ACK));
        clock.advanceSeconds(200);
        d.process(tcp("198.51.100.7", 1000, VIP, 80, ACK));
        d.sweep();
        assertThat(a.persistentConnections()).isEqualTo(1);
        d.process(tcp("198.51.100.8", 1003, VIP, 80, SYN));
        assertThat(nat.realServer).isSameAs(a);
        // everything idle long enough: the connections go; their templates were re-armed for one
        // more persistence timeout when they ran out under live connections, as IPVS re-arms them
        clock.advanceSeconds(2000);
        d.sweep();
        assertThat(a.activeConnections() + a.inactiveConnections()).isZero();
        assertThat(d.connections()).isNotEmpty().allMatch(ConnectionInfo::template);
        clock.advanceSeconds(301);
        d.sweep();
        assertThat(d.connectionCount()).isZero();
        assertThat(a.persistentConnections()).isZero();
        assertThat(a.activeConnections() + a.inactiveConnections()).isZero();
    }

    @Test
    void templatesOfRemovedOrQuiescedServersAreDropped() {
        Director d = builder().expireQuiescentTemplate(true).build();
        d.addService(ServiceConfig.builder(http).scheduler("rr").persistent().build());
        RealServerConfig ca = server("192.168.1.10", 80, ForwardingMethod.MASQUERADE);
        RealServer a = d.addRealServer(http, ca);
        RealServer b = d.addRealServer(http, server("192.168.1.11", 80, ForwardingMethod.MASQUERADE));
        d.process(tcp(CLIENT, 1000, VIP, 80, SYN));
        assertThat(nat.realServer).isSameAs(a);
        d.editRealServer(http, ca.toBuilder().weight(0).build());
        d.process(tcp(CLIENT, 1001, VIP, 80, SYN));
        assertThat(nat.realServer).isSameAs(b);
        d.removeRealServer(http, server("192.168.1.11", 80, ForwardingMethod.MASQUERADE));
        d.editRealServer(http, ca);
        d.process(tcp(CLIENT, 1002, VIP, 80, SYN));
        assertThat(nat.realServer).isSameAs(a);

        // without expire_quiescent_template a quiesced server keeps its clients
        Director keep = builder().build();
        keep.addService(ServiceConfig.builder(http).scheduler("rr").persistent().build());
        RealServer ka = keep.addRealServer(http, ca);
        keep.addRealServer(http, server("192.168.1.11", 80, ForwardingMethod.MASQUERADE));
        keep.process(tcp(CLIENT, 1000, VIP, 80, SYN));
        keep.editRealServer(http, ca.toBuilder().weight(0).build());
        keep.process(tcp(CLIENT, 1001, VIP, 80, SYN));
        assertThat(nat.realServer).isSameAs(ka);
    }

    @Test
    void firewallMarkServicesComeFirstAndTemplatesKeyOnTheMark() {
        Director d = builder().build();
        d.addService(ServiceConfig.builder(http).scheduler("rr").build());
        RealServer byAddress = d.addRealServer(http, server("192.168.1.10", 80, ForwardingMethod.MASQUERADE));
        ServiceKey mark = ServiceKey.fwmark(7, Addresses.IPV4);
        d.addService(ServiceConfig.builder(mark).scheduler("rr").persistent().build());
        RealServer byMark = d.addRealServer(mark, server("192.168.2.10", 0, ForwardingMethod.MASQUERADE));
        d.process(tcp(CLIENT, 1, VIP, 80, SYN), 7);
        assertThat(nat.realServer).isSameAs(byMark);
        d.process(tcp(CLIENT, 2, VIP, 80, SYN), 0);
        assertThat(nat.realServer).isSameAs(byAddress);
        d.process(tcp(CLIENT, 3, VIP, 443, SYN), 7);
        assertThat(nat.realServer).isSameAs(byMark);
        assertThat(nat.destinationPort).isEqualTo(443);
        ConnectionInfo t = d.connections().stream().filter(ConnectionInfo::template).findFirst().orElseThrow();
        assertThat(t.protocolLabel()).isEqualTo("IP");
        assertThat(t.virtualLow()).isEqualTo(7);
        assertThat(byMark.persistentConnections()).isEqualTo(1);
    }

    @Test
    void connReuseModeReschedulesASynOnAFinishedConnection() {
        Director d = builder().build();
        d.addService(ServiceConfig.builder(http).scheduler("rr").build());
        d.addRealServer(http, server("192.168.1.20", 80, ForwardingMethod.DIRECT_ROUTE));
        d.addRealServer(http, server("192.168.1.21", 80, ForwardingMethod.DIRECT_ROUTE));
        d.process(tcp(CLIENT, 5000, VIP, 80, SYN));
        assertThat(dr.destination).isEqualTo("192.168.1.20");
        d.process(tcp(CLIENT, 5000, VIP, 80, FIN)); // INPUT_ONLY fin from SYN_RECV -> TIME_WAIT
        assertThat(state(d, 5000)).isEqualTo("TIME_WAIT");
        d.process(tcp(CLIENT, 5000, VIP, 80, SYN));
        assertThat(dr.destination).isEqualTo("192.168.1.21");
        assertThat(state(d, 5000)).isEqualTo("SYN_RECV");
        assertThat(d.connectionCount()).isEqualTo(1);
        RealServer first = d.service(http).realServers().get(0);
        assertThat(first.activeConnections() + first.inactiveConnections()).isZero();

        Director off = builder().connReuseMode(0).build();
        off.addService(ServiceConfig.builder(http).scheduler("rr").build());
        off.addRealServer(http, server("192.168.1.20", 80, ForwardingMethod.DIRECT_ROUTE));
        off.addRealServer(http, server("192.168.1.21", 80, ForwardingMethod.DIRECT_ROUTE));
        off.process(tcp(CLIENT, 5000, VIP, 80, SYN));
        off.process(tcp(CLIENT, 5000, VIP, 80, FIN));
        off.process(tcp(CLIENT, 5000, VIP, 80, SYN));
        assertThat(dr.destination).isEqualTo("192.168.1.20");
        assertThat(state(off, 5000)).isEqualTo("SYN_RECV");
    }

    @Test
    void removedServersDrainOrExpireWithExpireNodestConn() {
        for (boolean expire : new boolean[] {false, true}) {
            Director d = builder().expireNodestConn(expire).build();
            d.addService(ServiceConfig.builder(http).scheduler("rr").build());
            RealServerConfig a = server("192.168.1.10", 80, ForwardingMethod.MASQUERADE);
            RealServer rs = d.addRealServer(http, a);
            d.process(tcp(CLIENT, 1, VIP, 80, SYN));
            d.removeRealServer(http, a);
            assertThat(rs.available()).isFalse();
            assertThat(d.process(tcp(CLIENT, 1, VIP, 80, ACK))).isEqualTo(Verdict.drop(DropReason.NO_REAL_SERVER));
            assertThat(d.connectionCount()).isEqualTo(expire ? 0 : 1);
            assertThat(rs.activeConnections()).isEqualTo(expire ? 0 : 1);
        }
    }

    @Test
    void secureTcpUsesTheStricterTable() {
        Director d = builder().secureTcp(Defence.ALWAYS).build();
        d.addService(ServiceConfig.builder(http).scheduler("rr").build());
        d.addRealServer(http, server("192.168.1.20", 80, ForwardingMethod.DIRECT_ROUTE));
        assertThat(d.secureTcpActive()).isTrue();
        d.process(tcp(CLIENT, 1, VIP, 80, SYN));
        assertThat(state(d, 1)).isEqualTo("SYNACK"); // INON syn from NONE goes SA under secure_tcp

        Director auto = builder().secureTcp(Defence.AUTO).defenceThreshold(0.002).build(); // > 2 of 1000
        auto.addService(ServiceConfig.builder(http).scheduler("rr").build());
        auto.addRealServer(http, server("192.168.1.20", 80, ForwardingMethod.DIRECT_ROUTE));
        auto.process(tcp(CLIENT, 1, VIP, 80, SYN));
        auto.sweep();
        assertThat(auto.secureTcpActive()).isFalse();
        assertThat(state(auto, 1)).isEqualTo("SYN_RECV");
        auto.process(tcp(CLIENT, 2, VIP, 80, SYN));
        auto.process(tcp(CLIENT, 3, VIP, 80, SYN));
        auto.sweep();
        assertThat(auto.secureTcpActive()).isTrue();
        auto.process(tcp(CLIENT, 4, VIP, 80, SYN));
        assertThat(state(auto, 4)).isEqualTo("SYNACK");
    }

    @Test
    void dropEntryRemovesHalfOpenAndIdleEntries() {
        Director d = builder().dropEntry(Defence.ALWAYS).build();
        d.addService(ServiceConfig.builder(http).scheduler("rr").build());
        RealServer rs = d.addRealServer(http, server("192.168.1.20", 80, ForwardingMethod.DIRECT_ROUTE));
        for (int port = 1; port <= 40; port++) {
            d.process(tcp(CLIENT, port, VIP, 80, SYN)); // half-open: SYN_RECV
        }
        for (int port = 100; port < 110; port++) {
            d.process(tcp(CLIENT, port, VIP, 80, SYN));
            for (int i = 0; i < 20; i++) {
                d.process(tcp(CLIENT, port, VIP, 80, ACK)); // busy: ESTABLISHED with many packets
            }
        }
        assertThat(d.connectionCount()).isEqualTo(50);
        for (int i = 0; i < 3000 && d.connectionCount() > 10; i++) {
            d.sweep();
        }
        assertThat(d.connectionCount()).isEqualTo(10);
        assertThat(rs.activeConnections()).isEqualTo(10);
        assertThat(d.connections()).allMatch(c -> c.state().equals("ESTABLISHED"));
    }

    @Test
    void boundedTableDropsNewFlowsButKeepsEstablishedOnes() {
        Director d = builder().maxConnections(2).build();
        d.addService(ServiceConfig.builder(http).scheduler("rr").build());
        RealServer rs = d.addRealServer(http, server("192.168.1.20", 80, ForwardingMethod.DIRECT_ROUTE));
        d.process(tcp(CLIENT, 1, VIP, 80, SYN));
        d.process(tcp(CLIENT, 2, VIP, 80, SYN));
        assertThat(d.process(tcp(CLIENT, 3, VIP, 80, SYN))).isEqualTo(Verdict.drop(DropReason.TABLE_FULL));
        assertThat(d.drops(DropReason.TABLE_FULL)).isEqualTo(1);
        assertThat(d.process(tcp(CLIENT, 1, VIP, 80, ACK))).isSameAs(Verdict.FORWARD);
        assertThat(rs.activeConnections()).isEqualTo(2);
        assertThat(rs.stats().connections()).isEqualTo(2); // the refused one is not a connection
    }

    @Test
    void icmpErrorsQuotingAConnectionGoToItsRewriter() {
        Director d = natDirector("rr", "192.168.1.10");
        d.process(tcp(CLIENT, 40000, VIP, 80, SYN));
        // a router on the client's path reports our (NAT'ed) reply VIP:80 -> client:40000
        byte[] quoted = PacketBuilder.ipv4(VIP, CLIENT).tcp(80, 40000).flags(SYN | ACK).bytes();
        ByteBuffer err = PacketBuilder.ipv4("203.0.113.1", VIP)
                .icmpError(PacketBuilder.ICMP_DEST_UNREACHABLE, PacketBuilder.ICMP_FRAG_NEEDED, 1400, quoted).buffer();
        assertThat(d.process(err)).isSameAs(Verdict.FORWARD);
        assertThat(nat.icmpError).isTrue();
        assertThat(nat.reply).isFalse();
        assertThat(nat.innerL3Offset).isEqualTo(28);
        // the real server reports the client's packet as it reached it: client -> 192.168.1.10:8080
        byte[] quoted2 = PacketBuilder.ipv4(CLIENT, "192.168.1.10").tcp(40000, 8080).flags(ACK).bytes();
        ByteBuffer err2 = PacketBuilder.ipv4("192.168.1.10", CLIENT)
                .icmpError(PacketBuilder.ICMP_DEST_UNREACHABLE, 3, 0, quoted2).buffer();
        assertThat(d.process(err2)).isSameAs(Verdict.FORWARD);
        assertThat(nat.icmpError).isTrue();
        assertThat(nat.reply).isTrue();
        // an error about nothing we know
        byte[] quoted3 = PacketBuilder.ipv4(VIP, CLIENT).tcp(80, 40001).flags(ACK).bytes();
        ByteBuffer err3 = PacketBuilder.ipv4("203.0.113.1", VIP)
                .icmpError(PacketBuilder.ICMP_TIME_EXCEEDED, 0, 0, quoted3).buffer();
        assertThat(d.process(err3)).isEqualTo(Verdict.drop(DropReason.UNMATCHED_ICMP));
        assertThat(nat.calls).isEqualTo(3);
    }

    @Test
    void ipv6FlowsAndRewriterVerdictsAreCounted() {
        Director d = builder().build();
        ServiceKey v6 = key(Protocol.TCP, "2001:db8::1", 443);
        d.addService(ServiceConfig.builder(v6).scheduler("wlc").build());
        RealServer rs = d.addRealServer(v6, server("2001:db8:1::10", 443, ForwardingMethod.DIRECT_ROUTE));
        ByteBuffer syn = PacketBuilder.ipv6("2001:db8:ffff::7", "2001:db8::1").tcp(1234, 443).flags(SYN).buffer();
        assertThat(d.process(syn)).isSameAs(Verdict.FORWARD);
        assertThat(dr.destination).isEqualTo("2001:db8:1::10");
        assertThat(rs.activeConnections()).isEqualTo(1);
        assertThat(d.connections().get(0).client()).isEqualTo("2001:db8:ffff::7");
        dr.verdict = Verdict.REPLY;
        d.process(PacketBuilder.ipv6("2001:db8:ffff::7", "2001:db8::1").tcp(1234, 443).flags(ACK).buffer());
        dr.verdict = Verdict.drop(DropReason.TOO_BIG);
        d.process(PacketBuilder.ipv6("2001:db8:ffff::7", "2001:db8::1").tcp(1234, 443).flags(ACK).buffer());
        assertThat(d.forwarded()).isEqualTo(1);
        assertThat(d.replied()).isEqualTo(1);
        assertThat(d.drops(DropReason.TOO_BIG)).isEqualTo(1);
    }

    @Test
    void attachmentsAndExpectedConnections() {
        Director d = natDirector("rr", "192.168.1.10");
        d.process(tcp(CLIENT, 40000, VIP, 80, SYN));
        assertThat(nat.attachment).isNull();
        nat.expect = new int[] {0, 20000, 20000};
        d.process(tcp(CLIENT, 40000, VIP, 80, ACK));
        assertThat(nat.attachment).isEqualTo("seen");
        assertThat(nat.expectResult).isTrue();
        assertThat(d.connectionCount()).isEqualTo(2);
        // the client's data connection finds the expected entry (any client port) without scheduling
        d.process(tcp(CLIENT, 40999, VIP, 20000, SYN));
        assertThat(nat.destinationPort).isEqualTo(20000);
        assertThat(nat.clientPort).isEqualTo(40999);
        assertThat(d.connectionCount()).isEqualTo(2);
        assertThat(d.service(http).stats().connections()).isEqualTo(1);
    }

    @Test
    void configurationIsReplacedAtomicallyKeepingSurvivorsState() {
        Director d = natDirector("rr", "192.168.1.10", "192.168.1.11");
        d.process(tcp(CLIENT, 1, VIP, 80, SYN));
        VirtualService svc = d.service(http);
        RealServer a = svc.realServers().get(0);
        ServiceKey other = key(Protocol.UDP, VIP, 53);
        Configuration next = d.configuration()
                .withEditedService(ServiceConfig.builder(http).scheduler("wlc").build())
                .withoutRealServer(http, server("192.168.1.11", 8080, ForwardingMethod.MASQUERADE))
                .withService(ServiceConfig.builder(other).build());
        d.configure(next);
        assertThat(d.configuration()).isEqualTo(next);
        assertThat(d.service(http)).isSameAs(svc);
        assertThat(svc.config().scheduler()).isEqualTo("wlc");
        assertThat(svc.realServers()).containsExactly(a);
        assertThat(a.activeConnections()).isEqualTo(1);
        assertThat(a.stats().connections()).isEqualTo(1);
        assertThat(d.services()).hasSize(2);
        // an unknown scheduler changes nothing
        assertThatThrownBy(() -> d.configure(next.withEditedService(ServiceConfig.builder(http).scheduler("nope").build())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("scheduler: ");
        assertThat(d.configuration()).isEqualTo(next);
        d.removeService(other);
        d.clear();
        assertThat(d.services()).isEmpty();
        assertThat(d.process(tcp(CLIENT, 1, VIP, 80, ACK))).isEqualTo(Verdict.drop(DropReason.NO_REAL_SERVER));
        assertThat(List.of(d.forwarded(), d.drops(DropReason.NO_REAL_SERVER))).containsExactly(1L, 1L);
    }

    @Test
    void ratesComeFromTheEstimatorOnSweeps() {
        Director d = natDirector("rr", "192.168.1.10");
        for (int period = 0; period < 60; period++) {
            for (int i = 0; i < 10; i++) {
                d.process(tcp(CLIENT, 1000 + period * 10 + i, VIP, 80, SYN));
            }
            clock.advanceSeconds(2);
            d.sweep();
        }
        assertThat(d.totals().connectionsPerSecond()).isEqualTo(5);
        assertThat(d.service(http).stats().inPacketsPerSecond()).isEqualTo(5);
        assertThat(d.totals().inBytesPerSecond()).isEqualTo(200);
        d.zeroCounters();
        assertThat(d.totals().connections()).isZero();
        assertThat(d.totals().connectionsPerSecond()).isZero();
    }

    @Test
    void zeroingOneServiceLeavesTheOthersAndTheTotals() {
        Director d = natDirector("rr", "192.168.1.10");
        ServiceKey dns = key(Protocol.UDP, VIP, 53);
        d.addService(ServiceConfig.builder(dns).scheduler("rr").build());
        RealServer dnsServer = d.addRealServer(dns, server("192.168.1.20", 53, ForwardingMethod.MASQUERADE));
        d.process(tcp(CLIENT, 1000, VIP, 80, SYN));
        d.process(tcp(CLIENT, 1001, VIP, 80, SYN));
        d.process(udp(CLIENT, 2000, VIP, 53));
        d.zeroCounters(http);
        assertThat(d.service(http).stats().connections()).isZero();
        assertThat(d.service(http).stats().inPackets()).isZero();
        assertThat(d.service(http).realServers().get(0).stats().inPackets()).isZero();
        assertThat(d.service(dns).stats().inPackets()).isEqualTo(1);
        assertThat(dnsServer.stats().connections()).isEqualTo(1);
        assertThat(d.totals().inPackets()).isEqualTo(3);
        assertThatThrownBy(() -> d.zeroCounters(key(Protocol.TCP, VIP, 81)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("service: ");
    }

    /**
     * set_sctp_state (ip_vs_proto_sctp.c) returns before the state and the timeout when the packet
     * has no chunk header (skb_header_pointer gives NULL): the INIT1 timer (4 s) keeps running.
     */
    @Test
    void anSctpPacketWithoutAChunkLeavesStateAndTimerAlone() {
        Director d = oneNatServer(key(Protocol.SCTP, VIP, 3868));
        d.process(PacketBuilder.ipv4(CLIENT, VIP).sctp(5000, 3868, 0).chunk(PacketBuilder.SCTP_INIT, 0,
                PacketBuilder.initChunkValue(7, 65535, 1, 1, 100)).buffer());
        assertThat(state(d, 5000)).isEqualTo("INIT1");
        clock.advanceSeconds(3);
        assertThat(d.process(PacketBuilder.ipv4(CLIENT, VIP).sctp(5000, 3868, 7).buffer())).isSameAs(Verdict.FORWARD);
        assertThat(state(d, 5000)).isEqualTo("INIT1");
        assertThat(expiresIn(d, 5000)).isEqualTo(1_000);
        clock.advanceSeconds(2);
        d.sweep();
        assertThat(state(d, 5000)).isEqualTo("absent");
    }

    @Test
    void sctpAssociationsStartOnInitAndWalkTheirStates() {
        ServiceKey sctp = key(Protocol.SCTP, VIP, 3868);
        Director d = oneNatServer(sctp);
        RealServer rs = d.service(sctp).realServers().get(0);
        ByteBuffer data = PacketBuilder.ipv4(CLIENT, VIP).sctp(5000, 3868, 1).chunk(PacketBuilder.SCTP_DATA, 0,
                new byte[12]).buffer();
        assertThat(d.process(data)).isEqualTo(Verdict.drop(DropReason.NO_CONNECTION));
        ByteBuffer init = PacketBuilder.ipv4(CLIENT, VIP).sctp(5000, 3868, 0).chunk(PacketBuilder.SCTP_INIT, 0,
                PacketBuilder.initChunkValue(7, 65535, 1, 1, 100)).buffer();
        assertThat(d.process(init)).isSameAs(Verdict.FORWARD);
        assertThat(state(d, 5000)).isEqualTo("INIT1");
        assertThat(rs.inactiveConnections()).isEqualTo(1);
        ByteBuffer initAck = PacketBuilder.ipv4("192.168.1.10", CLIENT).sctp(3868, 5000, 7).chunk(
                PacketBuilder.SCTP_INIT_ACK, 0, PacketBuilder.initChunkValue(9, 65535, 1, 1, 200)).buffer();
        assertThat(d.process(initAck)).isSameAs(Verdict.FORWARD);
        assertThat(nat.reply).isTrue();
        // sctp_states (ip_vs_proto_sctp.c): OUTPUT i_a from INIT1 is C-SENT, INPUT c_e from C-SENT C-REPLIED
        assertThat(state(d, 5000)).isEqualTo("C-SENT");
        d.process(PacketBuilder.ipv4(CLIENT, VIP).sctp(5000, 3868, 9).chunk(PacketBuilder.SCTP_COOKIE_ECHO, 0,
                new byte[8]).buffer());
        assertThat(state(d, 5000)).isEqualTo("C-REPLIED");
        d.process(PacketBuilder.ipv4("192.168.1.10", CLIENT).sctp(3868, 5000, 7).chunk(11, 0).buffer());
        assertThat(state(d, 5000)).isEqualTo("ESTABLISHED");
        assertThat(rs.activeConnections()).isEqualTo(1);
        assertThat(rs.inactiveConnections()).isZero();
    }

    @Test
    void ipv6PersistenceMasksThePrefix() {
        Director d = builder().build();
        ServiceKey v6 = key(Protocol.TCP, "2001:db8::1", 443);
        d.addService(ServiceConfig.builder(v6).scheduler("rr").persistent().persistenceNetmask(64).build());
        RealServer a = d.addRealServer(v6, server("2001:db8:1::10", 443, ForwardingMethod.DIRECT_ROUTE));
        RealServer b = d.addRealServer(v6, server("2001:db8:1::11", 443, ForwardingMethod.DIRECT_ROUTE));
        d.process(PacketBuilder.ipv6("2001:db8:aaaa:1::7", "2001:db8::1").tcp(1, 443).flags(SYN).buffer());
        assertThat(dr.realServer).isSameAs(a);
        d.process(PacketBuilder.ipv6("2001:db8:aaaa:1:ffff::9", "2001:db8::1").tcp(2, 443).flags(SYN).buffer());
        assertThat(dr.realServer).isSameAs(a);
        d.process(PacketBuilder.ipv6("2001:db8:aaaa:2::7", "2001:db8::1").tcp(3, 443).flags(SYN).buffer());
        assertThat(dr.realServer).isSameAs(b);
        assertThat(d.connections().stream().filter(ConnectionInfo::template).map(ConnectionInfo::client))
                .containsExactlyInAnyOrder("2001:db8:aaaa:1::", "2001:db8:aaaa:2::");
    }

    @Test
    void workersAndTheThreadLocalPathAgree() {
        Director d = natDirector("rr", "192.168.1.10");
        Worker w = d.newWorker();
        assertThat(w.process(tcp(CLIENT, 1, VIP, 80, SYN))).isSameAs(Verdict.FORWARD);
        NextHop hop = new NextHop();
        assertThat(w.process(tcp(CLIENT, 1, VIP, 80, ACK), 0, hop)).isSameAs(Verdict.FORWARD);
        assertThat(hop.isSet()).isTrue();
        assertThat(w.process(tcp(CLIENT, 1, VIP, 81, ACK), 0, hop)).isSameAs(Verdict.PASS);
        assertThat(hop.isSet()).isFalse();
        assertThat(d.process(tcp(CLIENT, 1, VIP, 80, ACK))).isSameAs(Verdict.FORWARD);
        assertThat(d.forwarded()).isEqualTo(3);
        assertThat(d.passed()).isEqualTo(1);
        assertThat(d.totals().inPackets()).isEqualTo(3);
    }
}
