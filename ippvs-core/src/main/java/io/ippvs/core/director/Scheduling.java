package io.ippvs.core.director;

import io.ippvs.api.Addresses;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.RealServer;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.core.conn.ConnectionFlags;
import io.ippvs.core.conn.ConnectionSpec;
import io.ippvs.core.conn.ConnectionTable;
import io.ippvs.core.packet.PacketInfo;
import io.ippvs.core.service.RealServerState;
import io.ippvs.core.service.VirtualServiceState;

/**
 * A new connection's server and entry, as {@code ip_vs_schedule} and {@code ip_vs_sched_persist}
 * make them: the client's live persistence template, or a new one, or the service's scheduler; the
 * server bound before the entry exists, so a removal in between is seen; then the entry.
 */
final class Scheduling {

    /** {@link #choose}: the server is in {@link Scratch#chosen}, bound once. */
    static final int CHOSEN = 0;
    /** {@link #choose}: the configuration changed while the scheduler chose; choose again. */
    static final int AGAIN = 1;
    /** {@link #choose}: no server will take the connection. */
    static final int NO_SERVER = 2;
    /** {@link #choose}: no room for the persistence template. */
    static final int FULL = 3;

    private static final int FTP_PORT = 21;

    private final ConnectionTable table;
    private final ServerRegistry servers;
    private final Publication publication;
    private final boolean expireQuiescentTemplate;

    Scheduling(ConnectionTable table, ServerRegistry servers, Publication publication, boolean expireQuiescentTemplate) {
        this.table = table;
        this.servers = servers;
        this.publication = publication;
        this.expireQuiescentTemplate = expireQuiescentTemplate;
    }

    /**
     * Chooses and binds the server of a new connection of {@code svc} for packet {@code s.info}:
     * {@link #CHOSEN} (with {@code s.chosen}, and {@code s.template} when persistent), or why not.
     * {@code generation}, unless -1, must still hold after the scheduler's choice.
     */
    int choose(Scratch s, VirtualServiceState svc, int proto, int generation) {
        PacketInfo info = s.info;
        ServiceConfig cfg = svc.config();
        s.template = ConnectionTable.NO_HANDLE;
        s.templateMade = false;
        RealServerState rs;
        if (cfg.persistent()) {
            int template = template(s, svc, cfg, proto);
            if (template < 0) {
                return template == ConnectionTable.FULL ? FULL : NO_SERVER;
            }
            s.template = template;
            rs = servers.get(table.realServer(template));
            if (rs == null) {
                return NO_SERVER;
            }
            rs.bind(false, false);
            if (!rs.inService()) {
                rs.unbind(false, false);
                return NO_SERVER;
            }
        } else {
            rs = pick(svc, info);
            // a server removed while we chose it is given up (the registry may recycle its id once it
            // looks idle): choose again from the scheduler's updated list
            for (int attempt = 0; rs != null; attempt++) {
                rs.bind(false, false);
                if (rs.inService()) {
                    break;
                }
                rs.unbind(false, false);
                rs = attempt < 2 ? pick(svc, info) : null;
            }
            if (rs == null) {
                return NO_SERVER;
            }
            if (generation != -1 && publication.generation() != generation) {
                rs.unbind(false, false);
                return AGAIN;
            }
        }
        s.chosen = rs;
        return CHOSEN;
    }

    /** The entry of a new connection to {@code rs} (controlled by {@code s.template}): what the table's insert says. */
    int connect(Scratch s, ServiceSet set, RealServerState rs, int proto) {
        PacketInfo info = s.info;
        int vport = info.dstPort();
        ConnectionSpec spec = s.spec.clear()
                .family(info.addressFamily())
                .protocol(proto)
                .client(info.srcHigh(), info.srcLow(), info.srcPort())
                .virtual(info.dstHigh(), info.dstLow(), vport)
                .destination(rs.addressHigh(), rs.addressLow(), rs.port() != 0 ? rs.port() : vport)
                .flags(methodFlags(rs.forwardingMethod()))
                .state(0, set.timeouts.timeout(proto, 0))
                .realServer(rs.id())
                .template(s.template);
        return table.insert(spec, s.now);
    }

    /** Removes a connection made for a packet that was not forwarded, and the template made with it. */
    void forget(int h, int template, boolean templateMade) {
        table.remove(h);
        if (templateMade && table.controlledCount(template) == 0) {
            table.remove(template);
        }
    }

    /**
     * The live persistence template for this packet's client, made if needed: {@code >= 0} a handle,
     * {@link ConnectionTable#FULL}, or another negative value when no server is available.
     */
    private int template(Scratch s, VirtualServiceState svc, ServiceConfig cfg, int proto) {
        PacketInfo info = s.info;
        int family = info.addressFamily();
        ServiceKey key = svc.key();
        int tproto;
        long vHigh;
        long vLow;
        int vport;
        if (key.isFwmark()) {
            // IPVS keys firewall-mark templates by the mark in place of the address, protocol IP
            tproto = 0;
            vHigh = 0;
            vLow = key.fwmark() & 0xFFFFFFFFL;
            vport = 0;
        } else {
            tproto = proto;
            vHigh = info.dstHigh();
            vLow = info.dstLow();
            vport = key.port() == 0 || key.port() == FTP_PORT ? 0 : info.dstPort();
        }
        int prefix = cfg.persistenceNetmask();
        long cHigh;
        long cLow;
        if (family == Addresses.IPV4) {
            cHigh = 0;
            cLow = info.srcLow() & (cfg.persistenceMask() & 0xFFFFFFFFL); // any mask, as the kernel ANDs it
        } else {
            cHigh = info.srcHigh() & (prefix == 0 ? 0 : prefix >= 64 ? -1L : -1L << (64 - prefix));
            cLow = info.srcLow() & (prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix));
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            int t = table.lookupTemplate(family, tproto, cHigh, cLow, vHigh, vLow, vport, s.now);
            if (t >= 0) {
                RealServerState trs = servers.get(table.realServer(t));
                if (trs != null && trs.inService() && !(expireQuiescentTemplate && trs.weight() == 0)) {
                    table.refresh(t, s.now);
                    return t;
                }
                // its server is gone (or quiesced): ip_vs_check_template re-keys it with ports
                // 0xffff (listed and counted until it expires) and the client is scheduled afresh
                table.invalidateTemplate(t);
            }
            RealServerState rs = pick(svc, info);
            if (rs == null) {
                return ConnectionTable.STALE_TEMPLATE;
            }
            rs.bind(true, false);
            if (!rs.inService()) {
                rs.unbind(true, false);
                return ConnectionTable.STALE_TEMPLATE;
            }
            ConnectionSpec spec = s.spec.clear()
                    .family(family)
                    .protocol(tproto)
                    .client(cHigh, cLow, 0)
                    .virtual(vHigh, vLow, vport)
                    // ip_vs_sched_persist: ip_vs_conn_new(..., (vport) ? dest->port : 0, ...)
                    .destination(rs.addressHigh(), rs.addressLow(), vport != 0 ? rs.port() : 0)
                    .flags(methodFlags(rs.forwardingMethod()) | ConnectionFlags.TEMPLATE)
                    .state(0, cfg.persistenceTimeout())
                    .realServer(rs.id());
            int r = table.insert(spec, s.now);
            if (ConnectionTable.inserted(r)) {
                s.templateMade = true;
                return r;
            }
            rs.unbind(true, false);
            if (!ConnectionTable.exists(r)) {
                return r;
            }
            // another thread made the template first: use it (checked on the next round)
        }
        return ConnectionTable.STALE_TEMPLATE;
    }

    private static RealServerState pick(VirtualServiceState svc, PacketInfo flow) {
        RealServer r = svc.scheduler().schedule(flow);
        return r instanceof RealServerState ? (RealServerState) r : null;
    }

    /**
     * A new connection's flags from its server, as {@code __ip_vs_update_dest} sets them: NOOUTPUT only
     * when the server is not masqueraded (a NAT director sees replies; DR and tunnel never do).
     */
    static int methodFlags(ForwardingMethod m) {
        switch (m) {
            case TUNNEL:
                return ConnectionFlags.TUNNEL | ConnectionFlags.NO_OUTPUT;
            case DIRECT_ROUTE:
                return ConnectionFlags.DROUTE | ConnectionFlags.NO_OUTPUT;
            default:
                return ConnectionFlags.MASQ;
        }
    }
}
