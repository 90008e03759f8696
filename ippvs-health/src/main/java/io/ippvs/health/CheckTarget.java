package io.ippvs.health;

import io.ippvs.api.RealServerConfig;
import io.ippvs.api.ServiceKey;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * What one probe is aimed at: the service and real server it speaks for, the address to probe (the
 * server's, or {@code connect_ip}/{@code connect_port}) and the time the probe may take in all
 * ({@code connect_timeout}, or {@code misc_timeout} for {@code MISC_CHECK}).
 *
 * @param service the virtual service
 * @param server the real server as configured (its configured weight)
 * @param address where to probe; its port is 0 only for checkers that need none (PING_CHECK, MISC_CHECK)
 * @param timeout the whole probe's budget
 */
public record CheckTarget(ServiceKey service, RealServerConfig server, InetSocketAddress address, Duration timeout) {

    /** The timeout in milliseconds, at least 1 (socket APIs read 0 as "forever"). */
    public int timeoutMillis() {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }
}
