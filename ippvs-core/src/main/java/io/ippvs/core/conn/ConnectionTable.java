package io.ippvs.core.conn;

import static io.ippvs.core.conn.Entries.LIVE;
import static io.ippvs.core.conn.Entries.W_CTL;
import static io.ippvs.core.conn.Entries.base;

import io.ippvs.api.Addresses;
import io.ippvs.core.packet.PacketInfo;
import java.security.SecureRandom;

/**
 * The connection table: every connection and persistence template the director knows, found from
 * an inbound packet (client to virtual address) or an outbound one (real server to client) in O(1).
 *
 * <h2>Storage</h2>
 * No object per connection: an entry is eight {@code long}s of one array named by an int
 * <em>handle</em> in {@code [0, maxConnections)}, laid out as {@link Entries} describes (IPv6
 * addresses in chunks beside it). The parts have a file each: the entry layout ({@link Entries}),
 * the key hash ({@link KeyHash}), the index ({@link KeyIndex}: buckets of eight tagged slots, spills
 * counted per bucket, sized for a load of at most one half at the bound), handle allocation
 * ({@link HandleAllocator}) and how entries leave or change key ({@link Lifecycle}); this class keeps
 * the lookups and the insert, the CAS protocol that ties them together. Each connection has two
 * slots: its inbound key (protocol, client address/port, virtual address/port) and its outbound key
 * (protocol, real server address/port, client address/port); a template has only its inbound key
 * (protocol, masked client address, port 0, virtual address, virtual port or 0). The bucket of a
 * key is chosen by its client end alone, as the kernel chains a connection by protocol, client
 * address and port ({@link KeyHash}), so both slots of a connection share one bucket.
 *
 * Lookups take no lock and allocate nothing. Word 2's control half is a per-handle sequence:
 * {@code generation << 2 | BUSY | LIVE}. A reader reads it (acquire), compares the key words, and
 * reads it again behind an acquire fence: a recycled, dying or half-written entry never matches.
 * Removal claims an entry with one CAS on that word (templates first claim their bookkeeping word,
 * which refuses while connections still reference them), so every entry leaves exactly once and
 * the {@link RemovalListener} hears about it exactly once. Inserts serialize per inbound-key stripe
 * (so two threads cannot insert the same flow twice) and claim index slots by CAS. Free handles sit
 * in {@link HandleAllocator}'s lock-striped per-thread free lists.
 *
 * <p>Mutable fields of a live entry (state, timeout, expiry, flags, packet counter) may be updated
 * from any thread; state changes go through CAS so that exactly one thread sees each transition
 * (the director counts active/inactive connections from them). A handle is valid until its entry
 * leaves the table; afterwards the handle may name a new connection, so callers keep handles only
 * while they process one packet.
 *
 * <h2>Expiry</h2>
 * An entry whose expiry time has passed is treated as absent by every lookup and reclaimed there
 * (lazy expiry); {@link #sweep(long)} reclaims the rest. A template outlives its timeout while
 * connections it controls are alive: like {@code ip_vs_conn_expire}, which sets
 * {@code cp->timeout = 60*HZ} and re-arms the timer, its timeout becomes 60 s and it is kept for
 * another 60 s each time it runs out under live connections.
 *
 * <h2>Wildcard client port</h2>
 * An entry inserted with {@link ConnectionFlags#NO_CPORT} (FTP expected data connection) has client
 * port 0. When a lookup misses and at least one such entry exists, the lookup is retried with client
 * port 0; a match is bound to the packet's port (re-indexed, flag cleared) and returned. Without
 * NO_CPORT entries the retry costs one volatile read.
 *
 * <h2>Bound</h2>
 * At most {@code maxConnections} entries (connections and templates) are live; {@link #insert}
 * returns {@link #FULL} beyond that and never evicts anything.
 */
public final class ConnectionTable {

    /** Lookup result: no live entry has the key. Also "no template" in a handle field. */
    public static final int NOT_FOUND = -1;
    /** "No handle" in handle-valued fields (controlling template). */
    public static final int NO_HANDLE = -1;
    /** Insert result: the table holds {@link #maxConnections()} entries. */
    public static final int FULL = -1;
    /** Insert result: the controlling template given in the spec is gone or going. */
    public static final int STALE_TEMPLATE = -2;
    /** Largest accepted bound: 2^26 entries (4 GiB of entry storage). */
    public static final int MAX_CAPACITY = 1 << 26;
    /** The port ip_vs_check_template writes into an invalidated template. */
    public static final int INVALID_PORT = 0xFFFF;
    /**
     * How far an entry's expiry may stay behind the one {@link #touch} would set (about 1 ms): IPVS's
     * timers are as coarse (jiffies), and a packet that writes nothing leaves its entry's cache line
     * shared between the cores that carry the flow.
     */
    public static final long TOUCH_SLACK_NANOS = 1L << 20;

    static final int EXISTS_BASE = -3;

    private final int maxConnections;
    private final long[] entries;
    private final long[][] v6;
    private final KeyIndex index;
    private final HandleAllocator handles;
    private final Lifecycle lifecycle;
    private final Store store;

    /**
     * A table of at most {@code maxConnections} entries with a random hash seed and no listener.
     *
     * @throws IllegalArgumentException if {@code maxConnections} is not in 1..{@link #MAX_CAPACITY}
     */
    public ConnectionTable(int maxConnections) {
        this(maxConnections, new SecureRandom().nextLong(), null);
    }

    /**
     * A table of at most {@code maxConnections} entries.
     *
     * @param seed hash seed; pass a random value (a fixed one only in tests)
     * @param listener told about every entry that leaves the table; may be null
     * @throws IllegalArgumentException if {@code maxConnections} is not in 1..{@link #MAX_CAPACITY}
     */
    public ConnectionTable(int maxConnections, long seed, RemovalListener listener) {
        this(checked(maxConnections), seed, listener, new KeyIndex(KeyIndex.bucketsFor(maxConnections), maxConnections));
    }

    private static int checked(int maxConnections) {
        if (maxConnections < 1 || maxConnections > MAX_CAPACITY) {
            throw new IllegalArgumentException(
                    "maxConnections: " + maxConnections + " is not in 1.." + MAX_CAPACITY);
        }
        return maxConnections;
    }

    /** The table over {@code index} (for refs of {@code maxConnections} entries), assembled from its parts. */
    ConnectionTable(int maxConnections, long seed, RemovalListener listener, KeyIndex index) {
        this.maxConnections = checked(maxConnections);
        KeyHash keyHash = new KeyHash(seed);
        this.entries = Entries.allocate(maxConnections);
        this.handles = new HandleAllocator(entries, Entries.PAD + Entries.W_LINKS, Entries.SHIFT, maxConnections);
        this.v6 = Entries.allocateV6(maxConnections);
        this.index = index;
        this.lifecycle = new Lifecycle(this, listener == null ? (t, h, e) -> {} : listener, entries, v6, keyHash,
                index, handles, maxConnections);
        this.store = new Store(maxConnections, keyHash, entries, v6, index, handles, lifecycle);
    }

    // ------------------------------------------------------------------ results of insert

    /** Whether an {@link #insert} result is a new entry's handle. */
    public static boolean inserted(int result) {
        return result >= 0;
    }

    /** Whether an {@link #insert} result says a live entry with the same inbound key exists. */
    public static boolean exists(int result) {
        return result <= EXISTS_BASE;
    }

    /** The handle of the existing entry from an {@link #insert} result for which {@link #exists} holds. */
    public static int existingHandle(int result) {
        return EXISTS_BASE - result;
    }

    // ------------------------------------------------------------------ size

    /** The bound given at construction. */
    public int maxConnections() {
        return maxConnections;
    }

    /** Live entries, templates included (exact when no insert or removal is in progress). */
    public int size() {
        return handles.live();
    }

    /** Handles ever used are below this value: iterate {@code [0, handleLimit())}. */
    public int handleLimit() {
        return handles.highWater();
    }

    /** Bytes of the table's arrays (entries, index, IPv6 chunks allocated so far). */
    public long footprintBytes() {
        long bytes = 16L + 8L * entries.length + index.footprintBytes();
        bytes += 16L + 4L * v6.length;
        for (long[] chunk : v6) {
            if (chunk != null) {
                bytes += 16L + 8L * chunk.length;
            }
        }
        return bytes + handles.footprintBytes() + Store.footprintBytes();
    }

    // ------------------------------------------------------------------ lookups

    /**
     * The live connection an inbound packet (client to virtual address) belongs to.
     *
     * <p>IPv4 addresses are the low words ({@code high} ignored). Expired entries met on the way are
     * reclaimed. On a miss with NO_CPORT entries present, retries with client port 0 and binds the
     * port of a match.
     *
     * @return the handle, or {@link #NOT_FOUND}
     */
    public int lookupInbound(int family, int protocol, long clientHigh, long clientLow, int clientPort,
            long virtualHigh, long virtualLow, int virtualPort, long nowNanos) {
        return store.lookupInbound(family, protocol, clientHigh, clientLow, clientPort, virtualHigh, virtualLow, virtualPort, nowNanos);
    }

    /**
     * The live connection an outbound packet (real server to client) belongs to. Templates have no
     * outbound key. On a miss with NO_CPORT entries present, retries with client port 0 and binds.
     *
     * @return the handle, or {@link #NOT_FOUND}
     */
    public int lookupOutbound(int family, int protocol, long serverHigh, long serverLow, int serverPort,
            long clientHigh, long clientLow, int clientPort, long nowNanos) {
        return store.lookupOutbound(family, protocol, serverHigh, serverLow, serverPort, clientHigh, clientLow, clientPort, nowNanos);
    }

    /**
     * {@link #lookupInbound(int, int, long, long, int, long, long, int, long)} for a parsed packet
     * travelling client to virtual address (source = client, destination = virtual).
     */
    public int lookupInbound(PacketInfo packet, long nowNanos) {
        return lookupInbound(packet.addressFamily(), packet.protocolNumber(), packet.srcHigh(), packet.srcLow(),
                packet.srcPort(), packet.dstHigh(), packet.dstLow(), packet.dstPort(), nowNanos);
    }

    /**
     * {@link #lookupOutbound(int, int, long, long, int, long, long, int, long)} for a parsed packet
     * travelling real server to client (source = real server, destination = client).
     */
    public int lookupOutbound(PacketInfo packet, long nowNanos) {
        return lookupOutbound(packet.addressFamily(), packet.protocolNumber(), packet.srcHigh(), packet.srcLow(),
                packet.srcPort(), packet.dstHigh(), packet.dstLow(), packet.dstPort(), nowNanos);
    }

    // ------------------------------------------------------------------ burst stages

    /**
     * A burst's second stage for a parsed packet: computes the inbound key's hash and reads its home
     * index bucket, so that the cache misses of a whole burst's buckets overlap instead of each
     * packet's lookup waiting for its own. Reads only, never expires or binds anything.
     *
     * @return a hint for {@link #touchEntry}: the entry the first slot with the key's tag points to
     *     (perhaps another key's, perhaps not live), or {@link #NOT_FOUND}
     */
    public int touchInbound(PacketInfo packet) {
        return store.touchInbound(packet);
    }

    /** {@link #touchInbound} for the outbound key (source = real server, destination = client). */
    public int touchOutbound(PacketInfo packet) {
        return store.touchOutbound(packet);
    }

    /**
     * A burst's third stage: reads the words of entry {@code hint} a match compares (its control and
     * key words and, for IPv6, its address chunk) so that their misses overlap across the burst.
     *
     * @param hint from {@link #touchInbound} / {@link #touchOutbound}; {@link #NOT_FOUND} reads nothing
     * @return a value made of what was read, for the caller to keep so the reads are not optimised away
     */
    public long touchEntry(int hint) {
        return store.touchEntry(hint);
    }

    /**
     * The live persistence template for (protocol, masked client address, virtual address, virtual
     * port or 0). The caller masks the client address.
     *
     * @return the template's handle, or {@link #NOT_FOUND}
     */
    public int lookupTemplate(int family, int protocol, long clientHigh, long clientLow, long virtualHigh,
            long virtualLow, int virtualPort, long nowNanos) {
        return store.lookupTemplate(family, protocol, clientHigh, clientLow, virtualHigh, virtualLow, virtualPort, nowNanos);
    }

    // ------------------------------------------------------------------ insert and remove

    /**
     * Inserts the connection (or, with {@link ConnectionFlags#TEMPLATE}, the template) {@code spec}
     * describes, expiring {@code spec}'s timeout after {@code nowNanos}. A controlling template given
     * in the spec gains one controlled connection. Templates and {@link ConnectionFlags#NO_CPORT}
     * entries are stored with client port 0 whatever the spec says.
     *
     * @return the new entry's handle ({@code >= 0}); {@link #FULL}; {@link #STALE_TEMPLATE} when the
     *     controlling template is no longer live (expired, removed, or its handle reused by another
     *     thread since the caller looked it up: reschedule); or, when
     *     a live entry with the same inbound key exists, a value for which {@link #exists} holds and
     *     {@link #existingHandle} gives that entry (nothing is inserted)
     * @throws IllegalArgumentException for a field out of range (family, protocol, ports, state,
     *     flags, timeout, template)
     */
    public int insert(ConnectionSpec spec, long nowNanos) {
        return store.insert(spec, nowNanos);
    }


    /**
     * Removes entry {@code handle} now, telling the listener (expired = false). A template that still
     * controls connections is detached instead: no longer found, removed when its last connection
     * goes.
     *
     * @return true if this call removed (or detached) the entry, false if it was not live
     */
    public boolean remove(int handle) {
        return lifecycle.remove(handle);
    }

    /**
     * Reclaims every entry expired at {@code nowNanos} (and detached templates without connections),
     * telling the listener about each.
     *
     * @return the number of entries removed
     */
    public int sweep(long nowNanos) {
        return lifecycle.sweep(nowNanos);
    }

    /**
     * ip_vs_check_template's invalidation of a template whose server is gone or quiesced: re-keyed
     * with virtual and destination port 0xffff, so a lookup for its client no longer finds it and a
     * new template can take its key, while it stays listed, bound to its server and counted until it
     * expires (its timer is not restarted). A template already invalidated, detached or being
     * removed is left as it is.
     *
     * @return true if this call re-keyed the template
     */
    public boolean invalidateTemplate(int handle) {
        return lifecycle.invalidateTemplate(handle);
    }

    /** Visits every live entry, in handle order, until the visitor returns false. */
    public void forEach(ConnectionVisitor visitor) {
        forEach(0, Integer.MAX_VALUE, visitor);
    }

    /**
     * Visits the live entries with handles in {@code [fromHandle, toHandle)} (clipped to
     * {@link #handleLimit()}) until the visitor returns false; drop_entry walks 1/32 of the range per
     * call.
     */
    public void forEach(int fromHandle, int toHandle, ConnectionVisitor visitor) {
        int limit = Math.min(toHandle, handles.highWater());
        for (int h = Math.max(0, fromHandle); h < limit; h++) {
            if ((Entries.control(entries, h) & LIVE) != 0 && !visitor.visit(this, h)) {
                return;
            }
        }
    }

    /** Whether {@code handle} names a live entry. */
    public boolean isLive(int handle) {
        return (Entries.control(entries, handle) & LIVE) != 0;
    }

    // ------------------------------------------------------------------ entry fields

    /** {@link Addresses#IPV4} or {@link Addresses#IPV6}. */
    public int family(int handle) {
        return Entries.family(entries, handle);
    }

    /** IANA protocol number. */
    public int protocol(int handle) {
        return Entries.protocol(entries, handle);
    }

    /** Whether the entry is a persistence template. */
    public boolean isTemplate(int handle) {
        return Entries.isTemplateKind(entries[base(handle) + W_CTL]);
    }

    /** High word of the client address (0 for IPv4). */
    public long clientHigh(int handle) {
        return Entries.clientHigh(entries, v6, handle);
    }

    /** Low word of the client address (the unsigned IPv4 address). */
    public long clientLow(int handle) {
        return Entries.clientLow(entries, v6, handle);
    }

    /** Client port (0 for templates and unbound NO_CPORT entries). */
    public int clientPort(int handle) {
        return Entries.clientPort(entries, handle);
    }

    /** High word of the virtual address (0 for IPv4). */
    public long virtualHigh(int handle) {
        return Entries.virtualHigh(entries, v6, handle);
    }

    /** Low word of the virtual address. */
    public long virtualLow(int handle) {
        return Entries.virtualLow(entries, v6, handle);
    }

    /** Virtual port. */
    public int virtualPort(int handle) {
        return Entries.virtualPort(entries, handle);
    }

    /** High word of the real server address (0 for IPv4). */
    public long destinationHigh(int handle) {
        return Entries.destinationHigh(entries, v6, handle);
    }

    /** Low word of the real server address. */
    public long destinationLow(int handle) {
        return Entries.destinationLow(entries, v6, handle);
    }

    /** Real server port. */
    public int destinationPort(int handle) {
        return Entries.destinationPort(entries, handle);
    }

    /** Protocol state code (see {@code io.ippvs.core.proto}). */
    public int state(int handle) {
        return Entries.state(entries, handle);
    }

    /** {@link ConnectionFlags} bits. */
    public int flags(int handle) {
        return Entries.flags(entries, handle);
    }

    /** Timeout in seconds: expiry is this long after the last {@link #refresh}. */
    public int timeoutSeconds(int handle) {
        return Entries.timeoutSeconds(entries, handle);
    }

    /** Expiry time in the clock's nanoseconds. */
    public long expiresAtNanos(int handle) {
        return Entries.expiresAtNanos(entries, handle);
    }

    /** The real server id the director gave at insert (or later with {@link #realServer(int, int)}). */
    public int realServer(int handle) {
        return Entries.realServer(entries, handle);
    }

    /** Handle of the controlling template, or {@link #NO_HANDLE}. */
    public int template(int handle) {
        return Entries.template(entries, handle);
    }

    /** For a template: how many live connections it controls. 0 for connections. */
    public int controlledCount(int handle) { // public for the director: a template made for a dropped first packet
        return Entries.controlledCount(entries, handle);
    }

    /** Packets counted with {@link #incrementPackets}. */
    public long packets(int handle) {
        return Entries.packets(entries, handle);
    }

    /** The caller-defined int given at insert or with {@link #attachment(int, int)}. */
    public int attachment(int handle) {
        return Entries.attachment(entries, handle);
    }

    // ------------------------------------------------------------------ entry mutators

    /** Sets state and timeout and restarts the timeout at {@code nowNanos}. */
    public void state(int handle, int state, int timeoutSeconds, long nowNanos) {
        Entries.state(entries, handle, state, timeoutSeconds, nowNanos);
    }

    /**
     * Moves the entry from {@code expectedState} to {@code newState} (with its timeout, restarted at
     * {@code nowNanos}) if it is still in {@code expectedState}: of threads racing on one transition
     * exactly one succeeds, so per-server active/inactive counts stay exact.
     */
    public boolean compareAndSetState(int handle, int expectedState, int newState, int timeoutSeconds,
            long nowNanos) {
        return Entries.compareAndSetState(entries, handle, expectedState, newState, timeoutSeconds, nowNanos);
    }

    /** Restarts the timeout: expiry = {@code nowNanos} + timeout. */
    public void refresh(int handle, long nowNanos) {
        Entries.refresh(entries, handle, nowNanos);
    }

    /**
     * An established flow's packet: sets the timeout to {@code timeoutSeconds} if it differs and
     * restarts it at {@code nowNanos}, except that an expiry less than {@link #TOUCH_SLACK_NANOS}
     * earlier than the new one is left as it is. One read of the state word instead of the two of
     * {@link #timeoutSeconds(int)} plus {@link #refresh}.
     */
    public void touch(int handle, int timeoutSeconds, long nowNanos) {
        Entries.touch(entries, handle, timeoutSeconds, nowNanos, TOUCH_SLACK_NANOS);
    }

    /** Sets the expiry time directly (e.g. 0 with an old clock value to expire on the next sweep). */
    public void expiresAtNanos(int handle, long nanos) {
        Entries.expiresAtNanos(entries, handle, nanos);
    }

    /** Changes the timeout without touching the expiry time (applies from the next refresh). */
    public void timeoutSeconds(int handle, int seconds) {
        Entries.timeoutSeconds(entries, handle, seconds);
    }

    /**
     * Sets flag bits ({@link ConnectionFlags#TEMPLATE} and {@link ConnectionFlags#NO_CPORT} are
     * ignored: the table owns them).
     *
     * @return the flags before the change
     */
    public int setFlags(int handle, int bits) { // public for the sync backup (SyncedConnections)
        return Entries.updateFlags(entries, handle, bits & ~ConnectionFlags.TABLE_OWNED, 0);
    }

    /**
     * Clears flag bits (TEMPLATE and NO_CPORT are ignored).
     *
     * @return the flags before the change
     */
    public int clearFlags(int handle, int bits) {
        return Entries.updateFlags(entries, handle, 0, bits & ~ConnectionFlags.TABLE_OWNED);
    }

    /** Counts one packet; returns the new count (the sync protocol sends on count % 50 == 3). */
    public long incrementPackets(int handle) {
        return Entries.incrementPackets(entries, handle);
    }

    /**
     * Counts one packet without a locked instruction (an opaque read and write): two threads counting
     * the same entry at once may lose one count. For the sync master's {@code pkts % sync_period},
     * which a lost count only shifts; returns the new count.
     */
    public long countPacket(int handle) {
        return Entries.countPacket(entries, handle);
    }

    /** Sets the packet count (a sync backup sets sync_threshold, as {@code ip_vs_proc_conn} does). */
    public void packets(int handle, long count) {
        Entries.packets(entries, handle, count);
    }

    /** Replaces the caller-defined int. */
    public void attachment(int handle, int value) {
        Entries.attachment(entries, handle, value);
    }

    /** Rebinds the entry to another real server id (sync backups, re-scheduling). */
    public void realServer(int handle, int id) {
        Entries.realServer(entries, handle, id);
    }
}
