package io.ippvs.core.director;

import static io.ippvs.core.header.IpProtocol.SCTP;
import static io.ippvs.core.header.IpProtocol.TCP;
import static io.ippvs.core.header.IpProtocol.UDP;

import io.ippvs.api.DropReason;
import io.ippvs.api.IcmpErrorHandler;
import io.ippvs.api.NextHop;
import io.ippvs.api.Offload;
import io.ippvs.api.RealServer;
import io.ippvs.api.Verdict;
import io.ippvs.core.conn.ConnectionFlags;
import io.ippvs.core.conn.ConnectionTable;
import io.ippvs.core.packet.PacketInfo;
import io.ippvs.core.packet.PacketParser;
import io.ippvs.core.packet.ParseStatus;
import io.ippvs.core.proto.TcpStateMachine;
import io.ippvs.core.service.RealServerState;
import io.ippvs.core.service.VirtualServiceState;
import io.ippvs.core.stats.TrafficStats;
import io.ippvs.core.sync.table.ConnectionFeed;
import java.nio.ByteBuffer;
import java.util.function.LongSupplier;

/**
 * A packet's way through the director, as {@code ip_vs_in} / {@code ip_vs_out} read: parse; look
 * the packet up as inbound (client to virtual address); on a miss find its service (firewall mark,
 * then protocol/address/port, then the port-zero service), or, when it is addressed to none, look it
 * up as outbound (a NAT real server's reply). A packet of a service without a connection schedules
 * a new connection if it may start one (TCP: SYN without RST; UDP: any; SCTP: INIT), else is dropped
 * ({@link DropReason#NO_CONNECTION}); traffic of no service passes to the host. The connection's
 * protocol state advances, the traffic is counted, and {@link Forwarding} rewrites the packet. A
 * first fragment leaves its connection in {@link Fragments} for the later ones, which carry no ports.
 * Every packet ends in exactly one of forwarded, replied, passed or dropped-for-a-reason, each counted.
 *
 * <p>The ingredients are {@link ProtocolState}, {@link Scheduling}, {@link Forwarding} and the rest;
 * everything one packet carries between them lives in its worker's {@link Scratch}.
 */
final class PacketPath {

    final PacketParser parser;
    final ConnectionTable table;
    private final LongSupplier clock;
    private final ServerRegistry servers;
    private final TrafficStats totals;
    private final Outcomes outcomes;
    private final Fragments fragments = new Fragments();
    private final Publication publication;
    private final ProtocolState state;
    private final Scheduling scheduling;
    private final Forwarding forwarding;
    private final SyncHooks sync;
    private final SyncedConnections synced;
    private final boolean expireNodestConn;
    private final boolean dropNonService;
    private final IcmpErrorHandler icmpErrorHandler;
    private final IcmpErrorHandler.Connections handlerConnections = this::inboundServer;
    private final Attachments attachments;
    private final Expectations expectations;

    PacketPath(Settings b, ConnectionTable table, ServerRegistry servers, TrafficStats totals, Outcomes outcomes,
            Publication publication, ProtocolState state, Forwarding forwarding, SyncHooks sync,
            SyncedConnections synced, Attachments attachments) {
        this.parser = new PacketParser(b.verifyChecksums);
        this.table = table;
        this.clock = b.clock;
        this.servers = servers;
        this.totals = totals;
        this.outcomes = outcomes;
        this.publication = publication;
        this.state = state;
        this.scheduling = new Scheduling(table, servers, publication, b.expireQuiescentTemplate);
        this.forwarding = forwarding;
        this.sync = sync;
        this.synced = synced;
        this.expireNodestConn = b.expireNodestConn;
        this.dropNonService = b.dropNonService;
        this.icmpErrorHandler = b.icmpErrorHandler;
        this.attachments = attachments;
        this.expectations = new Expectations(table);
    }

    /** A packet thread's scratch space, counting into {@code stripe}. */
    Scratch scratch(int stripe) {
        return new Scratch(attachments, expectations, stripe);
    }

    /**
     * Processes one packet: {@code timed}, {@code now} is the time to use, otherwise the clock is read
     * once the packet parsed; {@code offload} the packet's offload facts, or null for a plain packet.
     */
    Verdict process(Scratch s, ByteBuffer buf, int fwmark, NextHop hop, boolean timed, long now, Offload offload) {
        if (hop != null) {
            hop.clear();
        }
        try {
            Offload o = offload == null || offload.isPlain() ? null : offload;
            ParseStatus status = parser.parse(buf, s.info, o != null && o.checksumPartial());
            return parsed(s, buf, status, fwmark, hop, timed, now, o);
        } catch (RuntimeException e) {
            // last resort: a defect must cost one packet, never the caller's thread
            return dropped(s, DropReason.MALFORMED);
        }
    }

    /**
     * {@link #process} for a packet {@code s.info} already describes: what {@link Burst} calls after
     * parsing its whole burst ({@code status} null: the parse failed on a defect).
     */
    Verdict processParsed(Scratch s, ByteBuffer buf, ParseStatus status, int fwmark, NextHop hop, long now,
            Offload offload) {
        if (hop != null) {
            hop.clear();
        }
        if (status == null) {
            return dropped(s, DropReason.MALFORMED);
        }
        try {
            return parsed(s, buf, status, fwmark, hop, true, now, offload);
        } catch (RuntimeException e) {
            return dropped(s, DropReason.MALFORMED);
        }
    }

    /** {@code offload}: null for a plain packet, never a plain instance. */
    private Verdict parsed(Scratch s, ByteBuffer buf, ParseStatus status, int fwmark, NextHop hop, boolean timed,
            long now, Offload offload) {
        PacketInfo info = s.info;
        s.buffer = buf;
        s.hop = hop;
        s.offload = offload;
        if (status != ParseStatus.OK) {
            if (status == ParseStatus.NON_FIRST_FRAGMENT) {
                if (offload != null) {
                    // a later fragment cannot be segmented, and its checksum lives in the first fragment
                    return dropped(s, DropReason.MALFORMED);
                }
                s.segments = 1;
                s.wireBytes = info.end() - info.l3Offset();
                s.now = timed ? now : clock.getAsLong();
                return nonFirstFragment(s);
            }
            return dropped(s, status.dropReason());
        }
        if (offload == null) {
            s.segments = 1;
            s.wireBytes = info.end() - info.l3Offset();
        } else {
            DropReason refused = Offloads.check(buf, info, offload, s);
            if (refused != null) {
                return dropped(s, refused);
            }
        }
        info.fwmark(fwmark);
        s.now = timed ? now : clock.getAsLong();
        int proto = info.protocolNumber();
        if (proto == TCP || proto == UDP || proto == SCTP) {
            return transport(s, proto);
        }
        if (info.isIcmpError()) {
            return icmpError(s);
        }
        // ICMP echo to a virtual address and every other protocol belong to the host
        return outcomes.passed(s.stripe);
    }

    /**
     * A non-first fragment has no transport header: it follows the connection its first fragment
     * took, as the fragment cache remembers it (without reassembly). Unknown: dropped.
     */
    private Verdict nonFirstFragment(Scratch s) {
        PacketInfo info = s.info;
        long v = fragments.follow(info, table, s.now);
        if (v == Fragments.NONE) {
            return dropped(s, DropReason.FRAGMENT);
        }
        int h = (int) (v >>> 1);
        boolean reply = (v & 1) != 0;
        RealServerState rs = servers.get(table.realServer(h));
        if (rs == null) {
            return dropped(s, DropReason.NO_REAL_SERVER);
        }
        s.packet(reply);
        return forward(s, h, info.protocolNumber(), rs, rs.serviceStats());
    }

    private Verdict transport(Scratch s, int proto) {
        PacketInfo info = s.info;
        ServiceSet set = publication.current();
        int family = info.addressFamily();
        int fwmark = info.fwmark();
        s.event = ProtocolState.event(proto, info);
        int h = table.lookupInbound(family, proto, info.srcHigh(), info.srcLow(), info.srcPort(), info.dstHigh(),
                info.dstLow(), info.dstPort(), s.now);
        if (h >= 0) {
            Verdict v = inbound(s, set, h, proto, false);
            if (v != null) {
                return v;
            }
            // the old connection was expired to make way for a new one (conn_reuse_mode, expire_nodest_conn)
        }
        // the service table is small and hot: asking it first spares a packet to a virtual service
        // the outbound probe, since replies are addressed to clients, never to a virtual service
        VirtualServiceState svc = set.table.lookup(fwmark, proto, family, info.dstHigh(), info.dstLow(), info.dstPort());
        if (svc == null) {
            if (h < 0) {
                int o = table.lookupOutbound(family, proto, info.srcHigh(), info.srcLow(), info.srcPort(),
                        info.dstHigh(), info.dstLow(), info.dstPort(), s.now);
                if (o >= 0 && (table.flags(o) & ConnectionFlags.FWD_MASK) == ConnectionFlags.MASQ) {
                    return outbound(s, set, o, proto);
                }
            }
            return noService(s);
        }
        if (!ProtocolState.startsConnection(proto, s.event)) {
            return dropped(s, DropReason.NO_CONNECTION);
        }
        for (int attempt = 0; ; attempt++) {
            int generation = publication.stableGeneration();
            ServiceSet now = publication.current();
            if (now != set) {
                set = now;
                svc = set.table.lookup(fwmark, proto, family, info.dstHigh(), info.dstLow(), info.dstPort());
                if (svc == null) {
                    return noService(s);
                }
            }
            Verdict v = schedule(s, set, svc, proto, true, attempt < 3 ? generation : -1);
            if (v != null) {
                return v;
            }
            // the configuration changed while the scheduler chose: choose again from the new one
        }
    }

    private Verdict noService(Scratch s) {
        return dropNonService ? dropped(s, DropReason.NO_SERVICE) : outcomes.passed(s.stripe);
    }

    /**
     * A packet of an existing connection from its client; null when the connection was expired to
     * reschedule (never for a {@code fresh} one, just made for this packet).
     */
    private Verdict inbound(Scratch s, ServiceSet set, int h, int proto, boolean fresh) {
        RealServerState rs = servers.get(table.realServer(h));
        if (rs == null && (table.flags(h) & ConnectionFlags.SYNC) != 0) {
            rs = synced.bind(h, set); // a synced entry whose server was not there when it came
        }
        int event = s.event;
        boolean newConn = !fresh && ProtocolState.startsConnection(proto, event);
        if (rs == null || !rs.inService()) {
            if (!expireNodestConn) {
                // as IPVS: the connection's server is gone, drop without restarting its timer
                return dropped(s, DropReason.NO_REAL_SERVER);
            }
            // ip_vs_in: expire the connection and treat the packet as one without a connection,
            // whatever conn_reuse_mode says; ip_vs_try_to_schedule schedules what starts a
            // connection and lets anything else continue (NF_ACCEPT)
            table.remove(h);
            return ProtocolState.startsConnection(proto, event) ? null : outcomes.passed(s.stripe);
        }
        if (newConn && state.reuse() && ((expireNodestConn && rs.weight() == 0) || state.reusable(h, proto))) {
            table.remove(h);
            return null;
        }
        int flags = table.flags(h);
        state.advance(h, rs, proto, (flags & ConnectionFlags.NO_OUTPUT) != 0 ? TcpStateMachine.INPUT_ONLY
                : TcpStateMachine.IN, event, s.now, set.timeouts);
        ConnectionFeed feed = sync.feed();
        if (feed != null) {
            // ip_vs_in: the master counts every inbound packet and offers the connection to sync
            feed.connection(h, proto, table.countPacket(h), s.now, s.syncEntry);
        } else if (table.packets(h) <= Defences.DROP_ENTRY_MAX_PACKETS) {
            // only drop_entry reads the count, and only up to 8: past that an established flow's
            // packets leave the entry unwritten (no locked add, no cache line pulled between cores)
            table.incrementPackets(h);
        }
        s.packet(false);
        fragments.rememberFirst(s.info, h, false, s.now);
        // forward()'s work written out: on the hot path a call the JIT will not inline costs more
        s.connection(table, h);
        s.connectionProtocol = proto;
        s.realServer = rs;
        TrafficStats.inPackets(s.stripe, s.segments, s.wireBytes, rs.stats(), rs.serviceStats(), totals);
        return forwarding.rewrite(s, rs);
    }

    /** A NAT real server's packet towards the client. */
    private Verdict outbound(Scratch s, ServiceSet set, int h, int proto) {
        RealServerState rs = servers.get(table.realServer(h));
        if (rs == null) {
            return dropped(s, DropReason.NO_REAL_SERVER);
        }
        if ((table.flags(h) & ConnectionFlags.NO_OUTPUT) != 0) {
            table.clearFlags(h, ConnectionFlags.NO_OUTPUT);
        }
        state.advance(h, rs, proto, TcpStateMachine.OUT, s.event, s.now, set.timeouts);
        s.packet(true);
        fragments.rememberFirst(s.info, h, true, s.now);
        s.connection(table, h); // as inbound: forward() written out
        s.connectionProtocol = proto;
        s.realServer = rs;
        TrafficStats.outPackets(s.stripe, s.segments, s.wireBytes, rs.stats(), rs.serviceStats(), totals);
        return forwarding.rewrite(s, rs);
    }

    /**
     * The last stage of a packet of a connection (written out in {@link #inbound} and
     * {@link #outbound}): its fields into the scratch, its traffic counted in its direction, the rewrite. {@code h} may be {@link ConnectionTable#NO_HANDLE}
     * when the scratch already holds the connection's fields (a one-packet flow).
     */
    private Verdict forward(Scratch s, int h, int proto, RealServerState rs, TrafficStats serviceStats) {
        if (h != ConnectionTable.NO_HANDLE) {
            s.connection(table, h);
        }
        s.connectionProtocol = proto;
        s.realServer = rs;
        if (s.reply) {
            TrafficStats.outPackets(s.stripe, s.segments, s.wireBytes, rs.stats(), serviceStats, totals);
        } else {
            TrafficStats.inPackets(s.stripe, s.segments, s.wireBytes, rs.stats(), serviceStats, totals);
        }
        return forwarding.rewrite(s, rs);
    }

    /** An ICMP error: handed to the rewriter of the connection its quoted packet belongs to. */
    private Verdict icmpError(Scratch s) {
        PacketInfo info = s.info;
        int inner = info.innerProtocol();
        if (inner != TCP && inner != UDP && inner != SCTP) {
            return unmatchedIcmp(s);
        }
        int family = info.addressFamily();
        // quoted: our packet to the client (source virtual address, destination the client)
        boolean reply = false;
        int h = table.lookupInbound(family, inner, info.innerDstHigh(), info.innerDstLow(), info.innerDstPort(),
                info.innerSrcHigh(), info.innerSrcLow(), info.innerSrcPort(), s.now);
        if (h < 0) {
            // quoted: the client's packet as NAT sent it to the real server; the error goes back to the client
            h = table.lookupOutbound(family, inner, info.innerDstHigh(), info.innerDstLow(), info.innerDstPort(),
                    info.innerSrcHigh(), info.innerSrcLow(), info.innerSrcPort(), s.now);
            if (h < 0 || (table.flags(h) & ConnectionFlags.FWD_MASK) != ConnectionFlags.MASQ) {
                return unmatchedIcmp(s);
            }
            reply = true;
        }
        RealServerState rs = servers.get(table.realServer(h));
        if (rs == null) {
            return dropped(s, DropReason.NO_REAL_SERVER);
        }
        s.packet(reply);
        s.icmpError = true;
        s.innerL3Offset = info.innerL3Offset();
        s.innerL4Offset = info.innerL4Offset();
        return forward(s, h, inner, rs, rs.serviceStats());
    }

    /** An ICMP error no connection claims: the registered handler's (tunnel errors), else UNMATCHED_ICMP. */
    private Verdict unmatchedIcmp(Scratch s) {
        IcmpErrorHandler handler = icmpErrorHandler;
        if (handler != null) {
            Verdict v;
            try {
                v = handler.handle(s.buffer, handlerConnections);
            } catch (RuntimeException e) {
                v = Verdict.drop(DropReason.UNMATCHED_ICMP);
            }
            if (v != null) {
                if (v.isDrop()) {
                    return dropped(s, v.dropReason());
                }
                if (v.isPass()) {
                    return outcomes.passed(s.stripe);
                }
                if (v.isReply()) {
                    outcomes.replied(s.stripe);
                } else {
                    outcomes.forwarded(s.stripe);
                }
                return v;
            }
        }
        return dropped(s, DropReason.UNMATCHED_ICMP);
    }

    private RealServer inboundServer(int family, int protocol, long clientHigh, long clientLow, int clientPort,
                                     long virtualHigh, long virtualLow, int virtualPort) {
        int h = table.lookupInbound(family, protocol, clientHigh, clientLow, clientPort, virtualHigh, virtualLow,
                virtualPort, clock.getAsLong());
        return h < 0 ? null : servers.get(table.realServer(h));
    }

    /**
     * A new connection of {@code svc}: its server (template or scheduler), then its entry and the
     * packet's way on it; {@code null} when {@code generation} (not -1) no longer holds after the choice.
     */
    private Verdict schedule(Scratch s, ServiceSet set, VirtualServiceState svc, int proto, boolean retry,
            int generation) {
        int chosen = scheduling.choose(s, svc, proto, generation);
        if (chosen != Scheduling.CHOSEN) {
            return chosen == Scheduling.AGAIN ? null
                    : dropped(s, chosen == Scheduling.FULL ? DropReason.TABLE_FULL : DropReason.NO_REAL_SERVER);
        }
        RealServerState rs = s.chosen;
        if (svc.config().onePacket() && proto == UDP) {
            return onePacket(s, svc, rs, proto);
        }
        int template = s.template;
        boolean templateMade = s.templateMade;
        int r = scheduling.connect(s, set, rs, proto);
        if (!ConnectionTable.inserted(r)) {
            rs.unbind(false, false);
            if (ConnectionTable.exists(r)) {
                // another thread created this very connection a moment ago: it is ours too
                return inbound(s, set, ConnectionTable.existingHandle(r), proto, true);
            }
            if (r == ConnectionTable.STALE_TEMPLATE && retry) {
                // the template expired or was dropped since we found it: look again once
                return schedule(s, set, svc, proto, false, -1);
            }
            return dropped(s, r == ConnectionTable.FULL ? DropReason.TABLE_FULL : DropReason.NO_REAL_SERVER);
        }
        Verdict v = inbound(s, set, r, proto, true);
        if (!v.isForward() && v.dropReason() != DropReason.NO_REAL_SERVER && table.packets(r) == 1) {
            // the rewriter did not send the first packet on (no headroom, TTL, MTU...): keep nothing
            // of it, or a dropped SYN would hold a SYN_RECV entry (and a new template would pin the
            // client) for a connection that does not exist. Not when another thread's copy of the
            // packet has used the entry since (packets > 1), nor when the server went away meanwhile:
            // a copy may have reached it, and IPVS keeps such entries (expire_nodest_conn decides)
            scheduling.forget(r, template, templateMade);
            return v;
        }
        // counted once the first packet is on its way (IPVS counts in ip_vs_conn_new's caller, but
        // keeps the entry of a packet its transmitter drops; we do not)
        countConnection(s, svc, rs);
        return v;
    }

    /** One-packet scheduling: forward this datagram to {@code rs}, keep no entry. */
    private Verdict onePacket(Scratch s, VirtualServiceState svc, RealServerState rs, int proto) {
        PacketInfo info = s.info;
        countConnection(s, svc, rs);
        s.packet(false);
        s.handle = ConnectionTable.NO_HANDLE;
        s.clientHigh = info.srcHigh();
        s.clientLow = info.srcLow();
        s.clientPort = info.srcPort();
        s.virtualHigh = info.dstHigh();
        s.virtualLow = info.dstLow();
        s.virtualPort = info.dstPort();
        s.destinationHigh = rs.addressHigh();
        s.destinationLow = rs.addressLow();
        s.destinationPort = rs.port() != 0 ? rs.port() : info.dstPort();
        Verdict v = forward(s, ConnectionTable.NO_HANDLE, proto, rs, svc.stats());
        rs.unbind(false, false);
        return v;
    }

    private void countConnection(Scratch s, VirtualServiceState svc, RealServerState rs) {
        svc.stats().connection(s.stripe);
        rs.stats().connection(s.stripe);
        totals.connection(s.stripe);
    }

    private Verdict dropped(Scratch s, DropReason reason) {
        return outcomes.dropped(s.stripe, reason);
    }
}
