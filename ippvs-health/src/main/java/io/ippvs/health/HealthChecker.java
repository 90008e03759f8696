package io.ippvs.health;

import java.time.Duration;

/**
 * One kind of probe. The built-in ones ({@link HealthCheckers}) are keepalived's checkers; an
 * appliance implements this interface for its own checks (a database query, a queue depth).
 *
 * <p>{@link #check} runs on a health-check thread, never on a packet thread, at most once at a time
 * per configured check. It may block, but should return within {@link CheckTarget#timeout()}: a
 * probe still running half a second after that is interrupted and counted as a failure. Throwing
 * counts as a failure with the exception as the reason. Implementations must be thread-safe (one
 * instance may serve many servers) and should implement {@code equals} so configurations compare.
 */
public interface HealthChecker {

    /** keepalived's keyword for the built-in checkers ({@code TCP_CHECK}, ...); any name for an appliance's own. */
    String name();

    /** Probes {@code target} once. */
    CheckResult check(CheckTarget target) throws Exception;

    /** {@code retry} when the configuration gives none: keepalived's 1 for most checkers. */
    default int defaultRetry() {
        return 1;
    }

    /** {@code delay_before_retry} when the configuration gives none: keepalived's 1 s for most checkers. */
    default Duration defaultDelayBeforeRetry() {
        return Duration.ofSeconds(1);
    }

    /** The budget of one probe under {@code check}: its {@code connect_timeout} unless the checker has its own. */
    default Duration timeout(CheckConfig check) {
        return check.connectTimeout();
    }

    /** Whether the probe needs a port (from the server or {@code connect_port}). */
    default boolean needsPort() {
        return true;
    }
}
