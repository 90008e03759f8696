package io.ippvs.core.director;

import io.ippvs.api.NextHop;
import io.ippvs.api.Verdict;
import java.nio.ByteBuffer;

/**
 * One packet thread's handle on a {@link Director}: the same {@code process} methods, without the
 * thread-local lookup {@link Director#process(ByteBuffer)} does on every call, and with a counter
 * stripe of its own. Get one per I/O thread from {@link Director#newWorker()} and keep it.
 *
 * <p>Not thread-safe: use each worker from one thread only (any number of workers may run at once).
 */
public final class Worker {

    private final Director director;
    final Scratch scratch;
    final int stripe;

    Worker(Director director, int stripe) {
        this.director = director;
        this.scratch = new Scratch(director);
        this.stripe = stripe;
    }

    /** {@link Director#process(ByteBuffer)} on this worker's scratch space. */
    public Verdict process(ByteBuffer packet) {
        return director.process(this, packet, 0, null);
    }

    /**
     * {@link Director#process(ByteBuffer, int)} on this worker's scratch space.
     *
     * @param fwmark the packet's firewall mark, 0 for none (see {@link Director#process(ByteBuffer, int, NextHop)})
     */
    public Verdict process(ByteBuffer packet, int fwmark) {
        return director.process(this, packet, fwmark, null);
    }

    /**
     * {@link Director#process(ByteBuffer, int, NextHop)} on this worker's scratch space.
     *
     * @param fwmark the packet's firewall mark, 0 for none (see {@link Director#process(ByteBuffer, int, NextHop)})
     */
    public Verdict process(ByteBuffer packet, int fwmark, NextHop hop) {
        return director.process(this, packet, fwmark, hop);
    }

    /**
     * {@link #process(ByteBuffer, int, NextHop)} at time {@code nowNanos} instead of a fresh reading of
     * the director's clock. Reading a clock can cost as much as the rest of a packet's way (about
     * 24 ns where the hypervisor traps the time-stamp counter), so an I/O loop that takes packets in
     * bursts reads {@link Director#nanoTime()} once per burst and passes it to each packet, much as
     * IPVS works with the jiffies of the moment. Pass a reading at most a few milliseconds old:
     * timeouts restart from it and expiry is judged by it.
     *
     * @param fwmark the packet's firewall mark, 0 for none (see {@link Director#process(ByteBuffer, int, NextHop)})
     */
    public Verdict process(ByteBuffer packet, int fwmark, NextHop hop, long nowNanos) {
        return director.process(this, packet, fwmark, hop, true, nowNanos);
    }
}
