package io.ippvs.nat;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import io.ippvs.api.DropReason;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.NextHop;
import io.ippvs.api.Offload;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.Verdict;
import io.ippvs.core.director.Director;
import io.ippvs.core.director.Worker;
import io.ippvs.core.testing.FakeClock;
import io.ippvs.testkit.ChecksumVerifier;
import io.ippvs.testkit.Gso;
import io.ippvs.testkit.PacketBuilder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The director's checks of offload facts, MTUs of super-packets, and the FTP helper on a super-packet. */
class NatOffloadTest {

    private static final String CLIENT = NatOffloadProperties.CLIENT4;
    private static final String VIP = NatOffloadProperties.VIP4;
    private static final String SERVER = NatOffloadProperties.SERVER4;

    private final NatRewriter rewriter = NatRewriter.builder().build();

    private Director director(boolean verify, int port, int mtu) {
        Director d = Director.builder().nanoClock(new FakeClock()).maxConnections(64).verifyChecksums(verify)
                .rewriter(rewriter).build();
        ServiceKey key = ServiceKey.of(Protocol.TCP, InetAddresses.forString(VIP), port);
        d.addService(ServiceConfig.builder(key).build());
        d.addRealServer(key, RealServerConfig.builder(InetAddresses.forString(SERVER), port)
                .forwardingMethod(ForwardingMethod.MASQUERADE).mtu(mtu).build());
        assertThat(d.process(PacketBuilder.ipv4(CLIENT, VIP).tcp(40000, port).flags(PacketBuilder.SYN).buffer(false, 64))
                .isForward()).isTrue();
        return d;
    }

    private static PacketBuilder data(int bytes) {
        return PacketBuilder.ipv4(CLIENT, VIP).dontFragment(true).tcp(40000, 80).seq(2).ack(9)
                .payload(new byte[bytes]);
    }

    private static ByteBuffer buffer(byte[] p) {
        ByteBuffer b = ByteBuffer.allocate(p.length + 128);
        b.position(64);
        b.put(p);
        return b.position(64).limit(64 + p.length);
    }

    private static Offload tso(byte[] p, int type, int mss) {
        Offload o = new Offload();
        o.checksumPartial(20, 16);
        o.segmentation(type, mss, 40);
        return o;
    }

    private static Verdict run(Director d, ByteBuffer b, Offload o) {
        Worker w = d.newWorker();
        return w.process(b, 0, new NextHop(), d.nanoTime(), o);
    }

    @Test
    void aPartialChecksumIsNotVerifiedAsIfComplete() {
        Director d = director(true, 80, 0);
        byte[] p = Gso.partial(data(100).bytes());
        assertThat(d.process(buffer(p))).isEqualTo(Verdict.drop(DropReason.BAD_CHECKSUM));
        Offload o = new Offload();
        o.checksumPartial(20, 16);
        assertThat(run(d, buffer(p), o)).isEqualTo(Verdict.FORWARD);
    }

    @Test
    void factsThatContradictTheHeadersAreMalformed() {
        Director d = director(false, 80, 0);
        byte[] p = Gso.partial(data(3000).bytes());
        Offload wrongType = tso(p, Offload.GSO_TCPV6, 1000);
        assertThat(run(d, buffer(p), wrongType)).isEqualTo(Verdict.drop(DropReason.MALFORMED));
        Offload wrongField = new Offload();
        wrongField.checksumPartial(20, 6);
        assertThat(run(d, buffer(p), wrongField)).isEqualTo(Verdict.drop(DropReason.MALFORMED));
        Offload notPartial = new Offload();
        notPartial.segmentation(Offload.GSO_TCPV4, 1000, 0);
        assertThat(run(d, buffer(p), notPartial)).isEqualTo(Verdict.drop(DropReason.MALFORMED));
        Offload noSize = tso(p, Offload.GSO_TCPV4, 0);
        assertThat(run(d, buffer(p), noSize)).isEqualTo(Verdict.drop(DropReason.MALFORMED));
        Offload ufo = tso(p, Offload.GSO_UDP, 1000);
        assertThat(run(d, buffer(p), ufo)).isEqualTo(Verdict.drop(DropReason.UNSUPPORTED));
        assertThat(d.drops(DropReason.MALFORMED)).isEqualTo(4);
    }

    @Test
    void aSuperPacketIsHeldToTheMtuByItsSegments() {
        Director d = director(false, 80, 1280);
        byte[] p = Gso.partial(data(60000).bytes());
        Offload fits = tso(p, Offload.GSO_TCPV4, 1240); // 20 + 20 + 1240 = 1280
        assertThat(run(d, buffer(p), fits)).isEqualTo(Verdict.FORWARD);
        assertThat(fits.segmented()).isTrue();

        Offload tooBig = tso(p, Offload.GSO_TCPV4, 1241);
        ByteBuffer b = buffer(p);
        assertThat(run(d, b, tooBig)).isEqualTo(Verdict.REPLY);
        // ip_vs_nat_xmit's fragmentation-needed from the VIP naming the MTU, a plain packet
        byte[] icmp = ChecksumVerifier.toBytes(b);
        ChecksumVerifier.assertValid(icmp);
        assertThat(icmp[20] & 0xFF).isEqualTo(3);
        assertThat(icmp[21] & 0xFF).isEqualTo(4);
        assertThat(((icmp[26] & 0xFF) << 8) | (icmp[27] & 0xFF)).isEqualTo(1280);
        assertThat(tooBig.isPlain()).isTrue();
    }

    @Test
    void aSuperPacketOfTheLargestSizeCountsAsItsSegments() {
        Director d = director(false, 80, 0);
        byte[] p = Gso.partial(data(65535 - 40).bytes());
        Offload o = tso(p, Offload.GSO_TCPV4, 1448);
        long before = d.totals().inPackets();
        long bytesBefore = d.totals().inBytes();
        ByteBuffer b = buffer(p);
        assertThat(run(d, b, o)).isEqualTo(Verdict.FORWARD);
        List<byte[]> segments = Gso.segment(ChecksumVerifier.toBytes(b), 1448);
        segments.forEach(ChecksumVerifier::assertValid);
        assertThat(d.totals().inPackets() - before).isEqualTo(segments.size()).isEqualTo(46);
        assertThat(d.totals().inBytes() - bytesBefore).isEqualTo(segments.stream().mapToLong(s -> s.length).sum());
    }

    @Test
    void theFtpHelperRewritesA227InASuperPacket() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            text.append("150-line ").append(i).append(" of a long multi-line reply before the one that matters\r\n");
        }
        text.append("227 Entering Passive Mode (10,1,0,21,195,80)\r\n");
        byte[] payload = text.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] plain = PacketBuilder.ipv4(SERVER, CLIENT).dontFragment(true).tcp(21, 40000).seq(500).ack(3)
                .flags(PacketBuilder.ACK | PacketBuilder.PSH).payload(payload).bytes();
        NatRewriter fullRewriter = NatRewriter.builder().build();

        byte[] expected = ftpReply(fullRewriter, plain, null);
        Offload o = new Offload();
        o.checksumPartial(20, 16);
        o.segmentation(Offload.GSO_TCPV4, 1000, 40);
        byte[] actual = ftpReply(rewriter, Gso.partial(plain), o);

        assertThat(rewriter.ftpRewrites()).isEqualTo(1);
        assertThat(new String(expected, 40, expected.length - 40, StandardCharsets.US_ASCII))
                .endsWith("227 Entering Passive Mode (198,51,100,1,195,80)\r\n");
        assertThat(Gso.complete(actual, o.checksumStart(), o.checksumOffset())).isEqualTo(expected);
        List<byte[]> segments = Gso.segment(actual, 1000);
        assertThat(segments).hasSize((actual.length - 40 + 999) / 1000);
        segments.forEach(ChecksumVerifier::assertValid);
    }

    /** Opens an FTP control connection, sends PASV, then {@code reply} from the server; the rewritten reply. */
    private static byte[] ftpReply(NatRewriter r, byte[] reply, Offload o) {
        Director d = Director.builder().nanoClock(new FakeClock()).maxConnections(64).rewriter(r).build();
        ServiceKey key = ServiceKey.of(Protocol.TCP, InetAddresses.forString(VIP), 21);
        d.addService(ServiceConfig.builder(key).build());
        d.addRealServer(key, RealServerConfig.builder(InetAddresses.forString(SERVER), 21)
                .forwardingMethod(ForwardingMethod.MASQUERADE).build());
        assertThat(d.process(PacketBuilder.ipv4(CLIENT, VIP).tcp(40000, 21).flags(PacketBuilder.SYN).seq(2).buffer(false, 64))
                .isForward()).isTrue();
        assertThat(d.process(PacketBuilder.ipv4(CLIENT, VIP).tcp(40000, 21).seq(3).ack(500).payload("PASV\r\n")
                .buffer(false, 64)).isForward()).isTrue();
        ByteBuffer b = ByteBuffer.allocate(reply.length + 256);
        b.position(64);
        b.put(reply);
        b.position(64).limit(64 + reply.length);
        assertThat(run(d, b, o)).isEqualTo(Verdict.FORWARD);
        return ChecksumVerifier.toBytes(b);
    }
}
