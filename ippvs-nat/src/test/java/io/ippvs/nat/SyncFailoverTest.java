package io.ippvs.nat;

import static io.ippvs.testkit.PacketBuilder.ACK;
import static io.ippvs.testkit.PacketBuilder.PSH;
import static io.ippvs.testkit.PacketBuilder.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import io.ippvs.api.DropReason;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServer;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.Verdict;
import io.ippvs.core.director.Director;
import io.ippvs.core.sync.SyncCounters;
import io.ippvs.core.sync.SyncDecoder;
import io.ippvs.core.sync.SyncMaster;
import io.ippvs.core.sync.SyncSettings;
import io.ippvs.testkit.ChecksumVerifier;
import io.ippvs.core.testing.FakeClock;
import io.ippvs.testkit.PacketBuilder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Failover end to end: director A (master) carries an FTP control connection whose 227 reply the
 * FTP helper shortened, and an HTTP connection; its sync datagrams are fed to director B (backup,
 * its servers configured in another order so its scheduler would choose differently). Then every
 * later packet of both connections goes through A and through B: B must write exactly A's bytes
 * (same real server, same NAT rewrite, the same sequence offsets), with valid checksums.
 */
class SyncFailoverTest {

    private static final String CLIENT = "198.51.100.7";
    private static final String VIP = "10.0.0.1";
    private static final String FTP_SERVER = "172.16.100.200";
    private static final String WEB_1 = "172.16.100.10";
    private static final String WEB_2 = "172.16.100.11";
    private static final ServiceKey FTP = ServiceKey.of(Protocol.TCP, InetAddresses.forString(VIP), 21);
    private static final ServiceKey WEB = ServiceKey.of(Protocol.TCP, InetAddresses.forString(VIP), 80);

    private final FakeClock clock = new FakeClock();
    private final List<byte[]> wire = new ArrayList<>();
    private final SyncMaster.Sender sender = (b, off, len) -> {
        byte[] d = new byte[len];
        b.get(off, d);
        wire.add(d);
        return true;
    };

    private Director director(boolean ftp, boolean web, String... webServers) {
        Director d = Director.builder().nanoClock(clock).maxConnections(1024)
                .rewriter(NatRewriter.builder().build()).build();
        if (ftp) {
            d.addService(ServiceConfig.builder(FTP).scheduler("rr").build());
            d.addRealServer(FTP, masq(FTP_SERVER, 21));
        }
        if (web) {
            d.addService(ServiceConfig.builder(WEB).scheduler("rr").build());
            for (String s : webServers) {
                d.addRealServer(WEB, masq(s, 8080));
            }
        }
        return d;
    }

    private static RealServerConfig masq(String address, int port) {
        return RealServerConfig.builder(InetAddresses.forString(address), port)
                .forwardingMethod(ForwardingMethod.MASQUERADE).build();
    }

    private static byte[] seg(String src, String dst, int sport, int dport, int flags, long seq, long ack, String text) {
        return PacketBuilder.ipv4(src, dst).ttl(64).tcp(sport, dport).flags(flags).seq(seq).ack(ack).payload(text)
                .bytes();
    }

    /** The packet as director d writes it; null when dropped. */
    private static byte[] through(Director d, byte[] packet) {
        ByteBuffer b = ByteBuffer.allocate(packet.length + 128);
        b.put(packet).flip();
        Verdict v = d.process(b);
        if (!v.isForward()) {
            return null;
        }
        byte[] out = new byte[b.remaining()];
        b.get(b.position(), out);
        return out;
    }

    /** Moves whatever A's master queued to B, as the multicast group would. */
    private void replicate(SyncMaster master, Director backup, SyncCounters received) {
        master.flush(clock.nanos(), true, sender);
        SyncDecoder dec = new SyncDecoder(received);
        for (byte[] d : wire) {
            dec.decode(ByteBuffer.wrap(d), 0, d.length, 0, backup.syncInstaller());
        }
        wire.clear();
    }

    @Test
    void theBackupCarriesOnEveryConnectionByteForByte() {
        Director a = director(true, true, WEB_1, WEB_2);
        Director b = director(true, true, WEB_2, WEB_1);
        // every inbound packet synced (threshold 0, period 1), so the test need not send fifty
        SyncMaster master = a.startSyncMaster(SyncSettings.builder().threshold(0, 1).build(), new SyncCounters());
        SyncCounters received = new SyncCounters();

        // FTP control: handshake, PASV, a 227 that the helper shortens, the client's ACK of it
        String reply = "227 Entering Passive Mode (172,16,100,200,4,1)\r\n";
        String rewritten = "227 Entering Passive Mode (10,0,0,1,4,1)\r\n";
        int shrink = reply.length() - rewritten.length();
        assertThat(through(a, seg(CLIENT, VIP, 41000, 21, SYN, 99, 0, ""))).isNotNull();
        assertThat(through(a, seg(FTP_SERVER, CLIENT, 21, 41000, SYN | ACK, 499, 100, ""))).isNotNull();
        assertThat(through(a, seg(CLIENT, VIP, 41000, 21, ACK, 100, 500, ""))).isNotNull();
        assertThat(through(a, seg(CLIENT, VIP, 41000, 21, PSH | ACK, 100, 500, "PASV\r\n"))).isNotNull();
        byte[] r227 = through(a, seg(FTP_SERVER, CLIENT, 21, 41000, PSH | ACK, 500, 106, reply));
        assertThat(r227).isEqualTo(PacketBuilder.ipv4(VIP, CLIENT).ttl(63).tcp(21, 41000).flags(PSH | ACK).seq(500)
                .ack(106).payload(rewritten).bytes());
        assertThat(through(a, seg(CLIENT, VIP, 41000, 21, ACK, 106, 500 + rewritten.length(), ""))).isNotNull();

        // HTTP: handshake and a request; A's rr chose one of the two servers
        assertThat(through(a, seg(CLIENT, VIP, 42000, 80, SYN, 1000, 0, ""))).isNotNull();
        byte[] synAck = through(a, seg(WEB_1, CLIENT, 8080, 42000, SYN | ACK, 7000, 1001, ""));
        String chosen = synAck != null ? WEB_1 : WEB_2;
        if (synAck == null) {
            assertThat(through(a, seg(WEB_2, CLIENT, 8080, 42000, SYN | ACK, 7000, 1001, ""))).isNotNull();
        }
        assertThat(through(a, seg(CLIENT, VIP, 42000, 80, ACK, 1001, 7001, ""))).isNotNull();
        assertThat(through(a, seg(CLIENT, VIP, 42000, 80, PSH | ACK, 1001, 7001, "GET / HTTP/1.0\r\n\r\n"))).isNotNull();

        replicate(master, b, received);
        assertThat(received.droppedTotal()).isZero();
        assertThat(received.entriesInstalled()).isPositive();
        assertThat(b.connectionCount()).isEqualTo(2);
        RealServer bChosen = b.service(WEB).realServers().stream()
                .filter(r -> r.address().getHostAddress().equals(chosen)).findFirst().orElseThrow();
        assertThat(bChosen.activeConnections()).isEqualTo(1);

        // A fails over to B: both directors see the same later packets and must write the same bytes
        List<byte[]> later = List.of(
                seg(CLIENT, VIP, 41000, 21, ACK, 106, 500 + rewritten.length(), ""),
                seg(FTP_SERVER, CLIENT, 21, 41000, PSH | ACK, 500 + reply.length(), 106, "226 done\r\n"),
                seg(CLIENT, VIP, 41000, 21, PSH | ACK, 106, 500 + rewritten.length() + 10, "QUIT\r\n"),
                seg(chosen, CLIENT, 8080, 42000, PSH | ACK, 7001, 1019, "HTTP/1.0 200 OK\r\n\r\n"),
                seg(CLIENT, VIP, 42000, 80, ACK, 1019, 7020, ""));
        for (byte[] p : later) {
            byte[] fromA = through(a, p);
            byte[] fromB = through(b, p);
            assertThat(fromA).isNotNull();
            assertThat(fromB).isEqualTo(fromA);
            ChecksumVerifier.assertValid(fromB);
        }
        // the server's "226" is numbered after the shorter 227, as the client saw it
        byte[] done = through(b, seg(FTP_SERVER, CLIENT, 21, 41000, PSH | ACK, 500 + reply.length(), 106, "226 done\r\n"));
        assertThat(ByteBuffer.wrap(done).getInt(24)).isEqualTo(500 + reply.length() - shrink);
    }

    @Test
    void anEntryWithoutItsServiceStaysUnboundUntilTheServiceAppears() {
        Director a = director(false, true, WEB_1);
        Director b = director(false, false);
        SyncMaster master = a.startSyncMaster(SyncSettings.builder().threshold(0, 1).build(), new SyncCounters());
        SyncCounters received = new SyncCounters();
        through(a, seg(CLIENT, VIP, 42000, 80, SYN, 1000, 0, ""));
        through(a, seg(WEB_1, CLIENT, 8080, 42000, SYN | ACK, 7000, 1001, ""));
        through(a, seg(CLIENT, VIP, 42000, 80, ACK, 1001, 7001, ""));
        replicate(master, b, received);
        assertThat(b.connectionCount()).isEqualTo(1);
        byte[] data = seg(CLIENT, VIP, 42000, 80, PSH | ACK, 1001, 7001, "GET / HTTP/1.0\r\n\r\n");
        ByteBuffer buf = ByteBuffer.wrap(data.clone());
        // unbound: found, but without a real server its packets are dropped (and it stays for later)
        assertThat(b.process(buf)).isEqualTo(Verdict.drop(DropReason.NO_REAL_SERVER));
        b.addService(ServiceConfig.builder(WEB).scheduler("rr").build());
        ByteBuffer again = ByteBuffer.wrap(data.clone());
        assertThat(b.process(again)).isEqualTo(Verdict.drop(DropReason.NO_REAL_SERVER));
        b.addRealServer(WEB, masq(WEB_1, 8080));
        assertThat(through(b, data)).isEqualTo(through(a, data));
        assertThat(b.service(WEB).realServers().get(0).activeConnections()).isEqualTo(1);
    }
}
