package io.ippvs.health;

import io.ippvs.api.RealServerConfig;
import java.util.ArrayList;
import java.util.List;

/** One checked real server at run time (keepalived's {@code real_server_t}); touched under the monitor's state lock, read by metrics through the volatiles. */
final class ServerState {

    final CheckedRealServer config;
    final ServiceState service;
    final List<CheckState> checks = new ArrayList<>();

    /** rs->alive. */
    volatile boolean alive;
    /** rs->num_failed_checkers. */
    int failedChecks;
    /** rs->effective_weight: the configured weight plus misc_dynamic offsets. */
    volatile long effectiveWeight;

    volatile long ups;
    volatile long downs;

    ServerState(CheckedRealServer config, ServiceState service) {
        this.config = config;
        this.service = service;
        this.effectiveWeight = config.config().weight();
        for (CheckConfig c : config.checks()) {
            CheckState s = new CheckState(c, this);
            checks.add(s);
            if (c.alpha()) {
                failedChecks++;
            }
        }
        // check_data.c: in alpha mode a server starts down until its checks pass
        this.alive = failedChecks == 0;
    }

    /** check_data.h real_weight: the effective weight clamped to what IPVS takes. */
    int weight() {
        return (int) Math.max(0, Math.min(RealServerConfig.MAX_WEIGHT, effectiveWeight));
    }
}
