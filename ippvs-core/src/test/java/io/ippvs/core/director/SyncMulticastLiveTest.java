package io.ippvs.core.director;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Protocol;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.core.sync.SyncDaemon;
import io.ippvs.core.sync.SyncDaemonConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Real multicast, IPv4 (224.0.0.81) and IPv6 (ff02::1:8848), between a master and a backup daemon:
 * in a network namespace of our own (this JVM's pid in its name) holding a veth pair, a child JVM
 * ({@link #main}) runs two directors, the master's daemon on one end and the backup's on the other,
 * multicast loopback off as the kernel sets it. Runs where we are root on Linux with ip(8); skipped with the reason elsewhere. The
 * namespace is deleted even when the test fails.
 */
class SyncMulticastLiveTest {

    private static final String NAMESPACE = "ippvs-sync-" + ProcessHandle.current().pid();

    @Test
    void ipv4AndIpv6MulticastInANamespace() throws Exception {
        assumeTrue(System.getProperty("os.name").equals("Linux"), "network namespaces are Linux only");
        assumeTrue(isRoot(), "not root: creating a network namespace needs it");
        assumeTrue(run(List.of("ip", "netns", "add", NAMESPACE)) == 0, "cannot create a network namespace with ip(8)");
        try {
            // two interfaces joined by a wire, as two directors on one LAN: sa (master) and sb (backup)
            assertThat(run(List.of("ip", "netns", "exec", NAMESPACE, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0",
                    "net.ipv6.conf.default.accept_dad=0",
                    // both ends are this namespace's: take IPv4 packets whose source is a local address
                    "net.ipv4.conf.all.accept_local=1", "net.ipv4.conf.default.accept_local=1",
                    "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0"))).isZero();
            assertThat(run(List.of("ip", "-n", NAMESPACE, "link", "add", "sa", "type", "veth", "peer", "name", "sb")))
                    .isZero();
            for (String[] a : new String[][] {{"sa", "192.0.2.1/24"}, {"sb", "192.0.2.2/24"}}) {
                assertThat(run(List.of("ip", "-n", NAMESPACE, "addr", "add", a[1], "dev", a[0]))).isZero();
                assertThat(run(List.of("ip", "-n", NAMESPACE, "link", "set", a[0], "up"))).isZero();
            }
            String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", NAMESPACE,
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath,
                    SyncMulticastLiveTest.class.getName()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(out).contains("224.0.0.81 ok").contains("ff02::1:8848 ok");
            assertThat(p.exitValue()).as(out).isZero();
        } finally {
            run(List.of("ip", "netns", "del", NAMESPACE));
        }
    }

    private static boolean isRoot() throws IOException {
        return Files.readString(Path.of("/proc/self/status")).matches("(?s).*\\nUid:\\s+0\\s.*");
    }

    private static int run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    /** The child: for each group, a master and a backup on lo; a connection of the master must reach the backup. */
    public static void main(String[] args) throws Exception {
        int failures = 0;
        for (String group : new String[] {"224.0.0.81", "ff02::1:8848"}) {
            ServiceKey http = DirectorTest.key(Protocol.TCP, DirectorTest.VIP, 80);
            Director a = director(http);
            Director b = director(http);
            SyncDaemonConfig.Builder cfg = SyncDaemonConfig.builder().group(InetAddress.getByName(group)).syncId(3);
            try (SyncDaemon backup = SyncDaemon.start(SyncDaemon.Role.BACKUP, b, cfg.multicastInterface("sb").build());
                    SyncDaemon master = SyncDaemon.start(SyncDaemon.Role.MASTER, a, cfg.multicastInterface("sa").build())) {
                SyncDaemonTest.establish(a, "198.51.100.1", 20000);
                boolean arrived = SyncDaemonTest.await(() -> b.connectionCount() == 1, 5000);
                System.out.println(group + (arrived ? " ok" : " failed: " + backup.counters().messagesReceived()
                        + " received, " + master.counters().messagesSent() + " sent"));
                failures += arrived ? 0 : 1;
            } catch (RuntimeException e) {
                System.out.println(group + " failed: " + e);
                failures++;
            }
        }
        System.exit(failures == 0 ? 0 : 1);
    }

    private static Director director(ServiceKey http) {
        Director d = Director.builder().rewriter(new RecordingRewriter(ForwardingMethod.MASQUERADE, true))
                .maxConnections(1024).build();
        d.addService(ServiceConfig.builder(http).scheduler("rr").build());
        d.addRealServer(http, DirectorTest.server("192.168.1.10", 8080, ForwardingMethod.MASQUERADE));
        return d;
    }
}
