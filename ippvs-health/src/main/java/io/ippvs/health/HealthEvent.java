package io.ippvs.health;

import io.ippvs.api.RealServerConfig;
import io.ippvs.api.ServiceKey;

/**
 * One transition seen by the health checks, delivered to {@link HealthListener}s after the
 * director's configuration has followed it.
 *
 * @param type what happened
 * @param service the virtual service
 * @param server the real server as configured (its configured weight); {@code null} for service events
 * @param weight for server events the server's weight now (its effective weight, which
 *     {@code misc_dynamic} may change); for service events the sum of the weights of the servers up
 * @param reason for {@link Type#SERVER_DOWN} the failed probe's reason, otherwise {@code null}
 */
public record HealthEvent(Type type, ServiceKey service, RealServerConfig server, long weight, String reason) {

    /** The transitions. */
    public enum Type {
        /** A real server passed its checks and takes new connections again (or for the first time, with alpha). */
        SERVER_UP,
        /** A real server failed its checks: it left its service, or went to weight 0 with inhibit_on_failure. */
        SERVER_DOWN,
        /** A real server's weight changed ({@code misc_dynamic}). */
        SERVER_WEIGHT,
        /** The service gained quorum; a sorry server, if one served, left. */
        SERVICE_UP,
        /** The service lost quorum (or started without it); a sorry server, if configured, took over. */
        SERVICE_DOWN
    }
}
