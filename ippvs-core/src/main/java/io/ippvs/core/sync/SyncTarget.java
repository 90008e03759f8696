package io.ippvs.core.sync;

import java.util.function.Predicate;

/** What a {@link SyncDaemon} needs of a director (implemented by {@code io.ippvs.core.director.Director}). */
public interface SyncTarget {

    /** Starts the packet-side master; throws IllegalStateException when one runs. */
    SyncMaster startSyncMaster(SyncSettings settings, SyncCounters counters);

    /** Stops it; false when none ran. */
    boolean stopSyncMaster();

    /** The handler that installs received entries. */
    SyncDecoder.Handler syncInstaller();

    /**
     * Visits live entries from handle {@code from} as sync entries until {@code visitor} returns
     * false; returns the handle to go on from, or -1 at the end.
     */
    int forEachSyncEntry(int from, SyncEntry scratch, Predicate<SyncEntry> visitor);
}
