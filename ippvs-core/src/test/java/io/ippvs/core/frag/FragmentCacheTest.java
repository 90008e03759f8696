package io.ippvs.core.frag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class FragmentCacheTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void remembersUntilExpiry() {
        FragmentCache cache = new FragmentCache(64, 2 * SECOND);
        cache.put(0x0A000001, 0xC0000201, 0x1234, 6, 42, 100);
        assertThat(cache.get(0x0A000001, 0xC0000201, 0x1234, 6, 100 + SECOND)).isEqualTo(42);
        // every key field matters
        assertThat(cache.get(0x0A000002, 0xC0000201, 0x1234, 6, 100)).isEqualTo(FragmentCache.NONE);
        assertThat(cache.get(0x0A000001, 0xC0000202, 0x1234, 6, 100)).isEqualTo(FragmentCache.NONE);
        assertThat(cache.get(0x0A000001, 0xC0000201, 0x1235, 6, 100)).isEqualTo(FragmentCache.NONE);
        assertThat(cache.get(0x0A000001, 0xC0000201, 0x1234, 17, 100)).isEqualTo(FragmentCache.NONE);
        assertThat(cache.get(0x0A000001, 0xC0000201, 0x1234, 6, 100 + 2 * SECOND)).isEqualTo(FragmentCache.NONE);
    }

    @Test
    void putRefreshesAndReplaces() {
        FragmentCache cache = new FragmentCache(4, SECOND);
        cache.put(1, 2, 3, 17, 7, 0);
        cache.put(1, 2, 3, 17, 8, SECOND / 2);
        assertThat(cache.get(1, 2, 3, 17, SECOND)).isEqualTo(8);
        assertThat(cache.capacity()).isEqualTo(4);
    }

    @Property(tries = 200)
    void boundedAndNeverWrong(@ForAll @IntRange(min = 1, max = 3000) int entries) {
        FragmentCache cache = new FragmentCache(256, SECOND);
        for (int i = 0; i < entries; i++) {
            cache.put(i, ~i, i & 0xFFFF, 6, i, 0);
        }
        int found = 0;
        for (int i = 0; i < entries; i++) {
            long v = cache.get(i, ~i, i & 0xFFFF, 6, 1);
            if (v != FragmentCache.NONE) {
                assertThat(v).isEqualTo(i);
                found++;
            }
        }
        assertThat(found).isLessThanOrEqualTo(cache.capacity());
        if (entries <= 4) {
            assertThat(found).isEqualTo(entries);
        }
    }

    @Test
    void rejectsBadConfiguration() {
        assertThatThrownBy(() -> new FragmentCache(0, SECOND)).hasMessageStartingWith("capacity:");
        assertThatThrownBy(() -> new FragmentCache(8, 0)).hasMessageStartingWith("lifetimeNanos:");
    }

    @Test
    void concurrentWritersNeverLetAReaderSeeAnotherDatagramsValue() throws Exception {
        FragmentCache cache = new FragmentCache(64, 10 * SECOND);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong wrong = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong hits = new java.util.concurrent.atomic.AtomicLong();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int seed = t;
            threads[t] = new Thread(() -> {
                java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
                while (!stop.get()) {
                    int k = r.nextInt(512);
                    // the value encodes its own key: any mix-up is visible
                    if (r.nextBoolean()) {
                        cache.put(k, ~k, k, 17, k * 7L, 0);
                    } else {
                        long v = cache.get(k, ~k, k, 17, 1);
                        if (v != FragmentCache.NONE) {
                            hits.incrementAndGet();
                            if (v != k * 7L) {
                                wrong.incrementAndGet();
                            }
                        }
                    }
                }
            });
            threads[t].start();
        }
        Thread.sleep(300);
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(wrong.get()).isZero();
        assertThat(hits.get()).isPositive();
    }
}
