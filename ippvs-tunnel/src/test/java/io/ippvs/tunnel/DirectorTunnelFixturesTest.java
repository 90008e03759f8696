package io.ippvs.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.google.common.io.BaseEncoding;
import io.ippvs.api.NextHop;
import io.ippvs.api.Protocol;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.Verdict;
import io.ippvs.core.director.Director;
import io.ippvs.testkit.ChecksumVerifier;
import io.ippvs.core.testing.FakeClock;
import io.ippvs.testkit.PacketBuilder;
import io.ippvs.testkit.Pcap;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden fixtures again, through a {@link Director}: a service on the fixture's virtual address
 * with the fixture's real server, an opening packet (TCP SYN, or the UDP datagram itself) to create
 * the connection, then the fixture's packet, whose verdict and bytes must be the expected ones.
 */
class DirectorTunnelFixturesTest {

    static List<Fixture> fixtures() {
        return TunnelFixtures.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void throughTheDirector(Fixture f) throws UnknownHostException {
        // the director answers an ICMP error by the connection it quotes, not by its own addresses
        assumeFalse(f.description().contains("on an ICMP error"), "rewriter-only fixture");
        byte[] in = f.input();
        boolean v6 = (in[0] & 0xF0) == 0x60;
        int l4 = v6 ? 40 : (in[0] & 0x0F) * 4;
        int protocol = in[v6 ? 6 : 9] & 0xFF;
        int clientPort = ((in[l4] & 0xFF) << 8) | (in[l4 + 1] & 0xFF);
        int virtualPort = ((in[l4 + 2] & 0xFF) << 8) | (in[l4 + 3] & 0xFF);
        String client = InetAddress.getByAddress(Arrays.copyOfRange(in, v6 ? 8 : 12, v6 ? 24 : 16)).getHostAddress();
        String vip = InetAddress.getByAddress(Arrays.copyOfRange(in, v6 ? 24 : 16, v6 ? 40 : 20)).getHostAddress();

        FakeClock clock = new FakeClock();
        Director director = Director.builder().nanoClock(clock).maxConnections(64).hashSeed(7)
                .rewriter(f.rewriter().apply(Wire.ID - 1)).build();
        ServiceKey key = ServiceKey.of(protocol == 17 ? Protocol.UDP : Protocol.TCP, InetAddress.getByName(vip), virtualPort);
        director.addService(ServiceConfig.builder(key).build());
        director.addRealServer(key, f.server().config());

        PacketBuilder opening = v6 ? PacketBuilder.ipv6(client, vip) : PacketBuilder.ipv4(client, vip);
        opening = protocol == 17 ? opening.udp(clientPort, virtualPort).payload("open")
                : opening.tcp(clientPort, virtualPort).flags(PacketBuilder.SYN).seq(999);
        Verdict first = director.process(opening.buffer(false, 64), 0, new NextHop());
        if (!first.isForward()) {
            // a server no packet of the flow can reach: the opening fails as the fixture's packet
            // does, and a packet that is not forwarded leaves no connection behind
            assertThat(first).as("opening packet").isEqualTo(f.verdict());
            assertThat(director.connectionCount()).isZero();
            return;
        }
        assertThat(director.connectionCount()).isEqualTo(1);

        ByteBuffer buffer = f.inputBuffer();
        NextHop hop = new NextHop();
        Verdict verdict = director.process(buffer, 0, hop);
        byte[] actual = ChecksumVerifier.toBytes(buffer);
        if (verdict != f.verdict() || !Arrays.equals(actual, f.output())) {
            Pcap.dump("director-tunnel-" + f.description().replaceAll("[^A-Za-z0-9]+", "_"), List.of(in, actual, f.output()));
        }
        assertThat(verdict).as("verdict").isEqualTo(f.verdict());
        assertThat(hex(actual)).as("bytes").isEqualTo(hex(f.output()));
        if (verdict.isForward()) {
            assertThat(hop.isSet()).isTrue();
            assertThat(hop.method()).isEqualTo(f.server().forwardingMethod());
            assertThat(hop.addressFamily()).isEqualTo(f.server().addressFamily());
            assertThat(hop.addressLow()).isEqualTo(f.server().addressLow());
        } else {
            assertThat(hop.isSet()).isFalse();
        }
    }

    static String hex(byte[] b) {
        return BaseEncoding.base16().lowerCase().encode(b);
    }
}
