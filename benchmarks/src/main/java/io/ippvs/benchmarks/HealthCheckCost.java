package io.ippvs.benchmarks;

import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.core.director.Director;
import io.ippvs.health.CheckConfig;
import io.ippvs.health.CheckedRealServer;
import io.ippvs.health.CheckedService;
import io.ippvs.health.HealthCheckers;
import io.ippvs.health.HealthChecker;
import io.ippvs.health.HealthConfig;
import io.ippvs.health.HealthMonitor;
import io.ippvs.health.HttpGetCheck;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What health checks cost: {@code N} real servers on loopback, each with one check every
 * {@code delay_loop} 1 s, for a measured window after a warm-up. Reports the CPU time of the
 * health-check threads ({@code ippvs-health-*}, ThreadMXBean) and of the whole process (which also
 * runs the servers: one selector thread answering every connection) as a share of one core.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.ippvs.benchmarks.HealthCheckCost [TCP_CHECK|HTTP_GET|NOOP] [servers] [seconds]
 * </pre>
 */
public final class HealthCheckCost {

    private static final byte[] RESPONSE = "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII);

    private HealthCheckCost() {}

    public static void main(String[] args) throws Exception {
        String kind = args.length > 0 ? args[0] : "TCP_CHECK";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 25;
        InetAddress lo = InetAddress.getLoopbackAddress();
        Selector selector = Selector.open();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ServerSocketChannel s = ServerSocketChannel.open();
            s.bind(new InetSocketAddress(lo, 0), 128);
            s.configureBlocking(false);
            s.register(selector, SelectionKey.OP_ACCEPT);
            ports.add(((InetSocketAddress) s.getLocalAddress()).getPort());
        }
        Thread servers = new Thread(() -> serve(selector, kind.equals("HTTP_GET")), "loopback-servers");
        servers.setDaemon(true);
        servers.start();

        HealthChecker checker = switch (kind) {
            case "HTTP_GET" -> HttpGetCheck.http().url("/").build();
            case "TCP_CHECK" -> HealthCheckers.tcp();
            // the monitor's own cost: a checker that does no I/O
            case "NOOP" -> new HealthChecker() {
                @Override
                public String name() {
                    return "NOOP";
                }

                @Override
                public io.ippvs.health.CheckResult check(io.ippvs.health.CheckTarget target) {
                    return io.ippvs.health.CheckResult.up();
                }
            };
            default -> throw new IllegalArgumentException("checker: " + kind + " is not TCP_CHECK, HTTP_GET or NOOP");
        };
        ServiceKey key = ServiceKey.of(Protocol.TCP, InetAddress.getByName("10.0.0.100"), 80);
        CheckedService.Builder b = CheckedService.builder(ServiceConfig.builder(key).build());
        for (int port : ports) {
            b.realServer(CheckedRealServer.builder(RealServerConfig.builder(lo, port)
                    .forwardingMethod(ForwardingMethod.MASQUERADE).build())
                    .check(CheckConfig.builder(checker).delayLoop(Duration.ofSeconds(1))
                            .connectTimeout(Duration.ofSeconds(1)).build()).build());
        }
        Director director = Director.builder().build();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (HealthMonitor monitor = HealthMonitor.builder(director, HealthConfig.of(b.build())).build()) {
            monitor.start();
            Thread.sleep(5000); // warmup (the first probes spread over delay_loop), JIT
            long health0 = healthCpu(threads);
            long process0 = os.getProcessCpuTime();
            long wall0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long wall = System.nanoTime() - wall0;
            long health = healthCpu(threads) - health0;
            long process = os.getProcessCpuTime() - process0;
            String text = monitor.prometheusText();
            long probes = text.lines().filter(l -> l.startsWith("ippvs_health_checks_total") && l.contains("success"))
                    .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).sum();
            long failures = text.lines().filter(l -> l.startsWith("ippvs_health_checks_total") && l.contains("failure"))
                    .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).sum();
            System.out.printf("%s, %d servers, delay_loop 1 s, %.1f s measured: health threads %.2f%% of one core, "
                    + "whole process %.2f%% (servers included); %d probes in all, %d failed%n", kind, n, wall / 1e9,
                    100.0 * health / wall, 100.0 * process / wall, probes, failures);
        }
    }

    /** CPU time of the health-check threads alive now. */
    private static long healthCpu(ThreadMXBean threads) {
        long sum = 0;
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith("ippvs-health")) {
                long c = threads.getThreadCpuTime(t.getThreadId());
                if (c > 0) {
                    sum += c;
                }
            }
        }
        return sum;
    }

    /**
     * Accepts every connection; for HTTP reads the request, answers 200 and closes; for TCP waits
     * for the checker to close first, as a real server does.
     */
    private static void serve(Selector selector, boolean http) {
        ByteBuffer in = ByteBuffer.allocate(4096);
        try {
            while (true) {
                selector.select();
                for (SelectionKey k : selector.selectedKeys()) {
                    if (k.isAcceptable()) {
                        SocketChannel c = ((ServerSocketChannel) k.channel()).accept();
                        if (c != null) {
                            c.configureBlocking(false);
                            c.register(selector, SelectionKey.OP_READ);
                        }
                    } else if (k.isReadable()) {
                        SocketChannel c = (SocketChannel) k.channel();
                        in.clear();
                        int n;
                        try {
                            n = c.read(in);
                        } catch (IOException e) {
                            n = -1;
                        }
                        if (n > 0 && http) {
                            c.write(ByteBuffer.wrap(RESPONSE));
                            c.close();
                        } else if (n < 0) {
                            c.close();
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
