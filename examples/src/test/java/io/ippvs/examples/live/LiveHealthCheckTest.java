package io.ippvs.examples.live;

import static io.ippvs.examples.live.LiveTopology.REAL_SERVERS;
import static io.ippvs.examples.live.LiveTopology.VIP;
import static io.ippvs.examples.live.LiveTopology.realServerAddress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Health checks beside the TUN director on a real kernel: three real servers run
 * {@code python3 -m http.server}, the director runs with {@code --check} and a keepalived.conf
 * whose HTTP_GET checks them, a client makes HTTP requests with curl through the virtual address.
 * One server's HTTP process is killed: it must leave the service within keepalived's bound
 * (delay_loop × (retry + 1) + connect_timeout, + 10%), after which no client request fails, and
 * come back when its process is started again. Skipped, with the reason, where the live topology
 * cannot be built (not root, no TUN) or python3/curl cannot be had.
 */
class LiveHealthCheckTest {

    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration CALL = Duration.ofSeconds(20);
    private static final int PORT = 8000;
    private static final Path LOGS = Path.of(System.getProperty("basedir", "."), "target", "live-health");
    private static final double DELAY_LOOP = 0.5;
    private static final int RETRY = 1;
    private static final double CONNECT_TIMEOUT = 1;
    /** keepalived: down after retry + 1 failures, delay_before_retry = delay_loop here; + 10%. */
    private static final long BOUND_MILLIS = Math.round((DELAY_LOOP * (RETRY + 1) + CONNECT_TIMEOUT) * 1100);

    private static LiveTopology topology;
    private static NamespaceProcess director;
    private static final Process[] http = new Process[REAL_SERVERS];
    private static Thread safetyNet;

    @BeforeAll
    static void up() throws Exception {
        Optional<String> unavailable = LiveTopology.unavailable();
        assumeTrue(unavailable.isEmpty(), () -> "live test skipped: " + unavailable.orElseThrow());
        Optional<String> tools = LiveTopology.tools("python3", "curl");
        assumeTrue(tools.isEmpty(), () -> "live health-check test skipped: " + tools.orElseThrow());
        LiveTopology.removeStale();
        topology = LiveTopology.up();
        safetyNet = new Thread(LiveHealthCheckTest::tearDown, "live-health-teardown");
        Runtime.getRuntime().addShutdownHook(safetyNet);
        try {
            Files.createDirectories(LOGS);
            for (int n = 1; n <= REAL_SERVERS; n++) {
                http[n - 1] = httpServer(n);
            }
            Path conf = LOGS.resolve("keepalived.conf");
            Files.writeString(conf, keepalivedConf(), StandardCharsets.US_ASCII);
            director = DirectorLauncher.start(topology.director(), "director-health", LOGS, conf);
            director.awaitReady(START);
            awaitListed(REAL_SERVERS, Duration.ofSeconds(20));
        } catch (Throwable t) {
            tearDown();
            throw t;
        }
    }

    private static Process httpServer(int n) throws IOException {
        Path dir = LOGS.resolve("www" + n);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("index.html"), "rs" + n + "\n", StandardCharsets.US_ASCII);
        return new ProcessBuilder("ip", "netns", "exec", topology.realServer(n), "python3", "-m", "http.server",
                Integer.toString(PORT), "--bind", "0.0.0.0")
                .directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(LOGS.resolve("http" + n + ".log").toFile()).start();
    }

    private static String keepalivedConf() {
        StringBuilder s = new StringBuilder("virtual_server " + VIP + " " + PORT + " {\n"
                + "    delay_loop " + DELAY_LOOP + "\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n");
        for (int n = 1; n <= REAL_SERVERS; n++) {
            s.append("    real_server ").append(realServerAddress(n)).append(' ').append(PORT).append(" {\n")
                    .append("        HTTP_GET {\n            url {\n                path /index.html\n")
                    .append("                status_code 200\n            }\n")
                    .append("            connect_timeout ").append(CONNECT_TIMEOUT).append("\n            retry ").append(RETRY)
                    .append("\n            delay_before_retry ").append(DELAY_LOOP).append("\n            warmup 0\n")
                    .append("        }\n    }\n");
        }
        return s.append("}\n").toString();
    }

    @AfterAll
    static void down() {
        tearDown();
        if (safetyNet != null) {
            Runtime.getRuntime().removeShutdownHook(safetyNet);
        }
    }

    private static synchronized void tearDown() {
        if (director != null) {
            director.close();
            director = null;
        }
        for (int i = 0; i < http.length; i++) {
            if (http[i] != null) {
                http[i].destroyForcibly();
                http[i] = null;
            }
        }
        if (topology != null) {
            try {
                topology.closeLeavingNothing();
            } finally {
                topology = null;
            }
        }
    }

    @Test
    void aKilledHttpServerLeavesWithinTheBoundAndNoRequestFailsAfterwards() throws Exception {
        assertThat(curl(9)).as("every server serves").containsOnly("200");

        long killed = System.nanoTime();
        http[1].destroy(); // ip netns exec execs python3: this is its SIGTERM
        http[1].waitFor();
        String rs2 = realServerAddress(2) + ":" + PORT;
        long out = awaitGone(rs2, Duration.ofSeconds(10));
        long outMillis = (out - killed) / 1_000_000;
        System.out.println("live: rs2 out of the service " + outMillis + " ms after its HTTP server died (bound "
                + BOUND_MILLIS + " ms)");
        assertThat(outMillis).as("out within delay_loop × (retry + 1) + connect_timeout + 10%").isLessThanOrEqualTo(BOUND_MILLIS);

        List<String> after = curl(30);
        assertThat(after).as("no request fails after the removal").hasSize(30).containsOnly("200");

        http[1] = httpServer(2);
        awaitListed(REAL_SERVERS, Duration.ofSeconds(10));
        assertThat(curl(6)).containsOnly("200");
        assertThat(director.call("health", CALL)).anySatisfy(l -> assertThat(l)
                .startsWith("ippvs_real_server_transitions_total{").contains(realServerAddress(2)).contains("to=\"down\"} 1"));
    }

    /** {@code count} HTTP requests one after another from the client; their status codes (000: failed). */
    private static List<String> curl(int count) throws IOException {
        String out = LiveTopology.run("ip", "netns", "exec", topology.client(), "sh", "-c",
                "for i in $(seq " + count + "); do curl -s -o /dev/null --max-time 5 -w '%{http_code}\\n' http://" + VIP
                        + ":" + PORT + "/index.html; done");
        return Arrays.asList(out.strip().split("\n"));
    }

    /** The real servers listed for the health-checked service. */
    private static List<String> listed() throws Exception {
        List<String> servers = new ArrayList<>();
        boolean ours = false;
        for (String line : director.call("-L -n", CALL)) {
            String[] w = line.trim().split("\\s+");
            if (w[0].equals("TCP") || w[0].equals("UDP")) {
                ours = w[1].equals(VIP + ":" + PORT);
            } else if (ours && w[0].equals("->") && w[1].matches("[0-9.]+:\\d+")) {
                servers.add(w[1]);
            }
        }
        return servers;
    }

    private static void awaitListed(int n, Duration limit) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        while (listed().size() != n) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not " + n + " servers listed within " + limit + ": " + listed());
            }
            Thread.sleep(50);
        }
    }

    /** Polls the listing until {@code server} is gone; the time it was first seen gone. */
    private static long awaitGone(String server, Duration limit) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        while (listed().contains(server)) {
            if (System.nanoTime() > end) {
                throw new AssertionError(server + " still listed after " + limit);
            }
            Thread.sleep(20);
        }
        return System.nanoTime();
    }
}
