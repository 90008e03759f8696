package io.ippvs.health;

import io.ippvs.api.RealServerConfig;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A virtual service with checked real servers (keepalived's {@code virtual_server} block): the
 * service's configuration, its {@code quorum} and {@code hysteresis}, an optional
 * {@code sorry_server} and the real servers. Immutable.
 *
 * <p>Quorum is keepalived's ({@code ipwrapper.c update_quorum_state}): the sum of the weights of the
 * servers that are up, compared with {@code quorum + hysteresis} to gain it (at least that much) and
 * with {@code quorum - hysteresis} to lose it (less than that, or nothing up). While quorum is lost
 * the sorry server, when there is one, takes every new connection: the servers still up leave the
 * service (or go to weight 0 with {@code inhibit_on_failure}) and come back with quorum.
 */
public final class CheckedService {

    private final ServiceConfig config;
    private final int quorum;
    private final int hysteresis;
    private final RealServerConfig sorryServer;
    private final boolean sorryServerInhibit;
    private final List<CheckedRealServer> realServers;

    private CheckedService(Builder b) {
        this.config = b.config;
        this.quorum = b.quorum;
        this.hysteresis = b.hysteresis;
        this.sorryServer = b.sorryServer;
        this.sorryServerInhibit = b.sorryServerInhibit;
        this.realServers = List.copyOf(b.realServers);
    }

    public static Builder builder(ServiceConfig config) {
        return new Builder(config);
    }

    public ServiceConfig config() {
        return config;
    }

    public ServiceKey key() {
        return config.key();
    }

    /** The total weight of live servers the service needs; keepalived's default is 1. */
    public int quorum() {
        return quorum;
    }

    public int hysteresis() {
        return hysteresis;
    }

    /** The server that takes new connections while quorum is lost; {@code null} = none. */
    public RealServerConfig sorryServer() {
        return sorryServer;
    }

    /** {@code sorry_server_inhibit}: the sorry server stays listed at weight 0 while not needed. */
    public boolean sorryServerInhibit() {
        return sorryServerInhibit;
    }

    public List<CheckedRealServer> realServers() {
        return realServers;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CheckedService s && config.equals(s.config) && quorum == s.quorum
                && hysteresis == s.hysteresis && Objects.equals(sorryServer, s.sorryServer)
                && sorryServerInhibit == s.sorryServerInhibit && realServers.equals(s.realServers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(config, quorum, hysteresis, sorryServer, sorryServerInhibit, realServers);
    }

    @Override
    public String toString() {
        return config + " quorum " + quorum + " hysteresis " + hysteresis
                + (sorryServer == null ? "" : " sorry_server " + sorryServer + (sorryServerInhibit ? " inhibit" : ""))
                + " " + realServers;
    }

    /** Builds a {@link CheckedService}; {@link #build()} checks quorum and hysteresis against the servers. */
    public static final class Builder {
        private final ServiceConfig config;
        private int quorum = 1;
        private int hysteresis;
        private RealServerConfig sorryServer;
        private boolean sorryServerInhibit;
        private final List<CheckedRealServer> realServers = new ArrayList<>();

        private Builder(ServiceConfig config) {
            if (config == null) {
                throw new IllegalArgumentException("service: must not be null");
            }
            this.config = config;
        }

        /** @throws IllegalArgumentException naming {@code quorum} when below 1 */
        public Builder quorum(int quorum) {
            if (quorum < 1) {
                throw new IllegalArgumentException("quorum: " + quorum + " must be at least 1");
            }
            this.quorum = quorum;
            return this;
        }

        /** @throws IllegalArgumentException naming {@code hysteresis} when negative */
        public Builder hysteresis(int hysteresis) {
            if (hysteresis < 0) {
                throw new IllegalArgumentException("hysteresis: " + hysteresis + " must not be negative");
            }
            this.hysteresis = hysteresis;
            return this;
        }

        public Builder sorryServer(RealServerConfig server, boolean inhibit) {
            this.sorryServer = server;
            this.sorryServerInhibit = inhibit;
            return this;
        }

        /** @throws IllegalArgumentException naming {@code real_server} when the same address and port is already in */
        public Builder realServer(CheckedRealServer server) {
            if (server == null) {
                throw new IllegalArgumentException("real_server: must not be null");
            }
            for (CheckedRealServer r : realServers) {
                if (r.config().sameServer(server.config())) {
                    throw new IllegalArgumentException("real_server: " + server.config() + " is already in " + config.key());
                }
            }
            realServers.add(server);
            return this;
        }

        /**
         * @throws IllegalArgumentException naming {@code hysteresis} when not below the quorum (keepalived
         *     lowers it with a warning), {@code quorum} when above the servers' total weight (keepalived
         *     lowers it too: here the configuration says what it means), {@code sorry_server} when it is
         *     also a real server of the service
         */
        public CheckedService build() {
            if (hysteresis >= quorum) {
                throw new IllegalArgumentException("hysteresis: " + hysteresis + " must be below quorum " + quorum);
            }
            long total = 0;
            for (CheckedRealServer r : realServers) {
                total += r.config().weight();
            }
            if (quorum > total && !realServers.isEmpty()) {
                throw new IllegalArgumentException("quorum: " + quorum + " exceeds the total weight " + total
                        + " of the real servers of " + config.key() + "; the service could never be up");
            }
            if (sorryServer != null) {
                for (CheckedRealServer r : realServers) {
                    if (r.config().sameServer(sorryServer)) {
                        throw new IllegalArgumentException("sorry_server: " + sorryServer + " is also a real server of " + config.key());
                    }
                }
            }
            return new CheckedService(this);
        }
    }
}
