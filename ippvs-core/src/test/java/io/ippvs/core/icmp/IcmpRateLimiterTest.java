package io.ippvs.core.icmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IcmpRateLimiterTest {

    @Test
    void burstThenSustainedRate() {
        IcmpRateLimiter limiter = new IcmpRateLimiter(10, 3);
        long t = 5_000_000_000L;
        assertThat(limiter.tryAcquire(t)).isTrue();
        assertThat(limiter.tryAcquire(t)).isTrue();
        assertThat(limiter.tryAcquire(t)).isTrue();
        assertThat(limiter.tryAcquire(t)).isFalse();
        // one token every 100 ms
        assertThat(limiter.tryAcquire(t + 99_000_000L)).isFalse();
        assertThat(limiter.tryAcquire(t + 100_000_000L)).isTrue();
        assertThat(limiter.tryAcquire(t + 100_000_000L)).isFalse();
        // a long quiet period refills the burst, no more
        long later = t + 60_000_000_000L;
        int granted = 0;
        for (int i = 0; i < 10; i++) {
            granted += limiter.tryAcquire(later) ? 1 : 0;
        }
        assertThat(granted).isEqualTo(3);
    }

    @Test
    void rejectsBadConfiguration() {
        assertThatThrownBy(() -> new IcmpRateLimiter(0, 1)).hasMessageStartingWith("perSecond:");
        assertThatThrownBy(() -> new IcmpRateLimiter(1, 0)).hasMessageStartingWith("burst:");
    }
}
