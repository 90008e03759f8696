package io.ippvs.examples.live;

import static io.ippvs.examples.live.LiveTopology.CLIENT_ADDRESS;
import static io.ippvs.examples.live.LiveTopology.REAL_SERVERS;
import static io.ippvs.examples.live.LiveTopology.VIP;
import static io.ippvs.examples.live.LiveTopology.realServerAddress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ippvs.examples.TunDirector;
import java.io.IOException;
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
 * address, through the {@link TunDirector} in the director namespace, to real servers in their own
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
    private static final String BULK = VIP + ":9000";
    private static final Path LOGS = Path.of(System.getProperty("basedir", "."), "target", "live");

    private static LiveTopology topology;
    private static NamespaceProcess director;
    private static NamespaceProcess client;
    private static final List<NamespaceProcess> servers = new ArrayList<>();
    private static Thread safetyNet;

    @BeforeAll
    static void up() throws Exception {
        Optional<String> unavailable = LiveTopology.unavailable();
        assumeTrue(unavailable.isEmpty(), () -> "live test skipped: " + unavailable.orElseThrow());
        LiveTopology.removeStale();
        topology = LiveTopology.up();
        // should the test JVM be stopped (Ctrl-C, surefire timeout), the namespaces still go
        safetyNet = new Thread(LiveDirectorTest::tearDown, "live-teardown");
        Runtime.getRuntime().addShutdownHook(safetyNet);
        try {
            Files.createDirectories(LOGS);
            Path rules = LOGS.resolve("rules.txt");
            Files.writeString(rules, rules(), StandardCharsets.US_ASCII);
            for (int n = 1; n <= REAL_SERVERS; n++) {
                servers.add(NamespaceProcess.start(topology.realServer(n), "rs" + n, LOGS, LiveServer.class,
                        "rs" + n, "8080", "21", "9000"));
            }
            director = NamespaceProcess.start(topology.director(), "director", LOGS, TunDirector.class,
                    "--dev", "tun0", "--rules", rules.toString());
            client = NamespaceProcess.start(topology.client(), "client", LOGS, LiveClient.class);
            // started together, awaited one by one: the JVMs start in parallel
            for (NamespaceProcess p : servers) {
                p.awaitReady(START);
            }
            director.awaitReady(START);
            client.awaitReady(START);
        } catch (Throwable t) {
            tearDown();
            throw t;
        }
    }

    /** Both services round-robin over the three real servers, in this order. */
    private static String rules() {
        StringBuilder s = new StringBuilder("-A -t " + WEB + " -s rr\n");
        for (int n = 1; n <= REAL_SERVERS; n++) {
            s.append("-a -t ").append(WEB).append(" -r ").append(realServerAddress(n)).append(":8080 -m -w 1\n");
        }
        s.append("-A -t ").append(BULK).append(" -s rr\n");
        for (int n = 1; n <= REAL_SERVERS; n++) {
            s.append("-a -t ").append(BULK).append(" -r ").append(realServerAddress(n)).append(":9000 -m -w 1\n");
        }
        s.append("-A -t ").append(FTP).append(" -s rr\n");
        for (int n = 1; n <= REAL_SERVERS; n++) {
            s.append("-a -t ").append(FTP).append(" -r ").append(realServerAddress(n)).append(":21 -m -w 1\n");
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
        servers.forEach(NamespaceProcess::close);
        if (topology != null) {
            try {
                topology.close();
                assertThat(topology.existing()).as("namespaces left behind").isEmpty();
            } catch (IOException e) {
                throw new AssertionError("teardown: " + e.getMessage(), e);
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

        List<String> order = List.of("rs1", "rs2", "rs3"); // the order the rules add them
        int start = order.indexOf(answers.get(0).server);
        for (int i = 0; i < answers.size(); i++) {
            Answer a = answers.get(i);
            assertThat(a.peer).as("client's peer, connection %d", i).isEqualTo(VIP);
            assertThat(a.seenClient).as("the client address the server saw").isEqualTo(CLIENT_ADDRESS);
            assertThat(a.server).as("server of connection %d in %s", i, answers).isEqualTo(order.get((start + i) % 3));
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
     * With a 48-byte MSS advertised by the client the kernel itself cuts the server's 227 reply
     * (and every other segment) into 36-byte pieces. The servers' links are held to one segment per
     * packet ({@code gso_max_segs 1}): with segmentation offload the reply would reach the director
     * whole, as one super-packet of 36-byte segments (the next test).
     */
    @Test
    @Order(4)
    void passiveFtpWorksWhenTheKernelCutsEveryReply() throws Exception {
        serverSegmentsPerPacket(1);
        try {
            Counters[] c = pasvWithClientMss48();
            assertThat(c[1].ftpLinesJoined).as("lines joined across segments").isGreaterThan(c[0].ftpLinesJoined);
        } finally {
            serverSegmentsPerPacket(65535);
        }
    }

    /**
     * The same 36-byte MSS with segmentation offload: the server's kernel hands the 227 reply to the
     * director as a super-packet (TSO over veth, TSO on the TUN device), the FTP helper rewrites it
     * whole with its checksum left partial, and the kernel cuts it into 36-byte segments afterwards.
     */
    @Test
    @Order(5)
    void passiveFtpWorksWhenTheReplyComesAsASuperPacket() throws Exception {
        pasvWithClientMss48();
    }

    /** A passive download with the client advertising a 48-byte MSS; the counters before and after. */
    private static Counters[] pasvWithClientMss48() throws Exception {
        String route = VIP + " via 10.10.1.1";
        LiveTopology.run(("ip -n " + topology.client() + " route replace " + route + " advmss 48").split(" "));
        try {
            Counters before = counters();
            Ftp ftp = ftp("pasv");
            Counters after = counters();
            assertThat(ftp.passive).contains("(" + VIP.replace('.', ',') + ",");
            assertThat(after.ftpRewrites - before.ftpRewrites).as("227 replies rewritten").isEqualTo(1);
            return new Counters[] {before, after};
        } finally {
            LiveTopology.run(("ip -n " + topology.client() + " route replace " + route).split(" "));
        }
    }

    /**
     * 100 MB each way through the director with the TUN device's offloads on (its start-up line says
     * which): the client's and the servers' kernels hand over 64 KB super-packets with partial
     * checksums, the director translates them whole, and the bytes arrive intact.
     */
    @Test
    @Order(6)
    void aHundredMegabytesEachWayArriveIntactWithOffloadsOn() throws Exception {
        long length = 100L << 20;
        Counters before = counters();
        assertThat(client.call("bulk " + VIP + " 9000 put " + length + " 7", CALL))
                .containsExactly(length + " " + Bulk.sha256(length, 7));
        assertThat(client.call("bulk " + VIP + " 9000 get " + length + " 8", CALL))
                .containsExactly(length + " " + Bulk.sha256(length, 8));
        Counters after = counters();
        // far fewer packets than the 2 x 72,000 segments of 1448 bytes: the kernel passed super-packets
        assertThat(after.forwarded - before.forwarded).as("packets forwarded for 200 MB").isLessThan(100_000);
        assertThat(after.line).contains(" dropped 0 ").contains(" refused-by-kernel 0 ");
    }

    /**
     * A 1280-byte link between the director and the real servers, and no {@code --mtu}: the director
     * learns the servers' route MTU from the kernel and answers the client's 1500-byte (and larger,
     * segmented) packets with fragmentation-needed from the virtual address, before translating, as
     * {@code ip_vs_nat_xmit} does; the client lowers its path MTU and the upload completes. Without
     * it the kernel's own error would quote the translated packet, and the upload stalls at 0 bytes.
     */
    @Test
    @Order(6)
    void anUploadThroughA1280ByteServerLinkCompletesWithoutMtu() throws Exception {
        long length = 20L << 20;
        Counters before = counters();
        serverLinkMtu(1280);
        try {
            Thread.sleep(1500); // the director's route monitor reacts within 0.2 s; leave it room
            assertThat(client.call("bulk " + VIP + " 9000 put " + length + " 9", CALL))
                    .containsExactly(length + " " + Bulk.sha256(length, 9));
            Counters after = counters();
            assertThat(after.replied - before.replied).as("fragmentation-needed sent from the VIP").isPositive();
        } finally {
            serverLinkMtu(1500);
        }
    }

    /** The MTU of the director's links to every real server (the servers' own links stay at 1500). */
    private static void serverLinkMtu(int mtu) throws IOException {
        for (int n = 1; n <= REAL_SERVERS; n++) {
            LiveTopology.run("ip", "-n", topology.director(), "link", "set", "rs" + n, "mtu", String.valueOf(mtu));
        }
    }

    /** {@code gso_max_segs} of every real server's link: 1 makes its kernel send each segment alone. */
    private static void serverSegmentsPerPacket(int segments) throws IOException {
        for (int n = 1; n <= REAL_SERVERS; n++) {
            LiveTopology.run("ip", "-n", topology.realServer(n), "link", "set", "eth0", "gso_max_segs",
                    String.valueOf(segments));
        }
    }

    @Test
    @Order(7)
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

    private static long field(String line, String name) {
        String[] w = line.split(" ");
        for (int i = 0; i + 1 < w.length; i++) {
            if (w[i].equals(name)) {
                return Long.parseLong(w[i + 1]);
            }
        }
        throw new AssertionError("no " + name + " in '" + line + "'");
    }
}
