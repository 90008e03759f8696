package io.ippvs.health;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
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
 * TCP_CHECK's connects and HTTP_GET's exchanges as non-blocking sockets on a selector, and tasks
 * other threads post. Such a probe costs its syscalls and a wakeup of this thread, with no thread
 * handing work to another. {@link #schedule}, {@link #connect} and {@link #exchange} are for this
 * thread only; {@link #post} is for any.
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

    /** Something waiting on the selector. */
    private interface Ready {
        void ready(SelectionKey k);
    }

    /** What a request's reply means so far: {@code null} while more bytes are needed. */
    interface Reply {
        CheckResult read(byte[] buf, int len, boolean eof);
    }

    /**
     * Sends {@code request} on a fresh TCP connection and reads the reply until {@code reply} has a
     * result, the peer closes, or {@code deadlineNanos} ({@link System#nanoTime()}) passes; the
     * connection is then closed and {@code done} hears the result. Loop thread only.
     */
    void exchange(InetSocketAddress address, byte[] request, long deadlineNanos, int maxReply, Reply reply,
            String what, Consumer<CheckResult> done) {
        SocketChannel ch;
        try {
            ch = SocketChannel.open();
            ch.configureBlocking(false);
        } catch (IOException e) {
            done.accept(CheckResult.down("cannot open a socket: " + e.getMessage()));
            return;
        }
        Exchange x = new Exchange(ch, ByteBuffer.wrap(request), maxReply, reply, done);
        x.timeout = schedule(() -> x.finish(CheckResult.down("timeout on " + what)), deadlineNanos - System.nanoTime());
        try {
            boolean connected = ch.connect(address);
            x.key = ch.register(selector, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, x);
        } catch (IOException e) {
            x.finish(CheckResult.down(reason(e)));
        }
    }

    /** One request and its reply in progress. */
    private static final class Exchange implements Ready {
        final SocketChannel channel;
        final ByteBuffer out;
        final Reply reply;
        final Consumer<CheckResult> done;
        final int maxReply;
        byte[] in = new byte[4096];
        int have;
        SelectionKey key;
        Timer timeout;
        boolean finished;

        Exchange(SocketChannel channel, ByteBuffer out, int maxReply, Reply reply, Consumer<CheckResult> done) {
            this.channel = channel;
            this.out = out;
            this.reply = reply;
            this.done = done;
            this.maxReply = maxReply;
        }

        @Override
        public void ready(SelectionKey k) {
            try {
                if (k.isConnectable()) {
                    channel.finishConnect();
                    k.interestOps(SelectionKey.OP_WRITE);
                } else if (k.isWritable()) {
                    channel.write(out);
                    if (!out.hasRemaining()) {
                        k.interestOps(SelectionKey.OP_READ);
                    }
                } else if (k.isReadable()) {
                    if (have == in.length && in.length < maxReply) {
                        in = java.util.Arrays.copyOf(in, Math.min(maxReply, in.length * 2));
                    }
                    int n = channel.read(ByteBuffer.wrap(in, have, in.length - have));
                    if (n > 0) {
                        have += n;
                    }
                    CheckResult r = reply.read(in, have, n < 0);
                    if (r == null && (n < 0 || have == in.length)) {
                        r = CheckResult.down(n < 0 ? "reply ends early" : "reply longer than " + in.length + " bytes");
                    }
                    if (r != null) {
                        finish(r);
                    }
                }
            } catch (IOException e) {
                finish(CheckResult.down(reason(e)));
            }
        }

        void finish(CheckResult r) {
            if (finished) {
                return;
            }
            finished = true;
            timeout.cancel();
            try {
                channel.close();
            } catch (IOException e) {
                // closing a probe's socket: nothing to do about it
            }
            done.accept(r);
        }
    }

    /** One connect in progress. */
    private static final class Connect implements Ready {
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

        @Override
        public void ready(SelectionKey k) {
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
                    ((Ready) k.attachment()).ready(k);
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
