package io.ippvs.core.director;

import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.PacketRewriter;
import io.ippvs.core.conn.ConnectionTable;
import io.ippvs.core.sync.SequenceSync;
import io.ippvs.core.sync.SyncCounters;
import io.ippvs.core.sync.SyncDrop;
import io.ippvs.core.sync.SyncEntry;
import io.ippvs.core.sync.SyncMaster;
import io.ippvs.core.sync.SyncSettings;
import io.ippvs.core.sync.table.ConnectionFeed;
import java.util.function.Predicate;

/**
 * The director's side of connection sync: the master, when one runs, that inbound packets tell
 * about their connection; the backup's installer of received entries; the bulk walk.
 */
final class SyncHooks {

    private final ConnectionTable table;
    private final Forwarding forwarding;
    private final Attachments attachments;
    private final SyncedConnections synced;
    private volatile ConnectionFeed feed;

    SyncHooks(ConnectionTable table, Forwarding forwarding, Attachments attachments, SyncedConnections synced) {
        this.table = table;
        this.forwarding = forwarding;
        this.attachments = attachments;
        this.synced = synced;
    }

    /** The running master's feed, or null: what the packet path reads once per inbound packet. */
    ConnectionFeed feed() {
        return feed;
    }

    /** The running master, or null. */
    SyncMaster master() {
        ConnectionFeed f = feed;
        return f == null ? null : f.master();
    }

    synchronized SyncMaster start(SyncSettings settings, SyncCounters counters) {
        if (feed != null) {
            throw new IllegalStateException("sync master: already running (" + feed.master().settings() + ")");
        }
        SyncMaster m = new SyncMaster(settings, counters);
        feed = new ConnectionFeed(table, m, this::exportSequence);
        return m;
    }

    synchronized boolean stop() {
        boolean was = feed != null;
        feed = null;
        return was;
    }

    SyncDrop install(SyncEntry entry) {
        synchronized (synced) {
            return synced.install(entry);
        }
    }

    /** Every live entry from {@code fromHandle} as a sync entry; the handle to go on from, or -1. */
    int forEach(int fromHandle, SyncEntry scratch, Predicate<SyncEntry> visitor) {
        int limit = table.handleLimit();
        for (int h = Math.max(0, fromHandle); h < limit; h++) {
            if (table.isLive(h) && table.state(h) != ProtocolState.GONE
                    && ConnectionFeed.snapshot(table, h, scratch, this::exportSequence) && !visitor.test(scratch)) {
                return h + 1;
            }
        }
        return -1;
    }

    private long exportSequence(int handle, SyncEntry into) {
        PacketRewriter r = forwarding.rewriter(ForwardingMethod.MASQUERADE);
        Object a = attachments.get(handle);
        return a != null && r instanceof SequenceSync ? ((SequenceSync) r).exportSequence(a, into) : 0;
    }
}
