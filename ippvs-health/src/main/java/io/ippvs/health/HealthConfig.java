package io.ippvs.health;

import io.ippvs.api.ServiceKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Every checked service, in order: what {@link HealthMonitor} runs and what
 * {@link KeepalivedConfig#parse(java.nio.file.Path)} returns. Immutable.
 */
public final class HealthConfig {

    private final List<CheckedService> services;

    private HealthConfig(List<CheckedService> services) {
        this.services = List.copyOf(services);
    }

    /** @throws IllegalArgumentException naming {@code virtual_server} when two services share a key */
    public static HealthConfig of(List<CheckedService> services) {
        List<ServiceKey> keys = new ArrayList<>();
        for (CheckedService s : services) {
            if (keys.contains(s.key())) {
                throw new IllegalArgumentException("virtual_server: " + s.key() + " is configured twice");
            }
            keys.add(s.key());
        }
        return new HealthConfig(services);
    }

    public static HealthConfig of(CheckedService... services) {
        return of(List.of(services));
    }

    public List<CheckedService> services() {
        return services;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HealthConfig c && services.equals(c.services);
    }

    @Override
    public int hashCode() {
        return services.hashCode();
    }

    @Override
    public String toString() {
        return "HealthConfig" + services;
    }
}
