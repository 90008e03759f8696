package io.ippvs.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FakeClockTest {

    @Test
    void fakeClockMoves() {
        FakeClock clock = new FakeClock(5);
        clock.advanceSeconds(2).advanceMillis(3).advanceNanos(4);
        assertThat(clock.getAsLong()).isEqualTo(5 + 2_000_000_000L + 3_000_000L + 4);
        assertThat(new FakeClock().nanos()).isEqualTo(FakeClock.DEFAULT_START_NANOS);
    }
}
