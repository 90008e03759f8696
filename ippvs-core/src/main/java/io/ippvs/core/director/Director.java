package io.ippvs.core.director;

import static io.ippvs.core.header.IpProtocol.SCTP;
import static io.ippvs.core.header.IpProtocol.TCP;
import static io.ippvs.core.header.IpProtocol.UDP;

import io.ippvs.api.Addresses;
import io.ippvs.api.Configuration;
import io.ippvs.api.DropReason;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.IcmpErrorHandler;
import io.ippvs.api.NextHop;
import io.ippvs.api.Offload;
import io.ippvs.api.PacketRewriter;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServer;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.Scheduler;
import io.ippvs.api.SchedulerConfig;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.Stats;
import io.ippvs.api.Verdict;
import io.ippvs.api.VirtualService;
import io.ippvs.core.conn.ConnectionFlags;
import io.ippvs.core.conn.ConnectionSpec;
import io.ippvs.core.conn.ConnectionTable;
import io.ippvs.core.conn.ConnectionVisitor;
import io.ippvs.core.packet.PacketInfo;
import io.ippvs.core.packet.PacketParser;
import io.ippvs.core.packet.ParseStatus;
import io.ippvs.core.proto.ProtocolTimeouts;
import io.ippvs.core.proto.SctpState;
import io.ippvs.core.proto.SctpStateMachine;
import io.ippvs.core.proto.TcpState;
import io.ippvs.core.proto.TcpStateMachine;
import io.ippvs.core.sched.Schedulers;
import io.ippvs.core.service.RealServerState;
import io.ippvs.core.service.VirtualServiceState;
import io.ippvs.core.stats.StripeAllocator;
import io.ippvs.core.stats.TrafficStats;
import io.ippvs.core.sync.SequenceSync;
import io.ippvs.core.sync.SyncCounters;
import io.ippvs.core.sync.SyncDecoder;
import io.ippvs.core.sync.SyncDrop;
import io.ippvs.core.sync.SyncEntry;
import io.ippvs.core.sync.SyncMaster;
import io.ippvs.core.sync.SyncSettings;
import io.ippvs.core.sync.SyncTarget;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * A Linux Virtual Server director over {@link ByteBuffer}s: the one place where parsing, connection
 * lookup, scheduling, protocol state, rewriting and accounting meet.
 *
 * <h2>A packet's way</h2>
 * {@link #process(ByteBuffer, int, NextHop)}: parse; look the packet up as inbound (client to
 * virtual address); on a miss find its service (firewall mark, then protocol/address/port, then
 * the port-zero service), or, when it is addressed to none, look it up as outbound (a NAT real
 * server's reply). A packet of a service without a connection schedules a new
 * connection if the packet may start one (TCP: SYN without RST; UDP: any; SCTP: INIT), else drop it
 * ({@link DropReason#NO_CONNECTION}); traffic of no service passes to the host. The connection's
 * protocol state advances (tunnel and direct-route connections use the input-only rows throughout,
 * NAT connections until their first reply), the real server's active and inactive counts follow
 * each state change, and the {@link PacketRewriter} registered for the server's forwarding method
 * rewrites the packet. A first fragment (IPv4 or IPv6) leaves its connection in a small fragment
 * cache (source, destination, identification, protocol), so the later fragments, which carry no
 * ports, follow it without reassembly; other non-first fragments are dropped
 * ({@link DropReason#FRAGMENT}).
 * Every packet ends in exactly one of forwarded, replied, passed or dropped-for-a-reason, each counted.
 *
 * <h2>Threads</h2>
 * {@code process} may be called from any number of threads at once. It allocates nothing on an
 * established flow and takes no lock on the lookup path. Each thread needs scratch space: the
 * {@code process} methods here fetch it from a thread-local; an I/O thread that keeps a
 * {@link Worker} ({@link #newWorker()}) skips that lookup. Configuration methods are serialized and
 * may run concurrently with packets: each change is published as one immutable generation (service
 * table, server lists, timeouts), and a new connection whose scheduler chose while a change was
 * being applied is scheduled again, so a packet sees a change entirely or not at all; services and
 * real servers that survive a change keep their identity, counters and connection counts.
 *
 * <h2>Time</h2>
 * Time comes from the injectable nanosecond clock. Connections expire lazily on lookup and in
 * {@link #sweep()}, which the appliance calls periodically (about once a second); the sweep also
 * runs the rate estimator every 2 s of clock time, the defences and id recycling.
 */
public final class Director implements SyncTarget {

    private static final int FTP_PORT = 21;

    /** The state a removed entry is frozen in, so no packet thread moves its counts afterwards. */
    static final int GONE = 0xFF;
    /** How long an expected (FTP data) connection waits for its first packet. */
    private static final int EXPECTED_TIMEOUT_SECONDS = 60;
    private static final long SECOND = 1_000_000_000L;
    /** drop_entry spares any entry that has seen more inbound packets than this. */
    private static final int DROP_ENTRY_MAX_PACKETS = 8;

    private static final VarHandle OBJECTS = MethodHandles.arrayElementVarHandle(Object[].class);

    private final LongSupplier clock;
    final PacketParser parser;
    final ConnectionTable table;
    private final PacketRewriter[] rewriters = new PacketRewriter[ForwardingMethod.values().length];
    private final Map<String, Scheduler.Factory> customSchedulers;
    private final SchedulerConfig schedulerDefaults;
    private final Defence dropEntry;
    private final Defence secureTcp;
    private final double defenceThreshold;
    private final int connReuseMode;
    private final boolean expireNodestConn;
    private final boolean expireQuiescentTemplate;
    private final boolean dropNonService;
    private final IcmpErrorHandler icmpErrorHandler;
    private final IcmpErrorHandler.Connections handlerConnections = this::inboundServer;

    private final ServerRegistry servers = new ServerRegistry();
    private final StripeAllocator stripes = new StripeAllocator();
    private final Outcomes outcomes = new Outcomes();
    private final TrafficStats totals = new TrafficStats();
    private final ThreadLocal<Worker> workers;
    private final Object configLock = new Object();
    private final Object sweepLock = new Object();
    /** Configuration changes, a full table and defence levels, for the operator (never per packet). */
    private final DirectorLog log = new DirectorLog();
    /** Where first fragments leave their connection for the fragments after them. */
    private final Fragments fragments = new Fragments();
    private volatile ServiceSet current = ServiceSet.EMPTY;
    /** Odd while {@link #configure} edits live objects; see {@link #stableGeneration()}. */
    private volatile int generation;
    private volatile TcpStateMachine tcpMachine = TcpStateMachine.normal();
    private volatile Object[] attachments;
    /** The sync master, when one runs: told about every inbound packet's connection. */
    private volatile SyncMaster syncMaster;
    private final SyncedConnections synced;

    // sweep state, guarded by sweepLock
    private long lastEstimate;
    private final int[] dropCounters = new int[9];
    private final ConnectionVisitor dropEntryVisitor = this::dropEntryVisit;
    private long dropEntryNow;

    private Director(Builder b) {
        this.clock = b.clock;
        this.parser = new PacketParser(b.verifyChecksums);
        this.table = new ConnectionTable(b.maxConnections, b.hashSeed, this::removed);
        for (PacketRewriter r : b.rewriters) {
            rewriters[r.method().ordinal()] = r;
        }
        this.customSchedulers = Map.copyOf(b.schedulers);
        this.schedulerDefaults = b.schedulerDefaults;
        this.dropEntry = b.dropEntry;
        this.secureTcp = b.secureTcp;
        this.defenceThreshold = b.defenceThreshold;
        this.connReuseMode = b.connReuseMode;
        this.expireNodestConn = b.expireNodestConn;
        this.expireQuiescentTemplate = b.expireQuiescentTemplate;
        this.dropNonService = b.dropNonService;
        this.icmpErrorHandler = b.icmpErrorHandler;
        this.workers = ThreadLocal.withInitial(this::newWorker);
        this.synced = new SyncedConnections(this, table);
        this.lastEstimate = clock.getAsLong();
        if (secureTcp == Defence.ALWAYS) {
            tcpMachine = TcpStateMachine.secure();
        }
    }

    /** A builder with IPVS's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A handle for one packet thread (see {@link Worker}); each has its own counter stripe. */
    public Worker newWorker() {
        return new Worker(this, stripes.allocate());
    }

    // ================================================================== packets

    /** {@link #process(ByteBuffer, int, NextHop)} without a firewall mark or next hop. */
    public Verdict process(ByteBuffer packet) {
        return process(workers.get(), packet, 0, null);
    }

    /**
     * {@link #process(ByteBuffer, int, NextHop)} without a next hop.
     *
     * @param fwmark the packet's firewall mark, 0 for none (see {@link #process(ByteBuffer, int, NextHop)})
     */
    public Verdict process(ByteBuffer packet, int fwmark) {
        return process(workers.get(), packet, fwmark, null);
    }

    /**
     * Processes the IP packet in {@code [position, limit)} of {@code packet}.
     *
     * <p>The firewall mark is Linux's packet mark ({@code skb->mark}, what {@code iptables -t mangle
     * ... -j MARK --set-mark N} sets and {@code ipvsadm -A -f N} matches) as the appliance classified
     * the packet: a service made with {@link ServiceKey#fwmark(int, int)} takes every packet of its
     * address family whose mark equals its own, whatever the addresses and ports, and is looked up
     * before the address services (as {@code ip_vs_service_find} does). The library never computes a
     * mark itself; an appliance without a classifier passes 0. The 32 bits are compared as they are
     * (a negative int is a mark above 2^31).
     *
     * @param fwmark the firewall mark the appliance gives the packet; 0 for none
     * @param hop filled with the real server and forwarding method when the verdict is
     *     {@link Verdict#FORWARD}, cleared otherwise; may be null
     * @return what to do with the buffer; never null, never throws on packet content
     */
    public Verdict process(ByteBuffer packet, int fwmark, NextHop hop) {
        return process(workers.get(), packet, fwmark, hop);
    }

    /** The director's clock: what an I/O loop passes to {@link Worker#process(ByteBuffer, int, NextHop, long)}. */
    public long nanoTime() {
        return clock.getAsLong();
    }

    Verdict process(Worker w, ByteBuffer buf, int fwmark, NextHop hop) {
        return process(w, buf, fwmark, hop, false, 0);
    }

    /** {@code timed}: {@code now} is the time to use; otherwise the clock is read once the packet parsed. */
    Verdict process(Worker w, ByteBuffer buf, int fwmark, NextHop hop, boolean timed, long now) {
        return process(w, buf, fwmark, hop, timed, now, null);
    }

    /** {@code offload}: the packet's offload facts, or null for a plain packet. */
    Verdict process(Worker w, ByteBuffer buf, int fwmark, NextHop hop, boolean timed, long now, Offload offload) {
        if (hop != null) {
            hop.clear();
        }
        try {
            return handle(w, buf, fwmark, hop, timed, now, offload);
        } catch (RuntimeException e) {
            // last resort: a defect must cost one packet, never the caller's thread
            return dropped(w.stripe, DropReason.MALFORMED);
        }
    }

    private Verdict handle(Worker w, ByteBuffer buf, int fwmark, NextHop hop, boolean timed, long now,
            Offload offload) {
        Offload o = offload == null || offload.isPlain() ? null : offload;
        ParseStatus status = parser.parse(buf, w.scratch.info, o != null && o.checksumPartial());
        return parsed(w, buf, status, fwmark, hop, timed, now, o);
    }

    /**
     * {@link #process} for a packet the worker's scratch {@code info} already describes: what
     * {@link Burst} calls after parsing its whole burst (with the partial-checksum fact of
     * {@code offload}, which is null or not plain).
     */
    Verdict processParsed(Worker w, ByteBuffer buf, ParseStatus status, int fwmark, NextHop hop, long now,
            Offload offload) {
        if (hop != null) {
            hop.clear();
        }
        if (status == null) {
            return dropped(w.stripe, DropReason.MALFORMED);
        }
        try {
            return parsed(w, buf, status, fwmark, hop, true, now, offload);
        } catch (RuntimeException e) {
            return dropped(w.stripe, DropReason.MALFORMED);
        }
    }

    /** {@code offload}: null for a plain packet, never a plain instance. */
    private Verdict parsed(Worker w, ByteBuffer buf, ParseStatus status, int fwmark, NextHop hop, boolean timed,
            long now, Offload offload) {
        Scratch s = w.scratch;
        PacketInfo info = s.info;
        boolean plain = offload == null;
        s.offload = offload;
        if (status != ParseStatus.OK) {
            if (status == ParseStatus.NON_FIRST_FRAGMENT) {
                if (!plain) {
                    // a later fragment cannot be segmented, and its checksum lives in the first fragment
                    return dropped(w.stripe, DropReason.MALFORMED);
                }
                s.segments = 1;
                s.wireBytes = info.end() - info.l3Offset();
                s.now = timed ? now : clock.getAsLong();
                return nonFirstFragment(w, buf, info, hop);
            }
            return dropped(w.stripe, status.dropReason());
        }
        if (plain) {
            s.segments = 1;
            s.wireBytes = info.end() - info.l3Offset();
        } else {
            DropReason refused = Offloads.check(buf, info, offload, s);
            if (refused != null) {
                return dropped(w.stripe, refused);
            }
        }
        info.fwmark(fwmark);
        s.now = timed ? now : clock.getAsLong();
        int proto = info.protocolNumber();
        if (proto == TCP || proto == UDP || proto == SCTP) {
            return transport(w, buf, proto, fwmark, hop);
        }
        if (info.isIcmpError()) {
            return icmpError(w, buf, hop);
        }
        // ICMP echo to a virtual address and every other protocol belong to the host
        return passed(w.stripe);
    }

    /**
     * A non-first fragment has no transport header: it follows the connection its first fragment
     * took, as the fragment cache remembers it (without reassembly). Unknown: dropped.
     */
    private Verdict nonFirstFragment(Worker w, ByteBuffer buf, PacketInfo info, NextHop hop) {
        Scratch s = w.scratch;
        long v = fragments.follow(info, table, s.now);
        if (v == Fragments.NONE) {
            return dropped(w.stripe, DropReason.FRAGMENT);
        }
        int h = (int) (v >>> 1);
        boolean reply = (v & 1) != 0;
        RealServerState rs = servers.get(table.realServer(h));
        if (rs == null) {
            return dropped(w.stripe, DropReason.NO_REAL_SERVER);
        }
        s.packet(buf, reply);
        s.connection(table, h);
        s.connectionProtocol = info.protocolNumber();
        s.realServer = rs;
        if (reply) {
            TrafficStats.outPackets(w.stripe, s.segments, s.wireBytes, rs.stats(), rs.serviceStats(), totals);
        } else {
            TrafficStats.inPackets(w.stripe, s.segments, s.wireBytes, rs.stats(), rs.serviceStats(), totals);
        }
        return rewrite(w, s, rs, hop);
    }

    /** Lets the later fragments of a first fragment find connection {@code h}. */
    private void rememberFirstFragment(Scratch s, int h, boolean reply) {
        fragments.rememberFirst(s.info, h, reply, s.now);
    }

    private Verdict transport(Worker w, ByteBuffer buf, int proto, int fwmark, NextHop hop) {
        Scratch s = w.scratch;
        PacketInfo info = s.info;
        ServiceSet set = current;
        int family = info.addressFamily();
        int event = event(proto, info);
        int h = table.lookupInbound(family, proto, info.srcHigh(), info.srcLow(), info.srcPort(), info.dstHigh(),
                info.dstLow(), info.dstPort(), s.now);
        if (h >= 0) {
            Verdict v = inbound(w, buf, set, h, proto, event, hop, false);
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
                    return outbound(w, buf, set, o, proto, event, hop);
                }
            }
            return dropNonService ? dropped(w.stripe, DropReason.NO_SERVICE) : passed(w.stripe);
        }
        if (!startsConnection(proto, event)) {
            return dropped(w.stripe, DropReason.NO_CONNECTION);
        }
        for (int attempt = 0; ; attempt++) {
            int generation = stableGeneration();
            ServiceSet now = current;
            if (now != set) {
                set = now;
                svc = set.table.lookup(fwmark, proto, family, info.dstHigh(), info.dstLow(), info.dstPort());
                if (svc == null) {
                    return dropNonService ? dropped(w.stripe, DropReason.NO_SERVICE) : passed(w.stripe);
                }
            }
            Verdict v = schedule(w, buf, set, svc, proto, event, hop, true, attempt < 3 ? generation : -1);
            if (v != null) {
                return v;
            }
            // the configuration changed while the scheduler chose: choose again from the new one
        }
    }

    /**
     * The configuration generation once no change is in progress. A change makes it odd while it
     * edits servers and schedulers and even again once published; a choice made while it moved is
     * discarded, so a new connection sees a whole change or none of it.
     */
    private int stableGeneration() {
        int g;
        while (((g = generation) & 1) != 0) {
            Thread.onSpinWait();
        }
        return g;
    }

    /**
     * A packet of an existing connection from its client; null when the connection was expired to
     * reschedule (never for a {@code fresh} one, just made for this packet).
     */
    private Verdict inbound(Worker w, ByteBuffer buf, ServiceSet set, int h, int proto, int event, NextHop hop,
            boolean fresh) {
        RealServerState rs = servers.get(table.realServer(h));
        if (rs == null && (table.flags(h) & ConnectionFlags.SYNC) != 0) {
            rs = synced.bind(h, set); // a synced entry whose server was not there when it came
        }
        boolean newConn = !fresh && startsConnection(proto, event);
        if (rs == null || !rs.inService()) {
            if (!expireNodestConn) {
                // as IPVS: the connection's server is gone, drop without restarting its timer
                return dropped(w.stripe, DropReason.NO_REAL_SERVER);
            }
            // ip_vs_in: expire the connection and treat the packet as one without a connection,
            // whatever conn_reuse_mode says; ip_vs_try_to_schedule schedules what starts a
            // connection and lets anything else continue (NF_ACCEPT)
            table.remove(h);
            return startsConnection(proto, event) ? null : passed(w.stripe);
        }
        if (newConn && connReuseMode != 0
                && ((expireNodestConn && rs.weight() == 0) || reusable(h, proto))) {
            table.remove(h);
            return null;
        }
        Scratch s = w.scratch;
        int flags = table.flags(h);
        advance(h, rs, proto, (flags & ConnectionFlags.NO_OUTPUT) != 0 ? TcpStateMachine.INPUT_ONLY : TcpStateMachine.IN,
                event, s.now, set.timeouts);
        SyncMaster master = syncMaster;
        if (master != null) {
            // ip_vs_in: the master counts every inbound packet and offers the connection to sync
            master.connection(h, proto, table.countPacket(h), s.now, s.syncEntry);
        } else if (table.packets(h) <= DROP_ENTRY_MAX_PACKETS) {
            // only drop_entry reads the count, and only up to 8: past that an established flow's
            // packets leave the entry unwritten (no locked add, no cache line pulled between cores)
            table.incrementPackets(h);
        }
        s.packet(buf, false);
        s.connection(table, h);
        rememberFirstFragment(s, h, false);
        s.connectionProtocol = proto;
        s.realServer = rs;
        TrafficStats.inPackets(w.stripe, s.segments, s.wireBytes, rs.stats(), rs.serviceStats(), totals);
        return rewrite(w, s, rs, hop);
    }

    /** A NAT real server's packet towards the client. */
    private Verdict outbound(Worker w, ByteBuffer buf, ServiceSet set, int h, int proto, int event, NextHop hop) {
        RealServerState rs = servers.get(table.realServer(h));
        if (rs == null) {
            return dropped(w.stripe, DropReason.NO_REAL_SERVER);
        }
        Scratch s = w.scratch;
        if ((table.flags(h) & ConnectionFlags.NO_OUTPUT) != 0) {
            table.clearFlags(h, ConnectionFlags.NO_OUTPUT);
        }
        advance(h, rs, proto, TcpStateMachine.OUT, event, s.now, set.timeouts);
        s.packet(buf, true);
        s.connection(table, h);
        rememberFirstFragment(s, h, true);
        s.connectionProtocol = proto;
        s.realServer = rs;
        TrafficStats.outPackets(w.stripe, s.segments, s.wireBytes, rs.stats(), rs.serviceStats(), totals);
        return rewrite(w, s, rs, hop);
    }

    /** An ICMP error: handed to the rewriter of the connection its quoted packet belongs to. */
    private Verdict icmpError(Worker w, ByteBuffer buf, NextHop hop) {
        Scratch s = w.scratch;
        PacketInfo info = s.info;
        int inner = info.innerProtocol();
        if (inner != TCP && inner != UDP && inner != SCTP) {
            return unmatchedIcmp(w, buf);
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
                return unmatchedIcmp(w, buf);
            }
            reply = true;
        }
        RealServerState rs = servers.get(table.realServer(h));
        if (rs == null) {
            return dropped(w.stripe, DropReason.NO_REAL_SERVER);
        }
        s.packet(buf, reply);
        s.icmpError = true;
        s.innerL3Offset = info.innerL3Offset();
        s.innerL4Offset = info.innerL4Offset();
        s.connection(table, h);
        s.connectionProtocol = inner;
        s.realServer = rs;
        if (reply) {
            TrafficStats.outPackets(w.stripe, s.segments, s.wireBytes, rs.stats(), rs.serviceStats(), totals);
        } else {
            TrafficStats.inPackets(w.stripe, s.segments, s.wireBytes, rs.stats(), rs.serviceStats(), totals);
        }
        return rewrite(w, s, rs, hop);
    }

    /** An ICMP error no connection claims: the registered handler's (tunnel errors), else UNMATCHED_ICMP. */
    private Verdict unmatchedIcmp(Worker w, ByteBuffer buf) {
        IcmpErrorHandler handler = icmpErrorHandler;
        if (handler != null) {
            Verdict v;
            try {
                v = handler.handle(buf, handlerConnections);
            } catch (RuntimeException e) {
                v = Verdict.drop(DropReason.UNMATCHED_ICMP);
            }
            if (v != null) {
                if (v.isDrop()) {
                    return dropped(w.stripe, v.dropReason());
                }
                if (v.isPass()) {
                    return passed(w.stripe);
                }
                if (v.isReply()) {
                    outcomes.replied(w.stripe);
                } else {
                    outcomes.forwarded(w.stripe);
                }
                return v;
            }
        }
        return dropped(w.stripe, DropReason.UNMATCHED_ICMP);
    }

    private RealServer inboundServer(int family, int protocol, long clientHigh, long clientLow, int clientPort,
                                     long virtualHigh, long virtualLow, int virtualPort) {
        int h = table.lookupInbound(family, protocol, clientHigh, clientLow, clientPort, virtualHigh, virtualLow,
                virtualPort, clock.getAsLong());
        return h < 0 ? null : servers.get(table.realServer(h));
    }

    /**
     * A new connection of {@code svc}: persistence template or scheduler, then the entry; {@code null}
     * when {@code generation} (not -1) no longer holds after the choice.
     */
    private Verdict schedule(Worker w, ByteBuffer buf, ServiceSet set, VirtualServiceState svc, int proto, int event,
            NextHop hop, boolean retry, int generation) {
        Scratch s = w.scratch;
        PacketInfo info = s.info;
        ServiceConfig cfg = svc.config();
        int template = ConnectionTable.NO_HANDLE;
        s.templateMade = false;
        RealServerState rs;
        if (cfg.persistent()) {
            template = template(w, svc, cfg, proto);
            if (template < 0) {
                return dropped(w.stripe, template == ConnectionTable.FULL ? DropReason.TABLE_FULL : DropReason.NO_REAL_SERVER);
            }
            rs = servers.get(table.realServer(template));
            if (rs == null) {
                return dropped(w.stripe, DropReason.NO_REAL_SERVER);
            }
            rs.bind(false, false);
            if (!rs.inService()) {
                rs.unbind(false, false);
                return dropped(w.stripe, DropReason.NO_REAL_SERVER);
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
                return dropped(w.stripe, DropReason.NO_REAL_SERVER);
            }
            if (generation != -1 && this.generation != generation) {
                rs.unbind(false, false);
                return null;
            }
        }
        int vport = info.dstPort();
        int dport = rs.port() != 0 ? rs.port() : vport;
        if (cfg.onePacket() && proto == UDP) {
            svc.stats().connection(w.stripe);
            rs.stats().connection(w.stripe);
            totals.connection(w.stripe);
            // one-packet scheduling: forward this datagram, keep no entry
            s.packet(buf, false);
            s.handle = ConnectionTable.NO_HANDLE;
            s.clientHigh = info.srcHigh();
            s.clientLow = info.srcLow();
            s.clientPort = info.srcPort();
            s.virtualHigh = info.dstHigh();
            s.virtualLow = info.dstLow();
            s.virtualPort = vport;
            s.destinationHigh = rs.addressHigh();
            s.destinationLow = rs.addressLow();
            s.destinationPort = dport;
            s.connectionProtocol = proto;
            s.realServer = rs;
            TrafficStats.inPackets(w.stripe, s.segments, s.wireBytes, rs.stats(), svc.stats(), totals);
            Verdict v = rewrite(w, s, rs, hop);
            rs.unbind(false, false);
            return v;
        }
        ConnectionSpec spec = s.spec.clear()
                .family(info.addressFamily())
                .protocol(proto)
                .client(info.srcHigh(), info.srcLow(), info.srcPort())
                .virtual(info.dstHigh(), info.dstLow(), vport)
                .destination(rs.addressHigh(), rs.addressLow(), dport)
                .flags(methodFlags(rs.forwardingMethod()))
                .state(0, set.timeouts.timeout(proto, 0))
                .realServer(rs.id())
                .template(template);
        int r = table.insert(spec, s.now);
        if (!ConnectionTable.inserted(r)) {
            rs.unbind(false, false);
            if (ConnectionTable.exists(r)) {
                // another thread created this very connection a moment ago: it is ours too
                return inbound(w, buf, set, ConnectionTable.existingHandle(r), proto, event, hop, true);
            }
            if (r == ConnectionTable.STALE_TEMPLATE && retry) {
                // the template expired or was dropped since we found it: look again once
                return schedule(w, buf, set, svc, proto, event, hop, false, -1);
            }
            return dropped(w.stripe, r == ConnectionTable.FULL ? DropReason.TABLE_FULL : DropReason.NO_REAL_SERVER);
        }
        Verdict v = inbound(w, buf, set, r, proto, event, hop, true);
        if (!v.isForward() && v.dropReason() != DropReason.NO_REAL_SERVER && table.packets(r) == 1) {
            // the rewriter did not send the first packet on (no headroom, TTL, MTU...): keep nothing
            // of it, or a dropped SYN would hold a SYN_RECV entry (and a new template would pin the
            // client) for a connection that does not exist. Not when another thread's copy of the
            // packet has used the entry since (packets > 1), nor when the server went away meanwhile:
            // a copy may have reached it, and IPVS keeps such entries (expire_nodest_conn decides)
            forget(r, template, s.templateMade);
            return v;
        }
        // counted once the first packet is on its way (IPVS counts in ip_vs_conn_new's caller, but
        // keeps the entry of a packet its transmitter drops; we do not)
        svc.stats().connection(w.stripe);
        rs.stats().connection(w.stripe);
        totals.connection(w.stripe);
        return v;
    }

    /** Removes a connection made for a packet that was not forwarded, and the template made with it. */
    private void forget(int h, int template, boolean templateMade) {
        table.remove(h);
        if (templateMade && table.controlledCount(template) == 0) {
            table.remove(template);
        }
    }

    /**
     * The live persistence template for this packet's client, made if needed: {@code >= 0} a handle,
     * {@link ConnectionTable#FULL}, or another negative value when no server is available.
     */
    private int template(Worker w, VirtualServiceState svc, ServiceConfig cfg, int proto) {
        Scratch s = w.scratch;
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
        if (family == io.ippvs.api.Addresses.IPV4) {
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

    /** Moves entry {@code h}'s state for a packet and restarts its timer; counts follow the change. */
    private void advance(int h, RealServerState rs, int proto, int direction, int event, long now,
            ProtocolTimeouts timeouts) {
        if (event < 0) {
            return; // set_sctp_state: no chunk header, no state change and no new timeout
        }
        int state = table.state(h);
        TcpStateMachine tcp = tcpMachine;
        for (;;) {
            if (state == GONE) {
                return;
            }
            int next;
            if (proto == TCP) {
                next = tcp.next(state, direction, event);
            } else if (proto == SCTP) {
                next = SctpStateMachine.next(state, direction, event);
            } else {
                next = state;
            }
            int timeout = timeouts.timeout(proto, next);
            if (next == state) {
                // IPVS re-reads the state's timeout on every packet, so --set applies at once
                table.touch(h, timeout, now);
                return;
            }
            if (table.compareAndSetState(h, state, next, timeout, now)) {
                boolean was = active(proto, state);
                boolean is = active(proto, next);
                if (was != is) {
                    rs.activity(is);
                }
                return;
            }
            state = table.state(h);
        }
    }

    static boolean active(int proto, int state) {
        if (proto == TCP) {
            return TcpState.isActive(state);
        }
        return proto == SCTP && SctpState.isActive(state);
    }

    /** conn_reuse_mode: whether a new connection may replace this finished one. */
    private boolean reusable(int h, int proto) {
        if (table.template(h) != ConnectionTable.NO_HANDLE) {
            return false; // controlled by persistence: the client stays on its server
        }
        int state = table.state(h);
        if (proto == TCP) {
            return state == TcpState.TIME_WAIT.code() || state == TcpState.CLOSE.code()
                    || ((connReuseMode & 2) != 0 && state == TcpState.FIN_WAIT.code()
                            && (table.flags(h) & ConnectionFlags.NO_OUTPUT) != 0);
        }
        return proto == SCTP && state == SctpState.CLOSED.code();
    }

    private static boolean startsConnection(int proto, int event) {
        if (proto == TCP) {
            return TcpStateMachine.startsConnection(event);
        }
        if (proto == SCTP) {
            return SctpStateMachine.startsConnection(event);
        }
        return true;
    }

    /** The state-machine input of a packet: TCP flags, the SCTP chunk event, 0 for UDP. */
    private static int event(int proto, PacketInfo info) {
        if (proto == TCP) {
            return info.tcpFlags();
        }
        if (proto != SCTP) {
            return 0;
        }
        // the parser read the chunk types; a packet without a chunk header (-1) changes nothing
        int first = info.sctpFirstChunk();
        return first < 0 ? SctpStateMachine.NO_CHUNK : SctpStateMachine.event(first, info.sctpSecondChunk());
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

    private Verdict rewrite(Worker w, Scratch s, RealServerState rs, NextHop hop) {
        PacketRewriter rewriter = rewriters[rs.forwardingMethod().ordinal()];
        if (rewriter == null) {
            return dropped(w.stripe, DropReason.UNSUPPORTED);
        }
        Verdict v;
        try {
            v = rewriter.rewrite(s);
        } catch (RuntimeException e) {
            v = null;
        }
        if (v == null) {
            return dropped(w.stripe, DropReason.UNSUPPORTED);
        }
        // tests in order of likelihood (an enum switch costs a table lookup)
        if (v.isForward()) {
            if (hop != null) {
                hop.set(rs);
            }
            outcomes.forwarded(w.stripe);
            return v;
        }
        if (v.isReply()) {
            if (s.offload != null) {
                s.offload.clear(); // the generated ICMP error is a plain packet
            }
            outcomes.replied(w.stripe);
            return v;
        }
        return v.isPass() ? passed(w.stripe) : dropped(w.stripe, v.dropReason());
    }

    private Verdict dropped(int stripe, DropReason reason) {
        return outcomes.dropped(stripe, reason);
    }

    private Verdict passed(int stripe) {
        return outcomes.passed(stripe);
    }

    // ================================================================== connection side effects

    /** Every entry leaving the table: freeze its state, then give back what it held. */
    private void removed(ConnectionTable t, int h, boolean expired) {
        int state = t.state(h);
        while (state != GONE && !t.compareAndSetState(h, state, GONE, 0, 0)) {
            state = t.state(h);
        }
        boolean template = t.isTemplate(h);
        RealServerState rs = servers.get(t.realServer(h));
        if (rs != null && state != GONE) {
            rs.unbind(template, !template && active(t.protocol(h), state));
        }
        Object[] a = attachments;
        if (a != null) {
            OBJECTS.setRelease(a, h, null);
        }
        SyncMaster master = syncMaster;
        if (master != null) {
            master.forget(h);
        }
    }

    Object attachment(int handle) {
        Object[] a = attachments;
        return a == null ? null : OBJECTS.getAcquire(a, handle);
    }

    void attach(int handle, Object value) {
        Object[] a = attachments;
        if (a == null) {
            if (value == null) {
                return;
            }
            synchronized (this) {
                a = attachments;
                if (a == null) {
                    // allocated on first use: most directors never run an application helper
                    a = new Object[table.maxConnections()];
                    attachments = a;
                }
            }
        }
        OBJECTS.setRelease(a, handle, value);
    }

    /** RewriteContext.expectConnection: an entry bound to the current connection's server. */
    boolean expect(Scratch s, Protocol protocol, int clientPort, int virtualPort, int destinationPort) {
        RealServerState rs = s.realServer;
        if (rs == null || protocol == null || clientPort < 0 || clientPort > 0xFFFF || virtualPort < 0
                || virtualPort > 0xFFFF || destinationPort < 0 || destinationPort > 0xFFFF) {
            return false;
        }
        rs.bind(false, false);
        if (!rs.inService()) {
            rs.unbind(false, false);
            return false;
        }
        ConnectionSpec spec = s.spec.clear()
                .family(s.family)
                .protocol(protocol.number())
                .client(s.clientHigh, s.clientLow, clientPort)
                .virtual(s.virtualHigh, s.virtualLow, virtualPort)
                .destination(s.destinationHigh, s.destinationLow, destinationPort)
                .flags(methodFlags(rs.forwardingMethod()) | (clientPort == 0 ? ConnectionFlags.NO_CPORT : 0))
                .state(0, EXPECTED_TIMEOUT_SECONDS)
                .realServer(rs.id());
        int r = table.insert(spec, s.now);
        if (!ConnectionTable.inserted(r)) {
            rs.unbind(false, false);
            return false;
        }
        return true;
    }

    // ================================================================== sync

    /**
     * Starts sending this director's connections to sync backups ({@code ipvsadm --start-daemon
     * master}): from now on every inbound packet offers its connection to the returned
     * {@link SyncMaster}, whose {@link SyncMaster#flush} the sync daemon's thread calls.
     *
     * @throws IllegalStateException when a master runs already
     */
    @Override
    public SyncMaster startSyncMaster(SyncSettings settings, SyncCounters counters) {
        synchronized (configLock) {
            if (syncMaster != null) {
                throw new IllegalStateException("sync master: already running (" + syncMaster.settings() + ")");
            }
            SyncMaster m = new SyncMaster(table, settings, this::exportSequence, counters);
            syncMaster = m;
            return m;
        }
    }

    /** Stops the sync master ({@code --stop-daemon master}); false when none ran. */
    @Override
    public boolean stopSyncMaster() {
        synchronized (configLock) {
            boolean was = syncMaster != null;
            syncMaster = null;
            return was;
        }
    }

    /** The running sync master, or null. */
    public SyncMaster syncMaster() {
        return syncMaster;
    }

    /**
     * A sync backup's handler for the {@link io.ippvs.core.sync.SyncDecoder}: installs or updates
     * each received entry in this director's table (see {@link SyncedConnections}).
     */
    @Override
    public SyncDecoder.Handler syncInstaller() {
        return this::installSynced;
    }

    /** Installs or updates one received sync entry; null when done, else why not. */
    public SyncDrop installSynced(SyncEntry entry) {
        synchronized (synced) {
            return synced.install(entry);
        }
    }

    /**
     * Visits every live connection and template as a sync entry (for a bulk resync), in handle
     * order from {@code fromHandle}; stops when {@code visitor} returns false and returns the handle
     * to continue from, or -1 at the end.
     */
    @Override
    public int forEachSyncEntry(int fromHandle, SyncEntry scratch, java.util.function.Predicate<SyncEntry> visitor) {
        int limit = table.handleLimit();
        for (int h = Math.max(0, fromHandle); h < limit; h++) {
            if (table.isLive(h) && table.state(h) != GONE && SyncMaster.snapshot(table, h, scratch, this::exportSequence)
                    && !visitor.test(scratch)) {
                return h + 1;
            }
        }
        return -1;
    }

    private long exportSequence(int handle, SyncEntry into) {
        PacketRewriter r = rewriters[ForwardingMethod.MASQUERADE.ordinal()];
        Object a = attachment(handle);
        return a != null && r instanceof SequenceSync ? ((SequenceSync) r).exportSequence(a, into) : 0;
    }

    ServiceSet serviceSet() {
        return current;
    }

    RealServerState server(int id) {
        return servers.get(id);
    }

    PacketRewriter rewriter(ForwardingMethod method) {
        return rewriters[method.ordinal()];
    }

    // ================================================================== sweep and defences

    /**
     * Periodic work; call about once a second. Reclaims expired entries, sets the defence level from
     * the table's fill (secure_tcp, drop_entry), runs drop_entry on a random 1/32 of the table,
     * updates the rate estimators for every 2 s of clock time passed and recycles the ids of removed
     * real servers.
     */
    public void sweep() {
        synchronized (sweepLock) {
            long now = clock.getAsLong();
            table.sweep(now);
            boolean tableShort = table.size() > defenceThreshold * table.maxConnections();
            tcpMachine = secureTcp.active(tableShort) ? TcpStateMachine.secure() : TcpStateMachine.normal();
            boolean dropping = dropEntry.active(tableShort);
            if (dropping) {
                randomDropEntry(now);
            }
            log.swept(table.size(), table.maxConnections(), drops(DropReason.TABLE_FULL), secureTcpActive(), dropping);
            long periods = (now - lastEstimate) / TrafficStats.ESTIMATOR_PERIOD_NANOS;
            if (periods > 0) {
                lastEstimate += periods * TrafficStats.ESTIMATOR_PERIOD_NANOS;
                int n = (int) Math.min(periods, 64);
                totals.estimate(n);
                for (VirtualServiceState svc : current.services) {
                    svc.stats().estimate(n);
                    for (RealServerState rs : svc.servers()) {
                        rs.stats().estimate(n);
                    }
                }
            }
            servers.releaseIdle();
        }
    }

    /** IPVS's drop_entry: visit a random 1/32 of the table, dropping half-open and idle entries. */
    private void randomDropEntry(long now) {
        int limit = table.handleLimit();
        if (limit == 0) {
            return;
        }
        int span = Math.max(1, limit >>> 5);
        int from = ThreadLocalRandom.current().nextInt(limit);
        dropEntryNow = now;
        table.forEach(from, from + span, dropEntryVisitor);
        if (from + span > limit) {
            table.forEach(0, from + span - limit, dropEntryVisitor);
        }
    }

    private boolean dropEntryVisit(ConnectionTable t, int h) {
        if (t.isTemplate(h)) {
            return true;
        }
        int proto = t.protocol(h);
        int state = t.state(h);
        boolean drop;
        if (proto == TCP) {
            drop = state == TcpState.SYN_RECV.code() || state == TcpState.SYNACK.code()
                    || (state == TcpState.ESTABLISHED.code() && toDrop(t, h));
        } else if (proto == SCTP) {
            drop = state == SctpState.INIT1.code() || state == SctpState.INIT.code()
                    || (state == SctpState.ESTABLISHED.code() && toDrop(t, h));
        } else {
            drop = toDrop(t, h);
        }
        if (drop) {
            int template = t.template(h);
            t.remove(h);
            if (template != ConnectionTable.NO_HANDLE) {
                t.remove(template);
            }
        }
        return true;
    }

    /**
     * IPVS's todrop_entry: an entry idle for at least 60 s with at most 8 inbound packets is dropped
     * on every n-th look for n packets (never with 0 packets).
     */
    private boolean toDrop(ConnectionTable t, int h) {
        long sinceRefresh = dropEntryNow - (t.expiresAtNanos(h) - t.timeoutSeconds(h) * SECOND);
        if (sinceRefresh < 60 * SECOND) {
            return false;
        }
        long packets = t.packets(h);
        if (packets <= 0 || packets > DROP_ENTRY_MAX_PACKETS) {
            return false;
        }
        int i = (int) packets;
        if (--dropCounters[i] > 0) {
            return false;
        }
        dropCounters[i] = i;
        return true;
    }

    // ================================================================== configuration

    /** The configuration in force. */
    public Configuration configuration() {
        return current.configuration;
    }

    /**
     * Replaces the whole configuration at once. Services and real servers present before and after
     * (same key; same address and port) keep their state: identity, counters, connection counts.
     * Removed real servers take no new connections; their connections drain (or, with
     * expire_nodest_conn, expire on their next packet).
     *
     * @throws IllegalArgumentException naming {@code scheduler} when a service names an unknown
     *     scheduler, or {@code forwardingMethod} when a real server's method has no rewriter
     *     registered with this director (its packets could only be dropped); nothing changes then
     */
    public void configure(Configuration next) {
        if (next == null) {
            throw new IllegalArgumentException("configuration: must not be null");
        }
        checkRewriters(next);
        synchronized (configLock) {
            ServiceSet old = current;
            // make every new scheduler first, so an unknown name changes nothing
            Map<ServiceKey, Scheduler> newSchedulers = new HashMap<>();
            for (Configuration.Service s : next.services()) {
                VirtualServiceState v = old.byKey.get(s.config().key());
                if (v == null || !sameScheduler(v.config(), s.config())) {
                    newSchedulers.put(s.config().key(), createScheduler(s.config()));
                }
            }
            generation = generation + 1; // odd: new connections wait for the change to complete
            try {
                publish(next, old, newSchedulers);
            } finally {
                generation = generation + 1;
            }
            log.configured(old.configuration, next);
        }
    }

    /** A real server whose method no rewriter handles would have every packet dropped: refused here instead. */
    private void checkRewriters(Configuration next) {
        for (Configuration.Service s : next.services()) {
            for (RealServerConfig rc : s.realServers()) {
                ForwardingMethod m = rc.forwardingMethod();
                if (rewriters[m.ordinal()] == null) {
                    throw new IllegalArgumentException("forwardingMethod: real server "
                            + Addresses.format(rc.addressFamily(), rc.addressHigh(), rc.addressLow(), rc.port())
                            + " of " + s.config().key() + " uses " + m + " (" + m.option() + "), but this director has no"
                            + " rewriter for it (register one with Director.Builder.rewriter)");
                }
            }
        }
    }

    /** Edits the surviving objects, makes the new ones and publishes the generation; under configLock. */
    private void publish(Configuration next, ServiceSet old, Map<ServiceKey, Scheduler> newSchedulers) {
        List<VirtualServiceState> services = new ArrayList<>();
        for (Configuration.Service s : next.services()) {
            ServiceConfig cfg = s.config();
            VirtualServiceState v = old.byKey.get(cfg.key());
            Scheduler fresh = newSchedulers.get(cfg.key());
            if (v == null) {
                v = new VirtualServiceState(cfg, fresh);
            } else {
                v.config(cfg);
            }
            List<RealServerState> kept = new ArrayList<>();
            boolean edited = false;
            for (RealServerConfig rc : s.realServers()) {
                RealServerState rs = find(v.servers(), rc);
                if (rs == null) {
                    rs = servers.create(rc, v.stats());
                } else if (!rs.config().equals(rc)) {
                    rs.config(rc);
                    edited = true;
                }
                kept.add(rs);
            }
            for (RealServerState rs : v.servers()) {
                if (!kept.contains(rs)) {
                    rs.remove();
                }
            }
            // only this service's own changes reach its scheduler (ip_vs_wrr_dest_changed)
            v.servers(kept, edited);
            if (fresh != null && v.scheduler() != fresh) {
                v.scheduler(fresh); // ip_vs_bind_scheduler: init_service over the current list
            }
            services.add(v);
        }
        for (VirtualServiceState v : old.services) {
            if (!next.services().stream().anyMatch(s -> s.config().key().equals(v.key()))) {
                for (RealServerState rs : v.servers()) {
                    rs.remove();
                }
            }
        }
        current = new ServiceSet(next, services);
    }

    private static RealServerState find(List<RealServerState> list, RealServerConfig rc) {
        for (RealServerState rs : list) {
            if (rs.config().sameServer(rc)) {
                return rs;
            }
        }
        return null;
    }

    private static boolean sameScheduler(ServiceConfig a, ServiceConfig b) {
        return a.scheduler().equals(b.scheduler()) && a.schedulerFlags().equals(b.schedulerFlags());
    }

    private Scheduler createScheduler(ServiceConfig cfg) {
        Scheduler.Factory f = customSchedulers.get(cfg.scheduler());
        if (f == null) {
            f = Schedulers.byName(cfg.scheduler());
        }
        SchedulerConfig sc = SchedulerConfig.builder()
                .flags(cfg.schedulerFlags())
                .shTableBits(schedulerDefaults.shTableBits())
                .dhTableBits(schedulerDefaults.dhTableBits())
                .mhTableSize(schedulerDefaults.mhTableSize())
                .random(schedulerDefaults.random())
                .build();
        return f.create(sc);
    }

    /**
     * Applies {@code change} to the configuration in force and installs the result with
     * {@link #configure(Configuration)}, atomically with respect to every other configuration change:
     * no command can slip in between the read and the write. A health checker uses it to swap
     * several real servers (a sorry server in, the failed ones out) in one generation. A change that
     * returns the configuration it was given changes nothing.
     *
     * @throws IllegalArgumentException what {@code change} or {@link #configure} throws; nothing changes then
     */
    public void update(UnaryOperator<Configuration> change) {
        if (change == null) {
            throw new IllegalArgumentException("change: must not be null");
        }
        synchronized (configLock) {
            Configuration now = configuration();
            Configuration next = change.apply(now);
            if (next != now) {
                configure(next);
            }
        }
    }

    /** Adds a service ({@code ipvsadm -A}); see {@link Configuration#withService}. */
    public VirtualService addService(ServiceConfig config) {
        synchronized (configLock) {
            configure(configuration().withService(config));
            return service(config.key());
        }
    }

    /** Edits a service ({@code ipvsadm -E}), keeping its real servers, counters and connections. */
    public VirtualService editService(ServiceConfig config) {
        synchronized (configLock) {
            configure(configuration().withEditedService(config));
            return service(config.key());
        }
    }

    /** Removes a service ({@code ipvsadm -D}). */
    public void removeService(ServiceKey key) {
        synchronized (configLock) {
            configure(configuration().withoutService(key));
        }
    }

    /** Removes every service ({@code ipvsadm -C}); timeouts stay. */
    public void clear() {
        synchronized (configLock) {
            configure(configuration().withoutServices());
        }
    }

    /** Adds a real server to a service ({@code ipvsadm -a}). */
    public RealServer addRealServer(ServiceKey key, RealServerConfig server) {
        synchronized (configLock) {
            configure(configuration().withRealServer(key, server));
            return realServer(key, server);
        }
    }

    /** Edits a real server ({@code ipvsadm -e}); the same {@link RealServer} object stays. */
    public RealServer editRealServer(ServiceKey key, RealServerConfig server) {
        synchronized (configLock) {
            configure(configuration().withEditedRealServer(key, server));
            return realServer(key, server);
        }
    }

    /** Removes the real server with the address and port of {@code server} ({@code ipvsadm -d}). */
    public void removeRealServer(ServiceKey key, RealServerConfig server) {
        synchronized (configLock) {
            configure(configuration().withoutRealServer(key, server));
        }
    }

    /** Sets the {@code ipvsadm --set tcp tcpfin udp} timeouts (0 leaves one as it is). */
    public void timeouts(int tcp, int tcpFin, int udp) {
        synchronized (configLock) {
            configure(configuration().withTimeouts(tcp, tcpFin, udp));
        }
    }

    private RealServer realServer(ServiceKey key, RealServerConfig server) {
        VirtualServiceState v = current.byKey.get(key);
        return v == null ? null : find(v.servers(), server);
    }

    /** The running services in the order they were added. */
    public List<VirtualService> services() {
        return List.copyOf(current.services);
    }

    /** The running service with {@code key}, or {@code null}. */
    public VirtualService service(ServiceKey key) {
        return current.byKey.get(key);
    }

    // ================================================================== counters and listings

    /** Traffic through the whole director. */
    public Stats totals() {
        return totals;
    }

    /** Packets dropped for {@code reason}. */
    public long drops(DropReason reason) {
        return outcomes.drops(reason);
    }

    /** Packets dropped for any reason. */
    public long dropped() {
        return outcomes.dropped();
    }

    /** Packets the verdict of which was {@link Verdict#FORWARD}. */
    public long forwarded() {
        return outcomes.forwarded();
    }

    /** Packets passed to the host. */
    public long passed() {
        return outcomes.passed();
    }

    /** Packets answered with a generated packet ({@link Verdict#REPLY}). */
    public long replied() {
        return outcomes.replied();
    }

    /** {@code ipvsadm -Z}: zero the traffic counters and rates of every service, server and the total. */
    public void zeroCounters() {
        synchronized (configLock) {
            totals.zero();
            for (VirtualServiceState v : current.services) {
                v.stats().zero();
                for (RealServerState rs : v.servers()) {
                    rs.stats().zero();
                }
            }
        }
    }

    /**
     * {@code ipvsadm -Z -t|-u|-f service}: zero the traffic counters and rates of one service and its
     * real servers (the kernel's {@code ip_vs_zero_service}); the director's totals are kept.
     *
     * @throws IllegalArgumentException naming {@code service} when no running service has {@code key}
     */
    public void zeroCounters(ServiceKey key) {
        synchronized (configLock) {
            VirtualServiceState v = key == null ? null : current.byKey.get(key);
            if (v == null) {
                throw new IllegalArgumentException("service: " + key + " does not exist");
            }
            v.stats().zero();
            for (RealServerState rs : v.servers()) {
                rs.stats().zero();
            }
        }
    }

    /** Live connections and templates. */
    public int connectionCount() {
        return table.size();
    }

    /** The connection table's bound. */
    public int maxConnections() {
        return table.maxConnections();
    }

    /** A snapshot of every live connection and template for {@code ipvsadm -c}. Allocates. */
    public List<ConnectionInfo> connections() {
        return connections(false);
    }

    /** The snapshot, with entries already expired but not yet reclaimed when {@code expiredToo}. */
    List<ConnectionInfo> connections(boolean expiredToo) {
        long now = clock.getAsLong();
        List<ConnectionInfo> list = new ArrayList<>();
        table.forEach((t, h) -> {
            int state = t.state(h);
            long left = t.expiresAtNanos(h) - now;
            if (state == GONE || (left < 0 && !expiredToo)) {
                return true;
            }
            RealServerState rs = servers.get(t.realServer(h));
            int proto = t.protocol(h);
            int family = t.family(h);
            list.add(new ConnectionInfo(proto, stateName(proto, state), left / 1_000_000, t.isTemplate(h), family,
                    t.clientHigh(h), t.clientLow(h), t.clientPort(h), t.virtualHigh(h), t.virtualLow(h),
                    t.virtualPort(h), rs == null ? family : rs.addressFamily(), t.destinationHigh(h),
                    t.destinationLow(h), t.destinationPort(h), rs));
            return true;
        });
        return list;
    }

    private static String stateName(int proto, int state) {
        if (proto == TCP) {
            return TcpState.ofCode(state).ipvsName();
        }
        if (proto == SCTP) {
            return SctpState.ofCode(state).ipvsName();
        }
        if (proto == UDP) {
            return "UDP";
        }
        return "NONE";
    }

    /** Whether secure_tcp's state table is in force now (set by {@link #sweep()}). */
    public boolean secureTcpActive() {
        return tcpMachine == TcpStateMachine.secure();
    }

    @Override
    public String toString() {
        return "Director" + current.services + " connections=" + table.size();
    }

    // ================================================================== builder

    /** Builds a {@link Director}; every setter validates and names the field it rejects. */
    public static final class Builder {
        private LongSupplier clock = System::nanoTime;
        private int maxConnections = 1 << 16;
        private final List<PacketRewriter> rewriters = new ArrayList<>();
        private final Map<String, Scheduler.Factory> schedulers = new HashMap<>();
        private SchedulerConfig schedulerDefaults = SchedulerConfig.DEFAULT;
        private boolean verifyChecksums;
        private Defence dropEntry = Defence.OFF;
        private Defence secureTcp = Defence.OFF;
        private double defenceThreshold = 0.9;
        private int connReuseMode = 1;
        private boolean expireNodestConn;
        private boolean expireQuiescentTemplate;
        private boolean dropNonService;
        private long hashSeed = new SecureRandom().nextLong();
        private IcmpErrorHandler icmpErrorHandler;

        private Builder() {}

        /** The nanosecond clock for timeouts and rates; default {@link System#nanoTime()}. */
        public Builder nanoClock(LongSupplier clock) {
            if (clock == null) {
                throw new IllegalArgumentException("nanoClock: must not be null");
            }
            this.clock = clock;
            return this;
        }

        /** The bound of the connection table (connections and templates); default 65536. */
        public Builder maxConnections(int max) {
            if (max < 1 || max > ConnectionTable.MAX_CAPACITY) {
                throw new IllegalArgumentException("maxConnections: " + max + " is not in 1.." + ConnectionTable.MAX_CAPACITY);
            }
            this.maxConnections = max;
            return this;
        }

        /** Registers the rewriter of one forwarding method; a later one for the same method replaces it. */
        public Builder rewriter(PacketRewriter rewriter) {
            if (rewriter == null || rewriter.method() == null) {
                throw new IllegalArgumentException("rewriter: must not be null and must name its method");
            }
            rewriters.removeIf(r -> r.method() == rewriter.method());
            rewriters.add(rewriter);
            return this;
        }

        /** Registers a scheduler under {@code name}, ahead of the built-in ones. */
        public Builder scheduler(String name, Scheduler.Factory factory) {
            if (name == null || name.isBlank() || factory == null) {
                throw new IllegalArgumentException("scheduler: needs a name and a factory");
            }
            schedulers.put(name.trim(), factory);
            return this;
        }

        /** Table sizes and random source for schedulers; each service adds its own flags. */
        public Builder schedulerDefaults(SchedulerConfig config) {
            if (config == null) {
                throw new IllegalArgumentException("schedulerDefaults: must not be null");
            }
            this.schedulerDefaults = config;
            return this;
        }

        /** Whether IPv4 header and transport checksums are verified (bad ones are dropped); default false. */
        public Builder verifyChecksums(boolean verify) {
            this.verifyChecksums = verify;
            return this;
        }

        /** The drop_entry defence; default OFF. */
        public Builder dropEntry(Defence mode) {
            if (mode == null) {
                throw new IllegalArgumentException("dropEntry: must not be null");
            }
            this.dropEntry = mode;
            return this;
        }

        /** The secure_tcp defence; default OFF. */
        public Builder secureTcp(Defence mode) {
            if (mode == null) {
                throw new IllegalArgumentException("secureTcp: must not be null");
            }
            this.secureTcp = mode;
            return this;
        }

        /** Table fill (0..1) above which AUTO defences engage; default 0.9. */
        public Builder defenceThreshold(double fill) {
            if (!(fill >= 0 && fill <= 1)) {
                throw new IllegalArgumentException("defenceThreshold: " + fill + " is not within 0..1");
            }
            this.defenceThreshold = fill;
            return this;
        }

        /**
         * IPVS's conn_reuse_mode: 0 off; bit 1 (default): a new-connection packet (TCP SYN, SCTP INIT)
         * on an uncontrolled entry in TIME_WAIT or CLOSE (SCTP CLOSED) expires it and is scheduled
         * afresh; bit 2 adds FIN_WAIT entries that never saw output.
         */
        public Builder connReuseMode(int mode) {
            if (mode < 0 || mode > 3) {
                throw new IllegalArgumentException("connReuseMode: " + mode + " is not within 0..3");
            }
            this.connReuseMode = mode;
            return this;
        }

        /** IPVS's expire_nodest_conn: traffic to a removed server expires its connection; default false. */
        public Builder expireNodestConn(boolean on) {
            this.expireNodestConn = on;
            return this;
        }

        /** IPVS's expire_quiescent_template: templates to weight-0 servers are dropped; default false. */
        public Builder expireQuiescentTemplate(boolean on) {
            this.expireQuiescentTemplate = on;
            return this;
        }

        /** Drop ({@link DropReason#NO_SERVICE}) instead of pass packets of no service; default false. */
        public Builder dropNonServiceTraffic(boolean drop) {
            this.dropNonService = drop;
            return this;
        }

        /** The connection table's hash seed; default random. Fix it only in tests. */
        public Builder hashSeed(long seed) {
            this.hashSeed = seed;
            return this;
        }

        /**
         * The handler of ICMP errors that quote none of the connections as they stand, such as errors
         * about tunnel packets ({@code io.ippvs.tunnel.TunnelIcmpRelay}); default none.
         */
        public Builder icmpErrorHandler(IcmpErrorHandler handler) {
            this.icmpErrorHandler = handler;
            return this;
        }

        public Director build() {
            return new Director(this);
        }
    }
}
