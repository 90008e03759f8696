package io.ippvs.examples.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ippvs.examples.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Director failover on real kernels ({@code examples/live/failover.sh}): a client, directors A and
 * B each running {@code ippvs tun} and Debian's keepalived (VRRP only, a sync group moving the
 * client's next hop and the real servers' gateway, tracking tun0), three real servers with
 * {@code python3 -m http.server} and an {@link EchoServer}. keepalived's notify scripts switch the
 * directors' sync daemons through {@code --control}.
 *
 * <p>A 50 MB download (curl, rate-limited so it lasts) and 20 idle connections go through A; A's
 * process is killed half-way; B takes the addresses, the download completes with the right sha256
 * and every idle connection answers its own server, and B's counters show it carried them. Then a
 * second download runs through B and A is started again: before it takes the addresses back it has
 * every connection from B's bulk resync (our extension of the sync protocol), and after it has
 * them, the second download completes intact and every idle connection answers again, through A.
 * Skipped, with the reason, where the topology cannot be built or keepalived, python3 and curl
 * cannot be had.
 */
class LiveFailoverTest {

    private static final String VIP = "10.10.200.200";
    private static final int SIZE = 50_000_000;
    private static final int IDLE = 20;
    private static final String RATE = "4M";
    private static final Duration START = Duration.ofSeconds(40);
    private static final Duration CALL = Duration.ofSeconds(20);
    private static final Path BASE = Path.of(System.getProperty("basedir", "."));
    private static final Path SCRIPT = BASE.resolve("live/failover.sh");
    private static final Path DIR = BASE.resolve("target/live-failover").toAbsolutePath();
    private static final String PREFIX = "ippvs-fo-";
    private static final Pattern OURS = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-.*");

    private static final String prefix = PREFIX + ProcessHandle.current().pid();
    private static final List<NamespaceProcess> children = new ArrayList<>();
    private static final List<Process> processes = new ArrayList<>();
    private static NamespaceProcess a;
    private static NamespaceProcess b;
    private static NamespaceProcess client;
    private static String sha256;
    private static boolean up;
    private static Thread safetyNet;

    @BeforeAll
    static void up() throws Exception {
        Optional<String> unavailable = LiveTopology.unavailable();
        assumeTrue(unavailable.isEmpty(), () -> "live test skipped: " + unavailable.orElseThrow());
        Optional<String> tools = LiveTopology.tools("keepalived", "python3", "curl");
        assumeTrue(tools.isEmpty(), () -> "live failover test skipped: " + tools.orElseThrow());
        removeStale();
        safetyNet = new Thread(LiveFailoverTest::tearDown, "live-failover-teardown");
        Runtime.getRuntime().addShutdownHook(safetyNet);
        try {
            Files.createDirectories(DIR.resolve("www"));
            up = true;
            LiveTopology.run("sh", SCRIPT.toString(), "up", prefix, DIR.toString());
            byte[] file = new byte[SIZE];
            new Random(1998).nextBytes(file);
            Files.write(DIR.resolve("www/file"), file);
            sha256 = LiveClient.sha256(file);
            for (int n = 1; n <= 3; n++) {
                processes.add(new ProcessBuilder("ip", "netns", "exec", ns("rs" + n), "python3", "-m", "http.server", "8000",
                        "--bind", "0.0.0.0").directory(DIR.resolve("www").toFile()).redirectErrorStream(true)
                        .redirectOutput(DIR.resolve("http" + n + ".log").toFile()).start());
                children.add(NamespaceProcess.start(ns("rs" + n), "echo-rs" + n, DIR, EchoServer.class, "rs" + n, "7007"));
            }
            a = director("a");
            b = director("b");
            client = NamespaceProcess.start(ns("client"), "client", DIR, LiveClient.class);
            children.add(client);
            for (NamespaceProcess p : children) {
                p.awaitReady(START);
            }
            keepalived("a");
            keepalived("b");
            await("A master, B backup", Duration.ofSeconds(30), () -> state("a").equals("master") && state("b").equals("backup"));
        } catch (Throwable t) {
            tearDown();
            throw t;
        }
    }

    @Test
    void aDownloadAndIdleConnectionsSurviveTheDeathOfTheMasterAndItsReturn() throws Exception {
        List<String> servers = client.call("hold " + VIP + " 7 " + IDLE, CALL);
        assertThat(servers).hasSize(IDLE);
        assertThat(servers.stream().map(l -> l.split(" ")[1]).distinct()).as("rr over the three").hasSize(3);
        await("B has the idle connections from A's sync", Duration.ofSeconds(20), () -> established(b, 7) == IDLE);

        Path first = DIR.resolve("download-1");
        Process curl1 = curl(first);
        await("25 MB through A", Duration.ofSeconds(60), () -> size(first) >= SIZE / 2);
        assertThat(established(b, 80)).as("B has the download from A's sync").isEqualTo(1);
        long bBefore = outBytes(b);
        long killed = System.nanoTime();
        long atKill = size(first);
        String sockets = LiveTopology.run("ip", "netns", "exec", ns("client"), "ss", "-tnmi", "dst", VIP + ":80");
        a.signal("KILL", CALL);
        System.out.println("live failover: the client's socket at the kill: " + sockets.replace('\n', ' '));
        children.remove(a);
        await("B master", Duration.ofSeconds(20), () -> state("b").equals("master"));
        System.out.println("live failover: B master " + (System.nanoTime() - killed) / 1_000_000 + " ms after A was killed at "
                + atKill + " bytes");
        assertDownloaded(curl1, first);
        assertThat(client.call("ping", CALL)).as("every idle connection answers its own server through B").isEqualTo(servers);
        // not all of the rest: up to the client's receive buffer and what was in flight had passed A
        // already; failover.sh caps that buffer at 1 MB (tcp_rmem), else it can hold the whole rest
        long viaB = outBytes(b) - bBefore;
        System.out.println("live failover: B forwarded " + viaB + " bytes of the download's " + (SIZE - atKill) + " left at the kill");
        assertThat(viaB).as("B forwarded the server's bytes").isGreaterThan(1_000_000);
        System.out.println("live failover: download 1 done " + (System.nanoTime() - killed) / 1_000_000 + " ms after the kill");

        Path second = DIR.resolve("download-2");
        Process curl2 = curl(second);
        await("5 MB through B", Duration.ofSeconds(60), () -> size(second) >= SIZE / 10);
        long restarted = System.nanoTime();
        a = director("a");
        a.awaitReady(START);
        await("A has B's table from the bulk resync", Duration.ofSeconds(20),
                () -> established(a, 7) == IDLE && established(a, 80) == 1);
        assertThat(state("a")).as("A resynced before it took the addresses").isNotEqualTo("master");
        System.out.println("live failover: A resynced " + (System.nanoTime() - restarted) / 1_000_000 + " ms after its start");
        await("A master again, B backup", Duration.ofSeconds(30), () -> state("a").equals("master") && state("b").equals("backup"));
        long atTakeover = size(second);
        long aBefore = outBytes(a);
        System.out.println("live failover: A master again " + (System.nanoTime() - restarted) / 1_000_000
                + " ms after its start, download 2 at " + atTakeover + " bytes");
        assertThat(atTakeover).as("download 2 still running when A took over").isLessThan(SIZE);
        assertDownloaded(curl2, second);
        assertThat(client.call("ping", CALL)).as("every idle connection answers its own server through A").isEqualTo(servers);
        long viaA = outBytes(a) - aBefore;
        System.out.println("live failover: A forwarded " + viaA + " bytes of download 2's " + (SIZE - atTakeover) + " left");
        assertThat(viaA).as("A forwarded the server's bytes").isGreaterThan(1_000_000);
        assertThat(a.call("counters", CALL).get(0)).contains("dropped 0");
    }

    private static void assertDownloaded(Process curl, Path file) throws Exception {
        assertThat(curl.waitFor(90, TimeUnit.SECONDS)).as("curl finishes").isTrue();
        assertThat(curl.exitValue()).as("curl's exit status").isZero();
        assertThat(size(file)).isEqualTo(SIZE);
        assertThat(LiveClient.sha256(Files.readAllBytes(file))).as("sha256 of " + file).isEqualTo(sha256);
    }

    private static Process curl(Path out) throws IOException {
        Files.deleteIfExists(out); // a previous run's file would look like progress
        Process p = new ProcessBuilder("ip", "netns", "exec", ns("client"), "curl", "-sS", "--limit-rate", RATE, "--max-time",
                "120", "-o", out.toString(), "http://" + VIP + "/file").redirectErrorStream(true)
                .redirectOutput(DIR.resolve(out.getFileName() + ".log").toFile()).start();
        processes.add(p);
        return p;
    }

    private static NamespaceProcess director(String node) throws IOException {
        NamespaceProcess d = NamespaceProcess.start(ns(node), "director-" + node + "-" + System.nanoTime(), DIR, Main.class,
                "tun", "--dev", "tun0", "--rules", DIR.resolve("rules.txt").toString(), "--control",
                DIR.resolve(node + ".ctl").toString());
        children.add(d);
        return d;
    }

    private static void keepalived(String node) throws IOException {
        processes.add(new ProcessBuilder("sh", SCRIPT.toString(), "keepalived", prefix, DIR.toString(), node)
                .redirectErrorStream(true).redirectOutput(DIR.resolve("keepalived-" + node + ".log").toFile()).start());
    }

    /** The state keepalived's notify script recorded last for {@code node}, or "". */
    private static String state(String node) {
        try {
            List<String> lines = Files.readAllLines(DIR.resolve(node + ".state"));
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1).split(" ")[1];
        } catch (IOException e) {
            return "";
        }
    }

    /** ESTABLISHED connections to VIP:port in the director's table. */
    private static int established(NamespaceProcess d, int port) {
        try {
            return (int) d.call("-L -n -c", CALL).stream()
                    .filter(l -> l.contains("ESTABLISHED") && l.contains(" " + VIP + ":" + port + " ")).count();
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The director's OutBytes for VIP:80 (replies, server to client), from {@code ipvsadm -L -n --stats --exact}. */
    private static long outBytes(NamespaceProcess d) throws Exception {
        for (String line : d.call("-L -n --stats --exact", CALL)) {
            String[] w = line.trim().split("\\s+");
            if (w[0].equals("TCP") && w[1].equals(VIP + ":80")) {
                return Long.parseLong(w[w.length - 1]);
            }
        }
        throw new AssertionError("no TCP " + VIP + ":80 in the listing of " + d);
    }

    private static long size(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not " + what + " within " + limit + " (A: " + state("a") + ", B: " + state("b")
                        + "; logs in " + DIR + ")");
            }
            Thread.sleep(100);
        }
    }

    private static String ns(String node) {
        return prefix + "-" + node;
    }

    /** Deletes the namespaces of earlier runs whose JVM died before it could. */
    private static void removeStale() throws IOException {
        for (String line : LiveTopology.run("ip", "netns", "list").split("\n")) {
            Matcher m = OURS.matcher(line.split(" ")[0]);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                LiveTopology.run("sh", SCRIPT.toString(), "down", PREFIX + m.group(1));
            }
        }
    }

    @AfterAll
    static void down() {
        tearDown();
        if (safetyNet != null) {
            Runtime.getRuntime().removeShutdownHook(safetyNet);
        }
    }

    /** Stops every child (directors, servers, client, keepalived, curl) and deletes the namespaces. */
    private static synchronized void tearDown() {
        for (NamespaceProcess p : children) {
            p.close();
        }
        children.clear();
        for (Process p : processes) {
            p.destroy(); // keepalived and http.server: SIGTERM, the script's down kills what is left
        }
        processes.clear();
        if (!up) {
            return;
        }
        up = false;
        try {
            LiveTopology.run("sh", SCRIPT.toString(), "down", prefix);
            assertThat(LiveTopology.run("ip", "netns", "list")).as("namespaces left behind").doesNotContain(prefix + "-");
        } catch (IOException e) {
            throw new AssertionError("teardown: " + e.getMessage(), e);
        }
    }
}
