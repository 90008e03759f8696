package io.ippvs.core.director;

import io.ippvs.api.Configuration;
import io.ippvs.api.DropReason;
import io.ippvs.api.IcmpErrorHandler;
import io.ippvs.api.NextHop;
import io.ippvs.api.PacketRewriter;
import io.ippvs.api.RealServer;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.Scheduler;
import io.ippvs.api.SchedulerConfig;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.Stats;
import io.ippvs.api.Verdict;
import io.ippvs.api.VirtualService;
import io.ippvs.core.conn.ConnectionTable;
import io.ippvs.core.service.RealServerState;
import io.ippvs.core.service.VirtualServiceState;
import io.ippvs.core.stats.StripeAllocator;
import io.ippvs.core.stats.TrafficStats;
import io.ippvs.core.sync.SyncCounters;
import io.ippvs.core.sync.SyncDecoder;
import io.ippvs.core.sync.SyncDrop;
import io.ippvs.core.sync.SyncEntry;
import io.ippvs.core.sync.SyncMaster;
import io.ippvs.core.sync.SyncSettings;
import io.ippvs.core.sync.SyncTarget;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A Linux Virtual Server director over {@link ByteBuffer}s: the public face of the director's
 * parts (configuration, packets, sweep), each of which lives in a small class of its own.
 *
 * <h2>A packet's way</h2>
 * {@link #process(ByteBuffer, int, NextHop)}: parse; look the packet up as inbound (client to
 * virtual address), else find its service (firewall mark, then protocol/address/port, then the
 * port-zero service), else look it up as outbound (a NAT real server's reply). A packet of a service
 * without a connection schedules one if it may start one (TCP: SYN without RST; UDP: any; SCTP:
 * INIT), else is dropped ({@link DropReason#NO_CONNECTION}); traffic of no service passes to the
 * host. The connection's protocol state advances, the server's active and inactive counts follow,
 * and the {@link PacketRewriter} of the server's forwarding method rewrites the packet. Later
 * fragments follow the connection their first fragment took (no reassembly); others are dropped
 * ({@link DropReason#FRAGMENT}). Every packet ends forwarded, replied, passed or dropped-for-a-reason,
 * each counted.
 *
 * <h2>Threads and time</h2>
 * {@code process} may be called from any number of threads at once. It allocates nothing on an
 * established flow and takes no lock on the lookup path. Each thread needs scratch space: the
 * {@code process} methods here fetch it from a thread-local; an I/O thread that keeps a
 * {@link Worker} ({@link #newWorker()}) skips that lookup. Configuration methods are serialized and
 * may run concurrently with packets: each change is published as one immutable generation (service
 * table, server lists, timeouts), and a new connection whose scheduler chose while a change was
 * being applied is scheduled again, so a packet sees a change entirely or not at all; services and
 * real servers that survive a change keep their identity, counters and connection counts. Time comes
 * from the injectable nanosecond clock. Connections expire lazily on lookup and in {@link #sweep()},
 * which the appliance calls about once a second; it also runs the rate estimator every 2 s of clock
 * time, the defences and id recycling.
 */
public final class Director implements SyncTarget {

    private final LongSupplier clock;
    private final ConnectionTable table;
    private final ServerRegistry servers = new ServerRegistry();
    private final StripeAllocator stripes = new StripeAllocator();
    private final Outcomes outcomes = new Outcomes();
    private final TrafficStats totals = new TrafficStats();
    private final Publication publication;
    private final ProtocolState state;
    private final SyncHooks sync;
    private final PacketPath path;
    private final Sweep sweep;
    private final ThreadLocal<Worker> workers;
    private final Object configLock = new Object();
    /** Configuration changes, a full table and defence levels, for the operator (never per packet). */
    private final DirectorLog log = new DirectorLog();
    /** Where table removals go; set once the parts exist (no entry leaves before). */
    private Departures departures;

    private Director(Settings b) {
        this.clock = b.clock;
        this.table = new ConnectionTable(b.maxConnections, b.hashSeed, (t, h, expired) -> departures.removed(t, h, expired));
        Attachments attachments = new Attachments(table.maxConnections());
        Forwarding forwarding = new Forwarding(b.rewriters, outcomes);
        this.publication = new Publication(servers, forwarding, b.schedulers, b.schedulerDefaults);
        this.state = new ProtocolState(table, b.connReuseMode);
        SyncedConnections synced = new SyncedConnections(publication, servers, attachments, forwarding, clock, table);
        this.sync = new SyncHooks(table, forwarding, attachments, synced);
        this.departures = new Departures(servers, attachments, sync);
        this.path = new PacketPath(b, table, servers, totals, outcomes, publication, state, forwarding, sync, synced,
                attachments);
        Defences defences = new Defences(table, state, b.dropEntry, b.secureTcp, b.defenceThreshold);
        this.sweep = new Sweep(clock, table, defences, state, publication, servers, totals, outcomes, log);
        this.workers = ThreadLocal.withInitial(this::newWorker);
    }

    /** A builder with IPVS's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A handle for one packet thread (see {@link Worker}); each has its own counter stripe. */
    public Worker newWorker() {
        return new Worker(path, path.scratch(stripes.allocate()));
    }

    /** {@link #process(ByteBuffer, int, NextHop)} without a firewall mark or next hop. */
    public Verdict process(ByteBuffer packet) {
        return workers.get().process(packet, 0, null);
    }

    /**
     * {@link #process(ByteBuffer, int, NextHop)} without a next hop.
     *
     * @param fwmark the packet's firewall mark, 0 for none (see {@link #process(ByteBuffer, int, NextHop)})
     */
    public Verdict process(ByteBuffer packet, int fwmark) {
        return workers.get().process(packet, fwmark, null);
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
        return workers.get().process(packet, fwmark, hop);
    }

    /** The director's clock: what an I/O loop passes to {@link Worker#process(ByteBuffer, int, NextHop, long)}. */
    public long nanoTime() {
        return clock.getAsLong();
    }

    // ================================================================== sync

    @Override
    public SyncMaster startSyncMaster(SyncSettings settings, SyncCounters counters) {
        return sync.start(settings, counters);
    }

    @Override
    public boolean stopSyncMaster() {
        return sync.stop();
    }

    /** The running sync master, or null. */
    public SyncMaster syncMaster() {
        return sync.master();
    }

    @Override
    public SyncDecoder.Handler syncInstaller() {
        return this::installSynced;
    }

    /** Installs or updates one received sync entry; null when done, else why not. */
    public SyncDrop installSynced(SyncEntry entry) {
        return sync.install(entry);
    }

    @Override
    public int forEachSyncEntry(int fromHandle, SyncEntry scratch, Predicate<SyncEntry> visitor) {
        return sync.forEach(fromHandle, scratch, visitor);
    }

    /**
     * Periodic work; call about once a second. Reclaims expired entries, sets the defence level from
     * the table's fill (secure_tcp, drop_entry), runs drop_entry on a random 1/32 of the table,
     * updates the rate estimators for every 2 s of clock time passed and recycles the ids of removed
     * real servers.
     */
    public void sweep() {
        sweep.run();
    }

    // ================================================================== configuration

    /** The configuration in force. */
    public Configuration configuration() {
        return publication.current().configuration;
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
        synchronized (configLock) {
            log.configured(publication.apply(next), next);
        }
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
        return change(c -> c.withService(config), () -> service(config.key()));
    }

    /** Edits a service ({@code ipvsadm -E}), keeping its real servers, counters and connections. */
    public VirtualService editService(ServiceConfig config) {
        return change(c -> c.withEditedService(config), () -> service(config.key()));
    }

    /** Removes a service ({@code ipvsadm -D}). */
    public void removeService(ServiceKey key) {
        change(c -> c.withoutService(key), () -> null);
    }

    /** Removes every service ({@code ipvsadm -C}); timeouts stay. */
    public void clear() {
        change(Configuration::withoutServices, () -> null);
    }

    /** Adds a real server to a service ({@code ipvsadm -a}). */
    public RealServer addRealServer(ServiceKey key, RealServerConfig server) {
        return change(c -> c.withRealServer(key, server), () -> publication.realServer(key, server));
    }

    /** Edits a real server ({@code ipvsadm -e}); the same {@link RealServer} object stays. */
    public RealServer editRealServer(ServiceKey key, RealServerConfig server) {
        return change(c -> c.withEditedRealServer(key, server), () -> publication.realServer(key, server));
    }

    /** Removes the real server with the address and port of {@code server} ({@code ipvsadm -d}). */
    public void removeRealServer(ServiceKey key, RealServerConfig server) {
        change(c -> c.withoutRealServer(key, server), () -> null);
    }

    /** Sets the {@code ipvsadm --set tcp tcpfin udp} timeouts (0 leaves one as it is). */
    public void timeouts(int tcp, int tcpFin, int udp) {
        change(c -> c.withTimeouts(tcp, tcpFin, udp), () -> null);
    }

    /** Configures {@code edit} of the configuration in force and reads {@code result}, both under the lock. */
    private <T> T change(UnaryOperator<Configuration> edit, Supplier<T> result) {
        synchronized (configLock) {
            configure(edit.apply(configuration()));
            return result.get();
        }
    }

    /** The running services in the order they were added. */
    public List<VirtualService> services() {
        return List.copyOf(publication.current().services);
    }

    /** The running service with {@code key}, or {@code null}. */
    public VirtualService service(ServiceKey key) {
        return publication.current().byKey.get(key);
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
            for (VirtualServiceState v : publication.current().services) {
                zero(v);
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
            VirtualServiceState v = key == null ? null : publication.current().byKey.get(key);
            if (v == null) {
                throw new IllegalArgumentException("service: " + key + " does not exist");
            }
            zero(v);
        }
    }

    private static void zero(VirtualServiceState v) {
        v.stats().zero();
        for (RealServerState rs : v.servers()) {
            rs.stats().zero();
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
        return Listing.snapshot(table, servers, clock.getAsLong(), expiredToo);
    }

    /** Whether secure_tcp's state table is in force now (set by {@link #sweep()}). */
    public boolean secureTcpActive() {
        return state.secureTcpActive();
    }

    @Override
    public String toString() {
        return "Director" + publication.current().services + " connections=" + table.size();
    }

    // ================================================================== builder

    /** Builds a {@link Director}; every setter validates and names the field it rejects. */
    public static final class Builder {
        private final Settings settings = new Settings();

        private Builder() {}

        /** The nanosecond clock for timeouts and rates; default {@link System#nanoTime()}. */
        public Builder nanoClock(LongSupplier clock) {
            settings.clock(clock);
            return this;
        }

        /** The bound of the connection table (connections and templates); default 65536. */
        public Builder maxConnections(int max) {
            settings.maxConnections(max);
            return this;
        }

        /** Registers the rewriter of one forwarding method; a later one for the same method replaces it. */
        public Builder rewriter(PacketRewriter rewriter) {
            settings.rewriter(rewriter);
            return this;
        }

        /** Registers a scheduler under {@code name}, ahead of the built-in ones. */
        public Builder scheduler(String name, Scheduler.Factory factory) {
            settings.scheduler(name, factory);
            return this;
        }

        /** Table sizes and random source for schedulers; each service adds its own flags. */
        public Builder schedulerDefaults(SchedulerConfig config) {
            settings.schedulerDefaults(config);
            return this;
        }

        /** Whether IPv4 header and transport checksums are verified (bad ones are dropped); default false. */
        public Builder verifyChecksums(boolean verify) {
            settings.verifyChecksums = verify;
            return this;
        }

        /** The drop_entry defence; default OFF. */
        public Builder dropEntry(Defence mode) {
            settings.dropEntry(mode);
            return this;
        }

        /** The secure_tcp defence; default OFF. */
        public Builder secureTcp(Defence mode) {
            settings.secureTcp(mode);
            return this;
        }

        /** Table fill (0..1) above which AUTO defences engage; default 0.9. */
        public Builder defenceThreshold(double fill) {
            settings.defenceThreshold(fill);
            return this;
        }

        /**
         * IPVS's conn_reuse_mode: 0 off; bit 1 (default): a new-connection packet (TCP SYN, SCTP INIT)
         * on an uncontrolled entry in TIME_WAIT or CLOSE (SCTP CLOSED) expires it and is scheduled
         * afresh; bit 2 adds FIN_WAIT entries that never saw output.
         */
        public Builder connReuseMode(int mode) {
            settings.connReuseMode(mode);
            return this;
        }

        /** IPVS's expire_nodest_conn: traffic to a removed server expires its connection; default false. */
        public Builder expireNodestConn(boolean on) {
            settings.expireNodestConn = on;
            return this;
        }

        /** IPVS's expire_quiescent_template: templates to weight-0 servers are dropped; default false. */
        public Builder expireQuiescentTemplate(boolean on) {
            settings.expireQuiescentTemplate = on;
            return this;
        }

        /** Drop ({@link DropReason#NO_SERVICE}) instead of pass packets of no service; default false. */
        public Builder dropNonServiceTraffic(boolean drop) {
            settings.dropNonService = drop;
            return this;
        }

        /** The connection table's hash seed; default random. Fix it only in tests. */
        public Builder hashSeed(long seed) {
            settings.hashSeed = seed;
            return this;
        }

        /** The handler of ICMP errors quoting no connection (tunnel errors: {@code TunnelIcmpRelay}); default none. */
        public Builder icmpErrorHandler(IcmpErrorHandler handler) {
            settings.icmpErrorHandler = handler;
            return this;
        }

        public Director build() {
            return new Director(settings);
        }
    }
}
