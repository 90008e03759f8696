package io.ippvs.core.conn;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands out and takes back the entry handles of a {@link ConnectionTable}: per-thread free lists
 * chained through one word of each free entry, and a high-water mark below which every handle ever
 * used lies. A thread frees into and allocates from its own list first, so it reuses the handles
 * (and the cache lines) it released itself instead of pulling entries from another core; an empty
 * list takes the whole chain of the next non-empty one.
 *
 * <p>The lists are first in, first out. The sweep frees expired entries in handle order, so a FIFO
 * hands them out again in handle order: a new connection's entry (and the link word that names the
 * next free one) lies just after the previous one's, which the hardware prefetcher streams in,
 * where a LIFO would hand out entries the sweep freed long ago in the reverse order, one cache miss
 * each on a big table. An entry freed and taken again at once (the list holds only it) is the same
 * either way.
 *
 * <p>Thread-safe: each list has its own lock; the high-water mark is a CAS. The count of live
 * handles per list sits beside its head, so {@link #live()} is exact when no allocation or release
 * is in progress.
 */
final class HandleAllocator {

    /** No handle: an empty list, or a full table. */
    static final int NONE = -1;

    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    /** Free lists (a power of two); a thread's is its id modulo this. */
    private static final int LISTS = 64;
    private static final int LIST_MASK = LISTS - 1;
    /** Ints between two lists' head and count: 64 bytes, so no two lists share a cache line. */
    private static final int SPACING = 16;

    private final long[] words;
    private final int linkBase;
    private final int shift;
    private final int capacity;
    private final Object[] locks = new Object[LISTS];
    /** Per list: the head at {@code i * SPACING}, the live count it has handed out at {@code + 1}, the tail at {@code + 2}. */
    private final int[] state = new int[LISTS * SPACING];
    private final AtomicInteger highWater = new AtomicInteger();

    /**
     * An allocator of handles {@code 0 .. capacity - 1} whose free chains run through
     * {@code words[linkBase + (handle << shift)]}, a word the table leaves to it while the entry is free.
     */
    HandleAllocator(long[] words, int linkBase, int shift, int capacity) {
        this.words = words;
        this.linkBase = linkBase;
        this.shift = shift;
        this.capacity = capacity;
        for (int i = 0; i < LISTS; i++) {
            locks[i] = new long[14]; // 128 bytes each: no two locks share a cache line
            state[i * SPACING] = NONE;
            state[i * SPACING + 2] = NONE;
        }
    }

    /** Handles ever used are below this value. */
    int highWater() {
        return highWater.get();
    }

    /** Handles handed out and not yet freed. */
    int live() {
        int live = 0;
        for (int i = 0; i < LISTS; i++) {
            live += (int) INTS.getVolatile(state, i * SPACING + 1);
        }
        return live;
    }

    /** Bytes of the allocator's own arrays and locks. */
    long footprintBytes() {
        return 16L + 4L * state.length + LISTS * 128L;
    }

    private int link(int h) {
        return (int) words[linkBase + (h << shift)];
    }

    private void link(int h, int next) {
        words[linkBase + (h << shift)] = next & 0xFFFFFFFFL;
    }

    private static int homeList() {
        return (int) Thread.currentThread().getId() & LIST_MASK;
    }

    /** A free handle, or {@link #NONE} when all {@code capacity} are in use. */
    int allocate() {
        int own = homeList();
        int at = own * SPACING;
        synchronized (locks[own]) {
            int head = state[at];
            if (head != NONE) {
                int next = link(head);
                state[at] = next;
                if (next == NONE) {
                    state[at + 2] = NONE;
                }
                state[at + 1]++;
                return head;
            }
            for (int n = highWater.get(); n < capacity; n = highWater.get()) {
                if (highWater.compareAndSet(n, n + 1)) {
                    state[at + 1]++;
                    return n;
                }
            }
        }
        // take the whole chain of the next non-empty list: one handle now, the rest becomes ours
        for (int k = 1; k < LISTS; k++) {
            int j = (own + k) & LIST_MASK;
            int jat = j * SPACING;
            if ((int) INTS.getAcquire(state, jat) == NONE) {
                continue;
            }
            int chain;
            int chainTail;
            synchronized (locks[j]) {
                chain = state[jat];
                chainTail = state[jat + 2];
                state[jat] = NONE;
                state[jat + 2] = NONE;
            }
            if (chain == NONE) {
                continue;
            }
            int rest = link(chain);
            synchronized (locks[own]) {
                state[at + 1]++;
                if (rest != NONE) {
                    if (state[at] != NONE) {
                        // a thread sharing this list refilled it meanwhile (rare): the chain goes after it
                        link(state[at + 2], rest);
                    } else {
                        state[at] = rest;
                    }
                    state[at + 2] = chainTail;
                }
            }
            return chain;
        }
        return NONE;
    }

    /** Takes back {@code h}, which the caller no longer indexes or reads. */
    void free(int h) {
        int i = homeList();
        int at = i * SPACING;
        link(h, NONE);
        synchronized (locks[i]) {
            int tail = state[at + 2];
            if (tail == NONE) {
                state[at] = h;
            } else {
                link(tail, h);
            }
            state[at + 2] = h;
            state[at + 1]--;
        }
    }
}
