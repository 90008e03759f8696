package io.ippvs.core.director;

import io.ippvs.api.DropReason;
import io.ippvs.api.Verdict;
import io.ippvs.core.stats.StripedCounters;

/**
 * What became of the director's packets: forwarded, replied, passed, or dropped per
 * {@link DropReason}. Each packet thread counts into its own stripe (plain writes, no locked add);
 * readers sum the stripes.
 */
final class Outcomes {

    private static final int FORWARDED = 0;
    private static final int REPLIED = 1;
    private static final int PASSED = 2;
    private static final int DROPPED = 3;

    private final StripedCounters counters = new StripedCounters(DROPPED + DropReason.count());

    void forwarded(int stripe) {
        counters.add(stripe, FORWARDED, 1);
    }

    void replied(int stripe) {
        counters.add(stripe, REPLIED, 1);
    }

    /** Counts a pass and returns {@link Verdict#PASS}. */
    Verdict passed(int stripe) {
        counters.add(stripe, PASSED, 1);
        return Verdict.PASS;
    }

    /** Counts a drop for {@code reason} and returns its verdict. */
    Verdict dropped(int stripe, DropReason reason) {
        counters.add(stripe, DROPPED + reason.ordinal(), 1);
        return Verdict.drop(reason);
    }

    long forwarded() {
        return counters.sum(FORWARDED);
    }

    long replied() {
        return counters.sum(REPLIED);
    }

    long passed() {
        return counters.sum(PASSED);
    }

    long drops(DropReason reason) {
        return counters.sum(DROPPED + reason.ordinal());
    }

    long dropped() {
        long n = 0;
        for (int i = 0; i < DropReason.count(); i++) {
            n += counters.sum(DROPPED + i);
        }
        return n;
    }
}
