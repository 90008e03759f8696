package io.ippvs.health;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Future;

/**
 * One running check: keepalived's {@code checker_t} fields and its epilog. Touched only under the
 * monitor's state lock; the counters are read by metrics from anywhere.
 */
final class CheckState {

    final CheckConfig config;
    final ServerState server;
    final CheckTarget target;

    /** checker->is_up: starts true unless alpha. */
    boolean isUp;
    /** checker->has_run. */
    boolean hasRun;
    /** checker->retry_it: armed as spent at start ("one failure is enough initially"). */
    int retryIt;
    /** checker->cur_weight: misc_dynamic's offset from the configured weight. */
    long curWeight;

    /** Bumped per probe; a late result of an abandoned probe carries an old value and is dropped. */
    long attempt;
    /** Whether a probe runs now. */
    boolean probing;
    /** The probe running on a probe thread, or null (none, or a TCP connect on the loop). */
    Future<?> future;
    /** When the watchdog abandons the probe running now. */
    long deadline;

    volatile long successes;
    volatile long failures;

    CheckState(CheckConfig config, ServerState server) {
        this.config = config;
        this.server = server;
        this.isUp = !config.alpha();
        this.retryIt = config.retry();
        InetAddress ip = config.connectIp() != null ? config.connectIp() : server.config.config().address();
        int port = config.connectPort() != 0 ? config.connectPort() : server.config.config().port();
        this.target = new CheckTarget(server.service.config.key(), server.config.config(), new InetSocketAddress(ip, port),
                config.checker().timeout(config));
    }

    /**
     * keepalived's epilog ({@code check_tcp.c tcp_epilog}, the same in check_udp.c, check_ping.c,
     * and in check_misc.c and check_http.c in their own words) for one probe's result: what the
     * check becomes and how long until the next probe. State changes go to {@code transitions}.
     */
    Duration epilog(CheckResult r, Transitions transitions) {
        Duration delay = config.delayLoop();
        if (r.isUp()) {
            successes++;
            retryIt = 0;
            // check_misc.c: exit 0 sets cur_weight 0, 2..255 (misc_dynamic) code - 2 - iweight
            long cur = r.weight() < 0 ? 0 : r.weight() - server.config.config().weight();
            if (cur != curWeight) {
                long effective = server.effectiveWeight - curWeight + cur;
                curWeight = cur;
                transitions.weight(server, effective);
            }
            if (!isUp || !hasRun) {
                transitions.checker(this, true, null);
            }
        } else {
            failures++;
            if ((isUp || !hasRun) && retryIt >= config.retry()) {
                retryIt = 0;
                // check_misc.c: a failure that takes the check down drops its weight offset
                server.effectiveWeight -= curWeight;
                curWeight = 0;
                transitions.checker(this, false, r.reason());
            } else if (isUp) {
                delay = config.delayBeforeRetry();
                retryIt++;
            }
        }
        hasRun = true;
        return delay;
    }

    /** ipwrapper.c set_checker_state. */
    void state(boolean up) {
        if (isUp == up) {
            return;
        }
        isUp = up;
        if (!up) {
            server.failedChecks++;
        } else if (server.failedChecks > 0) {
            server.failedChecks--;
        }
    }

    /** The transitions an epilog can cause; the monitor applies them. */
    interface Transitions {
        /** ipwrapper.c update_svr_checker_state. */
        void checker(CheckState check, boolean up, String reason);

        /** ipwrapper.c update_svr_wgt. */
        void weight(ServerState server, long effectiveWeight);
    }
}
