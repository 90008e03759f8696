package io.ippvs.examples;

import io.ippvs.api.RealServer;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.VirtualService;
import io.ippvs.core.director.Director;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps each real server's MTU in the director's configuration equal to the MTU of the kernel's route
 * to it, so that a packet too big for a server's link is answered with fragmentation-needed /
 * packet-too-big from the virtual address before it is translated, as {@code ip_vs_nat_xmit} does
 * with the route's MTU ({@code __mtu_check_toobig_v6}, {@code ensure_mtu_is_adequate}). Without it
 * the kernel would answer after the director, quoting the translated packet, which the client cannot
 * match: a client upload through a smaller link stalls at 0 bytes.
 *
 * <p>The MTU is the route's own ({@code ip route get ADDRESS}: an {@code mtu} attribute, or a
 * learned path MTU in its cache line), else the MTU of the device the route leaves by
 * ({@code ip link show dev DEV}). It is looked up again whenever {@code ip monitor route link}
 * reports a change, after {@link #refreshSoon()}, and every 10 s (real servers added later, an
 * ipvsadm {@code -e} that left the MTU out). Runs {@code ip} from iproute2 in the process's own
 * network namespace; without it the director keeps its default MTU and says so once.
 */
final class RouteMtus implements AutoCloseable {

    private static final Pattern MTU = Pattern.compile("\\bmtu (\\d+)");
    private static final Pattern DEV = Pattern.compile("\\bdev (\\S+)");
    private static final long PERIOD_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Director director;
    private final PrintStream err;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean dirty = true;
    private volatile Process monitor;
    private boolean warned;

    private RouteMtus(Director director, PrintStream err) {
        this.director = director;
        this.err = err;
        this.thread = new Thread(this::run, "route-mtus");
        thread.setDaemon(true);
    }

    /** Learns the MTUs once now, then keeps them up to date from a daemon thread. */
    static RouteMtus start(Director director, PrintStream err) {
        RouteMtus r = new RouteMtus(director, err);
        r.refresh();
        r.thread.start();
        return r;
    }

    /** Asks for a lookup within a fraction of a second (after a configuration command). */
    void refreshSoon() {
        dirty = true;
    }

    private void run() {
        startMonitor();
        long last = System.nanoTime();
        while (running) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            if (dirty || System.nanoTime() - last >= PERIOD_NANOS) {
                dirty = false;
                last = System.nanoTime();
                refresh();
            }
        }
    }

    /** {@code ip monitor route link}: any line is a change worth a lookup. */
    private void startMonitor() {
        try {
            Process p = new ProcessBuilder("ip", "-o", "monitor", "route", "link").redirectErrorStream(true).start();
            monitor = p;
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
                    while (in.readLine() != null) {
                        dirty = true;
                    }
                } catch (IOException e) {
                    // the monitor ended: the periodic lookup still runs
                }
            }, "route-monitor");
            reader.setDaemon(true);
            reader.start();
        } catch (IOException e) {
            warn("ip monitor: " + e.getMessage() + "; route changes are noticed within 10 s");
        }
    }

    /** Looks every real server's route up and edits those whose MTU changed; returns how many changed. */
    int refresh() {
        int changed = 0;
        for (VirtualService service : director.services()) {
            for (RealServer server : service.realServers()) {
                int mtu;
                try {
                    mtu = lookup(server.address());
                } catch (IOException e) {
                    warn(e.getMessage() + "; real servers keep the default MTU");
                    return changed;
                }
                RealServerConfig config = server.config();
                if (mtu <= 0 || mtu == config.mtu()) {
                    continue;
                }
                try {
                    director.editRealServer(service.key(), config.toBuilder().mtu(mtu).build());
                    changed++;
                } catch (IllegalArgumentException e) {
                    // removed meanwhile, or an MTU the configuration refuses: the next round sees
                }
            }
        }
        return changed;
    }

    /** The MTU of the route to {@code address}: 0 when the kernel has no route. */
    static int lookup(InetAddress address) throws IOException {
        String route = ip(address instanceof Inet6Address ? "-6" : "-4", "-o", "route", "get", address.getHostAddress());
        return mtu(route, dev -> ip("-o", "link", "show", "dev", dev));
    }

    /** Where {@code ip link show} comes from: the real command, or a test's text. */
    interface Links {
        String show(String device) throws IOException;
    }

    /**
     * The MTU an {@code ip -o route get} answer gives: its own {@code mtu} (a route attribute or a
     * learned path MTU in the cache part), else that of the device after {@code dev}; 0 for none.
     */
    static int mtu(String route, Links links) throws IOException {
        Matcher m = MTU.matcher(route);
        if (m.find()) {
            return Integer.parseInt(m.group(1));
        }
        Matcher dev = DEV.matcher(route);
        if (!dev.find()) {
            return 0;
        }
        Matcher link = MTU.matcher(links.show(dev.group(1)));
        return link.find() ? Integer.parseInt(link.group(1)) : 0;
    }

    private static String ip(String... args) throws IOException {
        String[] command = new String[args.length + 1];
        command[0] = "ip";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": no answer in 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", command) + ": interrupted", e);
        }
        // "RTNETLINK answers: Network is unreachable" and the like: no route, no MTU
        return p.exitValue() == 0 ? out : "";
    }

    private void warn(String message) {
        if (!warned) {
            warned = true;
            err.println("TunDirector: path MTU: " + message);
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        Process p = monitor;
        if (p != null) {
            p.destroy();
        }
    }
}
