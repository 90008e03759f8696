package io.ippvs.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.InetAddresses;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.TunnelChecksum;
import io.ippvs.api.TunnelType;
import io.ippvs.api.Verdict;
import io.ippvs.core.testing.FakeRealServer;
import io.ippvs.core.testing.FakeRewriteContext;
import io.ippvs.tunnel.testing.TunnelFixtures;
import io.ippvs.tunnel.testing.Wire;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TunnelRewriterTest {

    @Test
    void methods() {
        assertThat(TunnelFixtures.tunnelBuilder().build().method()).isEqualTo(ForwardingMethod.TUNNEL);
        assertThat(DirectRouteRewriter.builder().build().method()).isEqualTo(ForwardingMethod.DIRECT_ROUTE);
    }

    @Test
    void configurationErrorsNameTheField() {
        assertThatThrownBy(() -> TunnelRewriter.builder().build()).hasMessageStartingWith("sourceAddress:");
        assertThatThrownBy(() -> TunnelRewriter.builder().sourceAddress(null)).hasMessageStartingWith("sourceAddress:");
        assertThatThrownBy(() -> TunnelRewriter.builder().sourceAddress(InetAddresses.forString("10.0.0.1"),
                InetAddresses.forString("fd00::1"))).hasMessageStartingWith("sourceAddress:");
        assertThatThrownBy(() -> TunnelRewriter.builder().linkMtu(67)).hasMessageStartingWith("linkMtu:");
        assertThatThrownBy(() -> TunnelRewriter.builder().linkMtu(65536)).hasMessageStartingWith("linkMtu:");
        assertThatThrownBy(() -> TunnelRewriter.builder().gueSourcePorts(2, 1)).hasMessageStartingWith("gueSourcePorts:");
        assertThatThrownBy(() -> TunnelRewriter.builder().gueSourcePorts(0, 10)).hasMessageStartingWith("gueSourcePorts:");
        assertThatThrownBy(() -> TunnelRewriter.builder().flowHash(null)).hasMessageStartingWith("flowHash:");
        assertThatThrownBy(() -> TunnelRewriter.builder().icmpRate(0, 1)).hasMessageStartingWith("icmpRate:");
        assertThatThrownBy(() -> DirectRouteRewriter.builder().linkMtu(10)).hasMessageStartingWith("linkMtu:");
    }

    @Test
    void consecutivePacketsToOneServerGetConsecutiveIdentifications() {
        TunnelRewriter rewriter = TunnelFixtures.tunnelBuilder().build();
        int previous = -1;
        for (int i = 0; i < 3; i++) {
            ByteBuffer b = TunnelRoundTripProperties.place(TunnelFixtures.tcp4(64).bytes(), false, 64);
            assertThat(rewriter.rewrite(FakeRewriteContext.fromPacket(b, TunnelFixtures.ipip4().fake(), 0))).isEqualTo(Verdict.FORWARD);
            int id = b.getShort(b.position() + 4) & 0xFFFF;
            if (previous >= 0) {
                assertThat(id).isEqualTo((previous + 1) & 0xFFFF);
            }
            previous = id;
        }
    }

    @Test
    void defaultFlowHashSpreadsGueSourcePorts() {
        TunnelRewriter rewriter = TunnelRewriter.builder().sourceAddress(InetAddresses.forString(Wire.DIRECTOR_V4)).build();
        Set<Integer> ports = new HashSet<>();
        for (int clientPort = 1000; clientPort < 1256; clientPort++) {
            byte[] p = io.ippvs.testkit.PacketBuilder.ipv4(Wire.CLIENT_V4, Wire.VIP_V4).tcp(clientPort, 80).bytes();
            ByteBuffer b = TunnelRoundTripProperties.place(p, false, 64);
            rewriter.rewrite(FakeRewriteContext.fromPacket(b, TunnelFixtures.gue4(TunnelChecksum.NONE).fake(), 0));
            int port = b.getShort(b.position() + 20) & 0xFFFF;
            assertThat(port).isBetween(49152, 65535);
            ports.add(port);
        }
        // 256 flows over 16384 ports: a decent hash leaves very few collisions
        assertThat(ports.size()).isGreaterThan(240);
        // and one flow always gets the same port
        byte[] p = io.ippvs.testkit.PacketBuilder.ipv4(Wire.CLIENT_V4, Wire.VIP_V4).tcp(1000, 80).bytes();
        int first = -1;
        for (int i = 0; i < 2; i++) {
            ByteBuffer b = TunnelRoundTripProperties.place(p, false, 64);
            rewriter.rewrite(FakeRewriteContext.fromPacket(b, FakeRealServer.tunnel(Wire.SERVER_V4, TunnelType.GUE, 6080, TunnelChecksum.NONE, 0), 0));
            int port = b.getShort(b.position() + 20) & 0xFFFF;
            if (first >= 0) {
                assertThat(port).isEqualTo(first);
            }
            first = port;
        }
    }

    @Test
    void oneRewriterServesManyThreads() throws Exception {
        TunnelRewriter rewriter = TunnelRewriter.builder().sourceAddress(InetAddresses.forString(Wire.DIRECTOR_V4)).build();
        Decapsulator decapsulator = DecapsulatorTest.all().build();
        byte[] inner = TunnelFixtures.tcp4(64).bytes();
        byte[] expected = TunnelFixtures.tcp4(63).bytes();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
            for (int t = 0; t < 2; t++) {
                results.add(pool.submit(() -> {
                    int good = 0;
                    for (int i = 0; i < 5_000; i++) {
                        ByteBuffer b = TunnelRoundTripProperties.place(inner, (i & 1) == 0, 64);
                        var server = (i & 2) == 0 ? TunnelFixtures.gue4(TunnelChecksum.CHECKSUM).fake() : TunnelFixtures.ipip4().fake();
                        if (rewriter.rewrite(FakeRewriteContext.fromPacket(b, server, 0)) == Verdict.FORWARD
                                && io.ippvs.testkit.ChecksumVerifier.valid(b)
                                && decapsulator.decapsulate(b) == DecapStatus.OK
                                && java.util.Arrays.equals(io.ippvs.testkit.ChecksumVerifier.toBytes(b), expected)) {
                            good++;
                        }
                    }
                    return good;
                }));
            }
            for (var r : results) {
                assertThat(r.get()).isEqualTo(5_000);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(decapsulator.count(DecapStatus.OK)).isEqualTo(10_000);
    }

    @Test
    void readOnlyBufferIsRefusedNotThrown() {
        ByteBuffer b = TunnelRoundTripProperties.place(TunnelFixtures.tcp4(64).bytes(), false, 64).asReadOnlyBuffer();
        assertThat(TunnelFixtures.tunnelBuilder().build().rewrite(FakeRewriteContext.fromPacket(b, TunnelFixtures.ipip4().fake(), 0)).isDrop()).isTrue();
        assertThat(DirectRouteRewriter.builder().build().rewrite(FakeRewriteContext.fromPacket(b, FakeRealServer.direct(Wire.SERVER_V4, 0), 0))
                .isDrop()).isTrue();
    }

    @Test
    void icmpRelayKnowsTheRewritersSources() {
        TunnelRewriter rewriter = TunnelFixtures.tunnelBuilder()
                .sourceAddress(InetAddresses.forString(Wire.SERVER_V4), InetAddresses.forString("10.9.9.9")).build();
        byte[] tunnelled = Wire.outerV4(0, true, 63).source("10.9.9.9").raw(4, TunnelFixtures.tcp4(63).bytes()).bytes();
        byte[] error = TunnelIcmpRelayTest.icmp4(3, 1, 0, tunnelled, 548);
        TunnelIcmpRelay.Quote quote = new TunnelIcmpRelay.Quote();
        assertThat(rewriter.icmpRelay().inspect(ByteBuffer.wrap(error), quote)).isTrue();
        assertThat(quote.tunnelType()).isEqualTo(TunnelType.IPIP);
        assertThat(quote.overhead()).isEqualTo(20);
        assertThat(quote.clientPort()).isEqualTo(40000);
    }
}
