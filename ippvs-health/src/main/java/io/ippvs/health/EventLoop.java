package io.ippvs.health;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor's one thread, in keepalived's shape (one scheduler for timers and sockets): timers,
 * TCP_CHECK's non-blocking connects on a selector, and tasks other threads post. A TCP probe thus
 * costs a connect, a wakeup of this thread and a close, with no thread handing work to another.
 * {@link #schedule} and {@link #connect} are for this thread only; {@link #post} is for any.
 */
final class EventLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);

    /** A pending timer; {@link #cancel} before it fires and it never runs. */
    static final class Timer implements Comparable<Timer> {
        final long due;
        final long seq;
        final Runnable task;
        boolean cancelled;

        Timer(long due, long seq, Runnable task) {
            this.due = due;
            this.seq = seq;
            this.task = task;
        }

        void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(due - o.due, 0);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final Selector selector;
    private final Thread thread;
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final ConcurrentLinkedQueue<Runnable> posted = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;
    private long seq;

    EventLoop(String name) {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("health checks: no selector", e);
        }
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Runs {@code task} on the loop thread soon; from any thread. False once closed. */
    boolean post(Runnable task) {
        if (!running) {
            return false;
        }
        posted.add(task);
        if (!inLoop()) {
            selector.wakeup();
        }
        return true;
    }

    /** Runs {@code task} after {@code delayNanos}; loop thread only. */
    Timer schedule(Runnable task, long delayNanos) {
        Timer t = new Timer(System.nanoTime() + Math.max(0, delayNanos), seq++, task);
        timers.add(t);
        return t;
    }

    /**
     * Opens a TCP connection to {@code address} without blocking; {@code done} hears up when it
     * completes, down when it is refused, fails or does not complete within {@code timeoutNanos}.
     * The connection is closed at once. Loop thread only.
     */
    void connect(InetSocketAddress address, long timeoutNanos, Consumer<CheckResult> done) {
        SocketChannel ch;
        try {
            ch = SocketChannel.open();
            ch.configureBlocking(false);
        } catch (IOException e) {
            done.accept(CheckResult.down("cannot open a socket: " + e.getMessage()));
            return;
        }
        Connect c = new Connect(ch, done);
        try {
            if (ch.connect(address)) {
                c.finish(CheckResult.up());
                return;
            }
            ch.register(selector, SelectionKey.OP_CONNECT, c);
        } catch (IOException e) {
            c.finish(CheckResult.down(reason(e)));
            return;
        }
        c.timeout = schedule(() -> c.finish(CheckResult.down("connect timeout after " + timeoutNanos / 1_000_000 + " ms")),
                timeoutNanos);
    }

    private static String reason(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** One connect in progress. */
    private static final class Connect {
        final SocketChannel channel;
        final Consumer<CheckResult> done;
        Timer timeout;
        boolean finished;

        Connect(SocketChannel channel, Consumer<CheckResult> done) {
            this.channel = channel;
            this.done = done;
        }

        void finish(CheckResult r) {
            if (finished) {
                return;
            }
            finished = true;
            if (timeout != null) {
                timeout.cancel();
            }
            try {
                channel.close();
            } catch (IOException e) {
                // closing a probe's socket: nothing to do about it
            }
            done.accept(r);
        }

        void connectable() {
            try {
                channel.finishConnect();
                finish(CheckResult.up());
            } catch (IOException e) {
                finish(CheckResult.down(reason(e)));
            }
        }
    }

    private void run() {
        while (running) {
            try {
                Runnable p;
                while ((p = posted.poll()) != null) {
                    p.run();
                }
                long now = System.nanoTime();
                Timer t;
                while ((t = timers.peek()) != null && t.due - now <= 0) {
                    timers.poll();
                    if (!t.cancelled) {
                        t.task.run();
                    }
                }
                t = timers.peek();
                long waitMillis = t == null ? 0 : Math.max(1, (t.due - now + 999_999) / 1_000_000);
                if (!posted.isEmpty()) {
                    selector.selectNow();
                } else {
                    selector.select(waitMillis);
                }
                for (SelectionKey k : selector.selectedKeys()) {
                    ((Connect) k.attachment()).connectable();
                }
                selector.selectedKeys().clear();
            } catch (IOException | RuntimeException e) {
                // one bad task must not stop every check
                LOG.warn("health checks: a task failed", e);
            }
        }
        for (SelectionKey k : selector.keys()) {
            try {
                k.channel().close();
            } catch (IOException e) {
                // closing at the end
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            // closing at the end
        }
    }

    /** Stops the loop; pending timers and connects are dropped. */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        if (!inLoop()) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
