package io.ippvs.core.admin;

import io.ippvs.api.Configuration;
import io.ippvs.api.DropReason;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.Stats;
import io.ippvs.api.VirtualService;
import io.ippvs.core.sync.SyncDaemon;
import io.ippvs.core.sync.SyncDaemonConfig;
import java.util.List;

/**
 * What {@link Ipvsadm} drives: a director's configuration, its live views and its counters. The
 * director implements it through {@link Ipvsadm#forDirector}; tests and offline tools may supply their own.
 *
 * <p>Implementations must be thread-safe; {@link #configure} must replace the configuration atomically.
 */
public interface IpvsadmTarget {

    /** The configuration in force. */
    Configuration configuration();

    /**
     * Installs {@code next} at once, or throws {@link IllegalArgumentException} and changes nothing.
     */
    void configure(Configuration next);

    /** The services as they run, with their real servers and counters, in configuration order. */
    List<VirtualService> services();

    /** Traffic through the whole director. */
    Stats totals();

    /** A snapshot of the connection table for {@code ipvsadm -L -c}. */
    List<ConnectionRow> connections();

    /** Zeroes every counter ({@code ipvsadm -Z}). */
    void zeroCounters();

    /**
     * Zeroes the counters of one service ({@code ipvsadm -Z -t ...}); by default refused, for targets
     * that can only zero everything.
     *
     * @throws IllegalArgumentException when the target cannot zero one service
     */
    default void zeroCounters(ServiceKey key) {
        throw new IllegalArgumentException("zero: this director zeroes all counters at once; use -Z without a service");
    }

    /** Packets dropped for {@code reason}. */
    long drops(DropReason reason);

    /**
     * Starts a sync daemon ({@code --start-daemon}); by default refused.
     *
     * @throws IllegalArgumentException when one of {@code role} runs already ("Daemon has already run")
     *     or the target runs none
     */
    default SyncDaemon startDaemon(SyncDaemon.Role role, SyncDaemonConfig config) {
        throw new IllegalArgumentException("start-daemon: this target runs no sync daemon");
    }

    /**
     * Stops the sync daemon of {@code role} ({@code --stop-daemon}).
     *
     * @throws IllegalArgumentException when none runs ("No daemon is running")
     */
    default void stopDaemon(SyncDaemon.Role role) {
        throw new IllegalArgumentException("stop-daemon: No daemon is running");
    }

    /** The running sync daemons, master first ({@code -L --daemon}). */
    default List<SyncDaemon> daemons() {
        return List.of();
    }
}
