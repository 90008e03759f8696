package io.ippvs.api;

import java.util.List;

/**
 * Chooses the real server for a new connection of one virtual service (ipvsadm {@code -s}).
 *
 * <p>Each service has its own instance, made by a {@link Factory}. The director calls
 * {@link #update(List)} each time one of the service's own real servers is added, edited
 * ({@code -e}: weight, thresholds, method) or removed, as the kernel calls a scheduler's
 * {@code add_dest}, {@code upd_dest} and {@code del_dest}: once per server, and never for a change to
 * another service; never concurrently with another {@code update}; expensive tables (WRR state, hash buckets, the
 * Maglev table) are rebuilt there. {@link #schedule(Flow)} is called from many packet threads at
 * once, concurrently with {@code update}, and must neither block for long nor allocate.
 */
public interface Scheduler {

    /** The ipvsadm name of this scheduler ({@code rr}, {@code wlc}, ...). */
    String name();

    /**
     * The service's real servers changed; {@code servers} is the new list, immutable, possibly
     * empty, in the order of the kernel's destination list: the most recently added server first
     * (the kernel adds at the head), an edited server in its old place. Schedulers walk it in this
     * order, so rr over servers added as .1, .2, .3 goes .3, .2, .1. Servers with weight 0 are in
     * the list (they are quiesced, not gone).
     */
    void update(List<? extends RealServer> servers);

    /**
     * The real server for a new connection of {@code flow}, or {@code null} when no server can take
     * it (the director then drops the packet with {@link DropReason#NO_REAL_SERVER}). Never returns
     * a server that is no longer in {@code servers} or has weight 0. Returns a server over its
     * threshold ({@link RealServer#overloaded()}) only where the kernel's scheduler does: lblc keeps
     * its cached server whatever the threshold flag says ({@code ip_vs_lblc_schedule}); every other
     * built-in scheduler returns only servers whose {@link RealServer#available()} is true. Never
     * throws.
     */
    RealServer schedule(Flow flow);

    /** Makes a scheduler for one service. */
    @FunctionalInterface
    interface Factory {
        Scheduler create(SchedulerConfig config);
    }
}
