package io.ippvs.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.NextHop;
import io.ippvs.core.director.Director;
import io.ippvs.testkit.ChecksumVerifier;
import io.ippvs.testkit.PacketBuilder;
import io.ippvs.nat.NatRewriter;
import io.ippvs.tunnel.TunnelRewriter;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's embedding example, compiled from the README's own text (every {@code ```java} block
 * that declares a public class)
 * with the library on the class path, then run: packets through its loop, checked on the way out.
 */
class ReadmeExampleTest {

    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);
    private static final Pattern CLASS_NAME = Pattern.compile("public (?:final )?class (\\w+)");

    @TempDir
    Path classes;

    @Test
    void theReadmeExampleCompilesAndForwards() throws Exception {
        ClassLoader loader = compile(javaBlocks());
        Class<?> type = loader.loadClass("LoadBalancer");
        Object lb = type.getConstructor().newInstance();
        Class<?> io = loader.loadClass("LoadBalancer$PacketIo");

        String client = "198.51.100.7";
        Deque<ByteBuffer> in = new ArrayDeque<>();
        for (int i = 0; i < 3; i++) {
            in.add(PacketBuilder.ipv4(client, "203.1.1.10").tcp(40000 + i, 8080).flags(PacketBuilder.SYN).seq(1000)
                    .buffer(false, 64, 64));
        }
        in.add(PacketBuilder.ipv4(client, "203.1.1.10").tcp(50000, 8080).flags(PacketBuilder.ACK).buffer(false, 64, 64));
        in.add(PacketBuilder.ipv4(client, "203.1.1.99").tcp(40000, 22).flags(PacketBuilder.SYN).buffer(false, 64, 64));
        List<String> sent = new ArrayList<>();
        List<byte[]> sentBytes = new ArrayList<>();
        List<ByteBuffer> host = new ArrayList<>();
        Object packetIo = Proxy.newProxyInstance(loader, new Class<?>[] {io}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "read":
                    return in.poll();
                case "send":
                    sent.add(args[1].toString());
                    sentBytes.add(ChecksumVerifier.toBytes((ByteBuffer) args[0]));
                    return null;
                case "toHost":
                    host.add((ByteBuffer) args[0]);
                    return null;
                case "sendBack":
                    throw new AssertionError("no packet here should make an ICMP error");
                default:
                    throw new AssertionError(method.getName());
            }
        });
        type.getMethod("run", io).invoke(lb, packetIo);

        // wlc over 10.1.1.1 (w2), 10.1.1.2 (w2), 10.1.2.3 (w1): three new connections, one each
        // (ip_vs_wlc_schedule; which goes first follows the list order issue 11 settles)
        assertThat(sent).containsExactlyInAnyOrder("10.1.2.3:8080 Tunnel", "10.1.1.2:8080 Masq", "10.1.1.1:8080 Masq");
        for (byte[] p : sentBytes) {
            ChecksumVerifier.assertValid(p);
            if (p[9] == 4) { // IPIP: the client's packet as it came, in an outer header to the server
                assertThat(address(p, 12)).isEqualTo("192.0.2.1");
                assertThat(address(p, 16)).isEqualTo("10.1.2.3");
                assertThat(address(p, 20 + 12)).isEqualTo(client);
                assertThat(address(p, 20 + 16)).isEqualTo("203.1.1.10");
            } else { // NAT: the destination is the real server now
                assertThat(p[9]).isEqualTo((byte) 6);
                assertThat(address(p, 12)).isEqualTo(client);
                assertThat(address(p, 16)).isIn("10.1.1.1", "10.1.1.2");
                assertThat(((p[22] & 0xFF) << 8) | (p[23] & 0xFF)).isEqualTo(8080);
            }
        }
        assertThat(host).hasSize(1); // 203.1.1.99:22 is nobody's service

        String listing = (String) type.getMethod("listing").invoke(lb);
        assertThat(listing).contains("TCP  203.1.1.10:8080 wlc")
                .contains("  -> 10.1.1.1:8080                Masq    2      1          0")
                .contains("  -> 10.1.1.2:8080                Masq    2      1          0")
                .contains("  -> 10.1.2.3:8080                Tunnel  1      1          0");
        ScheduledExecutorService sweeper = (ScheduledExecutorService) type.getMethod("startSweeping").invoke(lb);
        sweeper.shutdownNow();

        // the README's test-kit example throws when what it checks does not hold
        loader.loadClass("LoadBalancerCheck").getMethod("main", String[].class).invoke(null, (Object) new String[0]);
    }

    private static String address(byte[] p, int at) {
        return (p[at] & 0xFF) + "." + (p[at + 1] & 0xFF) + "." + (p[at + 2] & 0xFF) + "." + (p[at + 3] & 0xFF);
    }

    /** The README's {@code ```java} blocks; the module runs with its own directory as working directory. */
    private static List<String> javaBlocks() throws IOException {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        List<String> blocks = new ArrayList<>();
        Matcher m = JAVA_BLOCK.matcher(text);
        while (m.find()) {
            // whole classes are compiled; the shorter blocks further on are excerpts that use names
            // (director, worker, ...) a class of the reader's own would declare
            if (CLASS_NAME.matcher(m.group(1)).find()) {
                blocks.add(m.group(1));
            }
        }
        assertThat(blocks).as("java classes in %s", readme.toAbsolutePath()).hasSizeGreaterThanOrEqualTo(2);
        return blocks;
    }

    /** Compiles the blocks with -Xlint:all -Werror against the library jars this test runs with. */
    private ClassLoader compile(List<String> blocks) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<JavaFileObject> sources = new ArrayList<>();
        for (String block : blocks) {
            Matcher m = CLASS_NAME.matcher(block);
            assertThat(m.find()).as("a public class in\n%s", block).isTrue();
            sources.add(new SimpleJavaFileObject(java.net.URI.create("string:///" + m.group(1) + ".java"),
                    JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return block;
                }
            });
        }
        String classPath = Stream.of(NextHop.class, Director.class, NatRewriter.class, TunnelRewriter.class, PacketBuilder.class)
                .map(ReadmeExampleTest::location).collect(Collectors.joining(File.pathSeparator));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter out = new StringWriter();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(out, files, diagnostics, List.of("--release", "17", "-Xlint:all", "-Werror",
                    "-proc:none", "-classpath", classPath, "-d", classes.toString()), null, sources).call();
            assertThat(ok).as("javac: %s %s", out, diagnostics.getDiagnostics()).isTrue();
        }
        return new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
    }

    private static String location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
