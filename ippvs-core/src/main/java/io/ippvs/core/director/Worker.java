package io.ippvs.core.director;

import io.ippvs.api.NextHop;
import io.ippvs.api.Offload;
import io.ippvs.api.Verdict;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One packet thread's handle on a {@link Director}: the same {@code process} methods, without the
 * thread-local lookup {@link Director#process(ByteBuffer)} does on every call, and with a counter
 * stripe of its own. Get one per I/O thread from {@link Director#newWorker()} and keep it.
 *
 * <p>Not thread-safe: use each worker from one thread only (any number of workers may run at once).
 */
public final class Worker {

    /** The most packets {@link #process(ByteBuffer[], int, int, int[], NextHop[], Verdict[], long)} takes at once. */
    public static final int MAX_BURST = Burst.MAX;

    private final PacketPath path;
    final Scratch scratch;
    private Burst burst;

    Worker(PacketPath path, Scratch scratch) {
        this.path = path;
        this.scratch = scratch;
    }

    /** {@link Director#process(ByteBuffer)} on this worker's scratch space. */
    public Verdict process(ByteBuffer packet) {
        return path.process(scratch, packet, 0, null, false, 0, null);
    }

    /**
     * {@link Director#process(ByteBuffer, int)} on this worker's scratch space.
     *
     * @param fwmark the packet's firewall mark, 0 for none (see {@link Director#process(ByteBuffer, int, NextHop)})
     */
    public Verdict process(ByteBuffer packet, int fwmark) {
        return path.process(scratch, packet, fwmark, null, false, 0, null);
    }

    /**
     * {@link Director#process(ByteBuffer, int, NextHop)} on this worker's scratch space.
     *
     * @param fwmark the packet's firewall mark, 0 for none (see {@link Director#process(ByteBuffer, int, NextHop)})
     */
    public Verdict process(ByteBuffer packet, int fwmark, NextHop hop) {
        return path.process(scratch, packet, fwmark, hop, false, 0, null);
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
        return path.process(scratch, packet, fwmark, hop, true, nowNanos, null);
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
        return path.process(scratch, packet, fwmark, hop, true, nowNanos, offload);
    }

    /**
     * Processes a burst: {@code packets[from .. from + count)}, each the IP packet in its buffer's
     * {@code [position, limit)}, at time {@code nowNanos} (one clock reading for the burst, as
     * {@link #process(ByteBuffer, int, NextHop, long)}). The burst is taken in stages (parse all,
     * hash all and read their index buckets, read their entries, then state, accounting and rewrite
     * packet by packet), so the cache misses of different packets overlap. The outcome is exactly
     * that of processing the packets one by one in order: the same bytes, verdicts, counters and
     * connections.
     *
     * <p>Bursts carry no offload facts: every packet is taken to be whole, with complete checksums.
     * An I/O layer with offloads passes them with
     * {@link #process(ByteBuffer[], int, int, int[], NextHop[], Offload[], Verdict[], long)}.
     *
     * @param fwmarks each packet's firewall mark at the same index, or null for none
     * @param hops filled per packet as {@link Director#process(ByteBuffer, int, NextHop)} fills its
     *     hop; null, or an array whose elements may be null
     * @param verdicts receives each packet's verdict at the same index
     * @return {@code count}
     * @throws IllegalArgumentException when {@code count} is not in 0..{@link #MAX_BURST}
     * @throws IndexOutOfBoundsException when an array is shorter than {@code from + count}
     */
    public int process(ByteBuffer[] packets, int from, int count, int[] fwmarks, NextHop[] hops, Verdict[] verdicts,
                       long nowNanos) {
        return process(packets, from, count, fwmarks, hops, null, verdicts, nowNanos);
    }

    /**
     * {@link #process(ByteBuffer[], int, int, int[], NextHop[], Verdict[], long)} of packets with
     * offload facts, each as {@link #process(ByteBuffer, int, NextHop, long, Offload)} takes them:
     * read before the packet is parsed, left describing the packet in its buffer afterwards, cleared
     * after {@link Verdict#REPLY}, and facts that contradict the headers drop the packet.
     *
     * @param offloads each packet's facts at the same index, or null for none; an element may be null
     *     (a plain packet)
     * @return {@code count}
     * @throws IllegalArgumentException when {@code count} is not in 0..{@link #MAX_BURST}
     * @throws IndexOutOfBoundsException when an array is shorter than {@code from + count}
     */
    public int process(ByteBuffer[] packets, int from, int count, int[] fwmarks, NextHop[] hops, Offload[] offloads,
                       Verdict[] verdicts, long nowNanos) {
        if (count < 0 || count > MAX_BURST) {
            throw new IllegalArgumentException("count: " + count + " is not in 0.." + MAX_BURST);
        }
        Objects.checkFromIndexSize(from, count, packets.length);
        Objects.checkFromIndexSize(from, count, verdicts.length);
        if (fwmarks != null) {
            Objects.checkFromIndexSize(from, count, fwmarks.length);
        }
        if (hops != null) {
            Objects.checkFromIndexSize(from, count, hops.length);
        }
        if (offloads != null) {
            Objects.checkFromIndexSize(from, count, offloads.length);
        }
        Burst b = burst;
        if (b == null) {
            burst = b = new Burst();
        }
        return b.process(path, scratch, packets, from, count, fwmarks, hops, offloads, verdicts, nowNanos);
    }
}
