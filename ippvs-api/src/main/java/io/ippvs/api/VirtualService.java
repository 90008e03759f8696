package io.ippvs.api;

import java.util.List;

/**
 * A virtual service as the director runs it: its configuration, its real servers in the order they
 * were added, and its counters.
 *
 * <p>Thread-safe. {@link #realServers()} is an immutable snapshot of one configuration generation.
 */
public interface VirtualService {

    ServiceConfig config();

    default ServiceKey key() {
        return config().key();
    }

    /** The real servers in the order they were added; an immutable snapshot. */
    List<RealServer> realServers();

    /** Traffic through this service. */
    Stats stats();
}
