package io.ippvs.examples;

import io.ippvs.api.Offload;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Threads that read IP packets from the queues of a TUN device, one thread per queue, hand each to
 * {@link #packet} and write back those they are told to, until {@link #stop}; {@code stop} then
 * prints {@link #report} and closes the device, once, whichever way the process ends (the command
 * loop, a signal's shutdown hook). On a device with offloads each packet comes with its
 * {@link Offload} facts and goes back with them as {@link #packet} left them.
 */
abstract class TunLoop {

    private final TunDevice[] queues;
    private final String command;
    private final PrintStream out;
    private final Thread[] loops;
    private final CountDownLatch loopsDone;
    private final CountDownLatch stoppedLatch = new CountDownLatch(1);
    /** Written by each queue's thread only, read by the command thread. */
    private final Counter[] refused;
    private volatile boolean running = true;
    private boolean stopped;

    /** A count written by one thread; padded so two queues' counts do not share a cache line. */
    static final class Counter {
        @SuppressWarnings("unused")
        private long p1, p2, p3, p4, p5, p6, p7;
        private volatile long value;
        @SuppressWarnings("unused")
        private long q1, q2, q3, q4, q5, q6, q7;

        void increment() {
            value = value + 1; // one writer
        }

        long get() {
            return value;
        }
    }

    TunLoop(TunDevice tun, String command, PrintStream out) {
        this(new TunDevice[] {tun}, command, out);
    }

    TunLoop(TunDevice[] queues, String command, PrintStream out) {
        this.queues = queues.clone();
        this.command = command;
        this.out = out;
        this.loops = new Thread[queues.length];
        this.refused = new Counter[queues.length];
        this.loopsDone = new CountDownLatch(queues.length);
        for (int q = 0; q < queues.length; q++) {
            int queue = q;
            refused[q] = new Counter();
            loops[q] = new Thread(() -> loop(queue), command + "-" + queues[q].name() + (queues.length > 1 ? "-q" + q : ""));
        }
    }

    /**
     * Handles the packet in {@code [position, limit)} read from queue {@code queue}, on that queue's
     * thread; true to write the buffer back into the device, with {@code offload} as it is then.
     *
     * @param offload the packet's facts on an offloading device (update them as the packet changes), else null
     */
    abstract boolean packet(int queue, ByteBuffer buffer, Offload offload);

    /** Runs on each queue's thread at least once a second, traffic or not. */
    void tick(int queue) {}

    /** What {@link #stop} prints. */
    abstract String report();

    /** The number of queues, and threads. */
    final int queueCount() {
        return queues.length;
    }

    /** Packets the kernel refused to take back: malformed output, a defect to report. */
    final long refused() {
        long n = 0;
        for (Counter c : refused) {
            n += c.get();
        }
        return n;
    }

    /** Starts the packet loops, a thread each. */
    final void start() {
        for (Thread t : loops) {
            t.start();
        }
    }

    /** Waits until {@link #stop} has run. */
    final void awaitStopped() throws InterruptedException {
        stoppedLatch.await();
    }

    private void loop(int queue) {
        TunDevice tun = queues[queue];
        ByteBuffer buf = TunDevice.newBuffer();
        Offload offload = tun.offloading() ? new Offload() : null;
        Counter refusedHere = refused[queue];
        try {
            while (running) {
                if (tun.read(buf, 1000, offload) && packet(queue, buf, offload) && !tun.write(buf, offload)) {
                    refusedHere.increment();
                }
                tick(queue);
            }
        } catch (IOException e) {
            System.err.println("ippvs " + command + ": " + e.getMessage());
            loopsDone.countDown();
            System.exit(1); // the device is gone: nothing left to serve, even if stdin is still open
        } finally {
            loopsDone.countDown();
        }
    }

    /** Stops the loops, prints the report and closes the device; once, from whichever path ends first. */
    final synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        running = false;
        try {
            loopsDone.await(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.print(report());
        out.flush();
        for (TunDevice q : queues) {
            q.close();
        }
        stoppedLatch.countDown();
    }
}
