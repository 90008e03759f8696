package io.ippvs.core.admin;

import io.ippvs.api.Configuration;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;

/** One parsed ipvsadm command line, ready to apply to a {@link Configuration} or to run as a listing. */
final class Command {

    /** What the command does. */
    enum Kind {
        ADD_SERVICE, EDIT_SERVICE, DELETE_SERVICE, CLEAR, ADD_SERVER, EDIT_SERVER, DELETE_SERVER,
        SET_TIMEOUTS, LEGACY_ADD, LEGACY_DELETE, RESTORE, SAVE, LIST, ZERO, HELP, VERSION;

        /** Whether the command only changes the configuration (and so may appear in a rules file). */
        boolean changesConfiguration() {
            return ordinal() <= LEGACY_DELETE.ordinal();
        }
    }

    final Kind kind;
    /** The service; {@code null} when the command names none. */
    final ServiceKey key;
    /** For -A, -E and the legacy add. */
    final ServiceConfig service;
    /** For -a, -e, -d and the legacy forms. */
    final RealServerConfig server;
    /** For -L and -S. */
    final ListOptions list;
    final int tcpTimeout;
    final int tcpFinTimeout;
    final int udpTimeout;

    Command(Kind kind, ServiceKey key, ServiceConfig service, RealServerConfig server, ListOptions list,
            int tcpTimeout, int tcpFinTimeout, int udpTimeout) {
        this.kind = kind;
        this.key = key;
        this.service = service;
        this.server = server;
        this.list = list;
        this.tcpTimeout = tcpTimeout;
        this.tcpFinTimeout = tcpFinTimeout;
        this.udpTimeout = udpTimeout;
    }

    /**
     * The configuration after this command.
     *
     * @throws IllegalArgumentException naming what is wrong (a missing service, a duplicate server...)
     */
    Configuration applyTo(Configuration c) {
        refusedAsTheKernelWould(c);
        switch (kind) {
            case ADD_SERVICE:
                return c.withService(service);
            case EDIT_SERVICE:
                return c.withEditedService(service);
            case DELETE_SERVICE:
                return c.withoutService(key);
            case CLEAR:
                return c.withoutServices();
            case ADD_SERVER:
                return c.withRealServer(key, server);
            case EDIT_SERVER:
                return c.withEditedRealServer(key, server);
            case DELETE_SERVER:
            case LEGACY_DELETE:
                return c.withoutRealServer(key, server);
            case SET_TIMEOUTS:
                return c.withTimeouts(tcpTimeout, tcpFinTimeout, udpTimeout);
            case LEGACY_ADD:
                // ippfvsadm added one forwarding per call, creating the virtual port on first use
                return (c.service(key) == null ? c.withService(service) : c).withRealServer(key, server);
            default:
                throw new IllegalArgumentException("command: " + kind + " does not change the configuration");
        }
    }

    /**
     * The refusals of the kernel (ip_vs_ctl.c) in libipvs's words ({@code ipvs_strerror}): ESRCH from
     * a missing service, EEXIST from a duplicate, ENOENT from a missing destination.
     */
    private void refusedAsTheKernelWould(Configuration c) {
        Configuration.Service s = key == null ? null : c.service(key);
        switch (kind) {
            case ADD_SERVICE:
                if (s != null) {
                    throw rejected("service", "Service already exists", key.toString());
                }
                return;
            case EDIT_SERVICE:
            case DELETE_SERVICE:
                if (s == null) {
                    throw rejected("service", "No such service", key.toString());
                }
                return;
            case ADD_SERVER:
            case EDIT_SERVER:
            case DELETE_SERVER:
            case LEGACY_DELETE:
                if (s == null) {
                    throw rejected("service", "Service not defined", key.toString());
                }
                boolean present = s.realServers().stream().anyMatch(r -> r.sameServer(server));
                if (kind == Kind.ADD_SERVER && present) {
                    throw rejected("realServer", "Destination already exists", server + " in " + key);
                }
                if (kind != Kind.ADD_SERVER && !present) {
                    throw rejected("realServer", "No such destination", server + " in " + key);
                }
                return;
            case LEGACY_ADD:
                if (s != null && s.realServers().stream().anyMatch(r -> r.sameServer(server))) {
                    throw rejected("realServer", "Destination already exists", server + " in " + key);
                }
                return;
            default:
                return;
        }
    }

    private static IpvsadmException rejected(String field, String text, String detail) {
        return new IpvsadmException(field, text, detail, IpvsadmException.REJECTED);
    }
}
