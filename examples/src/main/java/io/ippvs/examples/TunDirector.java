package io.ippvs.examples;

import io.ippvs.api.DropReason;
import io.ippvs.api.NextHop;
import io.ippvs.api.Offload;
import io.ippvs.api.Verdict;
import io.ippvs.core.admin.Ipvsadm;
import io.ippvs.core.director.Director;
import io.ippvs.core.director.Worker;
import io.ippvs.nat.NatRewriter;
import java.io.PrintStream;
import java.nio.ByteBuffer;

/**
 * A NAT director (and, with {@code --tunnel-source}, a VS/TUN one) on a TUN device: the kernel
 * routes the virtual addresses and the real servers' replies into the device, this loop runs each
 * packet through {@link Director#process} and writes the rewritten packet back, and the kernel
 * routes it on. {@code examples/README.md} shows the routing.
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
final class TunDirector extends TunLoop {

    private static final int SWEEP_NANOS = 1_000_000_000;

    private final Director director;
    private final NatRewriter nat;
    private final Ipvsadm ipvsadm;
    /** Per queue, each used by its queue's thread only, as the library asks. */
    private final Worker[] workers;
    private final NextHop[] hops;
    /** Super-packets a tunnel rewriter encapsulated, which virtio-net cannot describe (see {@link Offload#encapsulation()}). */
    private final TunLoop.Counter[] unsendable;
    private long lastSweep = System.nanoTime();

    TunDirector(TunDevice[] queues, Director director, NatRewriter nat, PrintStream out) {
        super(queues, "tun", out);
        this.director = director;
        this.nat = nat;
        this.ipvsadm = Ipvsadm.forDirector(director);
        this.workers = new Worker[queues.length];
        this.hops = new NextHop[queues.length];
        this.unsendable = new TunLoop.Counter[queues.length];
        for (int q = 0; q < queues.length; q++) {
            workers[q] = director.newWorker();
            hops[q] = new NextHop();
            unsendable[q] = new TunLoop.Counter();
        }
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
                .append(" refused-by-kernel ").append(refused());
        long encapsulatedGso = 0;
        for (TunLoop.Counter c : unsendable) {
            encapsulatedGso += c.get();
        }
        if (encapsulatedGso > 0) {
            s.append(" encapsulated-gso-dropped ").append(encapsulatedGso);
        }
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

    @Override
    boolean packet(int queue, ByteBuffer buf, Offload offload) {
        // FORWARD: NAT rewrote the destination (or restored the virtual source), the kernel routes it on;
        // REPLY: an ICMP error for the sender. PASS and DROP are counted by the director.
        Verdict v = workers[queue].process(buf, 0, hops[queue], director.nanoTime(), offload);
        Verdict.Action a = v.action();
        if (a == Verdict.Action.FORWARD && offload != null && offload.encapsulation() != 0) {
            // not reached: with --tunnel-source the device is asked for checksum offload only, so no super-packets come
            unsendable[queue].increment();
            return false;
        }
        return a == Verdict.Action.FORWARD || a == Verdict.Action.REPLY;
    }

    @Override
    void tick(int queue) {
        if (queue == 0 && System.nanoTime() - lastSweep >= SWEEP_NANOS) {
            director.sweep();
            lastSweep = System.nanoTime();
        }
    }

    @Override
    String report() {
        return ipvsadm.execute("-L -n --stats --exact") + counters();
    }
}
