package io.ippvs.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.Addresses;
import io.ippvs.api.DropReason;
import io.ippvs.api.Protocol;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.Verdict;
import io.ippvs.core.director.Director;
import io.ippvs.core.testing.FakeClock;
import io.ippvs.testkit.ChecksumVerifier;
import io.ippvs.testkit.PacketBuilder;
import io.ippvs.tunnel.testing.TunnelFixtures;
import io.ippvs.tunnel.testing.Wire;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ICMP relay fixtures through a {@link Director} with the relay registered as its
 * {@code icmpErrorHandler}: the client's SYN creates the tunnel connection, then a router's error about
 * the tunnel packet arrives. Errors the relay does not claim end as the director's UNMATCHED_ICMP
 * (or PASS for an echo request, which belongs to the host).
 */
class DirectorIcmpRelayTest {

    static List<TunnelIcmpRelayTest.Case> cases() {
        return TunnelIcmpRelayTest.cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void throughTheDirector(TunnelIcmpRelayTest.Case c) throws UnknownHostException {
        TunnelRewriter rewriter = TunnelFixtures.tunnelBuilder().build();
        Director director = Director.builder().nanoClock(new FakeClock()).maxConnections(64).hashSeed(3)
                .rewriter(rewriter).rewriter(DirectRouteRewriter.builder().build())
                .icmpErrorHandler(rewriter.icmpRelay()).build();
        TunnelIcmpRelay.Quote quote = new TunnelIcmpRelay.Quote();
        boolean innerV6 = rewriter.icmpRelay().inspect(ByteBuffer.wrap(c.input().clone()), quote)
                && quote.addressFamily() == Addresses.IPV6;
        String vip = innerV6 ? Wire.VIP_V6 : Wire.VIP_V4;
        String client = innerV6 ? Wire.CLIENT_V6 : Wire.CLIENT_V4;
        ServiceKey key = ServiceKey.of(Protocol.TCP, InetAddress.getByName(vip), 80);
        director.addService(ServiceConfig.builder(key).build());
        director.addRealServer(key, c.server().config());
        PacketBuilder syn = innerV6 ? PacketBuilder.ipv6(client, vip) : PacketBuilder.ipv4(client, vip);
        assertThat(director.process(syn.tcp(40000, 80).flags(PacketBuilder.SYN).buffer(false, 64)).isDrop()).isFalse();

        ByteBuffer buffer = ByteBuffer.allocate(c.input().length + 32);
        buffer.position(16);
        buffer.put(c.input());
        buffer.position(16).limit(16 + c.input().length);
        Verdict verdict = director.process(buffer);

        Verdict expected = c.verdict() != null ? c.verdict()
                : c.description().startsWith("echo") ? Verdict.PASS : Verdict.drop(DropReason.UNMATCHED_ICMP);
        assertThat(verdict).isEqualTo(expected);
        assertThat(TunnelIcmpRelayTest.hex(ChecksumVerifier.toBytes(buffer))).isEqualTo(TunnelIcmpRelayTest.hex(c.output()));
        if (verdict.isReply()) {
            ChecksumVerifier.assertValid(buffer);
            assertThat(director.replied()).isEqualTo(1);
        }
    }
}
