package io.ippvs.health;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * One check of one real server: the checker and keepalived's per-check knobs. Immutable; build one
 * with {@link #builder(HealthChecker)}, whose defaults are keepalived's.
 *
 * <p>Semantics (keepalived's {@code check_tcp.c tcp_epilog}, shared by every checker): a check runs
 * every {@code delay_loop}. While the server is up, a failed probe is retried after
 * {@code delay_before_retry}, up to {@code retry} more times; the failure of the last one takes the
 * check down, so a server is down after {@code retry + 1} consecutive failures and nothing flaps on
 * one lost probe. One success brings a down check up. The exception is the very first probe of a
 * check that starts up (no {@code alpha}): keepalived arms its retry count as spent
 * ({@code check_data.c}: "For non alpha mode, one failure is enough initially"), so a server that
 * was never confirmed goes at its first failure. With {@code alpha} a check starts down and the
 * server joins its service at the first success.
 */
public final class CheckConfig {

    /** keepalived's default {@code delay_loop} (KEEPALIVED_DEFAULT_DELAY). */
    public static final Duration DEFAULT_DELAY_LOOP = Duration.ofSeconds(60);
    /** keepalived's default {@code connect_timeout}. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final HealthChecker checker;
    private final InetAddress connectIp;
    private final int connectPort;
    private final Duration connectTimeout;
    private final Duration delayLoop;
    private final int retry;
    private final Duration delayBeforeRetry;
    private final Duration warmup;
    private final boolean alpha;

    private CheckConfig(Builder b) {
        this.checker = b.checker;
        this.connectIp = b.connectIp;
        this.connectPort = b.connectPort;
        this.connectTimeout = b.connectTimeout;
        this.delayLoop = b.delayLoop;
        this.retry = b.retry >= 0 ? b.retry : b.checker.defaultRetry();
        this.delayBeforeRetry = b.delayBeforeRetry != null ? b.delayBeforeRetry : b.checker.defaultDelayBeforeRetry();
        this.warmup = b.warmup != null ? b.warmup : b.delayLoop;
        this.alpha = b.alpha;
    }

    /** A check with keepalived's defaults: delay_loop 60 s, connect_timeout 5 s, the checker's retry and delay_before_retry, warmup = delay_loop. */
    public static Builder builder(HealthChecker checker) {
        return new Builder(checker);
    }

    public Builder toBuilder() {
        Builder b = new Builder(checker);
        b.connectIp = connectIp;
        b.connectPort = connectPort;
        b.connectTimeout = connectTimeout;
        b.delayLoop = delayLoop;
        b.retry = retry;
        b.delayBeforeRetry = delayBeforeRetry;
        b.warmup = warmup;
        b.alpha = alpha;
        return b;
    }

    public HealthChecker checker() {
        return checker;
    }

    /** {@code connect_ip}: the address to probe instead of the server's; {@code null} = the server's. */
    public InetAddress connectIp() {
        return connectIp;
    }

    /** {@code connect_port}: the port to probe instead of the server's; 0 = the server's. */
    public int connectPort() {
        return connectPort;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration delayLoop() {
        return delayLoop;
    }

    /** Retries after a failed probe before the check goes down (keepalived's count: down after retry + 1 failures). */
    public int retry() {
        return retry;
    }

    public Duration delayBeforeRetry() {
        return delayBeforeRetry;
    }

    /** The first probe waits a random time in [0, warmup] so checks of many servers spread out. */
    public Duration warmup() {
        return warmup;
    }

    /** Whether the check starts down, so the server serves only after its first success. */
    public boolean alpha() {
        return alpha;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CheckConfig c && checker.equals(c.checker) && Objects.equals(connectIp, c.connectIp)
                && connectPort == c.connectPort && connectTimeout.equals(c.connectTimeout)
                && delayLoop.equals(c.delayLoop) && retry == c.retry && delayBeforeRetry.equals(c.delayBeforeRetry)
                && warmup.equals(c.warmup) && alpha == c.alpha;
    }

    @Override
    public int hashCode() {
        return Objects.hash(checker, connectIp, connectPort, connectTimeout, delayLoop, retry, delayBeforeRetry, warmup, alpha);
    }

    @Override
    public String toString() {
        return checker + (connectIp == null ? "" : " connect_ip " + connectIp.getHostAddress())
                + (connectPort == 0 ? "" : " connect_port " + connectPort) + " connect_timeout " + connectTimeout
                + " delay_loop " + delayLoop + " retry " + retry + " delay_before_retry " + delayBeforeRetry
                + " warmup " + warmup + (alpha ? " alpha" : "");
    }

    /** Builds a {@link CheckConfig}; every setter validates and names the field it rejects. */
    public static final class Builder {
        private final HealthChecker checker;
        private InetAddress connectIp;
        private int connectPort;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration delayLoop = DEFAULT_DELAY_LOOP;
        private int retry = -1;
        private Duration delayBeforeRetry;
        private Duration warmup;
        private boolean alpha;

        private Builder(HealthChecker checker) {
            if (checker == null) {
                throw new IllegalArgumentException("checker: must not be null");
            }
            this.checker = checker;
        }

        public Builder connectIp(InetAddress address) {
            this.connectIp = address;
            return this;
        }

        /** @throws IllegalArgumentException naming {@code connect_port} when outside 0..65535 */
        public Builder connectPort(int port) {
            if (port < 0 || port > 0xFFFF) {
                throw new IllegalArgumentException("connect_port: " + port + " is outside 0..65535");
            }
            this.connectPort = port;
            return this;
        }

        /** @throws IllegalArgumentException naming {@code connect_timeout} when not positive */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive("connect_timeout", timeout);
            return this;
        }

        /** @throws IllegalArgumentException naming {@code delay_loop} when not positive */
        public Builder delayLoop(Duration delay) {
            this.delayLoop = positive("delay_loop", delay);
            return this;
        }

        /** @throws IllegalArgumentException naming {@code retry} when negative */
        public Builder retry(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("retry: " + retries + " must not be negative");
            }
            this.retry = retries;
            return this;
        }

        /** @throws IllegalArgumentException naming {@code delay_before_retry} when negative */
        public Builder delayBeforeRetry(Duration delay) {
            this.delayBeforeRetry = notNegative("delay_before_retry", delay);
            return this;
        }

        /** @throws IllegalArgumentException naming {@code warmup} when negative */
        public Builder warmup(Duration warmup) {
            this.warmup = notNegative("warmup", warmup);
            return this;
        }

        public Builder alpha(boolean alpha) {
            this.alpha = alpha;
            return this;
        }

        public CheckConfig build() {
            return new CheckConfig(this);
        }

        private static Duration positive(String field, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(field + ": " + d + " must be a positive duration");
            }
            return d;
        }

        private static Duration notNegative(String field, Duration d) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(field + ": " + d + " must not be negative");
            }
            return d;
        }
    }
}
