package io.ippvs.core.sync;

import java.util.function.Predicate;

/** What a {@link SyncDaemon} needs of a director (implemented by {@code io.ippvs.core.director.Director}). */
public interface SyncTarget {

    /**
     * Starts sending the director's connections to sync backups ({@code ipvsadm --start-daemon
     * master}): from now on every inbound packet offers its connection to the returned master, whose
     * {@link SyncMaster#flush} the sync daemon's thread calls.
     *
     * @throws IllegalStateException when a master runs already
     */
    SyncMaster startSyncMaster(SyncSettings settings, SyncCounters counters);

    /** Stops the sync master ({@code --stop-daemon master}); false when none ran. */
    boolean stopSyncMaster();

    /** A sync backup's handler for the {@link SyncDecoder}: installs or updates each received entry. */
    SyncDecoder.Handler syncInstaller();

    /**
     * Visits every live connection and template as a sync entry (for a bulk resync), in handle
     * order from {@code from}; stops when {@code visitor} returns false and returns the handle to
     * continue from, or -1 at the end.
     */
    int forEachSyncEntry(int from, SyncEntry scratch, Predicate<SyncEntry> visitor);
}
