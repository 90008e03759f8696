package io.ippvs.examples;

import io.ippvs.tunnel.DecapStatus;
import io.ippvs.tunnel.Decapsulator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The real server's end of VS/TUN on a TUN device, for kernels without ipip, fou or gre: the kernel
 * routes the tunnel packets arriving from the director into the device, this loop strips the outer
 * headers with the library's {@link Decapsulator} and writes the client's packet back, which the
 * kernel then delivers to the local socket on the virtual address. Replies leave by the ordinary
 * routes, straight to the client.
 *
 * <p>Packets that are not ours or not well formed are discarded and counted by status.
 */
final class TunnelEndpoint {

    private final TunDevice tun;
    private final Decapsulator decapsulator;
    private final PrintStream out;
    private final Thread loop;
    private final CountDownLatch loopDone = new CountDownLatch(1);
    private final CountDownLatch stoppedLatch = new CountDownLatch(1);
    private volatile boolean running = true;
    private boolean stopped;
    /** Written by the loop thread only. */
    private volatile long refused;

    TunnelEndpoint(TunDevice tun, Decapsulator decapsulator, PrintStream out) {
        this.tun = tun;
        this.decapsulator = decapsulator;
        this.out = out;
        this.loop = new Thread(this::loop, "tunnel-" + tun.name());
    }

    void start() {
        loop.start();
    }

    void awaitStopped() throws InterruptedException {
        stoppedLatch.await();
    }

    /** {@code counters}: every decapsulation outcome that occurred and the packets the kernel refused. */
    String command(String line) {
        if (!line.equals("counters")) {
            throw new IllegalArgumentException("unknown command '" + line + "' (counters, quit)");
        }
        return counters();
    }

    String counters() {
        StringBuilder s = new StringBuilder("decapsulated ").append(decapsulator.count(DecapStatus.OK))
                .append(" refused-by-kernel ").append(refused);
        for (DecapStatus status : DecapStatus.values()) {
            if (status != DecapStatus.OK && decapsulator.count(status) > 0) {
                s.append(' ').append(status).append(' ').append(decapsulator.count(status));
            }
        }
        return s.append('\n').toString();
    }

    private void loop() {
        ByteBuffer buf = TunDevice.newBuffer();
        try {
            while (running) {
                if (tun.read(buf, 1000) && decapsulator.decapsulate(buf) == DecapStatus.OK && !tun.write(buf)) {
                    refused++; // an inner packet the kernel would not take: a defect to report
                }
            }
        } catch (IOException e) {
            System.err.println("ippvs tunnel-endpoint: " + e.getMessage());
            loopDone.countDown();
            System.exit(1); // the device is gone
        } finally {
            loopDone.countDown();
        }
    }

    /** Stops the loop, prints the counters and closes the device; once. */
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
        out.print(counters());
        out.flush();
        tun.close();
        stoppedLatch.countDown();
    }
}
