package io.ippvs.health;

import io.ippvs.api.Configuration;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.ServiceKey;
import java.util.ArrayList;
import java.util.List;

/**
 * One checked service at run time: quorum state and the director configuration it implies.
 * Touched under the monitor's state lock, read by metrics through the volatile.
 */
final class ServiceState {

    final CheckedService config;
    final List<ServerState> servers = new ArrayList<>();
    /** vs->quorum_state_up. */
    volatile boolean quorumUp;
    /** Whether the operator's removal of the service was already logged. */
    boolean missingLogged;

    ServiceState(CheckedService config) {
        this.config = config;
        for (CheckedRealServer r : config.realServers()) {
            servers.add(new ServerState(r, this));
        }
        // ipwrapper.c set_quorum_states
        this.quorumUp = liveWeight() >= (long) config.quorum() + config.hysteresis();
    }

    /** ipwrapper.c weigh_live_realservers. */
    long liveWeight() {
        long sum = 0;
        for (ServerState s : servers) {
            if (s.alive) {
                sum += s.weight();
            }
        }
        return sum;
    }

    /**
     * ipwrapper.c update_quorum_state without its ipvs commands (those follow from
     * {@link #apply}): quorum is gained at {@code quorum + hysteresis} and lost below
     * {@code quorum - hysteresis} or with nothing up. Returns +1 gained, -1 lost, 0 unchanged.
     */
    int updateQuorum() {
        long sum = liveWeight();
        long threshold = config.quorum() + (quorumUp ? -1L : 1L) * config.hysteresis();
        if (!quorumUp && sum >= threshold) {
            quorumUp = true;
            return 1;
        }
        if (quorumUp && (sum == 0 || sum < threshold)) {
            quorumUp = false;
            return -1;
        }
        return 0;
    }

    /** Whether the sorry server takes the new connections now. */
    boolean sorryActive() {
        return config.sorryServer() != null && !quorumUp;
    }

    /**
     * The director configuration with this service's managed servers where keepalived's commands
     * would have put them ({@code perform_svr_state}, {@code perform_quorum_state},
     * {@code ipvswrapper.c ipvs_cmd} turning a removal into weight 0 for inhibit_on_failure):
     * an up server serves at its weight unless the sorry server has taken over; a down one is
     * absent, or at weight 0 with inhibit_on_failure; the sorry server serves while quorum is lost
     * and is absent, or at weight 0 with sorry_server_inhibit, otherwise. Servers the health checks
     * do not manage are left alone. {@code null} when the service is no longer in the director.
     */
    Configuration apply(Configuration c) {
        ServiceKey key = config.key();
        if (c.service(key) == null) {
            return null;
        }
        boolean sorry = sorryActive();
        for (ServerState s : servers) {
            boolean inhibit = s.config.inhibitOnFailure();
            Integer w = s.alive && !sorry ? Integer.valueOf(s.weight()) : inhibit ? Integer.valueOf(0) : null;
            c = place(c, key, s.config.config(), w);
        }
        if (config.sorryServer() != null) {
            Integer w = sorry ? Integer.valueOf(config.sorryServer().weight()) : config.sorryServerInhibit() ? Integer.valueOf(0) : null;
            c = place(c, key, config.sorryServer(), w);
        }
        return c;
    }

    /** {@code server} at {@code weight} in the service, or out of it when {@code weight} is null. */
    private static Configuration place(Configuration c, ServiceKey key, RealServerConfig server, Integer weight) {
        RealServerConfig existing = null;
        for (RealServerConfig r : c.service(key).realServers()) {
            if (r.sameServer(server)) {
                existing = r;
            }
        }
        if (weight == null) {
            return existing == null ? c : c.withoutRealServer(key, existing);
        }
        if (existing == null) {
            return c.withRealServer(key, server.toBuilder().weight(weight).build());
        }
        return existing.weight() == weight ? c : c.withEditedRealServer(key, existing.toBuilder().weight(weight).build());
    }
}
