package io.ippvs.core.director;

import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.PacketRewriter;
import io.ippvs.core.conn.ConnectionFlags;
import io.ippvs.core.conn.ConnectionSpec;
import io.ippvs.core.conn.ConnectionTable;
import io.ippvs.core.service.RealServerState;
import io.ippvs.core.service.VirtualServiceState;
import io.ippvs.core.sync.SequenceSync;
import io.ippvs.core.sync.SyncDrop;
import io.ippvs.core.sync.SyncEntry;
import io.ippvs.core.sync.SyncProtocol;
import io.ippvs.core.sync.SyncSettings;
import io.ippvs.core.sync.SyncStates;
import java.util.function.LongSupplier;

/**
 * The backup's side of sync: puts received entries into the director's connection table as
 * {@code ip_vs_proc_conn} (net/netfilter/ipvs/ip_vs_sync.c) does, and binds entries to real
 * servers as {@code ip_vs_find_dest} / {@code ip_vs_try_bind_dest} / {@code ip_vs_bind_dest}
 * (ip_vs_conn.c, ip_vs_ctl.c) do.
 *
 * <ul>
 *   <li>A connection found with another destination is replaced, unless the message says it is
 *       inactive (then it is the expiry of the one already replaced, and is ignored).
 *   <li>An existing entry takes the received state and timeout (the kernel takes only INACTIVE and
 *       the SEQ flags from a message; this table counts activity from the state, so the state's
 *       change moves the counts); one without a server is bound if its server exists now.
 *   <li>A new entry is bound to the real server with its destination address and port in the
 *       service of its virtual address (or firewall mark); it takes that server's forwarding method
 *       and NOOUTPUT rule, as {@code ip_vs_bind_dest} gives sync connections the destination's
 *       flags. Without one it stays unbound (its packets are dropped as NO_REAL_SERVER) and is
 *       bound once the server appears: by the next message about it, or by its next packet.
 *   <li>Timeout: the message's; 0 (version 0) the state's, or 180 s for templates.
 *   <li>Templates are independent entries, as in the kernel (a synced connection has no control
 *       link): a client's next connection finds the template and its server.
 * </ul>
 * Called by one backup thread; packet threads may run at the same time.
 */
final class SyncedConnections {

    private static final int TEMPLATE_DEFAULT_TIMEOUT = 180;
    /** The kernel clamps to MAX_SCHEDULE_TIMEOUT / HZ; the table keeps a positive int of seconds. */
    private static final long MAX_TIMEOUT = Integer.MAX_VALUE / 1_000;
    private static final int KEPT_FLAGS = ConnectionFlags.FWD_MASK | ConnectionFlags.NO_OUTPUT
            | ConnectionFlags.NO_CPORT | ConnectionFlags.TEMPLATE;

    private final Publication publication;
    private final ServerRegistry servers;
    private final Attachments attachments;
    private final Forwarding forwarding;
    private final LongSupplier clock;
    private final ConnectionTable table;
    private final ConnectionSpec spec = new ConnectionSpec();

    SyncedConnections(Publication publication, ServerRegistry servers, Attachments attachments, Forwarding forwarding,
            LongSupplier clock, ConnectionTable table) {
        this.publication = publication;
        this.servers = servers;
        this.attachments = attachments;
        this.forwarding = forwarding;
        this.clock = clock;
        this.table = table;
    }

    /** Installs or updates {@code e}; null when done, else why not. */
    SyncDrop install(SyncEntry e) {
        ServiceSet set = publication.current();
        long now = clock.getAsLong();
        boolean template = e.isTemplate();
        int proto = e.protocol;
        int state = template ? 0 : SyncStates.fromWire(proto, e.state);
        if (e.peDataLength > 0) {
            return SyncDrop.PERSISTENCE_ENGINE; // no persistence engine (sip) here: "no engine found"
        }
        long masked = (e.flags & SyncProtocol.F_BACKUP_MASK) | SyncProtocol.F_SYNC;
        int timeout = timeout(e, set, template, proto, state);
        int h;
        if (!template) {
            h = table.lookupInbound(e.family, proto, e.clientHigh, e.clientLow, e.clientPort, e.virtualHigh,
                    e.virtualLow, e.virtualPort, now);
            if (h >= 0 && (table.destinationPort(h) != e.destinationPort || table.destinationHigh(h) != e.destinationHigh
                    || table.destinationLow(h) != e.destinationLow)) {
                if ((masked & SyncProtocol.F_INACTIVE) != 0) {
                    return null; // the expiry of a connection already replaced: nothing to do
                }
                table.remove(h);
                h = ConnectionTable.NOT_FOUND;
            }
        } else {
            h = table.lookupTemplate(e.family, proto, e.clientHigh, e.clientLow, e.virtualHigh, e.virtualLow,
                    e.virtualPort, now);
        }
        if (h >= 0) {
            update(h, proto, template, state, timeout, now);
            if (table.realServer(h) == 0) {
                bind(h, set);
            }
        } else {
            h = insert(e, set, masked, template, proto, state, timeout, now);
            if (h < 0) {
                return SyncDrop.NOT_INSTALLED;
            }
        }
        // ip_vs_proc_conn: in_pkts = sync_threshold, so that as a master it sends on the sync_period rule
        table.packets(h, SyncSettings.DEFAULT.threshold());
        if (!template && e.hasSequence) {
            PacketRewriter r = forwarding.rewriter(ForwardingMethod.MASQUERADE);
            if (r instanceof SequenceSync) {
                attachments.set(h, ((SequenceSync) r).importSequence(attachments.get(h), e));
            }
        }
        return null;
    }

    private static int timeout(SyncEntry e, ServiceSet set, boolean template, int proto, int state) {
        if (e.timeout != 0) {
            return (int) Math.min(e.timeout, MAX_TIMEOUT);
        }
        return template ? TEMPLATE_DEFAULT_TIMEOUT : set.timeouts.timeout(proto, state);
    }

    private void update(int h, int proto, boolean template, int state, int timeout, long now) {
        for (;;) {
            int before = table.state(h);
            if (before == ProtocolState.GONE) {
                return;
            }
            if (before == state) {
                table.state(h, state, timeout, now);
                return;
            }
            if (table.compareAndSetState(h, before, state, timeout, now)) {
                RealServerState rs = servers.get(table.realServer(h));
                if (!template && rs != null) {
                    boolean was = ProtocolState.active(proto, before);
                    boolean is = ProtocolState.active(proto, state);
                    if (was != is) {
                        rs.activity(is);
                    }
                }
                return;
            }
        }
    }

    private int insert(SyncEntry e, ServiceSet set, long flags, boolean template, int proto, int state, int timeout,
            long now) {
        RealServerState rs = findDestination(set, e.family, proto, e.virtualHigh, e.virtualLow, e.virtualPort,
                e.destinationHigh, e.destinationLow, e.destinationPort, (int) e.fwmark, template);
        int tableFlags = (int) flags & KEPT_FLAGS | ConnectionFlags.SYNC;
        if (rs != null) {
            tableFlags = (tableFlags & ~(ConnectionFlags.FWD_MASK | ConnectionFlags.NO_OUTPUT)) | destinationFlags(rs);
            rs.bind(template, !template && ProtocolState.active(proto, state));
            if (!rs.inService()) {
                rs.unbind(template, !template && ProtocolState.active(proto, state));
                rs = null;
                tableFlags = (int) flags & KEPT_FLAGS | ConnectionFlags.SYNC;
            }
        }
        spec.clear()
                .family(e.family)
                .protocol(proto)
                .client(e.clientHigh, e.clientLow, template ? 0 : e.clientPort)
                .virtual(e.virtualHigh, e.virtualLow, e.virtualPort)
                .destination(e.destinationHigh, e.destinationLow, e.destinationPort)
                .flags(tableFlags)
                .state(state, timeout)
                .realServer(rs == null ? 0 : rs.id());
        int r = table.insert(spec, now);
        if (!ConnectionTable.inserted(r) && rs != null) {
            rs.unbind(template, !template && ProtocolState.active(proto, state));
        }
        return ConnectionTable.inserted(r) ? r : ConnectionTable.NOT_FOUND;
    }

    /** {@code ip_vs_try_bind_dest}: binds unbound entry h if its server exists now; whether it is bound. */
    RealServerState bind(int h, ServiceSet set) {
        boolean template = table.isTemplate(h);
        int proto = table.protocol(h);
        RealServerState rs = findDestination(set, table.family(h), proto, table.virtualHigh(h), table.virtualLow(h),
                table.virtualPort(h), table.destinationHigh(h), table.destinationLow(h), table.destinationPort(h), 0,
                template);
        if (rs == null) {
            return null;
        }
        int state = table.state(h);
        boolean active = !template && ProtocolState.active(proto, state);
        rs.bind(template, active);
        if (!rs.inService() || state == ProtocolState.GONE) {
            rs.unbind(template, active);
            return null;
        }
        table.realServer(h, rs.id());
        if (!table.isLive(h) || table.state(h) == ProtocolState.GONE) {
            // removed meanwhile: whether removed() saw the id or not, give the count back once
            table.realServer(h, 0);
            rs.unbind(template, active);
            return null;
        }
        int method = destinationFlags(rs);
        table.clearFlags(h, (ConnectionFlags.FWD_MASK | ConnectionFlags.NO_OUTPUT) & ~method);
        table.setFlags(h, method);
        return rs;
    }

    /** {@code ip_vs_bind_dest}: a synced connection inherits the destination's forwarding method and NOOUTPUT. */
    private static int destinationFlags(RealServerState rs) {
        int method = Scheduling.methodFlags(rs.forwardingMethod());
        return method == ConnectionFlags.MASQ ? method : method | ConnectionFlags.NO_OUTPUT;
    }

    /**
     * {@code ip_vs_find_dest}: the service of the virtual address and port (or firewall mark), then
     * its real server with the destination address and port (a server of port 0 takes the virtual
     * port). Templates of port-zero and FTP services carry virtual port 0 and the fwmark ones protocol
     * 0 with the mark as their address: the service is looked for accordingly.
     */
    private static RealServerState findDestination(ServiceSet set, int family, int proto, long vHigh, long vLow,
            int vport, long dHigh, long dLow, int dport, int fwmark, boolean template) {
        if (template && proto == 0 && vHigh == 0) {
            fwmark = (int) vLow;
        }
        VirtualServiceState svc = set.table.lookup(fwmark, proto, family, vHigh, vLow, vport);
        RealServerState rs = svc == null ? null : findServer(svc, family, dHigh, dLow, dport, vport);
        if (rs != null || !template) {
            return rs;
        }
        for (VirtualServiceState s : set.services) {
            if (s.key().isFwmark() ? proto == 0 && vLow == (s.key().fwmark() & 0xFFFFFFFFL)
                    : s.key().protocol().number() == proto && s.key().addressLow() == vLow
                            && s.key().addressHigh() == vHigh) {
                rs = findServer(s, family, dHigh, dLow, dport, vport);
                if (rs != null) {
                    return rs;
                }
            }
        }
        return null;
    }

    private static RealServerState findServer(VirtualServiceState svc, int family, long high, long low, int dport,
            int vport) {
        for (RealServerState rs : svc.servers()) {
            if (rs.addressFamily() == family && rs.addressHigh() == high && rs.addressLow() == low
                    && (rs.port() == dport || dport == 0 || (rs.port() == 0 && dport == vport))) {
                return rs;
            }
        }
        return null;
    }
}
