package io.ippvs.core.director;

import io.ippvs.api.NextHop;
import io.ippvs.api.Offload;
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

    /** {@link Director#process(ByteBuffer, int)} on this worker's scratch space. */
    public Verdict process(ByteBuffer packet, int fwmark) {
        return director.process(this, packet, fwmark, null);
    }

    /** {@link Director#process(ByteBuffer, int, NextHop)} on this worker's scratch space. */
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
     */
    public Verdict process(ByteBuffer packet, int fwmark, NextHop hop, long nowNanos) {
        return director.process(this, packet, fwmark, hop, true, nowNanos);
    }

    /**
     * {@link #process(ByteBuffer, int, NextHop, long)} of a packet with offload facts (a partial
     * checksum, a super-packet to be segmented later; see {@link Offload}) as a TUN device with
     * {@code IFF_VNET_HDR} gives them. {@code offload} is read before the packet is parsed and left
     * describing the packet in the buffer afterwards: after {@link Verdict#FORWARD} write it out with
     * the packet; after {@link Verdict#REPLY} it is cleared. Facts that contradict the headers (a
     * super-packet of the wrong protocol, a partial checksum of a later fragment) drop the packet as
     * {@link io.ippvs.api.DropReason#MALFORMED}; UFO ({@link Offload#GSO_UDP}) as
     * {@link io.ippvs.api.DropReason#UNSUPPORTED}.
     *
     * @param offload the packet's facts; null for a plain packet, as the other methods assume
     */
    public Verdict process(ByteBuffer packet, int fwmark, NextHop hop, long nowNanos, Offload offload) {
        return director.process(this, packet, fwmark, hop, true, nowNanos, offload);
    }
}
