package io.ippvs.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ippvs.core.director.Director;
import java.io.IOException;
import java.net.DatagramSocket;
import org.junit.jupiter.api.Test;

/**
 * {@code --start-daemon}, {@code --stop-daemon} and {@code -L --daemon} as ipvsadm 1.31 (ipvsadm.c:
 * parse_options' checks and messages, list_daemon's format with the fields the kernel reports after
 * filling in its defaults in start_sync_thread), and the sync counters in the Prometheus text.
 */
class IpvsadmDaemonTest {

    private final Director director = Director.builder().maxConnections(1024).build();
    private final Ipvsadm ipvsadm = Ipvsadm.forDirector(director);

    private static int freePort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void startListAndStopWithUnicastPeers() throws IOException {
        int port = freePort();
        int peer = freePort();
        assertThat(ipvsadm.execute("-L --daemon")).isEmpty();
        ipvsadm.execute("--start-daemon master --mcast-interface lo --syncid 5 --mcast-port " + port
                + " --sync-peer 127.0.0.1:" + peer);
        assertThat(ipvsadm.execute("-L --daemon")).isEqualTo(
                "master sync daemon (mcast=lo, syncid=5, maxlen=1472, port=" + port + ", ttl=1, peers=127.0.0.1:" + peer
                        + ")\n");
        assertThat(director.syncMaster()).isNotNull();
        assertThatThrownBy(() -> ipvsadm.execute("--start-daemon master --sync-peer 127.0.0.1:" + peer))
                .hasMessage("start-daemon: Daemon has already run")
                .isInstanceOfSatisfying(IpvsadmException.class, e -> {
                    assertThat(e.ipvsadmMessage()).isEqualTo("Daemon has already run");
                    assertThat(e.exitStatus()).isEqualTo(IpvsadmException.REJECTED);
                });
        int backupPort = freePort();
        ipvsadm.execute("--start-daemon backup --syncid 5 --mcast-port " + backupPort + " --sync-maxlen 9000"
                + " --sync-peer 127.0.0.1:" + port);
        assertThat(ipvsadm.execute("-L --daemon")).endsWith(
                "backup sync daemon (mcast=eth0, syncid=5, maxlen=9000, port=" + backupPort + ", ttl=1, peers=127.0.0.1:"
                        + port + ")\n");
        String metrics = ipvsadm.metrics();
        assertThat(metrics).contains("ippvs_sync_entries_sent_total{role=\"master\",syncid=\"5\"} 0\n");
        assertThat(metrics).contains("ippvs_sync_dropped_total{role=\"backup\",syncid=\"5\",reason=\"bad_size\"} 0\n");
        ipvsadm.execute("--stop-daemon master");
        ipvsadm.execute("--stop-daemon backup");
        assertThat(director.syncMaster()).isNull();
        assertThat(ipvsadm.execute("-L --daemon")).isEmpty();
        assertThatThrownBy(() -> ipvsadm.execute("--stop-daemon master")).hasMessage("stop-daemon: No daemon is running");
    }

    @Test
    void ipvsadmsChecksAndMessages() throws IOException {
        assertThatThrownBy(() -> ipvsadm.execute("--start-daemon primary"))
                .hasMessage("start-daemon: illegal start-daemon parameter specified");
        assertThatThrownBy(() -> ipvsadm.execute("--stop-daemon primary"))
                .hasMessage("stop-daemon: illegal start_daemon specified");
        assertThatThrownBy(() -> ipvsadm.execute("--start-daemon master --syncid 256"))
                .hasMessage("syncid: illegal syncid specified")
                .isInstanceOfSatisfying(IpvsadmException.class, e -> {
                    assertThat(e.ipvsadmMessage()).isEqualTo("illegal syncid specified");
                    assertThat(e.exitStatus()).isEqualTo(IpvsadmException.USAGE);
                });
        assertThatThrownBy(() -> ipvsadm.execute("--start-daemon master --mcast-group 10.0.0.1"))
                .hasMessage("mcast-group: invalid IPv4 mcast-group `10.0.0.1'")
                .isInstanceOfSatisfying(IpvsadmException.class,
                        e -> assertThat(e.ipvsadmMessage()).isEqualTo("invalid IPv4 mcast-group `10.0.0.1'"));
        assertThatThrownBy(() -> ipvsadm.execute("--start-daemon master --mcast-group 2001:db8::1"))
                .hasMessage("mcast-group: invalid IPv6 mcast-group `2001:db8::1'");
        assertThatThrownBy(() -> ipvsadm.execute("--start-daemon master --mcast-port 0"))
                .hasMessage("mcast-port: illegal mcast-port specified");
        assertThatThrownBy(() -> ipvsadm.execute("--start-daemon master --mcast-ttl 256"))
                .hasMessage("mcast-ttl: illegal mcast-ttl specified");
        assertThatThrownBy(() -> ipvsadm.execute("--start-daemon master --sync-maxlen 65508"))
                .hasMessage("sync-maxlen: illegal sync-maxlen specified");
        assertThatThrownBy(() -> ipvsadm.execute("--stop-daemon master --mcast-port 1"))
                .hasMessageStartingWith("mcast-port: Illegal 'mcast-port' option with the 'stop-daemon' command");
        assertThatThrownBy(() -> ipvsadm.execute("--start-daemon master --mcast-interface nosuchif0 --mcast-port "
                + freePort()))
                .hasMessage("mcast-interface: no interface named 'nosuchif0'");
        assertThat(director.syncMaster()).isNull();
    }
}
