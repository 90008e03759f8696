package io.ippvs.examples;

import io.ippvs.api.DropReason;
import io.ippvs.api.NextHop;
import io.ippvs.api.Verdict;
import io.ippvs.core.admin.Ipvsadm;
import io.ippvs.core.director.Director;
import io.ippvs.nat.NatRewriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A NAT director on a TUN device: the kernel routes the virtual addresses and the real servers'
 * replies into the device, this loop runs each packet through {@link Director#process} and writes the
 * rewritten packet back, and the kernel routes it on. {@code examples/README.md} shows the routing.
 *
 * <p>Run by {@code ippvs tun} ({@link TunCommand}), which parses the options and builds the director.
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

    private final TunDevice tun;
    private final Director director;
    private final NatRewriter nat;
    private final Ipvsadm ipvsadm;
    private final PrintStream out;
    private final Thread loop;
    private final CountDownLatch loopDone = new CountDownLatch(1);
    private final CountDownLatch stoppedLatch = new CountDownLatch(1);
    private volatile boolean running = true;
    private boolean stopped;
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

    /** Starts the packet loop on a thread of its own. */
    void start() {
        loop.start();
    }

    /** Waits until {@link #stop} has run (SIGINT, SIGTERM, {@code quit} or the end of the input). */
    void awaitStopped() throws InterruptedException {
        stoppedLatch.await();
    }

    /** The counters as Prometheus text, for {@code --metrics}. */
    String metrics() {
        return ipvsadm.metrics();
    }

    /** One line of the command interface: {@code counters} or an ipvsadm command line. */
    String command(String line) {
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
            System.err.println("ippvs tun: " + e.getMessage());
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
        stoppedLatch.countDown();
    }
}
