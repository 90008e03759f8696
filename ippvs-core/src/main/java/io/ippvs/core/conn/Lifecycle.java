package io.ippvs.core.conn;

import static io.ippvs.core.conn.Entries.BUSY;
import static io.ippvs.core.conn.Entries.COUNT_MASK;
import static io.ippvs.core.conn.Entries.DETACHED;
import static io.ippvs.core.conn.Entries.DYING;
import static io.ippvs.core.conn.Entries.IN;
import static io.ippvs.core.conn.Entries.LIVE;
import static io.ippvs.core.conn.Entries.LONGS;
import static io.ippvs.core.conn.Entries.OUT;
import static io.ippvs.core.conn.Entries.UNINDEXING;
import static io.ippvs.core.conn.Entries.W_AUX;
import static io.ippvs.core.conn.Entries.W_CTL;
import static io.ippvs.core.conn.Entries.W_EXPIRY;
import static io.ippvs.core.conn.Entries.W_KEY;
import static io.ippvs.core.conn.Entries.W_LINKS;
import static io.ippvs.core.conn.Entries.base;
import static io.ippvs.core.conn.Entries.isTemplateKind;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How entries of a {@link ConnectionTable} leave it and change key: the claim (one CAS on the
 * control word; templates first claim their bookkeeping word, which refuses while connections still
 * reference them), the removal that follows (listener, index, template release, free list), lazy
 * and swept expiry, template reference counts, and the re-keying of a NO_CPORT entry bound to its
 * port or of an invalidated template. Every entry leaves exactly once, so the listener hears about
 * it exactly once. Package-private; the table's public methods delegate here.
 */
final class Lifecycle {

    /** {@link #expire} outcomes. */
    static final int KEPT = 0;
    static final int REMOVED = 1;
    static final int GONE = 2;

    /** ip_vs_conn_expire's re-arm of a template that still controls connections. */
    static final int TEMPLATE_REARM_SECONDS = 60;

    private final ConnectionTable table;
    private final RemovalListener listener;
    private final long[] entries;
    private final long[][] v6;
    private final KeyHash keyHash;
    private final KeyIndex index;
    private final HandleAllocator handles;
    private final int maxConnections;
    final AtomicInteger noCportCount = new AtomicInteger();

    Lifecycle(ConnectionTable table, RemovalListener listener, long[] entries, long[][] v6, KeyHash keyHash,
            KeyIndex index, HandleAllocator handles, int maxConnections) {
        this.table = table;
        this.listener = listener;
        this.entries = entries;
        this.v6 = v6;
        this.keyHash = keyHash;
        this.index = index;
        this.handles = handles;
        this.maxConnections = maxConnections;
    }

    /**
     * Handles entry h found expired at {@code now}: a template that controls connections is kept
     * (its timeout set to 60 s and restarted); anything else is claimed and removed.
     *
     * @return {@link #KEPT}; {@link #REMOVED} by this call; or {@link #GONE}, being removed (or
     *     bound) by another thread
     */
    int expire(int h, long c, long now) {
        int e = base(h);
        if (isTemplateKind(c) && (((long) LONGS.getVolatile(entries, e + W_AUX)) & COUNT_MASK) != 0) {
            Entries.timeoutSeconds(entries, h, TEMPLATE_REARM_SECONDS);
            Entries.refresh(entries, h, now);
            return KEPT;
        }
        if ((c & BUSY) != 0) {
            return GONE; // binding its client port right now; the next sweep takes it
        }
        if (claim(h, c)) {
            finish(h, c, true);
            return REMOVED;
        }
        // lost the race: either someone else removed it, or a template gained a connection
        return (long) LONGS.getAcquire(entries, e + W_CTL) != c ? GONE : KEPT;
    }

    /** Makes this thread the one that removes entry h (whose control word was c). */
    boolean claim(int h, long c) {
        int e = base(h);
        if (isTemplateKind(c)) {
            for (;;) {
                long aux = (long) LONGS.getVolatile(entries, e + W_AUX);
                if ((aux & (COUNT_MASK | DYING | UNINDEXING)) != 0) {
                    return false;
                }
                if (LONGS.compareAndSet(entries, e + W_AUX, aux, aux | DYING)) {
                    break;
                }
            }
            // DYING makes us the only claimer; the CAS proves c was not a previous incarnation's
            if (LONGS.compareAndSet(entries, e + W_CTL, c, c & ~LIVE)) {
                return true;
            }
            LONGS.getAndBitwiseAnd(entries, e + W_AUX, ~DYING);
            return false;
        }
        return (c & BUSY) == 0 && LONGS.compareAndSet(entries, e + W_CTL, c, c & ~LIVE);
    }

    /** Completes the removal of claimed entry h: listener, index, bookkeeping, free list. */
    void finish(int h, long c, boolean expired) {
        int e = base(h);
        listener.removed(table, h, expired);
        boolean template = isTemplateKind(c);
        unindex(h, c, IN);
        if (!template) {
            unindex(h, c, OUT);
            if ((Entries.flags(entries, h) & ConnectionFlags.NO_CPORT) != 0) {
                noCportCount.decrementAndGet();
            }
            int t = (int) entries[e + W_LINKS];
            if (t != ConnectionTable.NO_HANDLE) {
                releaseTemplate(t);
            }
        }
        handles.free(h);
    }

    /** Counts one more connection controlled by template t; false if t is not (or no longer) a live template. */
    boolean acquireTemplate(int t) {
        if (t < 0 || t >= maxConnections) {
            throw new IllegalArgumentException("template: " + t + " is not a handle of this table");
        }
        int e = base(t);
        long c = (long) LONGS.getAcquire(entries, e + W_CTL);
        if ((c & LIVE) == 0) {
            return false;
        }
        if (!isTemplateKind(c)) {
            return false; // the template left and its handle now names a connection
        }
        for (;;) {
            long aux = (long) LONGS.getVolatile(entries, e + W_AUX);
            if ((aux & (DYING | DETACHED)) != 0) {
                return false;
            }
            if (LONGS.compareAndSet(entries, e + W_AUX, aux, aux + 1)) {
                if ((long) LONGS.getVolatile(entries, e + W_CTL) == c) {
                    return true;
                }
                releaseTemplate(t); // the handle was recycled under us
                return false;
            }
        }
    }

    void releaseTemplate(int t) {
        int e = base(t);
        long before = (long) LONGS.getAndAdd(entries, e + W_AUX, -1L);
        if ((before & COUNT_MASK) == 1 && (before & DETACHED) != 0) {
            long c = (long) LONGS.getAcquire(entries, e + W_CTL);
            if ((c & LIVE) != 0 && claim(t, c)) {
                finish(t, c, false);
            }
        }
    }

    /** Removes entry h's index slot for direction dir, if present. */
    private void unindex(int h, long c, int dir) {
        index.remove(Entries.storedKeyHash(entries, v6, keyHash, h, c, dir), h, dir);
    }

    /** {@link ConnectionTable#remove(int)}. */
    boolean remove(int handle) {
        int e = base(handle);
        for (;;) {
            long c = (long) LONGS.getAcquire(entries, e + W_CTL);
            if ((c & LIVE) == 0) {
                return false;
            }
            if ((c & BUSY) != 0) {
                Thread.onSpinWait();
                continue;
            }
            if (isTemplateKind(c)) {
                long aux = (long) LONGS.getVolatile(entries, e + W_AUX);
                if ((aux & (DYING | DETACHED)) != 0) {
                    return false;
                }
                if ((aux & COUNT_MASK) != 0) {
                    if (LONGS.compareAndSet(entries, e + W_AUX, aux, aux | DETACHED | UNINDEXING)) {
                        unindex(handle, c, IN);
                        long after = (long) LONGS.getAndBitwiseAnd(entries, e + W_AUX, ~UNINDEXING);
                        // the last controlled connection may have left while we unindexed
                        if ((after & COUNT_MASK) == 0 && claim(handle, c)) {
                            finish(handle, c, false);
                        }
                        return true;
                    }
                    continue;
                }
            }
            if (claim(handle, c)) {
                finish(handle, c, false);
                return true;
            }
        }
    }

    /** Entries the sweep gathers before it removes them: their index misses overlap. */
    private static final int SWEEP_BATCH = 16;

    /**
     * Written once per sweep batch with what the bucket reads returned, so the JIT keeps them.
     * Racy by design: any value will do.
     */
    @SuppressWarnings("unused")
    private long sweepSink;

    /**
     * {@link ConnectionTable#sweep(long)}: a walk of the entries in handle order (a stream the
     * prefetcher follows) that gathers up to {@link #SWEEP_BATCH} candidates, reads each one's index
     * bucket so that those cache misses overlap, then removes them one by one, each re-checked from
     * its control word as the unbatched walk did. On a big table the removals' bucket misses were
     * most of a swept connection's cost.
     */
    int sweep(long nowNanos) {
        int removed = 0;
        int limit = handles.highWater();
        long[] en = entries;
        int[] batch = new int[SWEEP_BATCH];
        int n = 0;
        long sink = 0;
        for (int h = 0; h < limit; h++) {
            int e = base(h);
            long c = (long) LONGS.getAcquire(en, e + W_CTL);
            if ((c & LIVE) == 0 || (c & BUSY) != 0) {
                continue;
            }
            if (!isTemplateKind(c) && nowNanos - (long) LONGS.getOpaque(en, e + W_EXPIRY) < 0) {
                continue;
            }
            sink += index.slots[index.firstSlot(Entries.storedKeyHash(en, v6, keyHash, h, c, IN))];
            batch[n++] = h;
            if (n == SWEEP_BATCH) {
                removed += sweepBatch(batch, n, nowNanos);
                n = 0;
            }
        }
        removed += sweepBatch(batch, n, nowNanos);
        sweepSink = sink;
        return removed;
    }

    private int sweepBatch(int[] batch, int n, long nowNanos) {
        int removed = 0;
        long[] en = entries;
        for (int k = 0; k < n; k++) {
            int h = batch[k];
            int e = base(h);
            long c = (long) LONGS.getAcquire(en, e + W_CTL);
            if ((c & LIVE) == 0 || (c & BUSY) != 0) {
                continue;
            }
            if (isTemplateKind(c)) {
                long aux = (long) LONGS.getVolatile(en, e + W_AUX);
                if ((aux & DETACHED) != 0 && (aux & COUNT_MASK) == 0) {
                    if (claim(h, c)) {
                        finish(h, c, false);
                        removed++;
                    }
                    continue;
                }
            }
            if (nowNanos - (long) LONGS.getOpaque(en, e + W_EXPIRY) >= 0 && expire(h, c, nowNanos) == REMOVED) {
                removed++;
            }
        }
        return removed;
    }

    /** {@link ConnectionTable#invalidateTemplate(int)}. */
    boolean invalidateTemplate(int handle) {
        int e = base(handle);
        long c = (long) LONGS.getAcquire(entries, e + W_CTL);
        if ((c & (LIVE | BUSY)) != LIVE || !isTemplateKind(c) || !LONGS.compareAndSet(entries, e + W_CTL, c, c | BUSY)) {
            return false;
        }
        long released = c;
        try {
            long k1 = entries[e + W_KEY];
            long aux = (long) LONGS.getVolatile(entries, e + W_AUX);
            if ((k1 & 0xFFFF) == ConnectionTable.INVALID_PORT || (aux & (DETACHED | DYING | UNINDEXING)) != 0) {
                return false;
            }
            long oldIn = Entries.storedKeyHash(entries, v6, keyHash, handle, c, IN);
            LONGS.setRelease(entries, e + W_KEY, (k1 & ~0xFFFFL) | ConnectionTable.INVALID_PORT);
            index.add(Entries.storedKeyHash(entries, v6, keyHash, handle, c, IN), handle, IN);
            index.remove(oldIn, handle, IN);
            released = (c & ~(0xFFFFL << 48)) | ((long) ConnectionTable.INVALID_PORT << 48);
            return true;
        } finally {
            LONGS.setRelease(entries, e + W_CTL, released);
        }
    }

    /** Binds NO_CPORT entry h to {@code clientPort}: re-indexes both keys and clears the flag. */
    int bindClientPort(int h, int clientPort) {
        int e = base(h);
        long c = (long) LONGS.getAcquire(entries, e + W_CTL);
        if ((c & (LIVE | BUSY)) != LIVE || !LONGS.compareAndSet(entries, e + W_CTL, c, c | BUSY)) {
            return ConnectionTable.NOT_FOUND; // being removed or bound by another thread
        }
        try {
            if ((Entries.flags(entries, h) & ConnectionFlags.NO_CPORT) == 0) {
                return Entries.clientPort(entries, h) == clientPort ? h : ConnectionTable.NOT_FOUND;
            }
            long oldIn = Entries.storedKeyHash(entries, v6, keyHash, h, c, IN);
            long oldOut = Entries.storedKeyHash(entries, v6, keyHash, h, c, OUT);
            long k1 = entries[e + W_KEY];
            LONGS.setRelease(entries, e + W_KEY, (k1 & ~0xFFFF0000L) | ((long) clientPort << 16));
            index.add(Entries.storedKeyHash(entries, v6, keyHash, h, c, IN), h, IN);
            index.add(Entries.storedKeyHash(entries, v6, keyHash, h, c, OUT), h, OUT);
            Entries.updateFlags(entries, h, 0, ConnectionFlags.NO_CPORT);
            index.remove(oldIn, h, IN);
            index.remove(oldOut, h, OUT);
            noCportCount.decrementAndGet();
            return h;
        } finally {
            LONGS.setRelease(entries, e + W_CTL, c);
        }
    }
}
