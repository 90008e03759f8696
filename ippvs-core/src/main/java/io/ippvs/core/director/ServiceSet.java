package io.ippvs.core.director;

import io.ippvs.api.Configuration;
import io.ippvs.api.ServiceKey;
import io.ippvs.core.proto.ProtocolTimeouts;
import io.ippvs.core.service.ServiceTable;
import io.ippvs.core.service.VirtualServiceState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One published generation of the configuration: the {@link Configuration} value, the running
 * services in order, the lookup table over them and the protocol timeouts. Immutable; a packet reads the director's current
 * generation once and sees all of a change or none of it.
 */
final class ServiceSet {

    static final ServiceSet EMPTY = new ServiceSet(Configuration.EMPTY, List.of());

    final Configuration configuration;
    final List<VirtualServiceState> services;
    final Map<ServiceKey, VirtualServiceState> byKey;
    final ServiceTable table;
    final ProtocolTimeouts timeouts;

    ServiceSet(Configuration configuration, List<VirtualServiceState> services) {
        this.configuration = configuration;
        this.timeouts = ProtocolTimeouts.defaults().withSet(configuration.tcpTimeout(), configuration.tcpFinTimeout(),
                configuration.udpTimeout());
        this.services = List.copyOf(services);
        LinkedHashMap<ServiceKey, VirtualServiceState> m = new LinkedHashMap<>();
        for (VirtualServiceState s : services) {
            m.put(s.key(), s);
        }
        this.byKey = m;
        this.table = services.isEmpty() ? ServiceTable.EMPTY : new ServiceTable(services);
    }
}
