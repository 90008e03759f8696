package io.ippvs.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A thread that reads IP packets from a TUN device, hands each to {@link #packet} and writes back
 * those it is told to, until {@link #stop}; {@code stop} then prints {@link #report} and closes the
 * device, once, whichever way the process ends (the command loop, a signal's shutdown hook).
 */
abstract class TunLoop {

    private final TunDevice tun;
    private final String command;
    private final PrintStream out;
    private final Thread loop;
    private final CountDownLatch loopDone = new CountDownLatch(1);
    private final CountDownLatch stoppedLatch = new CountDownLatch(1);
    private volatile boolean running = true;
    private boolean stopped;
    /** Written by the loop thread only, read by the command thread. */
    private volatile long refused;

    TunLoop(TunDevice tun, String command, PrintStream out) {
        this.tun = tun;
        this.command = command;
        this.out = out;
        this.loop = new Thread(this::loop, command + "-" + tun.name());
    }

    /** Handles the packet in {@code [position, limit)}; true to write the buffer back into the device. */
    abstract boolean packet(ByteBuffer buffer);

    /** Runs on the loop thread at least once a second, traffic or not. */
    void tick() {}

    /** What {@link #stop} prints. */
    abstract String report();

    /** Packets the kernel refused to take back: malformed output, a defect to report. */
    final long refused() {
        return refused;
    }

    /** Starts the packet loop on a thread of its own. */
    final void start() {
        loop.start();
    }

    /** Waits until {@link #stop} has run. */
    final void awaitStopped() throws InterruptedException {
        stoppedLatch.await();
    }

    private void loop() {
        ByteBuffer buf = TunDevice.newBuffer();
        try {
            while (running) {
                if (tun.read(buf, 1000) && packet(buf) && !tun.write(buf)) {
                    refused++;
                }
                tick();
            }
        } catch (IOException e) {
            System.err.println("ippvs " + command + ": " + e.getMessage());
            loopDone.countDown();
            System.exit(1); // the device is gone: nothing left to serve, even if stdin is still open
        } finally {
            loopDone.countDown();
        }
    }

    /** Stops the loop, prints the report and closes the device; once, from whichever path ends first. */
    final synchronized void stop() {
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
        out.print(report());
        out.flush();
        tun.close();
        stoppedLatch.countDown();
    }
}
