package io.ippvs.examples;

import io.ippvs.api.DropReason;
import io.ippvs.api.NextHop;
import io.ippvs.api.Offload;
import io.ippvs.api.Verdict;
import io.ippvs.core.admin.Ipvsadm;
import io.ippvs.core.director.Director;
import io.ippvs.core.director.Worker;
import io.ippvs.nat.NatRewriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A NAT director on a TUN device: the kernel routes the virtual addresses and the real servers'
 * replies into the device, this loop runs each packet through {@link Director#process} and writes the
 * rewritten packet back, and the kernel routes it on. {@code examples/README.md} shows the routing.
 *
 * <pre>
 * java -cp ippvs-examples.jar io.ippvs.examples.TunDirector [--dev tun0] [--rules rules.txt] [--mtu 1500]
 *     [--threads N] [--no-offload] [--no-commands]
 * </pre>
 *
 * <p>By default the device is opened with the kernel's offloads ({@link TunDevice}: virtio-net
 * header, checksum offload, TSO and USO): the kernel hands over and takes back 64 KB super-packets
 * with partial checksums, which the director translates whole ({@link io.ippvs.api.Offload}).
 * {@code --threads N} opens N queues ({@code IFF_MULTI_QUEUE}; the persistent device must have been
 * made with {@code multi_queue}) and runs one {@link io.ippvs.core.director.Worker} per queue on its
 * own thread. {@code --no-offload} reads and writes plain 1500-byte packets as before.
 *
 * <p>The director must know the MTU of the links towards the real servers: a packet too big for a
 * link behind the device would get its fragmentation-needed from the kernel, quoting the translated
 * packet the client cannot match, so the director answers it itself, from the virtual address,
 * before translating. Without {@code --mtu} it learns each real server's route MTU from the kernel
 * and follows its changes ({@link RouteMtus}); {@code --mtu} sets one MTU for all and turns that off.
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
            "usage: TunDirector [--dev NAME] [--rules FILE] [--mtu BYTES] [--threads N] [--no-offload] [--no-commands]";

    private final List<TunDevice> queues;
    private final TunDevice tun;
    private final Director director;
    private final NatRewriter nat;
    private final Ipvsadm ipvsadm;
    private final PrintStream out;
    private final List<Thread> loops = new ArrayList<>();
    private final CountDownLatch loopDone;
    private volatile boolean running = true;
    private boolean stopped;
    /** Keeps the real servers' MTUs at their routes'; null with {@code --mtu}. */
    private volatile RouteMtus routeMtus;
    /** Packets the kernel refused to take back, one counter per queue thread (each written by its thread only). */
    private final AtomicLongArray refused;

    TunDirector(List<TunDevice> queues, Director director, NatRewriter nat, PrintStream out) {
        this.queues = List.copyOf(queues);
        this.tun = queues.get(0);
        this.director = director;
        this.nat = nat;
        this.ipvsadm = Ipvsadm.forDirector(director);
        this.out = out;
        this.refused = new AtomicLongArray(queues.size());
        this.loopDone = new CountDownLatch(queues.size());
        for (int i = 0; i < queues.size(); i++) {
            int q = i;
            loops.add(new Thread(() -> loop(q), "tun-" + tun.name() + "-q" + q));
        }
    }

    public static void main(String[] args) throws IOException {
        String dev = "tun0";
        Path rules = null;
        int mtu = 0;
        boolean commands = true;
        int threads = 1;
        boolean offload = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = number(value(args, ++i));
                case "--no-offload" -> offload = false;
                case "--dev" -> dev = value(args, ++i);
                case "--rules" -> rules = Path.of(value(args, ++i));
                case "--mtu" -> mtu = number(value(args, ++i));
                case "--no-commands" -> commands = false;
                default -> fail("unknown argument '" + args[i] + "'");
            }
        }
        NatRewriter nat = null;
        try {
            nat = NatRewriter.builder().defaultMtu(mtu == 0 ? 1500 : mtu).build();
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
        if (threads < 1 || threads > 64) {
            fail("--threads: " + threads + " is not within 1..64");
        }
        List<TunDevice> queues;
        try {
            queues = TunDevice.open(dev, threads, offload, System.err);
        } catch (IOException e) {
            exit(e.getMessage());
            return;
        }
        System.err.println("TunDirector: " + queues.get(0).name() + ": " + queues.size() + " queue(s), offloads "
                + queues.get(0).describeOffloads());
        TunDirector d = new TunDirector(queues, director, nat, System.out);
        if (mtu == 0) {
            d.routeMtus = RouteMtus.start(director, System.err);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(d::stop, "tun-director-stop"));
        d.loops.forEach(Thread::start);
        CommandLoop.ready(d.tun.name());
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
        if (line.equals("counters")) {
            return counters();
        }
        String answer = ipvsadm.execute(line);
        RouteMtus r = routeMtus;
        if (r != null) {
            r.refreshSoon(); // a real server added or edited gets its route's MTU again
        }
        return answer;
    }

    /** The director's verdict counts, every drop reason that occurred and the FTP helper's work, on one line. */
    String counters() {
        StringBuilder s = new StringBuilder()
                .append("forwarded ").append(director.forwarded())
                .append(" replied ").append(director.replied())
                .append(" passed ").append(director.passed())
                .append(" dropped ").append(director.dropped())
                .append(" refused-by-kernel ").append(refusedByKernel());
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

    private long refusedByKernel() {
        long n = 0;
        for (int i = 0; i < refused.length(); i++) {
            n += refused.get(i);
        }
        return n;
    }

    /** One queue's loop: its own buffer, worker, hop and offload facts; queue 0 also sweeps. */
    private void loop(int q) {
        TunDevice queue = queues.get(q);
        ByteBuffer buf = TunDevice.newBuffer();
        NextHop hop = new NextHop();
        Offload offload = new Offload();
        Worker worker = director.newWorker();
        long lastSweep = System.nanoTime();
        try {
            while (running) {
                if (queue.read(buf, 1000, offload)) {
                    Verdict v = worker.process(buf, 0, hop, director.nanoTime(), offload);
                    switch (v.action()) {
                        // NAT rewrote the destination (or restored the virtual source): the kernel routes it on
                        case FORWARD, REPLY -> {
                            if (!queue.write(buf, offload)) {
                                // a malformed packet out of the director: a defect to report
                                refused.lazySet(q, refused.get(q) + 1);
                            }
                        }
                        case PASS, DROP -> { } // counted by the director (passed, dropped per reason)
                    }
                }
                if (q == 0 && System.nanoTime() - lastSweep >= SWEEP_NANOS) {
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
        running = false;
        try {
            loopDone.await(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.print(ipvsadm.execute("-L -n --stats --exact"));
        out.print(counters());
        out.flush();
        if (routeMtus != null) {
            routeMtus.close();
        }
        queues.forEach(TunDevice::close);
    }
}
