package io.ippvs.core.conn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link ConnectionTable#touch}: an established flow's refresh that may leave its entry unwritten. */
class ConnectionTableTouchTest {

    static final long T0 = TimeUnit.DAYS.toNanos(3);
    static final long SECOND = 1_000_000_000L;

    @Test
    void touchLeavesAnExpiryWithinTheSlackAloneAndMovesItBeyond() {
        ConnectionTable table = new ConnectionTable(16, 1, null);
        ConnectionSpec spec = new ConnectionSpec().family(4).protocol(6)
                .client(0, 0x0A000001L, 1000).virtual(0, 0x0A000002L, 80).destination(0, 0x0A000003L, 80)
                .state(1, 900);
        int h = table.insert(spec, T0);
        long expiry = table.expiresAtNanos(h);
        table.touch(h, 900, T0 + ConnectionTable.TOUCH_SLACK_NANOS - 1);
        assertThat(table.expiresAtNanos(h)).isEqualTo(expiry);
        table.touch(h, 900, T0 + ConnectionTable.TOUCH_SLACK_NANOS);
        assertThat(table.expiresAtNanos(h)).isEqualTo(expiry + ConnectionTable.TOUCH_SLACK_NANOS);
        // a shorter timeout (ipvsadm --set) moves the expiry back at once
        table.touch(h, 60, T0 + 2 * SECOND);
        assertThat(table.timeoutSeconds(h)).isEqualTo(60);
        assertThat(table.expiresAtNanos(h)).isEqualTo(T0 + 62 * SECOND);
    }
}
