package io.ippvs.core.director;

import static io.ippvs.core.director.DirectorTest.key;
import static io.ippvs.core.director.DirectorTest.server;
import static io.ippvs.core.director.DirectorTest.tcp;
import static io.ippvs.core.testing.PacketBuilder.ACK;
import static io.ippvs.core.testing.PacketBuilder.SYN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Protocol;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.core.sync.SyncDaemon;
import io.ippvs.core.sync.SyncDaemonConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Two directors in one JVM, their sync daemons talking UDP over the loopback: unicast peers (our
 * extension), bulk resync on start (our extension), and multicast (IPv4 and IPv6 groups) where the
 * loopback interface carries it.
 */
class SyncDaemonTest {

    static final String VIP = DirectorTest.VIP;
    static final ServiceKey HTTP = key(Protocol.TCP, VIP, 80);

    static Director director() {
        Director d = Director.builder().rewriter(new RecordingRewriter(ForwardingMethod.MASQUERADE, true))
                .maxConnections(4096).build();
        d.addService(ServiceConfig.builder(HTTP).scheduler("rr").build());
        d.addRealServer(HTTP, server("192.168.1.10", 8080, ForwardingMethod.MASQUERADE));
        return d;
    }

    static void establish(Director d, String client, int port) {
        d.process(tcp(client, port, VIP, 80, SYN));
        d.process(tcp(client, port, VIP, 80, ACK));
        d.process(tcp(client, port, VIP, 80, ACK)); // pkts 3: sent
    }

    static int freePort() {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean await(BooleanSupplier condition, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    @Test
    void unicastPeersCarryConnectionsAndARestartedBackupGetsTheWholeTable() throws Exception {
        Director a = director();
        Director b = director();
        for (int i = 0; i < 300; i++) {
            establish(a, "198.51.100." + (1 + i % 200), 20000 + i);
        }
        int portA = freePort();
        int portB = freePort();
        InetAddress lo = InetAddress.getLoopbackAddress();
        SyncDaemonConfig toB = SyncDaemonConfig.builder().group(null).port(portA)
                .peer(new InetSocketAddress(lo, portB)).resyncRate(100_000).build();
        SyncDaemonConfig toA = SyncDaemonConfig.builder().group(null).port(portB)
                .peer(new InetSocketAddress(lo, portA)).build();
        try (SyncDaemon master = SyncDaemon.start(SyncDaemon.Role.MASTER, a, toB)) {
            // connections made before the backup started are only there through the bulk resync
            try (SyncDaemon backup = SyncDaemon.start(SyncDaemon.Role.BACKUP, b, toA)) {
                assertThat(await(() -> b.connectionCount() == 300, 5000)).as("bulk resync: %s", b.connectionCount())
                        .isTrue();
                establish(a, "203.0.113.9", 30000);
                // a partial datagram is flushed within 2 s
                assertThat(await(() -> b.connectionCount() == 301, 3000)).isTrue();
                assertThat(backup.counters().entriesInstalled()).isGreaterThanOrEqualTo(301);
                assertThat(backup.counters().droppedTotal()).isZero();
                assertThat(master.counters().entriesSent()).isGreaterThanOrEqualTo(301);
                assertThat(b.service(HTTP).realServers().get(0).activeConnections()).isEqualTo(301);
            }
        }
        assertThat(a.syncMaster()).isNull();
    }

    @Test
    void multicastOverTheLoopbackInterface() throws Exception {
        multicast("224.0.0.81");
    }

    @Test
    void ipv6MulticastOverTheLoopbackInterface() throws Exception {
        multicast("ff02::1:8848");
    }

    private void multicast(String group) throws Exception {
        NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
        assumeTrue(lo != null && lo.supportsMulticast(), "the loopback interface does not do multicast here");
        Director a = director();
        Director b = director();
        int port = freePort();
        SyncDaemonConfig cfg = SyncDaemonConfig.builder().multicastInterface(lo.getName())
                .group(InetAddress.getByName(group)).port(port).loopback(true).syncId(7).build();
        SyncDaemon master;
        SyncDaemon backup;
        try {
            backup = SyncDaemon.start(SyncDaemon.Role.BACKUP, b, cfg);
        } catch (UncheckedIOException e) {
            assumeTrue(false, "cannot join " + group + " on " + lo.getName() + ": " + e.getMessage());
            return;
        }
        try (backup) {
            master = SyncDaemon.start(SyncDaemon.Role.MASTER, a, cfg);
            try (master) {
                establish(a, "198.51.100.1", 20000);
                boolean arrived = await(() -> b.connectionCount() == 1, 3000);
                assumeTrue(arrived || master.counters().sendErrors() == 0,
                        "multicast send failed on " + lo.getName());
                assertThat(arrived).isTrue();
            }
        }
    }
}
