package io.ippvs.health;

import io.ippvs.api.RealServerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A real server and its checks (keepalived's {@code real_server} block). The server is up while
 * every check is up; a server without checks is always up. Its configuration's weight is the
 * weight it serves with while up. Immutable.
 */
public final class CheckedRealServer {

    private final RealServerConfig config;
    private final boolean inhibitOnFailure;
    private final List<CheckConfig> checks;

    private CheckedRealServer(Builder b) {
        this.config = b.config;
        this.inhibitOnFailure = b.inhibitOnFailure;
        this.checks = List.copyOf(b.checks);
    }

    public static Builder builder(RealServerConfig config) {
        return new Builder(config);
    }

    public RealServerConfig config() {
        return config;
    }

    /** {@code inhibit_on_failure}: a down server stays in its service at weight 0 instead of leaving it. */
    public boolean inhibitOnFailure() {
        return inhibitOnFailure;
    }

    public List<CheckConfig> checks() {
        return checks;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CheckedRealServer r && config.equals(r.config) && inhibitOnFailure == r.inhibitOnFailure
                && checks.equals(r.checks);
    }

    @Override
    public int hashCode() {
        return Objects.hash(config, inhibitOnFailure, checks);
    }

    @Override
    public String toString() {
        return config + (inhibitOnFailure ? " inhibit_on_failure" : "") + " " + checks;
    }

    /** Builds a {@link CheckedRealServer}. */
    public static final class Builder {
        private final RealServerConfig config;
        private boolean inhibitOnFailure;
        private final List<CheckConfig> checks = new ArrayList<>();

        private Builder(RealServerConfig config) {
            if (config == null) {
                throw new IllegalArgumentException("realServer: must not be null");
            }
            this.config = config;
        }

        public Builder inhibitOnFailure(boolean inhibit) {
            this.inhibitOnFailure = inhibit;
            return this;
        }

        public Builder check(CheckConfig check) {
            if (check == null) {
                throw new IllegalArgumentException("check: must not be null");
            }
            if (check.checker().needsPort() && check.connectPort() == 0 && config.port() == 0) {
                throw new IllegalArgumentException("connect_port: " + check.checker().name() + " of " + config
                        + " needs a port and the server has none");
            }
            checks.add(check);
            return this;
        }

        public CheckedRealServer build() {
            return new CheckedRealServer(this);
        }
    }
}
