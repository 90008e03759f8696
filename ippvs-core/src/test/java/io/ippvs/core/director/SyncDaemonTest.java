package io.ippvs.core.director;

import static io.ippvs.core.director.DirectorTest.key;
import static io.ippvs.core.director.DirectorTest.server;
import static io.ippvs.core.director.DirectorTest.tcp;
import static io.ippvs.testkit.PacketBuilder.ACK;
import static io.ippvs.testkit.PacketBuilder.SYN;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Two directors in one JVM, their sync daemons talking UDP over the loopback: unicast peers (our
 * extension) and bulk resync on start (our extension). Multicast: {@link SyncMulticastLiveTest}.
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
                // both counters move after the fact they count (SyncMaster.send counts once the
                // datagram is out, and the backup may install it before that): wait, do not race them
                assertThat(await(() -> backup.counters().entriesInstalled() >= 301, 3000))
                        .as("entries installed: %s", backup.counters().entriesInstalled()).isTrue();
                assertThat(await(() -> master.counters().entriesSent() >= 301, 3000))
                        .as("entries sent: %s", master.counters().entriesSent()).isTrue();
                assertThat(backup.counters().droppedTotal()).isZero();
                assertThat(b.service(HTTP).realServers().get(0).activeConnections()).isEqualTo(301);
            }
        }
        assertThat(a.syncMaster()).isNull();
    }
}
