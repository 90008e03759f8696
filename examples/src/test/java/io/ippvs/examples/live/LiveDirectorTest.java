package io.ippvs.examples.live;

import static io.ippvs.examples.live.LiveTopology.CLIENT_ADDRESS;
import static io.ippvs.examples.live.LiveTopology.REAL_SERVERS;
import static io.ippvs.examples.live.LiveTopology.VIP;
import static io.ippvs.examples.live.LiveTopology.field;
import static io.ippvs.examples.live.LiveTopology.realServerAddress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ippvs.examples.Main;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TUN director on a real kernel: real TCP connections from a client namespace to the virtual
 * address, through {@code ippvs tun} in the director namespace, to real servers in their own
 * namespaces (topology: {@code examples/live/setup.sh}). Runs where root, {@code /dev/net/tun} and
 * {@code ip netns} are available; skipped, with the reason, elsewhere.
 *
 * <p>The tests share one topology and run in order; each restores the configuration it changes and
 * compares counters before and after itself, so none depends on another's traffic.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveDirectorTest {

    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration CALL = Duration.ofSeconds(20);
    private static final String WEB = VIP + ":80";
    private static final String FTP = VIP + ":21";
    /** VS/TUN: real server 1 only, through its tunnel endpoint, one service per tunnel type. */
    private static final Map<String, String> TUNNELLED = Map.of(
            "ipip", VIP + ":81", "gre", VIP + ":82", "gue", VIP + ":83");
    private static final String GUE_PORT = "6080";
    /** The director's outer source for tunnel packets: an address of no namespace, so no one takes it for local. */
    private static final String TUNNEL_SOURCE = "10.10.100.1";
    private static final int DOWNLOAD = 20 * 1024 * 1024;
    /** Inside the director's namespace, so the port is free whatever runs on the host. */
    private static final String METRICS = "127.0.0.1:9108";
    private static final Path LOGS = Path.of(System.getProperty("basedir", "."), "target", "live");

    private static LiveTopology topology;
    private static NamespaceProcess director;
    private static NamespaceProcess client;
    private static NamespaceProcess endpoint;
    private static final List<NamespaceProcess> servers = new ArrayList<>();
    private static Thread safetyNet;

    @BeforeAll
    static void up() throws Exception {
        Optional<String> unavailable = LiveTopology.unavailable();
        assumeTrue(unavailable.isEmpty(), () -> "live test skipped: " + unavailable.orElseThrow());
        LiveTopology.removeStale();
        topology = LiveTopology.up();
        topology.tunnel(1);
        // should the test JVM be stopped (Ctrl-C, surefire timeout), the namespaces still go
        safetyNet = new Thread(LiveDirectorTest::tearDown, "live-teardown");
        Runtime.getRuntime().addShutdownHook(safetyNet);
        try {
            Files.createDirectories(LOGS);
            Path rules = LOGS.resolve("rules.txt");
            Files.writeString(rules, rules(), StandardCharsets.US_ASCII);
            for (int n = 1; n <= REAL_SERVERS; n++) {
                servers.add(NamespaceProcess.start(topology.realServer(n), "rs" + n, LOGS, LiveServer.class,
                        "rs" + n, "8080", "21", "81,82,83"));
            }
            director = NamespaceProcess.start(topology.director(), "director", LOGS, Main.class,
                    "tun", "--dev", "tun0", "--rules", rules.toString(), "--metrics", METRICS,
                    "--tunnel-source", TUNNEL_SOURCE);
            endpoint = NamespaceProcess.start(topology.realServer(1), "endpoint", LOGS, Main.class,
                    "tunnel-endpoint", "--dev", "vstun0", "--local", realServerAddress(1),
                    "--type", "ipip", "--type", "gre", "--type", "gue", "--gue-port", GUE_PORT);
            client = NamespaceProcess.start(topology.client(), "client", LOGS, LiveClient.class);
            // started together, awaited one by one: the JVMs start in parallel
            for (NamespaceProcess p : servers) {
                p.awaitReady(START);
            }
            director.awaitReady(START);
            endpoint.awaitReady(START);
            client.awaitReady(START);
        } catch (Throwable t) {
            tearDown();
            throw t;
        }
    }

    /** Both services round-robin over the three real servers, added in this order (rr walks them newest first). */
    private static String rules() {
        StringBuilder s = new StringBuilder("-A -t " + WEB + " -s rr\n");
        for (int n = 1; n <= REAL_SERVERS; n++) {
            s.append("-a -t ").append(WEB).append(" -r ").append(realServerAddress(n)).append(":8080 -m -w 1\n");
        }
        s.append("-A -t ").append(FTP).append(" -s rr\n");
        for (int n = 1; n <= REAL_SERVERS; n++) {
            s.append("-a -t ").append(FTP).append(" -r ").append(realServerAddress(n)).append(":21 -m -w 1\n");
        }
        for (String type : List.of("ipip", "gre", "gue")) {
            String service = TUNNELLED.get(type);
            s.append("-A -t ").append(service).append(" -s rr\n");
            s.append("-a -t ").append(service).append(" -r ").append(realServerAddress(1)).append(" -i --tun-type ")
                    .append(type).append(type.equals("gue") ? " --tun-port " + GUE_PORT : "").append('\n');
        }
        return s.toString();
    }

    @AfterAll
    static void down() {
        tearDown();
        if (safetyNet != null) {
            Runtime.getRuntime().removeShutdownHook(safetyNet);
        }
    }

    private static synchronized void tearDown() {
        if (client != null) {
            client.close();
        }
        if (director != null) {
            director.close();
        }
        if (endpoint != null) {
            endpoint.close();
        }
        servers.forEach(NamespaceProcess::close);
        if (topology != null) {
            try {
                topology.closeLeavingNothing();
            } finally {
                topology = null;
            }
        }
    }

    @Test
    @Order(1)
    void connectionsGoRoundRobinToTheRealServersAndTheClientSeesOnlyTheVirtualAddress() throws Exception {
        Map<String, Long> before = conns();
        int[] acceptedBefore = accepted();

        List<Answer> answers = http(6);

        // the rules add rs1, rs2, rs3; __ip_vs_update_dest puts each at the head of the list and
        // ip_vs_rr_schedule starts at the head, so the kernel's rr goes newest first
        List<String> order = List.of("rs3", "rs2", "rs1");
        for (int i = 0; i < answers.size(); i++) {
            Answer a = answers.get(i);
            assertThat(a.peer).as("client's peer, connection %d", i).isEqualTo(VIP);
            assertThat(a.seenClient).as("the client address the server saw").isEqualTo(CLIENT_ADDRESS);
            assertThat(a.server).as("server of connection %d in %s", i, answers).isEqualTo(order.get(i % 3)); // the first test: the cursor starts at the head
        }
        Map<String, Long> after = conns();
        int[] acceptedAfter = accepted();
        assertThat(after.get(WEB) - before.getOrDefault(WEB, 0L)).as("service Conns").isEqualTo(6);
        for (int n = 1; n <= REAL_SERVERS; n++) {
            long answered = count(answers, "rs" + n);
            assertThat(after.get(server(WEB, n, 8080)) - before.getOrDefault(server(WEB, n, 8080), 0L))
                    .as("director's Conns of rs%d", n).isEqualTo(answered);
            assertThat(acceptedAfter[n - 1] - acceptedBefore[n - 1]).as("connections rs%d accepted", n).isEqualTo(answered);
        }
    }

    @Test
    @Order(2)
    void aQuiescedOrRemovedRealServerGetsNoNewConnections() throws Exception {
        String rs2 = realServerAddress(2) + ":8080";
        String rs3 = realServerAddress(3) + ":8080";
        director.call("-e -t " + WEB + " -r " + rs2 + " -m -w 0", CALL);
        try {
            Map<String, Long> before = conns();
            int[] acceptedBefore = accepted();
            List<Answer> quiesced = http(6);
            assertThat(quiesced).extracting(a -> a.server).doesNotContain("rs2");
            assertThat(count(quiesced, "rs1")).isEqualTo(3);
            assertThat(count(quiesced, "rs3")).isEqualTo(3);
            assertThat(conns().get(server(WEB, 2, 8080))).as("rs2's Conns").isEqualTo(before.get(server(WEB, 2, 8080)));
            assertThat(accepted()[1]).as("connections rs2 accepted").isEqualTo(acceptedBefore[1]);

            director.call("-d -t " + WEB + " -r " + rs3, CALL);
            List<Answer> removed = http(3);
            assertThat(removed).extracting(a -> a.server).containsOnly("rs1");
            assertThat(conns()).doesNotContainKey(server(WEB, 3, 8080));
        } finally {
            director.call("-e -t " + WEB + " -r " + rs2 + " -m -w 1", CALL);
            if (!conns().containsKey(server(WEB, 3, 8080))) {
                director.call("-a -t " + WEB + " -r " + rs3 + " -m -w 1", CALL);
            }
        }
    }

    /**
     * A passive FTP download through the virtual address: the 227 reply's address (the real
     * server's) must reach the client as the virtual address, longer by three characters, and the
     * data connection the client opens to it must reach the same real server. {@code pasv-split}
     * has the server send the 227 in two segments cut inside the address.
     */
    @ParameterizedTest
    @ValueSource(strings = {"pasv", "pasv-split", "epsv"})
    @Order(3)
    void passiveFtpWorksThroughTheVirtualAddress(String mode) throws Exception {
        Counters before = counters();
        Ftp ftp = ftp(mode);
        Counters after = counters();
        if (mode.startsWith("pasv")) {
            assertThat(ftp.passive).contains("(" + VIP.replace('.', ',') + ",");
            assertThat(after.ftpRewrites - before.ftpRewrites).as("227 replies rewritten").isEqualTo(1);
        }
        if (mode.equals("pasv-split")) {
            assertThat(after.ftpLinesJoined).as("lines joined across segments").isGreaterThan(before.ftpLinesJoined);
        }
    }

    /**
     * With a tiny MSS advertised by the client the kernel itself cuts the server's 227 reply (and
     * every other segment). The route asks for 48; kernels with {@code TCP_MIN_MSS} 88
     * (include/net/tcp.h; 6.18 here) advertise 88 instead, 76 payload bytes with timestamps, which
     * still cuts the 120-byte reply of {@link FtpSession} inside its line.
     */
    @Test
    @Order(4)
    void passiveFtpWorksWhenTheKernelCutsEveryReply() throws Exception {
        String route = VIP + " via 10.10.1.1";
        LiveTopology.run(("ip -n " + topology.client() + " route replace " + route + " advmss 48").split(" "));
        try {
            Counters before = counters();
            Ftp ftp = ftp("pasv");
            Counters after = counters();
            assertThat(ftp.passive).contains("(" + VIP.replace('.', ',') + ",");
            assertThat(after.ftpRewrites - before.ftpRewrites).as("227 replies rewritten").isEqualTo(1);
            assertThat(after.ftpLinesJoined).as("lines joined across segments").isGreaterThan(before.ftpLinesJoined);
        } finally {
            LiveTopology.run(("ip -n " + topology.client() + " route replace " + route).split(" "));
        }
    }

    /**
     * VS/TUN through {@code ippvs tunnel-endpoint} on real server 1 (the kernel has no ipip, fou or gre
     * module), with IP-in-IP, GRE and GUE:
     * the director tunnels the client's packets, the endpoint strips the outer header, the server
     * answers from the VIP and its replies are routed straight to the client, never through the
     * director. A 20 MB download arrives byte for byte.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ipip", "gre", "gue"})
    @Order(4)
    void vsTunRepliesGoStraightToTheClientAndA20MbDownloadArrivesIntact(String type) throws Exception {
        String service = TUNNELLED.get(type);
        int port = Integer.parseInt(service.substring(service.lastIndexOf(':') + 1));
        long[] before = stats(service);
        long decapsulatedBefore = field(endpoint.call("counters", CALL).get(0), "decapsulated");

        String[] w = client.call("download " + VIP + " " + port + " " + DOWNLOAD, Duration.ofSeconds(120)).get(0).split(" ");

        assertThat(w[0]).as("the client's peer").isEqualTo(VIP);
        assertThat(Integer.parseInt(w[1])).as("bytes received").isEqualTo(DOWNLOAD);
        assertThat(w[2]).as("sha256 of what arrived").isEqualTo(LiveClient.sha256(LiveServer.content(DOWNLOAD)));
        long[] after = stats(service);
        String endpointCounters = endpoint.call("counters", CALL).get(0);
        long inPackets = after[1] - before[1];
        assertThat(after[0] - before[0]).as("connections to the tunnelled service").isEqualTo(1);
        assertThat(inPackets).as("client packets the director tunnelled").isPositive();
        assertThat(after[2] - before[2]).as("replies through the director (VS/TUN: none)").isZero();
        assertThat(field(endpointCounters, "decapsulated") - decapsulatedBefore)
                .as("packets the endpoint decapsulated: every one the director tunnelled (%s)", endpointCounters)
                .isEqualTo(inPackets);
        assertThat(endpointCounters).contains(" refused-by-kernel 0");
    }

    /**
     * A 20 MB VS/TUN upload through {@code ippvs tunnel-endpoint}: the client's full-size segments
     * no longer fit the server link once the tunnel header is added, so the director answers them
     * with fragmentation-needed from the VIP for the MTU less the header
     * ({@code ip_vs_tunnel_xmit}'s {@code ensure_mtu_is_adequate}); the client's segments shrink and
     * the upload arrives whole. The client's packets reach the director with their checksums left
     * partial (checksum offload) and are tunnelled so; the kernel completes them on the way out.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ipip", "gre", "gue"})
    @Order(4)
    void vsTunUploadsArriveIntact(String type) throws Exception {
        String service = TUNNELLED.get(type);
        int port = Integer.parseInt(service.substring(service.lastIndexOf(':') + 1));
        long[] before = stats(service);
        long decapsulatedBefore = field(endpoint.call("counters", CALL).get(0), "decapsulated");
        long repliedBefore = counters().replied;

        String[] w = client.call("upload " + VIP + " " + port + " " + DOWNLOAD + " 60", Duration.ofSeconds(80)).get(0).split(" ");

        assertThat(w[0]).as("the client's peer").isEqualTo(VIP);
        assertThat(Long.parseLong(w[2])).as("bytes the server received").isEqualTo(DOWNLOAD);
        assertThat(w[3]).as("sha256 of what the server received").isEqualTo(w[1]).isEqualTo(LiveClient.contentSha256(DOWNLOAD));
        long[] after = stats(service);
        String endpointCounters = endpoint.call("counters", CALL).get(0);
        System.out.println("live " + type + " upload: " + (after[1] - before[1]) + " packets tunnelled, "
                + (counters().replied - repliedBefore) + " fragmentation-needed; endpoint: " + endpointCounters);
        assertThat(after[0] - before[0]).as("connections to the tunnelled service").isEqualTo(1);
        assertThat(after[2] - before[2]).as("replies through the director (VS/TUN: none)").isZero();
        assertThat(field(endpointCounters, "decapsulated") - decapsulatedBefore).as("packets the endpoint decapsulated")
                .isGreaterThanOrEqualTo(DOWNLOAD / 1500);
        assertThat(endpointCounters).contains(" refused-by-kernel 0");
    }

    /** {@code --metrics}: what a Prometheus scrape inside the director's namespace reads, by curl. */
    @Test
    @Order(5)
    void theMetricsEndpointServesTheListingsCounters() throws Exception {
        Map<String, Long> conns = conns();
        String response = LiveTopology.run("ip", "netns", "exec", topology.director(),
                "curl", "-s", "-S", "-D", "-", "http://" + METRICS + "/metrics");
        assertThat(response).startsWith("HTTP/1.1 200")
                .containsIgnoringCase("Content-Type: text/plain; version=0.0.4; charset=utf-8");
        String body = response.substring(response.indexOf("\r\n\r\n") + 4);
        long total = conns.entrySet().stream().filter(e -> !e.getKey().contains(" -> "))
                .mapToLong(Map.Entry::getValue).sum();
        assertThat(body).contains("# TYPE node_ipvs_connections_total counter\n")
                .contains("\nnode_ipvs_connections_total " + total + "\n")
                .contains("ippvs_dropped_packets_total{reason=");
        for (int n = 1; n <= REAL_SERVERS; n++) {
            assertThat(body).contains("node_ipvs_backend_weight{local_address=\"" + VIP + "\",local_mark=\"\","
                    + "local_port=\"80\",proto=\"TCP\",remote_address=\"" + realServerAddress(n)
                    + "\",remote_port=\"8080\"} 1\n");
        }
    }

    @Test
    @Order(6)
    void theDirectorDroppedNothingAndPrintsItsStatisticsOnTheWayOut() throws Exception {
        Counters c = counters();
        assertThat(c.line).as("the director's counters").contains(" dropped 0 ").contains(" refused-by-kernel 0 ");
        assertThat(c.forwarded).isPositive();

        List<String> last = director.quit(Duration.ofSeconds(10));
        System.out.println("director on the way out:\n" + String.join("\n", last));
        assertThat(director.exitValue()).isZero();
        assertThat(last).anySatisfy(l -> assertThat(l).startsWith("TCP  " + WEB));
        assertThat(last).anySatisfy(l -> assertThat(l).startsWith("forwarded "));
    }

    /** Run without the command interface, SIGTERM or SIGINT stops it cleanly with the listing printed. */
    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT"})
    @Order(7)
    void aSignalStopsTheDirectorWithTheListingPrinted(String signal) throws Exception {
        Path rules = LOGS.resolve("rules.txt");
        try (NamespaceProcess d = NamespaceProcess.start(topology.director(), "director-sig" + signal, LOGS, Main.class,
                "tun", "--dev", "tun0", "--rules", rules.toString(), "--no-commands",
                "--tunnel-source", TUNNEL_SOURCE)) { // the saved rules hold the VS/TUN cases' -i servers
            d.awaitReady(START);
            List<String> last = d.signal(signal, Duration.ofSeconds(10));
            assertThat(d.exitValue()).as("exit status after SIG%s: 128 + its number", signal)
                    .isEqualTo(signal.equals("TERM") ? 143 : 130);
            assertThat(last).anySatisfy(l -> assertThat(l).startsWith("TCP  " + WEB));
            assertThat(last).anySatisfy(l -> assertThat(l).startsWith("forwarded 0 "));
        }
    }

    // ------------------------------------------------------------------ helpers

    /** One identity connection as the client saw it. */
    private record Answer(String peer, String server, String seenClient) {
        static Answer parse(String line) {
            String[] w = line.split(" "); // "PEER NAME SEEN_ADDRESS:PORT"
            return new Answer(w[0], w[1], w[2].substring(0, w[2].lastIndexOf(':')));
        }
    }

    private static List<Answer> http(int count) throws Exception {
        List<String> lines = client.call("http " + VIP + " 80 " + count, CALL);
        assertThat(lines).hasSize(count);
        return lines.stream().map(Answer::parse).toList();
    }

    private static long count(List<Answer> answers, String server) {
        return answers.stream().filter(a -> a.server.equals(server)).count();
    }

    /** One FTP download as the client reported it, checked against what the server sent. */
    private record Ftp(String server, String passive) {}

    private static Ftp ftp(String mode) throws Exception {
        String file = "live-" + mode + ".txt";
        Map<String, String> r = new HashMap<>();
        for (String line : client.call("ftp " + VIP + " " + file + " " + mode, CALL)) {
            String[] kv = line.split(" ", 2);
            r.put(kv[0], kv[1]);
        }
        String server = r.get("banner").split(" ")[1]; // "220 rsN ready"
        byte[] expected = FtpSession.content(server, file).getBytes(StandardCharsets.US_ASCII);
        assertThat(r.get("data")).as("data connection's peer").startsWith(VIP + ":");
        assertThat(r.get("received")).as("file from %s", server)
                .isEqualTo(expected.length + " " + LiveClient.sha256(expected));
        assertThat(r.get("done")).startsWith("226");
        return new Ftp(server, r.get("passive"));
    }

    private static String server(String service, int n, int port) {
        return service + " -> " + realServerAddress(n) + ":" + port;
    }

    /** Conns of every service and real server from {@code ipvsadm -L -n --stats --exact}. */
    private static Map<String, Long> conns() throws Exception {
        Map<String, Long> conns = new HashMap<>();
        String service = null;
        for (String line : director.call("-L -n --stats --exact", CALL)) {
            String[] w = line.trim().split("\\s+");
            if (w[0].equals("TCP") || w[0].equals("UDP")) {
                service = w[1];
                conns.put(service, Long.parseLong(w[2]));
            } else if (w[0].equals("->") && service != null && w[1].matches("[0-9.]+:\\d+")) {
                conns.put(service + " -> " + w[1], Long.parseLong(w[2]));
            }
        }
        return conns;
    }

    private static long[] stats(String service) throws Exception {
        return LiveTopology.stats(director, service);
    }

    /** Identity connections each real server accepted so far. */
    private static int[] accepted() throws Exception {
        int[] n = new int[servers.size()];
        for (int i = 0; i < n.length; i++) {
            n[i] = Integer.parseInt(servers.get(i).call("connections", CALL).get(0));
        }
        return n;
    }

    /** The director's {@code counters} line. */
    private record Counters(String line, long forwarded, long replied, long ftpRewrites, long ftpLinesJoined) {}

    private static Counters counters() throws Exception {
        String line = director.call("counters", CALL).get(0);
        return new Counters(line, field(line, "forwarded"), field(line, "replied"), field(line, "ftp-rewrites"),
                field(line, "ftp-lines-joined"));
    }

}
