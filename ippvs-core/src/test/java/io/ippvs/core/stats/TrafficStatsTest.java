package io.ippvs.core.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrafficStatsTest {

    @Test
    void countsExactlyAcrossExclusiveAndSharedStripes() throws InterruptedException {
        TrafficStats stats = new TrafficStats();
        StripeAllocator stripes = new StripeAllocator();
        int threads = StripedCounters.STRIPES + 2; // more threads than exclusive stripes: some share
        int perThread = 200_000;
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                int stripe = stripes.allocate();
                for (int i = 0; i < perThread; i++) {
                    stats.inPacket(stripe, 100);
                    stats.outPacket(stripe, 60);
                    if ((i & 7) == 0) {
                        stats.connection(stripe);
                    }
                }
            });
            th.start();
            started.add(th);
        }
        for (Thread th : started) {
            th.join();
        }
        long packets = (long) threads * perThread;
        assertThat(stats.inPackets()).isEqualTo(packets);
        assertThat(stats.outPackets()).isEqualTo(packets);
        assertThat(stats.inBytes()).isEqualTo(packets * 100);
        assertThat(stats.outBytes()).isEqualTo(packets * 60);
        assertThat(stats.connections()).isEqualTo((long) threads * (perThread / 8));
    }

    @Test
    void zeroMovesTheBaselineAndKeepsCountingExactly() {
        TrafficStats stats = new TrafficStats();
        stats.inPacket(0, 40);
        stats.connection(0);
        stats.zero();
        assertThat(stats.inPackets()).isZero();
        assertThat(stats.inBytes()).isZero();
        assertThat(stats.connections()).isZero();
        stats.inPacket(StripedCounters.SHARED, 10);
        assertThat(stats.inPackets()).isEqualTo(1);
        assertThat(stats.inBytes()).isEqualTo(10);
    }

    @Test
    void estimatorAveragesTwoSecondSamplesAsIpvsDoes() {
        TrafficStats stats = new TrafficStats();
        // 100 connections and 1000 packets of 100 bytes per 2 s period: 50 cps, 500 pps, 50000 Bps
        long avgConns = 0;
        long avgBytes = 0;
        for (int period = 0; period < 100; period++) {
            for (int i = 0; i < 100; i++) {
                stats.connection(0);
            }
            for (int i = 0; i < 1000; i++) {
                stats.inPacket(0, 100);
            }
            stats.estimate(1);
            avgConns += ((100L << 9) - avgConns) >> 2;
            avgBytes += ((100_000L << 4) - avgBytes) >> 2;
            assertThat(stats.connectionsPerSecond()).isEqualTo((avgConns + 0x1FF) >> 10);
            assertThat(stats.inBytesPerSecond()).isEqualTo((avgBytes + 0xF) >> 5);
        }
        assertThat(stats.connectionsPerSecond()).isEqualTo(50);
        assertThat(stats.inPacketsPerSecond()).isEqualTo(500);
        assertThat(stats.inBytesPerSecond()).isEqualTo(50_000);
        assertThat(stats.outPacketsPerSecond()).isZero();
        // the first quarter step from zero: 12800 scaled -> 12 per second, as IPVS reports
        TrafficStats fresh = new TrafficStats();
        for (int i = 0; i < 100; i++) {
            fresh.connection(1);
        }
        fresh.estimate(1);
        assertThat(fresh.connectionsPerSecond()).isEqualTo(12);
        // idle periods decay the rate towards zero
        stats.estimate(64);
        assertThat(stats.connectionsPerSecond()).isZero();
    }
}
