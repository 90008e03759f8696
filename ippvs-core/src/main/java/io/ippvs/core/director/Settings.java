package io.ippvs.core.director;

import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.IcmpErrorHandler;
import io.ippvs.api.PacketRewriter;
import io.ippvs.api.Scheduler;
import io.ippvs.api.SchedulerConfig;
import io.ippvs.core.conn.ConnectionTable;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What a {@link Director.Builder} collects, with IPVS's defaults: each setter validates and names
 * the field it rejects, so the builder's public methods only document and delegate.
 */
final class Settings {

    LongSupplier clock = System::nanoTime;
    int maxConnections = 1 << 16;
    /** By forwarding method's ordinal; a later rewriter for the same method replaces the earlier. */
    final PacketRewriter[] rewriters = new PacketRewriter[ForwardingMethod.values().length];
    final Map<String, Scheduler.Factory> schedulers = new HashMap<>();
    SchedulerConfig schedulerDefaults = SchedulerConfig.DEFAULT;
    boolean verifyChecksums;
    Defence dropEntry = Defence.OFF;
    Defence secureTcp = Defence.OFF;
    double defenceThreshold = 0.9;
    int connReuseMode = 1;
    boolean expireNodestConn;
    boolean expireQuiescentTemplate;
    boolean dropNonService;
    long hashSeed = new SecureRandom().nextLong();
    IcmpErrorHandler icmpErrorHandler;

    void clock(LongSupplier clock) {
        if (clock == null) {
            throw new IllegalArgumentException("nanoClock: must not be null");
        }
        this.clock = clock;
    }

    void maxConnections(int max) {
        if (max < 1 || max > ConnectionTable.MAX_CAPACITY) {
            throw new IllegalArgumentException("maxConnections: " + max + " is not in 1.." + ConnectionTable.MAX_CAPACITY);
        }
        this.maxConnections = max;
    }

    void rewriter(PacketRewriter rewriter) {
        if (rewriter == null || rewriter.method() == null) {
            throw new IllegalArgumentException("rewriter: must not be null and must name its method");
        }
        rewriters[rewriter.method().ordinal()] = rewriter;
    }

    void scheduler(String name, Scheduler.Factory factory) {
        if (name == null || name.isBlank() || factory == null) {
            throw new IllegalArgumentException("scheduler: needs a name and a factory");
        }
        schedulers.put(name.trim(), factory);
    }

    void schedulerDefaults(SchedulerConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("schedulerDefaults: must not be null");
        }
        this.schedulerDefaults = config;
    }

    void dropEntry(Defence mode) {
        if (mode == null) {
            throw new IllegalArgumentException("dropEntry: must not be null");
        }
        this.dropEntry = mode;
    }

    void secureTcp(Defence mode) {
        if (mode == null) {
            throw new IllegalArgumentException("secureTcp: must not be null");
        }
        this.secureTcp = mode;
    }

    void defenceThreshold(double fill) {
        if (!(fill >= 0 && fill <= 1)) {
            throw new IllegalArgumentException("defenceThreshold: " + fill + " is not within 0..1");
        }
        this.defenceThreshold = fill;
    }

    void connReuseMode(int mode) {
        if (mode < 0 || mode > 3) {
            throw new IllegalArgumentException("connReuseMode: " + mode + " is not within 0..3");
        }
        this.connReuseMode = mode;
    }
}
