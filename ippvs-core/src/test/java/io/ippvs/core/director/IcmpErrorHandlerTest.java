package io.ippvs.core.director;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.DropReason;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.IcmpErrorHandler;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServer;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.Verdict;
import io.ippvs.core.testing.FakeClock;
import io.ippvs.testkit.PacketBuilder;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The extension point for ICMP errors no connection claims (tunnel relays use it). */
class IcmpErrorHandlerTest {

    static final ServiceKey HTTP = DirectorTest.key(Protocol.TCP, DirectorTest.VIP, 80);

    /** An error from a router about a packet (protocol 4) the director sent to a real server. */
    static ByteBuffer tunnelError() {
        byte[] inner = PacketBuilder.ipv4(DirectorTest.CLIENT, DirectorTest.VIP).tcp(40000, 80).bytes();
        byte[] outer = PacketBuilder.ipv4("10.9.0.2", "10.9.0.21").raw(4, inner).bytes();
        return PacketBuilder.ipv4("10.9.1.1", "10.9.0.2").icmpError(3, 1, 0, outer).buffer();
    }

    Director director(IcmpErrorHandler handler) {
        FakeClock clock = new FakeClock();
        Director d = Director.builder().nanoClock(clock).maxConnections(100).hashSeed(1)
                .rewriter(new RecordingRewriter(ForwardingMethod.DIRECT_ROUTE, false)).icmpErrorHandler(handler).build();
        d.addService(ServiceConfig.builder(HTTP).build());
        d.addRealServer(HTTP, DirectorTest.server("10.9.0.21", 0, ForwardingMethod.DIRECT_ROUTE));
        d.process(DirectorTest.tcp(DirectorTest.CLIENT, 40000, DirectorTest.VIP, 80, PacketBuilder.SYN));
        return d;
    }

    @Test
    void withoutAHandlerTheErrorIsUnmatched() {
        Director d = director(null);
        assertThat(d.process(tunnelError())).isEqualTo(Verdict.drop(DropReason.UNMATCHED_ICMP));
        assertThat(d.drops(DropReason.UNMATCHED_ICMP)).isEqualTo(1);
    }

    @Test
    void aHandlerThatDeclinesLeavesItUnmatched() {
        Director d = director((packet, connections) -> null);
        assertThat(d.process(tunnelError())).isEqualTo(Verdict.drop(DropReason.UNMATCHED_ICMP));
        assertThat(d.drops(DropReason.UNMATCHED_ICMP)).isEqualTo(1);
    }

    @Test
    void aHandlersVerdictIsCountedAndItSeesTheConnections() {
        AtomicReference<RealServer> seen = new AtomicReference<>();
        Director d = director((packet, connections) -> {
            // the quoted client packet: 198.51.100.7:40000 -> 10.0.0.1:80
            seen.set(connections.inbound(4, 6, 0, 0xC6336407L, 40000, 0, 0x0A000001L, 80));
            return Verdict.REPLY;
        });
        assertThat(d.process(tunnelError())).isEqualTo(Verdict.REPLY);
        assertThat(d.replied()).isEqualTo(1);
        assertThat(seen.get()).isNotNull();
        assertThat(seen.get().config().address().getHostAddress()).isEqualTo("10.9.0.21");
    }

    @Test
    void aHandlerThatThrowsCostsOnePacket() {
        Director d = director((packet, connections) -> {
            throw new IllegalStateException("defect");
        });
        assertThat(d.process(tunnelError())).isEqualTo(Verdict.drop(DropReason.UNMATCHED_ICMP));
    }
}
