package io.ippvs.examples.live;

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
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The TUN director with the kernel's offloads (issue 16), on {@code examples/live/setup.sh}'s
 * topology: {@code ippvs tun --threads 2} on the multi-queue {@code tun0}, with TSO/USO and checksum
 * offload (the default), NAT only, and no {@code --mtu}.
 *
 * <ul>
 *   <li>A 100 MB upload to real server 1 arrives whole (sha256 computed by the client, by the server
 *       and apart from both here), and the director saw it as super-packets: fewer verdicts than
 *       half the segments its counters count.
 *   <li>Real server 2's link is narrowed to 1280 bytes at the director's end while the director
 *       runs (the server's end keeps 1500, so its MSS does not shrink the client's segments): the director learns the route MTU ({@code RouteMtus}, from {@code ip monitor}) and
 *       answers the client's too-big packets with fragmentation-needed from the VIP
 *       ({@code ip_vs_nat_xmit}'s {@code ensure_mtu_is_adequate}), so an upload completes. Without
 *       it the kernel sends the error after the translation, quoting the real server's address, the
 *       client cannot match it and the upload stalls at its first full-size segment.
 * </ul>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveOffloadTest {

    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration CALL = Duration.ofSeconds(20);
    private static final String BULK = VIP + ":8081";
    private static final String NARROW = VIP + ":8082";
    private static final int UPLOAD_PORT = 8081;
    private static final long HUNDRED_MB = 100L * 1024 * 1024;
    private static final int NARROW_MTU = 1280;
    private static final Path LOGS = Path.of(System.getProperty("basedir", "."), "target", "live-offload");

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
        safetyNet = new Thread(LiveOffloadTest::tearDown, "live-offload-teardown");
        Runtime.getRuntime().addShutdownHook(safetyNet);
        try {
            Files.createDirectories(LOGS);
            Path rules = LOGS.resolve("rules.txt");
            Files.writeString(rules, "-A -t " + BULK + " -s rr\n"
                    + "-a -t " + BULK + " -r " + realServerAddress(1) + ":" + UPLOAD_PORT + " -m\n"
                    + "-A -t " + NARROW + " -s rr\n"
                    + "-a -t " + NARROW + " -r " + realServerAddress(2) + ":" + UPLOAD_PORT + " -m\n",
                    StandardCharsets.US_ASCII);
            for (int n = 1; n <= 2; n++) {
                servers.add(NamespaceProcess.start(topology.realServer(n), "rs" + n, LOGS, LiveServer.class,
                        "rs" + n, "8080", "21", Integer.toString(UPLOAD_PORT)));
            }
            director = NamespaceProcess.start(topology.director(), "director", LOGS, Main.class,
                    "tun", "--dev", "tun0", "--rules", rules.toString(), "--threads", "2");
            client = NamespaceProcess.start(topology.client(), "client", LOGS, LiveClient.class);
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
        servers.clear();
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
    void a100MbUploadArrivesWholeAsSuperPackets() throws Exception {
        long[] before = stats(BULK);
        long forwardedBefore = field(counters(), "forwarded");

        Upload u = upload(BULK, HUNDRED_MB, 120);

        assertThat(u.peer).as("the client's peer").isEqualTo(VIP);
        assertThat(u.received).as("bytes the server received").isEqualTo(HUNDRED_MB);
        String expected = LiveClient.contentSha256(HUNDRED_MB);
        assertThat(u.sentSha).as("sha256 of what the client sent").isEqualTo(expected);
        assertThat(u.receivedSha).as("sha256 of what the server received").isEqualTo(expected);
        long[] after = stats(BULK);
        String counters = counters();
        long segments = after[1] - before[1] + after[2] - before[2];
        long verdicts = field(counters, "forwarded") - forwardedBefore;
        System.out.println("live offload: 100 MB upload: " + verdicts + " packets through the director, counted as "
                + segments + " segments; " + counters.strip());
        assertThat(after[3] - before[3]).as("InBytes: at least the payload").isGreaterThanOrEqualTo(HUNDRED_MB);
        // with TSO the kernel hands over up to 64 KB at a time; one packet per segment means no offload
        assertThat(verdicts * 2).as("packets the director handled (%d) against segments counted (%d)", verdicts, segments)
                .isLessThan(segments);
        assertThat(counters).contains(" dropped 0 ").contains(" refused-by-kernel 0 ");
    }

    @Test
    @Order(2)
    void anUploadAcrossA1280ByteServerLinkCompletesWithoutMtu() throws Exception {
        // the director's end only: the server keeps 1500 and so advertises an MSS of 1460, as behind a
        // narrower router; narrowing both ends would have its SYN-ACK's MSS keep the client's segments small
        String link = "rs2";
        LiveTopology.run("ip", "-n", topology.director(), "link", "set", link, "mtu", Integer.toString(NARROW_MTU));
        String learnt = "route MTU towards " + realServerAddress(2) + ": " + NARROW_MTU;
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!Files.readString(LOGS.resolve("director.err")).contains(learnt)) {
            assertThat(System.nanoTime()).as("the director says '%s' (%s)", learnt, LOGS.resolve("director.err"))
                    .isLessThan(end);
            Thread.sleep(100);
        }
        long repliedBefore = field(counters(), "replied");
        long size = 8L * 1024 * 1024;

        Upload u = upload(NARROW, size, 30);

        assertThat(u.received).as("bytes the server received").isEqualTo(size);
        assertThat(u.receivedSha).as("sha256 of what the server received").isEqualTo(LiveClient.contentSha256(size));
        String counters = counters();
        System.out.println("live offload: 8 MB upload across " + NARROW_MTU + " bytes: " + counters.strip());
        assertThat(field(counters, "replied") - repliedBefore).as("fragmentation-needed sent from the VIP").isPositive();
        assertThat(counters).contains(" refused-by-kernel 0 ");
    }

    /** One upload as the client and the server reported it. */
    private record Upload(String peer, String sentSha, long received, String receivedSha) {}

    private static Upload upload(String service, long size, int seconds) throws Exception {
        String port = service.substring(service.lastIndexOf(':') + 1);
        String[] w = client.call("upload " + VIP + " " + port + " " + size + " " + seconds, Duration.ofSeconds(seconds + 20))
                .get(0).split(" ");
        return new Upload(w[0], w[1], Long.parseLong(w[2]), w[3]);
    }

    private static String counters() throws Exception {
        return director.call("counters", CALL).get(0);
    }

    private static long[] stats(String service) throws Exception {
        return LiveTopology.stats(director, service);
    }
}
