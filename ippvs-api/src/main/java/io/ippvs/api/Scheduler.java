package io.ippvs.api;

import java.util.List;

/**
 * Chooses the real server for a new connection of one virtual service (ipvsadm {@code -s}).
 *
 * <p>Each service has its own instance, made by a {@link Factory}. The director calls
 * {@link #update(List)} whenever the service's real servers, their weights or thresholds change,
 * never concurrently with another {@code update}; expensive tables (WRR state, hash buckets, the
 * Maglev table) are rebuilt there. {@link #schedule(Flow)} is called from many packet threads at
 * once, concurrently with {@code update}, and must neither block for long nor allocate.
 */
public interface Scheduler {

    /** The ipvsadm name of this scheduler ({@code rr}, {@code wlc}, ...). */
    String name();

    /**
     * The service's real servers changed; {@code servers} is the new list in the order they were
     * added, immutable, possibly empty. Servers with weight 0 are in the list (they are quiesced,
     * not gone).
     */
    void update(List<? extends RealServer> servers);

    /**
     * The real server for a new connection of {@code flow}, or {@code null} when no server can take
     * it (the director then drops the packet with {@link DropReason#NO_REAL_SERVER}). Never returns
     * a server whose {@link RealServer#available()} is false. Never throws.
     */
    RealServer schedule(Flow flow);

    /** Makes a scheduler for one service. */
    @FunctionalInterface
    interface Factory {
        Scheduler create(SchedulerConfig config);
    }
}
