package io.ippvs.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The whole configuration of a director as a value: its services in the order they were added, each
 * with its real servers in the kernel's list order (the most recently added first, see
 * {@link Service#realServers()}), and the {@code ipvsadm --set} timeouts.
 *
 * <p>Immutable and thread-safe. Every {@code with...} method returns a new configuration, or throws an
 * {@link IllegalArgumentException} naming what is wrong and leaves this one as it was, so a batch of
 * changes (a rules file) can be applied to a copy and installed at once, or not at all.
 */
public final class Configuration {

    /** No services; the kernel's default timeouts. */
    public static final Configuration EMPTY = new Configuration(new LinkedHashMap<>(), 0, 0, 0);

    private final Map<ServiceKey, Service> services;
    private final int tcpTimeout;
    private final int tcpFinTimeout;
    private final int udpTimeout;

    private Configuration(LinkedHashMap<ServiceKey, Service> services, int tcpTimeout, int tcpFinTimeout, int udpTimeout) {
        this.services = Collections.unmodifiableMap(services);
        this.tcpTimeout = tcpTimeout;
        this.tcpFinTimeout = tcpFinTimeout;
        this.udpTimeout = udpTimeout;
    }

    /** One service and its real servers. */
    public static final class Service {
        private final ServiceConfig config;
        private final List<RealServerConfig> realServers;

        private Service(ServiceConfig config, List<RealServerConfig> realServers) {
            this.config = config;
            this.realServers = Collections.unmodifiableList(new ArrayList<>(realServers));
        }

        public ServiceConfig config() {
            return config;
        }

        /**
         * Real servers in the order of the kernel's {@code svc->destinations} list, which every
         * scheduler walks: {@code __ip_vs_update_dest} adds a server with {@code list_add_rcu}, at
         * the head, so the most recently added server comes first. An edit ({@code -e}) keeps a
         * server's place; a server removed and added again goes to the head. Listings sort on their
         * own, as ipvsadm does.
         */
        public List<RealServerConfig> realServers() {
            return realServers;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Service && config.equals(((Service) o).config) && realServers.equals(((Service) o).realServers);
        }

        @Override
        public int hashCode() {
            return Objects.hash(config, realServers);
        }

        @Override
        public String toString() {
            return config + " " + realServers;
        }
    }

    /** Services in the order they were added. */
    public List<Service> services() {
        return List.copyOf(services.values());
    }

    /** The service with {@code key}, or {@code null}. */
    public Service service(ServiceKey key) {
        return services.get(key);
    }

    /** TCP ESTABLISHED timeout in seconds set by {@code ipvsadm --set}; 0 = the default (900). */
    public int tcpTimeout() {
        return tcpTimeout;
    }

    /** TCP FIN_WAIT timeout in seconds; 0 = the default (120). */
    public int tcpFinTimeout() {
        return tcpFinTimeout;
    }

    /** UDP timeout in seconds; 0 = the default (300). */
    public int udpTimeout() {
        return udpTimeout;
    }

    /** @throws IllegalArgumentException naming {@code service} when one with the same key exists */
    public Configuration withService(ServiceConfig config) {
        if (services.containsKey(config.key())) {
            throw new IllegalArgumentException("service: " + config.key() + " already exists");
        }
        LinkedHashMap<ServiceKey, Service> m = copy();
        m.put(config.key(), new Service(config, List.of()));
        return with(m);
    }

    /** Replaces a service's configuration, keeping its real servers ({@code ipvsadm -E}). */
    public Configuration withEditedService(ServiceConfig config) {
        Service s = existing(config.key());
        LinkedHashMap<ServiceKey, Service> m = copy();
        m.put(config.key(), new Service(config, s.realServers));
        return with(m);
    }

    /** @throws IllegalArgumentException naming {@code service} when there is none with {@code key} */
    public Configuration withoutService(ServiceKey key) {
        existing(key);
        LinkedHashMap<ServiceKey, Service> m = copy();
        m.remove(key);
        return with(m);
    }

    /** No services, timeouts kept ({@code ipvsadm -C}). */
    public Configuration withoutServices() {
        return new Configuration(new LinkedHashMap<>(), tcpTimeout, tcpFinTimeout, udpTimeout);
    }

    /**
     * Adds a real server at the head of the service's list ({@code ipvsadm -a}), as the kernel does.
     *
     * @throws IllegalArgumentException naming {@code service} when it does not exist, {@code realServer}
     *     when the server is already in it or its address family cannot be reached from the service
     */
    public Configuration withRealServer(ServiceKey key, RealServerConfig server) {
        Service s = existing(key);
        for (RealServerConfig r : s.realServers) {
            if (r.sameServer(server)) {
                throw new IllegalArgumentException("realServer: " + server + " is already in " + key);
            }
        }
        if (server.addressFamily() != key.addressFamily() && server.forwardingMethod() != ForwardingMethod.TUNNEL) {
            throw new IllegalArgumentException("realServer: " + server + " is of another address family than "
                    + key + "; only tunnels may cross families");
        }
        List<RealServerConfig> list = new ArrayList<>(s.realServers);
        list.add(0, server); // list_add_rcu: the head of svc->destinations
        LinkedHashMap<ServiceKey, Service> m = copy();
        m.put(key, new Service(s.config, list));
        return with(m);
    }

    /** Replaces the configuration of the real server with the same address and port ({@code ipvsadm -e}). */
    public Configuration withEditedRealServer(ServiceKey key, RealServerConfig server) {
        Service s = existing(key);
        List<RealServerConfig> list = new ArrayList<>(s.realServers);
        int i = indexOf(list, server);
        if (i < 0) {
            throw new IllegalArgumentException("realServer: " + server + " is not in " + key);
        }
        list.set(i, server);
        LinkedHashMap<ServiceKey, Service> m = copy();
        m.put(key, new Service(s.config, list));
        return with(m);
    }

    /** Removes the real server with the address and port of {@code server} ({@code ipvsadm -d}). */
    public Configuration withoutRealServer(ServiceKey key, RealServerConfig server) {
        Service s = existing(key);
        List<RealServerConfig> list = new ArrayList<>(s.realServers);
        int i = indexOf(list, server);
        if (i < 0) {
            throw new IllegalArgumentException("realServer: " + server + " is not in " + key);
        }
        list.remove(i);
        LinkedHashMap<ServiceKey, Service> m = copy();
        m.put(key, new Service(s.config, list));
        return with(m);
    }

    /**
     * Sets the timeouts ({@code ipvsadm --set tcp tcpfin udp}); 0 leaves a value as it is.
     *
     * @throws IllegalArgumentException naming the negative timeout
     */
    public Configuration withTimeouts(int tcp, int tcpFin, int udp) {
        if (tcp < 0) {
            throw new IllegalArgumentException("tcpTimeout: " + tcp + " must not be negative");
        }
        if (tcpFin < 0) {
            throw new IllegalArgumentException("tcpFinTimeout: " + tcpFin + " must not be negative");
        }
        if (udp < 0) {
            throw new IllegalArgumentException("udpTimeout: " + udp + " must not be negative");
        }
        return new Configuration(copy(), tcp == 0 ? tcpTimeout : tcp, tcpFin == 0 ? tcpFinTimeout : tcpFin,
                udp == 0 ? udpTimeout : udp);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Configuration)) {
            return false;
        }
        Configuration c = (Configuration) o;
        // order matters: schedulers walk the server list in it
        return List.copyOf(services.values()).equals(List.copyOf(c.services.values()))
                && tcpTimeout == c.tcpTimeout && tcpFinTimeout == c.tcpFinTimeout && udpTimeout == c.udpTimeout;
    }

    @Override
    public int hashCode() {
        return Objects.hash(List.copyOf(services.values()), tcpTimeout, tcpFinTimeout, udpTimeout);
    }

    @Override
    public String toString() {
        return "Configuration" + services.values();
    }

    private Service existing(ServiceKey key) {
        Service s = services.get(key);
        if (s == null) {
            throw new IllegalArgumentException("service: " + key + " does not exist");
        }
        return s;
    }

    private static int indexOf(List<RealServerConfig> list, RealServerConfig server) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).sameServer(server)) {
                return i;
            }
        }
        return -1;
    }

    private LinkedHashMap<ServiceKey, Service> copy() {
        return new LinkedHashMap<>(services);
    }

    private Configuration with(LinkedHashMap<ServiceKey, Service> m) {
        return new Configuration(m, tcpTimeout, tcpFinTimeout, udpTimeout);
    }
}
