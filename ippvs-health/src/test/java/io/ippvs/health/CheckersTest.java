package io.ippvs.health;

import static io.ippvs.health.Fixture.KEY;
import static io.ippvs.health.Fixture.loopback;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.FileInputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each checker against a real loopback server, on the outcomes keepalived's checkers give. */
class CheckersTest {

    /** MD5("The quick brown fox jumps over the lazy dog"), the RFC 1321 test-suite style constant everyone quotes. */
    private static final String FOX = "The quick brown fox jumps over the lazy dog";
    private static final String FOX_MD5 = "9e107d9d372bb6826bd81d3542a419d6";
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    private static CheckTarget target(int port) {
        return new CheckTarget(KEY, loopback(port, 1), new InetSocketAddress(Loopback.LOCALHOST, port), TIMEOUT);
    }

    private static HttpGetCheck get(String path, List<String> codes, String digest) {
        return HttpGetCheck.http().url(HttpGetCheck.Url.of(path, codes, digest, null)).build();
    }

    /**
     * The check's result both ways it runs: blocking ({@link HttpGetCheck#check}, SSL_GET's way) and
     * on the monitor's event loop (HTTP_GET's way); the two must agree.
     */
    private static CheckResult both(HttpGetCheck c, CheckTarget t) throws Exception {
        CheckResult blocking = c.check(t);
        java.util.concurrent.CompletableFuture<CheckResult> f = new java.util.concurrent.CompletableFuture<>();
        try (EventLoop loop = new EventLoop("test-loop")) {
            loop.post(() -> c.start(loop, t, f::complete));
            CheckResult looped = f.get(10, TimeUnit.SECONDS);
            assertThat(looped).as("event loop and blocking agree").isEqualTo(blocking);
        }
        return blocking;
    }

    @Test
    void httpStatusOutsideTheRangesFails() throws Exception {
        try (Loopback.Http h = Loopback.Http.started()) {
            h.answer.set(new Loopback.Http.Answer(302, "moved", 0));
            // check_http.c: no status_code means 200-299
            assertThat(both(get("/", List.of(), null), target(h.port())).reason()).isEqualTo("HTTP status 302 on /");
            assertThat(both(get("/", List.of("200-299", "302"), null), target(h.port())).isUp()).isTrue();
            h.answer.set(new Loopback.Http.Answer(500, "oops", 0));
            assertThat(both(get("/", List.of("200-299", "302"), null), target(h.port())).isUp()).isFalse();
            assertThat(both(get("/", List.of("500-599"), null), target(h.port())).isUp()).isTrue();
        }
    }

    @Test
    void theDigestIsTheMd5OfTheBody() throws Exception {
        try (Loopback.Http h = Loopback.Http.started()) {
            h.answer.set(new Loopback.Http.Answer(200, FOX, 0));
            assertThat(both(get("/", List.of(), FOX_MD5), target(h.port())).isUp()).isTrue();
            h.answer.set(new Loopback.Http.Answer(200, FOX + ".", 0));
            assertThat(both(get("/", List.of(), FOX_MD5), target(h.port())).reason()).startsWith("MD5 digest ")
                    .contains("is not " + FOX_MD5);
        }
    }

    @Test
    void aSlowServerTimesOut() throws Exception {
        try (Loopback.Http h = Loopback.Http.started()) {
            h.answer.set(new Loopback.Http.Answer(200, "late", 1000));
            long t0 = System.nanoTime();
            CheckResult r = get("/", List.of(), null).check(target(h.port()));
            long took = System.nanoTime() - t0;
            assertThat(r.reason()).isEqualTo("timeout on / after PT0.3S");
            assertThat(took).isLessThan(TimeUnit.MILLISECONDS.toNanos(600));
            java.util.concurrent.CompletableFuture<CheckResult> f = new java.util.concurrent.CompletableFuture<>();
            try (EventLoop loop = new EventLoop("test-loop")) {
                long t1 = System.nanoTime();
                loop.post(() -> get("/", List.of(), null).start(loop, target(h.port()), f::complete));
                assertThat(f.get(5, TimeUnit.SECONDS).reason()).isEqualTo("timeout on / after PT0.3S");
                assertThat(System.nanoTime() - t1).isLessThan(TimeUnit.MILLISECONDS.toNanos(600));
            }
        }
    }

    @Test
    void everyUrlMustPassAndTheRequestIsKeepalivedsOwn() throws Exception {
        try (Loopback.Http h = Loopback.Http.started()) {
            HttpGetCheck c = HttpGetCheck.http().url("/a")
                    .url(HttpGetCheck.Url.of("/b", List.of(), null, "b.example.com")).virtualhost("www.example.com").build();
            assertThat(both(c, target(h.port())).isUp()).isTrue();
            assertThat(get("/plain", List.of(), null).check(target(h.port())).isUp()).isTrue();
            synchronized (h.hosts) {
                assertThat(h.requestLines).containsExactly("GET /a HTTP/1.0", "GET /b HTTP/1.0", "GET /a HTTP/1.0",
                        "GET /b HTTP/1.0", "GET /plain HTTP/1.0");
                // check_http.c http_request_thread: the url's virtualhost, else the checker's, else address:port
                assertThat(h.hosts).containsExactly("www.example.com", "b.example.com", "www.example.com", "b.example.com",
                        "127.0.0.1:" + h.port());
            }
            h.answer.set(new Loopback.Http.Answer(404, "", 0));
            assertThat(both(c, target(h.port())).reason()).isEqualTo("HTTP status 404 on /a");
        }
    }

    @Test
    void sslGetSpeaksTls(@TempDir Path dir) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        assumeThat(Files.isExecutable(keytool)).as("keytool in this JDK").isTrue();
        Path store = dir.resolve("server.p12");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "s", "-keyalg", "EC", "-dname", "CN=rs",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "secret")
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(store.toFile())) {
            ks.load(in, "secret".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "secret".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        HttpsServer s = HttpsServer.create(new InetSocketAddress(Loopback.LOCALHOST, 0), 16);
        s.setHttpsConfigurator(new HttpsConfigurator(ctx));
        s.createContext("/", x -> {
            byte[] b = FOX.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        s.start();
        try {
            CheckTarget t = new CheckTarget(KEY, loopback(s.getAddress().getPort(), 1), s.getAddress(), Duration.ofSeconds(5));
            HttpGetCheck ssl = HttpGetCheck.ssl().url(HttpGetCheck.Url.of("/", List.of(), FOX_MD5, null)).build();
            assertThat(ssl.check(t).isUp()).as("a self-signed certificate is accepted, as keepalived does").isTrue();
            assertThat(ssl.name()).isEqualTo("SSL_GET");
            // plain HTTP to a TLS port gets no HTTP status line
            assertThat(get("/", List.of(), null).check(t).isUp()).isFalse();
        } finally {
            s.stop(0);
        }
    }

    @Test
    void udpSilenceIsUpUnlessAReplyIsRequired() throws Exception {
        try (DatagramSocket mute = new DatagramSocket(0, Loopback.LOCALHOST)) {
            // check_udp.c / layer4.c udp_socket_state: a read timeout is success unless require_reply
            assertThat(UdpCheck.builder().build().check(target(mute.getLocalPort())).isUp()).isTrue();
            assertThat(UdpCheck.builder().requireReply().build().check(target(mute.getLocalPort())).reason())
                    .startsWith("no reply");
        }
        int closed = Loopback.freePort();
        assertThat(UdpCheck.builder().build().check(target(closed)).reason()).isEqualTo("ICMP port unreachable");
    }

    @Test
    void udpReplyDataIsCompared() throws Exception {
        try (Loopback.UdpEcho echo = Loopback.UdpEcho.started()) {
            byte[] hello = {0x68, 0x65, 0x6c, 0x6c, 0x6f};
            assertThat(UdpCheck.builder().payload(hello).requireReply(hello, null).build().check(target(echo.port())).isUp())
                    .isTrue();
            assertThat(UdpCheck.builder().payload(hello).requireReply(new byte[] {0x68, 0x61}, null).build()
                    .check(target(echo.port())).reason()).isEqualTo("reply data mismatch");
            // a mask bit set means "do not compare this bit"
            assertThat(UdpCheck.builder().payload(hello).requireReply(new byte[] {0x68, 0x61}, new byte[] {0, 0x04}).build()
                    .check(target(echo.port())).isUp()).isTrue();
            assertThat(UdpCheck.builder().payload(hello).requireReply(hello, null).maxReplyLength(4).build()
                    .check(target(echo.port())).reason()).isEqualTo("reply data mismatch");
        }
    }

    @Test
    void udpSendsThePayload() throws Exception {
        try (DatagramSocket server = new DatagramSocket(0, Loopback.LOCALHOST)) {
            server.setSoTimeout(2000);
            Thread t = new Thread(() -> {
                try {
                    UdpCheck.builder().payload(new byte[] {1, 2, 3}).build().check(target(server.getLocalPort()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            t.start();
            DatagramPacket p = new DatagramPacket(new byte[16], 16);
            server.receive(p);
            assertThat(p.getLength()).isEqualTo(3);
            t.join();
        }
    }

    @Test
    void miscExitCodesAsKeepalivedReadsThem(@TempDir Path dir) throws Exception {
        // check_misc.c misc_check_child_thread
        assertThat(MiscCheck.result(0, false)).isEqualTo(CheckResult.up());
        assertThat(MiscCheck.result(1, true).isUp()).isFalse();
        assertThat(MiscCheck.result(2, true)).isEqualTo(CheckResult.up(0));
        assertThat(MiscCheck.result(255, true)).isEqualTo(CheckResult.up(253));
        assertThat(MiscCheck.result(7, false).isUp()).as("without misc_dynamic only 0 is up").isFalse();
        MiscCheck slow = MiscCheck.of(List.of("sleep", "10"), Duration.ofMillis(200), false);
        long t0 = System.nanoTime();
        CheckResult r = slow.check(new CheckTarget(KEY, loopback(80, 1), new InetSocketAddress(Loopback.LOCALHOST, 0),
                Duration.ofMillis(200)));
        assertThat(r.reason()).startsWith("timed out");
        assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(3));
        assertThat(slow.timeout(CheckConfig.builder(slow).build())).isEqualTo(Duration.ofMillis(200));
        MiscCheck noTimeout = MiscCheck.of(List.of("true"), null, false);
        assertThat(noTimeout.timeout(CheckConfig.builder(noTimeout).delayLoop(Duration.ofSeconds(7)).build()))
                .as("misc_timeout defaults to delay_loop").isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void pingAnswersFromLoopbackOnly() throws Exception {
        assumeThat(HealthCheckers.icmpAvailable()).as("CAP_NET_RAW for ICMP echoes").isTrue();
        assertThat(HealthCheckers.ping().check(new CheckTarget(KEY, loopback(80, 1),
                new InetSocketAddress(Loopback.LOCALHOST, 0), TIMEOUT)).isUp()).isTrue();
        // 203.0.113.0/24 is TEST-NET-3 (RFC 5737): nothing answers there (the build VM's own gateway is in TEST-NET-1)
        assertThat(HealthCheckers.ping().check(new CheckTarget(KEY, loopback(80, 1),
                new InetSocketAddress(Fixture.address("203.0.113.1"), 0), TIMEOUT)).isUp()).isFalse();
    }

    @Test
    void tcpRefusedIsDown() throws Exception {
        try (Loopback.Tcp t = Loopback.Tcp.started()) {
            assertThat(HealthCheckers.tcp().check(target(t.port())).isUp()).isTrue();
        }
        int closed = Loopback.freePort();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HealthCheckers.tcp().check(target(closed)))
                .isInstanceOf(java.net.ConnectException.class);
    }
}
