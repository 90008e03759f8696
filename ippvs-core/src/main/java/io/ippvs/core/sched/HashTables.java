package io.ippvs.core.sched;

import io.ippvs.api.SchedulerFlag;

/** Hashing shared by the sh and dh schedulers, and the flag names they read. */
final class HashTables {

    /** sh-fallback / mh-fallback: probe further buckets when the hashed server is unusable. */
    static final SchedulerFlag FALLBACK = SchedulerFlag.FLAG_1;
    /** sh-port / mh-port: add the client's source port to the key. */
    static final SchedulerFlag PORT = SchedulerFlag.FLAG_2;

    /** The kernel's GOLDEN_RATIO_32. */
    private static final int GOLDEN_RATIO_32 = 0x61C88647;

    private HashTables() {}

    /** hash_32: multiplicative hashing keeping the top {@code bits} bits. */
    static int hash32(int value, int bits) {
        return (value * GOLDEN_RATIO_32) >>> (32 - bits);
    }
}
