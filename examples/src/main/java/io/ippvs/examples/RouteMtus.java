package io.ippvs.examples;

import io.ippvs.api.Configuration;
import io.ippvs.api.RealServerConfig;
import io.ippvs.core.director.Director;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Learns the route MTU towards each real server from the kernel's routing table and gives it to the
 * director as the server's {@link RealServerConfig#mtu()}, so the rewriters answer a client's packet
 * that will not fit the way to its server with fragmentation-needed / packet-too-big from the virtual
 * address before translating, as {@code ip_vs_nat_xmit} does with {@code dst_mtu} of the route it
 * looked up ({@code __mtu_check_toobig_v6}, {@code ensure_mtu_is_adequate}). Without this the kernel
 * would send that error itself, after the director, quoting the translated packet the client cannot
 * match, and an upload across a narrower link would stall.
 *
 * <p>The MTU of a route is what {@code ip -o route get ADDR} shows: its {@code mtu N} or
 * {@code mtu lock N} (a route metric, or a learnt path-MTU exception in the cache line), else the
 * MTU of its output device ({@code ip -o link show dev DEV}). It is looked up again every
 * {@code period} and whenever {@code ip monitor route link} reports a change, and after each command
 * line (a real server may have been added); a server whose MTU changed is edited, all of them in one
 * configuration change. The director's packet path never waits for any of this.
 */
final class RouteMtus implements AutoCloseable {

    private static final Pattern MTU = Pattern.compile("\\smtu (?:lock )?(\\d+)");
    private static final Pattern DEV = Pattern.compile("\\sdev (\\S+)");
    private static final Pattern LINK_MTU = Pattern.compile("\\smtu (\\d+)");

    private final Director director;
    private final Function<String, String> ip;
    private final PrintStream err;
    private final long periodMillis;
    private final Object wake = new Object();
    private boolean wanted;
    private volatile boolean running = true;
    private Thread thread;
    private Process monitor;
    /** What the last refresh learnt, address to MTU (0: no route); the refresh thread's own. */
    private final Map<InetAddress, Integer> learnt = new HashMap<>();

    /**
     * @param ip runs {@code ip} with the given arguments (space-separated) and returns its output,
     *     or null when it failed (no route)
     */
    RouteMtus(Director director, Function<String, String> ip, long periodMillis, PrintStream err) {
        this.director = director;
        this.ip = ip;
        this.periodMillis = periodMillis;
        this.err = err;
    }

    /** One that runs {@code ip(8)} of this process's network namespace. */
    static RouteMtus forKernel(Director director, PrintStream err) {
        return new RouteMtus(director, RouteMtus::runIp, 5000, err);
    }

    /**
     * The MTU of the route in one line of {@code ip -o route get}: its {@code mtu} (or
     * {@code mtu lock}) when it has one, else its device's from {@code deviceMtu}; 0 when the line
     * shows no usable route (unreachable, prohibit, blackhole, no device).
     */
    static int routeMtu(String routeGet, Function<String, Integer> deviceMtu) {
        if (routeGet == null) {
            return 0;
        }
        String line = routeGet.strip();
        if (line.isEmpty() || line.startsWith("unreachable") || line.startsWith("prohibit")
                || line.startsWith("blackhole") || line.startsWith("throw")) {
            return 0;
        }
        Matcher m = MTU.matcher(line);
        if (m.find()) {
            return Integer.parseInt(m.group(1));
        }
        Matcher d = DEV.matcher(line);
        if (!d.find()) {
            return 0;
        }
        Integer mtu = deviceMtu.apply(d.group(1));
        return mtu == null ? 0 : mtu;
    }

    /** The {@code mtu} of one line of {@code ip -o link show}; null when there is none. */
    static Integer linkMtu(String linkShow) {
        if (linkShow == null) {
            return null;
        }
        Matcher m = LINK_MTU.matcher(linkShow);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    /** The route MTU towards {@code address} now; 0 when there is no route. */
    int lookup(InetAddress address) {
        String route = ip.apply("-o route get " + address.getHostAddress());
        return routeMtu(route, dev -> linkMtu(ip.apply("-o link show dev " + dev)));
    }

    /**
     * Looks up every real server's route MTU and edits, in one configuration change, those whose
     * MTU differs; a server without a route keeps what it had.
     *
     * @return how many real servers were edited
     */
    int refresh() {
        Map<InetAddress, Integer> mtus = new HashMap<>();
        for (Configuration.Service s : director.configuration().services()) {
            for (RealServerConfig r : s.realServers()) {
                mtus.computeIfAbsent(r.address(), this::lookup);
            }
        }
        for (Map.Entry<InetAddress, Integer> e : mtus.entrySet()) {
            Integer before = learnt.put(e.getKey(), e.getValue());
            if (before == null || !before.equals(e.getValue())) {
                err.println("ippvs tun: route MTU towards " + e.getKey().getHostAddress() + ": "
                        + (e.getValue() == 0 ? "no route" : e.getValue()));
            }
        }
        int[] edited = {0};
        director.update(c -> {
            Configuration next = c;
            for (Configuration.Service s : c.services()) {
                for (RealServerConfig r : s.realServers()) {
                    Integer mtu = mtus.get(r.address());
                    if (mtu == null) {
                        mtu = lookup(r.address()); // added since the lookups above
                    }
                    if (mtu >= 68 && mtu <= 0xFFFF && mtu != r.mtu()) {
                        next = next.withEditedRealServer(s.config().key(), r.toBuilder().mtu(mtu).build());
                        edited[0]++;
                    }
                }
            }
            return next;
        });
        return edited[0];
    }

    /** Asks for a refresh soon (after a command that may have added a server). */
    void refreshSoon() {
        synchronized (wake) {
            wanted = true;
            wake.notifyAll();
        }
    }

    /** Refreshes now, then keeps refreshing on a thread of its own (and on {@code ip monitor} events). */
    void start() {
        refresh();
        thread = new Thread(this::run, "ippvs-route-mtus");
        thread.setDaemon(true);
        thread.start();
        try {
            monitor = new ProcessBuilder("ip", "monitor", "route", "link").redirectErrorStream(true).start();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(monitor.getInputStream(),
                        StandardCharsets.US_ASCII))) {
                    while (in.readLine() != null) {
                        refreshSoon();
                    }
                } catch (IOException e) {
                    // the monitor ended: the periodic refresh remains
                }
            }, "ippvs-route-monitor");
            reader.setDaemon(true);
            reader.start();
        } catch (IOException e) {
            err.println("ippvs tun: ip monitor route: " + e.getMessage() + "; route MTUs are looked up every "
                    + periodMillis / 1000 + " s only");
        }
    }

    private void run() {
        while (running) {
            synchronized (wake) {
                if (!wanted) {
                    try {
                        wake.wait(periodMillis);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                wanted = false;
            }
            if (!running) {
                return;
            }
            try {
                refresh();
            } catch (RuntimeException e) {
                err.println("ippvs tun: route MTUs: " + e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        if (monitor != null) {
            monitor.destroy();
        }
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** Runs {@code ip ARGS}; its output, or null when it failed or took over 5 s. */
    private static String runIp(String args) {
        try {
            List<String> command = new java.util.ArrayList<>(List.of("ip"));
            command.addAll(List.of(args.split(" ")));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
