package io.ippvs.core.director;

import static io.ippvs.core.director.DirectorTest.VIP;
import static io.ippvs.core.director.DirectorTest.key;
import static io.ippvs.core.director.DirectorTest.server;
import static io.ippvs.core.director.DirectorTest.tcp;
import static io.ippvs.testkit.PacketBuilder.ACK;
import static io.ippvs.testkit.PacketBuilder.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.DropReason;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.NextHop;
import io.ippvs.api.Protocol;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.Verdict;
import io.ippvs.core.testing.FakeClock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One director mixing all three forwarding methods (ipvsadm allows -m, -i and -g servers in one
 * service): each connection reaches the rewriter of its own server's method, every packet of it,
 * and nothing reaches the others ({@code Forwarding} keeps one call site per method).
 */
class ForwardingTest {

    final RecordingRewriter nat = new RecordingRewriter(ForwardingMethod.MASQUERADE, false);
    final RecordingRewriter tunnel = new RecordingRewriter(ForwardingMethod.TUNNEL, false);
    final RecordingRewriter dr = new RecordingRewriter(ForwardingMethod.DIRECT_ROUTE, false);
    final Map<ForwardingMethod, String> serverOf = Map.of(ForwardingMethod.MASQUERADE, "192.168.1.10",
            ForwardingMethod.TUNNEL, "192.168.1.20", ForwardingMethod.DIRECT_ROUTE, "192.168.1.30");
    final ServiceKey http = key(Protocol.TCP, VIP, 80);

    Director mixed() {
        Director d = Director.builder().nanoClock(new FakeClock()).rewriter(nat).rewriter(tunnel).rewriter(dr)
                .hashSeed(7).build();
        d.addService(ServiceConfig.builder(http).scheduler("rr").build());
        serverOf.forEach((m, a) -> d.addRealServer(http, server(a, 80, m)));
        return d;
    }

    RecordingRewriter rewriterOf(ForwardingMethod m) {
        return m == ForwardingMethod.MASQUERADE ? nat : m == ForwardingMethod.TUNNEL ? tunnel : dr;
    }

    @Test
    void eachConnectionGoesToItsServersMethodOnly() {
        Director d = mixed();
        NextHop hop = new NextHop();
        for (int port = 40000; port < 40003; port++) {
            int[] before = {nat.calls, tunnel.calls, dr.calls};
            assertThat(d.process(tcp("198.51.100.7", port, VIP, 80, SYN), 0, hop)).isSameAs(Verdict.FORWARD);
            ForwardingMethod m = hop.method();
            RecordingRewriter r = rewriterOf(m);
            assertThat(r.destination).isEqualTo(serverOf.get(m));
            assertThat(r.clientPort).isEqualTo(port);
            assertThat(nat.calls + tunnel.calls + dr.calls).isEqualTo(before[0] + before[1] + before[2] + 1);
            int calls = r.calls;
            // the connection's next packet: the same rewriter again, no other
            assertThat(d.process(tcp("198.51.100.7", port, VIP, 80, ACK), 0, hop)).isSameAs(Verdict.FORWARD);
            assertThat(hop.method()).isEqualTo(m);
            assertThat(r.calls).isEqualTo(calls + 1);
            assertThat(nat.calls + tunnel.calls + dr.calls).isEqualTo(before[0] + before[1] + before[2] + 2);
        }
        // rr gave one connection to each server, so each rewriter saw exactly its two packets
        assertThat(nat.calls).isEqualTo(2);
        assertThat(tunnel.calls).isEqualTo(2);
        assertThat(dr.calls).isEqualTo(2);
        assertThat(d.forwarded()).isEqualTo(6);
    }

    @Test
    void aRewriterThatAnswersNothingDropsAsUnsupportedAndClearsTheHop() {
        Director d = mixed();
        nat.verdict = null;
        tunnel.verdict = null;
        dr.verdict = null;
        NextHop hop = new NextHop();
        Verdict v = d.process(tcp("198.51.100.7", 40000, VIP, 80, SYN), 0, hop);
        assertThat(v.isDrop()).isTrue();
        assertThat(v.dropReason()).isEqualTo(DropReason.UNSUPPORTED);
        assertThat(hop.isSet()).isFalse();
        assertThat(d.drops(DropReason.UNSUPPORTED)).isEqualTo(1);
        assertThat(d.forwarded()).isZero();
        // a first packet not sent on leaves no entry behind
        assertThat(d.connectionCount()).isZero();
    }
}
