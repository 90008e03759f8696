package io.ippvs.core.stats;

import io.ippvs.api.Stats;

/**
 * The ipvsadm counters of one service, real server or director (connections, packets and bytes in
 * each direction) with the IPVS rate estimator.
 *
 * <p>Packet threads count through their stripe ({@link StripedCounters}); nothing allocates or locks.
 * {@link #zero()} ({@code ipvsadm -Z}) does not touch the stripes, which have lock-free writers: it
 * moves a baseline that reads subtract, so counts stay exact across a concurrent zeroing.
 *
 * <p>The estimator follows IPVS: every 2 s it takes the increase of each counter as a sample, scaled
 * by 2^9 for connections and packets and 2^4 for bytes, and moves the average a quarter of the way
 * towards it ({@code avg += (sample - avg) >> 2}); the per-second rate reported is the average halved
 * and unscaled, rounded up as IPVS does.
 */
public final class TrafficStats implements Stats {

    /** Counter indexes. */
    static final int CONNS = 0;
    static final int IN_PKTS = 1;
    static final int OUT_PKTS = 2;
    static final int IN_BYTES = 3;
    static final int OUT_BYTES = 4;
    private static final int WIDTH = 5;

    /** The estimator's sampling period. */
    public static final long ESTIMATOR_PERIOD_NANOS = 2_000_000_000L;

    private final StripedCounters counters = new StripedCounters(WIDTH);
    private final long[] baseline = new long[WIDTH];
    // estimator state, guarded by this
    private final long[] last = new long[WIDTH];
    private final long[] average = new long[WIDTH];
    private volatile long cps;
    private volatile long inPps;
    private volatile long outPps;
    private volatile long inBps;
    private volatile long outBps;

    /** Zeroed counters and rates. */
    public TrafficStats() {}

    /** Counts a new connection. */
    public void connection(int stripe) {
        counters.add(stripe, CONNS, 1);
    }

    /** Counts one packet from a client of {@code bytes} bytes. */
    public void inPacket(int stripe, int bytes) {
        counters.add2(stripe, IN_PKTS, 1, IN_BYTES, bytes);
    }

    /** {@link #inPacket(int, int)} on a real server's, its service's and the director's counters at once. */
    public static void inPacket(int stripe, int bytes, TrafficStats server, TrafficStats service, TrafficStats total) {
        StripedCounters.add2(stripe, IN_PKTS, 1, IN_BYTES, bytes, server.counters, service.counters, total.counters);
    }

    /**
     * {@code packets} packets of {@code bytes} bytes in all from clients (the segments a super-packet
     * becomes), on a real server's, its service's and the director's counters at once.
     */
    public static void inPackets(int stripe, int packets, int bytes, TrafficStats server, TrafficStats service,
            TrafficStats total) {
        StripedCounters.add2(stripe, IN_PKTS, packets, IN_BYTES, bytes, server.counters, service.counters, total.counters);
    }

    /** {@link #inPackets} for packets from real servers. */
    public static void outPackets(int stripe, int packets, int bytes, TrafficStats server, TrafficStats service,
            TrafficStats total) {
        StripedCounters.add2(stripe, OUT_PKTS, packets, OUT_BYTES, bytes, server.counters, service.counters, total.counters);
    }

    /** {@link #outPacket(int, int)} on a real server's, its service's and the director's counters at once. */
    public static void outPacket(int stripe, int bytes, TrafficStats server, TrafficStats service, TrafficStats total) {
        StripedCounters.add2(stripe, OUT_PKTS, 1, OUT_BYTES, bytes, server.counters, service.counters, total.counters);
    }

    /** Counts one packet from a real server of {@code bytes} bytes. */
    public void outPacket(int stripe, int bytes) {
        counters.add2(stripe, OUT_PKTS, 1, OUT_BYTES, bytes);
    }

    @Override
    public long connections() {
        return read(CONNS);
    }

    @Override
    public long inPackets() {
        return read(IN_PKTS);
    }

    @Override
    public long outPackets() {
        return read(OUT_PKTS);
    }

    @Override
    public long inBytes() {
        return read(IN_BYTES);
    }

    @Override
    public long outBytes() {
        return read(OUT_BYTES);
    }

    @Override
    public long connectionsPerSecond() {
        return cps;
    }

    @Override
    public long inPacketsPerSecond() {
        return inPps;
    }

    @Override
    public long outPacketsPerSecond() {
        return outPps;
    }

    @Override
    public long inBytesPerSecond() {
        return inBps;
    }

    @Override
    public long outBytesPerSecond() {
        return outBps;
    }

    /** {@code ipvsadm -Z}: counters and rates restart from zero. */
    public synchronized void zero() {
        for (int i = 0; i < WIDTH; i++) {
            long raw = counters.sum(i);
            synchronized (baseline) {
                baseline[i] = raw;
            }
            last[i] = raw;
            average[i] = 0;
        }
        publishRates();
    }

    /**
     * One or more estimator periods have passed: the first takes the counters' increase since the
     * previous tick as its sample, each further one (a late tick) a sample of zero.
     */
    public synchronized void estimate(int periods) {
        // after 64 zero samples an average is below one unit of any realistic rate
        int n = Math.min(periods, 64);
        for (int p = 0; p < n; p++) {
            for (int i = 0; i < WIDTH; i++) {
                long raw = counters.sum(i);
                int scale = i == IN_BYTES || i == OUT_BYTES ? 4 : 9;
                long sample = (raw - last[i]) << scale;
                last[i] = raw;
                average[i] += (sample - average[i]) >> 2;
            }
        }
        publishRates();
    }

    private void publishRates() {
        // the average is per 2 s and scaled: one more shift halves it to per second
        cps = (average[CONNS] + 0x1FF) >> 10;
        inPps = (average[IN_PKTS] + 0x1FF) >> 10;
        outPps = (average[OUT_PKTS] + 0x1FF) >> 10;
        inBps = (average[IN_BYTES] + 0xF) >> 5;
        outBps = (average[OUT_BYTES] + 0xF) >> 5;
    }

    private long read(int index) {
        long base;
        synchronized (baseline) {
            base = baseline[index];
        }
        return counters.sum(index) - base;
    }

    @Override
    public String toString() {
        return "conns=" + connections() + " inpkts=" + inPackets() + " outpkts=" + outPackets() + " inbytes="
                + inBytes() + " outbytes=" + outBytes();
    }
}
