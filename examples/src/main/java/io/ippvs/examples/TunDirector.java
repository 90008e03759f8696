package io.ippvs.examples;

import io.ippvs.api.DropReason;
import io.ippvs.api.NextHop;
import io.ippvs.api.Verdict;
import io.ippvs.core.admin.Ipvsadm;
import io.ippvs.core.director.Director;
import io.ippvs.health.HealthConfig;
import io.ippvs.health.HealthMonitor;
import io.ippvs.health.KeepalivedConfig;
import io.ippvs.nat.NatRewriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A NAT director on a TUN device: the kernel routes the virtual addresses and the real servers'
 * replies into the device, this loop runs each packet through {@link Director#process} and writes the
 * rewritten packet back, and the kernel routes it on. {@code examples/README.md} shows the routing.
 *
 * <pre>
 * java -cp ippvs-examples.jar io.ippvs.examples.TunDirector [--dev tun0] [--rules rules.txt] [--mtu 1500]
 *     [--check keepalived.conf] [--no-commands]
 * </pre>
 *
 * <p>{@code --check} runs the health checks of a keepalived.conf's {@code virtual_server} blocks
 * beside the director ({@code ippvs-health}): they add their services and take failed real servers
 * out and back; the {@code health} command prints their Prometheus text.
 *
 * <p>{@code --mtu} is the MTU of the links towards the real servers. The director must know it: a
 * packet too big for a link behind the device would get its fragmentation-needed from the kernel,
 * quoting the translated packet the client cannot match, so the director answers it itself, from
 * the virtual address, before translating.
 *
 * <p>Standard input takes ipvsadm command lines ({@code -L -n --stats}, {@code -e ... -w 0}, ...) and
 * {@code counters} (verdict and drop counts, packets the kernel refused, the FTP helper's rewrites);
 * {@code quit} or the end of the input stops. With {@code --no-commands} it runs until SIGINT /
 * SIGTERM. On the way out it prints {@code ipvsadm -L -n --stats --exact} and the counters.
 *
 * <p>Verdicts: FORWARD and REPLY go back into the device. PASS is discarded: what reaches the device
 * was routed there for the director, and handing it back unchanged would route it straight back in.
 * A packet the kernel refuses to take back (malformed) is counted as {@code refused-by-kernel}: on
 * real traffic that count is a defect to report.
 */
public final class TunDirector {

    private static final int SWEEP_NANOS = 1_000_000_000;
    private static final String USAGE =
            "usage: TunDirector [--dev NAME] [--rules FILE] [--mtu BYTES] [--check KEEPALIVED_CONF] [--no-commands]";

    private final TunDevice tun;
    private final Director director;
    private final NatRewriter nat;
    private final Ipvsadm ipvsadm;
    private final PrintStream out;
    private final Thread loop;
    private final CountDownLatch loopDone = new CountDownLatch(1);
    private volatile boolean running = true;
    private boolean stopped;
    /** The health checks of --check, or null. */
    private HealthMonitor health;
    /** Written by the loop thread only, read by the command thread. */
    private volatile long refused;

    TunDirector(TunDevice tun, Director director, NatRewriter nat, PrintStream out) {
        this.tun = tun;
        this.director = director;
        this.nat = nat;
        this.ipvsadm = Ipvsadm.forDirector(director);
        this.out = out;
        this.loop = new Thread(this::loop, "tun-" + tun.name());
    }

    public static void main(String[] args) throws IOException {
        String dev = "tun0";
        Path rules = null;
        Path check = null;
        int mtu = 1500;
        boolean commands = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dev" -> dev = value(args, ++i);
                case "--rules" -> rules = Path.of(value(args, ++i));
                case "--mtu" -> mtu = number(value(args, ++i));
                case "--check" -> check = Path.of(value(args, ++i));
                case "--no-commands" -> commands = false;
                default -> fail("unknown argument '" + args[i] + "'");
            }
        }
        NatRewriter nat = null;
        try {
            nat = NatRewriter.builder().defaultMtu(mtu).build();
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
        }
        Director director = Director.builder().rewriter(nat).build();
        if (rules != null) {
            try {
                Ipvsadm.forDirector(director).restore(rules.toString(), Files.readString(rules));
            } catch (IllegalArgumentException e) {
                exit(e.getMessage()); // a RulesFileException names file and line
            }
        }
        HealthConfig checks = null;
        if (check != null) {
            try {
                checks = KeepalivedConfig.parse(check);
            } catch (IllegalArgumentException | IOException e) {
                exit(e.getMessage()); // a KeepalivedConfigException names file and line
            }
        }
        TunDevice tun;
        try {
            tun = TunDevice.open(dev);
        } catch (IOException e) {
            exit(e.getMessage());
            return;
        }
        TunDirector d = new TunDirector(tun, director, nat, System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(d::stop, "tun-director-stop"));
        d.loop.start();
        if (checks != null) {
            d.health = HealthMonitor.builder(director, checks).build();
            d.health.start();
        }
        CommandLoop.ready(tun.name());
        if (commands) {
            CommandLoop.run(d::command);
            d.stop();
        }
    }

    private static int number(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            fail("'" + text + "' is not a number");
            return 0;
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            fail(args[i - 1] + ": needs a value");
        }
        return args[i];
    }

    /** A usage error. */
    private static void fail(String message) {
        System.err.println("TunDirector: " + message);
        System.err.println(USAGE);
        System.exit(2);
    }

    /** A configuration or device error; the message says what to check. */
    private static void exit(String message) {
        System.err.println("TunDirector: " + message);
        System.exit(1);
    }

    private String command(String line) {
        if (line.equals("health")) {
            return health == null ? "no health checks (--check)\n" : health.prometheusText();
        }
        return line.equals("counters") ? counters() : ipvsadm.execute(line);
    }

    /** The director's verdict counts, every drop reason that occurred and the FTP helper's work, on one line. */
    String counters() {
        StringBuilder s = new StringBuilder()
                .append("forwarded ").append(director.forwarded())
                .append(" replied ").append(director.replied())
                .append(" passed ").append(director.passed())
                .append(" dropped ").append(director.dropped())
                .append(" refused-by-kernel ").append(refused);
        for (DropReason r : DropReason.values()) {
            if (director.drops(r) > 0) {
                s.append(' ').append(r).append(' ').append(director.drops(r));
            }
        }
        s.append(" ftp-rewrites ").append(nat.ftpRewrites())
                .append(" ftp-lines-joined ").append(nat.ftpLinesJoined())
                .append(" ftp-rewrites-skipped ").append(nat.ftpRewritesSkipped());
        return s.append('\n').toString();
    }

    private void loop() {
        ByteBuffer buf = TunDevice.newBuffer();
        NextHop hop = new NextHop();
        long lastSweep = System.nanoTime();
        try {
            while (running) {
                if (tun.read(buf, 1000)) {
                    Verdict v = director.process(buf, 0, hop);
                    switch (v.action()) {
                        // NAT rewrote the destination (or restored the virtual source): the kernel routes it on
                        case FORWARD, REPLY -> {
                            if (!tun.write(buf)) {
                                refused++; // a malformed packet out of the director: a defect to report
                            }
                        }
                        case PASS, DROP -> { } // counted by the director (passed, dropped per reason)
                    }
                }
                if (System.nanoTime() - lastSweep >= SWEEP_NANOS) {
                    director.sweep();
                    lastSweep = System.nanoTime();
                }
            }
        } catch (IOException e) {
            System.err.println("TunDirector: " + e.getMessage());
            loopDone.countDown();
            System.exit(1); // the device is gone: nothing left to serve, even if stdin is still open
        } finally {
            loopDone.countDown();
        }
    }

    /** Stops the loop, prints the statistics and closes the device; once, from whichever path ends first. */
    synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (health != null) {
            health.close();
        }
        running = false;
        try {
            loopDone.await(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.print(ipvsadm.execute("-L -n --stats --exact"));
        out.print(counters());
        out.flush();
        tun.close();
    }
}
