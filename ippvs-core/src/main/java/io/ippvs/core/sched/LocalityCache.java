package io.ippvs.core.sched;

import io.ippvs.api.RealServer;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The lblc/lblcr cache: destination address -> set of real servers, an open-addressing table over
 * primitive arrays. lblc keeps sets of one.
 *
 * <p>Readers look up without locking under a sequence lock (even = stable, odd = being written) and
 * retry when a writer intervened; writers serialize on a monitor. Arrays grow by doubling and every
 * entry's set array is reused, so once warm nothing is allocated.
 *
 * <p>Expiry follows IPVS's periodic check, run lazily by the first caller after each interval: every
 * 30th check drops entries idle for 24 hours; the other checks, when the table holds more than
 * max_size (1024 buckets * 16 = 16384) entries, drop entries idle for 6 minutes until
 * {@code (entries - max_size) * 4 / 3} (at most max_size / 2) are gone, walking on from where the
 * last trim stopped ({@code ip_vs_lblc_check_expire}, {@code ip_vs_lblcr_check_expire}). max_size
 * is that soft trigger, not a cap: inserts always succeed, as {@code ip_vs_lblc_new} does, up to
 * the largest Java array.
 */
final class LocalityCache {

    static final int MAX_ENTRIES = 1024 * 16;
    static final long CHECK_INTERVAL = TimeUnit.SECONDS.toNanos(60);
    static final long ENTRY_TIMEOUT = TimeUnit.MINUTES.toNanos(6);
    static final long EXPIRATION = TimeUnit.HOURS.toNanos(24);
    static final int COUNT_FOR_FULL_EXPIRATION = 30;
    private static final int MIN_CAPACITY = 64;
    private static final int MAX_CAPACITY = 1 << 30;
    private static final int OPTIMISTIC_TRIES = 4;

    /** The slot arrays; replaced as a whole when the table grows. family 0 marks a free slot. */
    static final class Table {
        final int mask;
        final int[] family;
        final long[] high;
        final long[] low;
        final long[] lastUse;
        final long[] lastMod;
        final int[] size;
        final RealServer[][] sets;

        Table(int capacity) {
            mask = capacity - 1;
            family = new int[capacity];
            high = new long[capacity];
            low = new long[capacity];
            lastUse = new long[capacity];
            lastMod = new long[capacity];
            size = new int[capacity];
            sets = new RealServer[capacity][];
        }
    }

    private final LongSupplier clock;
    private final long seed = ThreadLocalRandom.current().nextLong();
    private final Object writeLock = new Object();
    private volatile long sequence;
    private volatile Table table = new Table(MIN_CAPACITY);
    private volatile long nextCheck;
    private int entries;
    private int counter = 1;
    /** Where the next over-size trim starts (IPVS's tbl->rover). */
    private int rover;

    LocalityCache(LongSupplier clock) {
        this.clock = clock;
        this.nextCheck = clock.getAsLong() + CHECK_INTERVAL;
    }

    long now() {
        return clock.getAsLong();
    }

    /** Number of cached destinations. */
    int entries() {
        synchronized (writeLock) {
            return entries;
        }
    }

    // ---- lock-free reads ----

    /** A stamp for an optimistic read, or 1 (odd: never valid) while a writer is active. */
    long beginRead() {
        return sequence;
    }

    /** Whether nothing was written since {@code stamp}; the reads in between are then consistent. */
    boolean validate(long stamp) {
        VarHandle.acquireFence();
        return (stamp & 1) == 0 && sequence == stamp;
    }

    Table table() {
        return table;
    }

    int hash(int family, long high, long low) {
        long h = (high * 0x9E3779B97F4A7C15L) ^ low ^ seed ^ family;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return (int) h;
    }

    /** The slot of the address in {@code t}, or -1. Safe on a table being written (bounded probe). */
    int find(Table t, int family, long high, long low) {
        int mask = t.mask;
        int i = hash(family, high, low) & mask;
        for (int probes = 0; probes <= mask; probes++) {
            int f = t.family[i];
            if (f == 0) {
                return -1;
            }
            if (f == family && t.high[i] == high && t.low[i] == low) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    /** The first server of the address's set, or null; refreshes the entry's last use. */
    RealServer first(int family, long high, long low, long now) {
        for (int attempt = 0; attempt < OPTIMISTIC_TRIES; attempt++) {
            long stamp = beginRead();
            Table t = table;
            int slot = find(t, family, high, low);
            RealServer d = null;
            if (slot >= 0) {
                RealServer[] set = t.sets[slot];
                d = set != null && set.length > 0 && t.size[slot] > 0 ? set[0] : null;
            }
            if (validate(stamp)) {
                if (slot >= 0) {
                    t.lastUse[slot] = now; // a racy refresh, as IPVS does under its read lock
                }
                return d;
            }
            Thread.onSpinWait();
        }
        synchronized (writeLock) {
            Table t = table;
            int slot = find(t, family, high, low);
            if (slot < 0 || t.size[slot] == 0) {
                return null;
            }
            t.lastUse[slot] = now;
            return t.sets[slot][0];
        }
    }

    // ---- writes (callers hold lock()) ----

    Object lock() {
        return writeLock;
    }

    void beginWrite() {
        sequence = sequence + 1;
        VarHandle.storeStoreFence();
    }

    void endWrite() {
        sequence = sequence + 1;
    }

    /**
     * The slot for the address, creating an empty entry (set size 0) when missing; -1 only when the
     * table cannot grow any more. Caller holds the lock and is inside beginWrite/endWrite.
     */
    int slotFor(int family, long high, long low, long now) {
        Table t = table;
        int slot = find(t, family, high, low);
        if (slot >= 0) {
            return slot;
        }
        if ((entries + 1) * 2 > t.mask + 1) {
            if (t.mask + 1 >= MAX_CAPACITY) {
                return -1;
            }
            t = grow(t);
        }
        int i = hash(family, high, low) & t.mask;
        while (t.family[i] != 0) {
            i = (i + 1) & t.mask;
        }
        t.family[i] = family;
        t.high[i] = high;
        t.low[i] = low;
        t.lastUse[i] = now;
        t.lastMod[i] = now;
        t.size[i] = 0;
        entries++;
        return i;
    }

    private Table grow(Table t) {
        Table n = new Table((t.mask + 1) * 2);
        for (int j = 0; j <= t.mask; j++) {
            if (t.family[j] == 0) {
                continue;
            }
            int i = hash(t.family[j], t.high[j], t.low[j]) & n.mask;
            while (n.family[i] != 0) {
                i = (i + 1) & n.mask;
            }
            copy(t, j, n, i);
        }
        table = n;
        return n;
    }

    private static void copy(Table from, int j, Table to, int i) {
        to.family[i] = from.family[j];
        to.high[i] = from.high[j];
        to.low[i] = from.low[j];
        to.lastUse[i] = from.lastUse[j];
        to.lastMod[i] = from.lastMod[j];
        to.size[i] = from.size[j];
        to.sets[i] = from.sets[j];
    }

    /** Makes {@code dest} the only member of the slot's set. */
    void setOnly(int slot, RealServer dest, long now) {
        Table t = table;
        RealServer[] set = t.sets[slot];
        if (set == null) {
            set = new RealServer[1];
            t.sets[slot] = set;
        }
        set[0] = dest;
        for (int k = 1; k < t.size[slot]; k++) {
            set[k] = null;
        }
        t.size[slot] = 1;
        t.lastMod[slot] = now;
    }

    /** Adds {@code dest} at the head of the slot's set unless present (lblcr's set order). */
    void addFirst(int slot, RealServer dest, long now) {
        Table t = table;
        int n = t.size[slot];
        RealServer[] set = t.sets[slot];
        for (int k = 0; k < n; k++) {
            if (set[k] == dest) {
                return;
            }
        }
        if (set == null || set.length == n) {
            RealServer[] bigger = new RealServer[Math.max(2, n * 2)];
            if (set != null) {
                System.arraycopy(set, 0, bigger, 0, n);
            }
            set = bigger;
            t.sets[slot] = set;
        }
        System.arraycopy(set, 0, set, 1, n);
        set[0] = dest;
        t.size[slot] = n + 1;
        t.lastMod[slot] = now;
    }

    /** Removes {@code dest} from the slot's set. */
    void remove(int slot, RealServer dest, long now) {
        Table t = table;
        int n = t.size[slot];
        RealServer[] set = t.sets[slot];
        for (int k = 0; k < n; k++) {
            if (set[k] == dest) {
                System.arraycopy(set, k + 1, set, k, n - k - 1);
                set[n - 1] = null;
                t.size[slot] = n - 1;
                t.lastMod[slot] = now;
                return;
            }
        }
    }

    /** Runs IPVS's periodic expiry check when it is due. Cheap when it is not. */
    void maintain(long now) {
        if (now - nextCheck < 0) {
            return;
        }
        synchronized (writeLock) {
            if (now - nextCheck < 0) {
                return;
            }
            nextCheck = now + CHECK_INTERVAL;
            if (counter % COUNT_FOR_FULL_EXPIRATION == 0) {
                beginWrite();
                try {
                    removeIdle(now, EXPIRATION);
                } finally {
                    endWrite();
                }
                counter = 1;
            } else if (entries <= MAX_ENTRIES) {
                counter++;
            } else {
                beginWrite();
                try {
                    trim(now, Math.min((entries - MAX_ENTRIES) * 4 / 3, MAX_ENTRIES / 2));
                } finally {
                    endWrite();
                }
            }
        }
    }

    /**
     * Drops entries idle for ENTRY_TIMEOUT, from the rover on, until {@code goal} are gone or every
     * slot was seen; caller holds the lock inside a write.
     */
    private void trim(long now, int goal) {
        Table t = table;
        int i = rover & t.mask;
        for (int seen = 0; seen <= t.mask && goal > 0; seen++) {
            // deleting shifts later entries back into slot i: look at it again
            while (goal > 0 && t.family[i] != 0 && now - t.lastUse[i] >= ENTRY_TIMEOUT) {
                delete(t, i);
                goal--;
            }
            i = (i + 1) & t.mask;
        }
        rover = i;
    }

    /** Drops entries idle for at least {@code idle}; caller holds the lock inside a write. */
    private void removeIdle(long now, long idle) {
        Table t = table;
        for (int i = 0; i <= t.mask; i++) {
            // deleting shifts later entries back into slot i: look at it again
            while (t.family[i] != 0 && now - t.lastUse[i] >= idle) {
                delete(t, i);
            }
        }
    }

    /** Backward-shift deletion keeps probe chains whole without tombstones. */
    private void delete(Table t, int i) {
        RealServer[] freed = t.sets[i];
        int hole = i;
        int j = i;
        while (true) {
            j = (j + 1) & t.mask;
            if (t.family[j] == 0) {
                break;
            }
            int home = hash(t.family[j], t.high[j], t.low[j]) & t.mask;
            // move j into the hole unless its home lies cyclically in (hole, j]
            boolean stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (stays) {
                continue;
            }
            copy(t, j, t, hole);
            hole = j;
        }
        t.family[hole] = 0;
        t.size[hole] = 0;
        // keep the freed set array for reuse, cleared so it holds no servers alive
        if (freed != null) {
            Arrays.fill(freed, null);
        }
        t.sets[hole] = freed;
        entries--;
    }
}
