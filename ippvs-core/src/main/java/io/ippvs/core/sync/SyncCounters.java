package io.ippvs.core.sync;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters of one sync daemon: datagrams and entries sent, received and installed, entries lost
 * to a full hand-off queue, and drops by {@link SyncDrop} reason. Updated by the sync threads,
 * read from any thread.
 */
public final class SyncCounters {

    private static final int MESSAGES_SENT = 0;
    private static final int ENTRIES_SENT = 1;
    private static final int MESSAGES_RECEIVED = 2;
    private static final int ENTRIES_RECEIVED = 3;
    private static final int ENTRIES_INSTALLED = 4;
    private static final int ENTRIES_LOST = 5;
    private static final int SEND_ERRORS = 6;
    private static final int DROPS = 7;

    private final AtomicLongArray values = new AtomicLongArray(DROPS + SyncDrop.count());

    /** Counters at zero. */
    public SyncCounters() {}

    void sent(int entries) {
        values.incrementAndGet(MESSAGES_SENT);
        values.addAndGet(ENTRIES_SENT, entries);
    }

    void received() {
        values.incrementAndGet(MESSAGES_RECEIVED);
    }

    void entryReceived() {
        values.incrementAndGet(ENTRIES_RECEIVED);
    }

    void installed() {
        values.incrementAndGet(ENTRIES_INSTALLED);
    }

    void lost() {
        values.incrementAndGet(ENTRIES_LOST);
    }

    void sendError() {
        values.incrementAndGet(SEND_ERRORS);
    }

    void drop(SyncDrop reason) {
        values.incrementAndGet(DROPS + reason.ordinal());
    }

    /** Datagrams sent. */
    public long messagesSent() {
        return values.get(MESSAGES_SENT);
    }

    /** Entries sent. */
    public long entriesSent() {
        return values.get(ENTRIES_SENT);
    }

    /** Datagrams received (before any check). */
    public long messagesReceived() {
        return values.get(MESSAGES_RECEIVED);
    }

    /** Entries of accepted datagrams, before the entry-level checks. */
    public long entriesReceived() {
        return values.get(ENTRIES_RECEIVED);
    }

    /** Entries installed in (or updated in) the connection table. */
    public long entriesInstalled() {
        return values.get(ENTRIES_INSTALLED);
    }

    /** Entries the master could not queue because the hand-off queue was full. */
    public long entriesLost() {
        return values.get(ENTRIES_LOST);
    }

    /** Datagrams the transport failed to send. */
    public long sendErrors() {
        return values.get(SEND_ERRORS);
    }

    /** Datagrams (message-level reasons) or entries (entry-level ones) dropped for {@code reason}. */
    public long dropped(SyncDrop reason) {
        return values.get(DROPS + reason.ordinal());
    }

    /** Every drop, datagrams and entries together. */
    public long droppedTotal() {
        long n = 0;
        for (int i = 0; i < SyncDrop.count(); i++) {
            n += values.get(DROPS + i);
        }
        return n;
    }
}
