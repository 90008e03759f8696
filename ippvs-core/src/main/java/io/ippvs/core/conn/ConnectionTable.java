package io.ippvs.core.conn;

import io.ippvs.api.Addresses;
import io.ippvs.core.packet.PacketInfo;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connection table: every connection and persistence template the director knows, found from
 * an inbound packet (client to virtual address) or an outbound one (real server to client) in O(1).
 *
 * <h2>Storage</h2>
 * No object per connection. An entry is eight {@code long}s of one array, contiguous (one cache line
 * once the array is region-aligned), named by an int <em>handle</em> in {@code [0, maxConnections)}:
 * <pre>
 *   0  client addr (32) | virtual addr (32)          IPv4; 0 for IPv6 (addresses in the v6 store)
 *   1  dest addr (32)   | client port (16) | virtual port (16)
 *   2  dest port (16) | protocol (8) | kind (8) | control (32)     kind = family | TEMPLATE 0x80
 *   3  expiry, clock nanos
 *   4  flags (16) | state (8) | unused (8) | timeout seconds (32)
 *   5  real server id (32) | controlling template handle (32); free-list link when dead
 *   6  attachment (32) | template bookkeeping (32): controlled count, UNINDEXING, DETACHED, DYING
 *   7  packet counter
 * </pre>
 * IPv6 addresses (six longs) live in chunks of 1024 entries allocated the first time a handle of the
 * chunk holds an IPv6 connection, so IPv4-only tables pay nothing for them.
 *
 * <p>The index ({@link KeyIndex}) is an {@code int[]} of buckets of eight slots (32 bytes), the key
 * hash ({@link KeyHash}) its own class, and handle allocation ({@link HandleAllocator}) too; this
 * class keeps the entry layout and the CAS protocol that ties them together. Each connection has two
 * slots: its inbound key (protocol, client address/port, virtual address/port) and its outbound key
 * (protocol, real server address/port, client address/port); a template has only its inbound key
 * (protocol, masked client address, port 0, virtual address, virtual port or 0). A slot holds
 * {@code (handle << 1 | direction) + 1} under a tag of spare hash bits, so a probe rarely touches a
 * foreign entry. The bucket comes from a 64-bit hash mixed with a random per-table seed; a full
 * bucket spills into the next one and counts the spill in a per-bucket overflow counter (as Folly's
 * F14 does), so lookups stop at the first bucket without overflow, entries never move and removal
 * needs neither tombstones nor backward shifts. Buckets are sized for a load of at most one half at
 * the bound.
 *
 * <h2>Concurrency</h2>
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

    private static final int EXISTS_BASE = -3;

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    // entry layout
    private static final int SHIFT = 3;
    /*
     * Large arrays are humongous G1 objects that start on a region boundary; a 16-byte array header
     * plus 6 longs of padding puts every entry on a 64-byte boundary.
     */
    private static final int PAD = 6;
    private static final int W_ADDR = 0;
    private static final int W_KEY = 1;
    private static final int W_CTL = 2;
    private static final int W_EXPIRY = 3;
    private static final int W_STATE = 4;
    private static final int W_LINKS = 5;
    private static final int W_AUX = 6;
    private static final int W_PACKETS = 7;

    private static final long LIVE = 1L;
    private static final long BUSY = 2L;
    private static final int TEMPLATE_KIND = 0x80;
    private static final int OUT_KIND = 0x40;
    private static final long KIND_PROTO_MASK = 0xFFFFL << 32;

    private static final long COUNT_MASK = 0x1FFF_FFFFL;
    // set while remove() unindexes a detached template: its handle must not be freed meanwhile
    private static final long UNINDEXING = 1L << 29;
    private static final long DETACHED = 1L << 30;
    private static final long DYING = 1L << 31;

    private static final long FLAGS_MASK = 0xFFFFL << 48;

    private static final int IN = 0;
    private static final int OUT = 1;

    private static final int V6_SHIFT = 10;
    private static final int V6_MASK = (1 << V6_SHIFT) - 1;
    private static final int V6_WORDS = 6;

    private static final int STRIPES = 64;
    private static final int STRIPE_MASK = STRIPES - 1;
    // free-list heads and live counts, one cache line apart


    private final int maxConnections;
    private final KeyHash keyHash;
    private final RemovalListener listener;

    private final long[] entries;
    private final long[][] v6;
    private final KeyIndex index;

    private final Object[] insertLocks = new Object[STRIPES];
    private final HandleAllocator handles;
    private final AtomicInteger noCportCount = new AtomicInteger();
    private final AtomicInteger templateCount = new AtomicInteger();

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
        this(maxConnections, seed, listener, KeyIndex.bucketsFor(maxConnections));
    }

    /** Tests: an index of {@code buckets} buckets (a power of two holding at least two keys per entry). */
    ConnectionTable(int maxConnections, long seed, RemovalListener listener, int buckets) {
        if (maxConnections < 1 || maxConnections > MAX_CAPACITY) {
            throw new IllegalArgumentException(
                    "maxConnections: " + maxConnections + " is not in 1.." + MAX_CAPACITY);
        }
        this.maxConnections = maxConnections;
        this.keyHash = new KeyHash(seed);
        this.listener = listener == null ? (t, h, e) -> {} : listener;
        this.entries = new long[PAD + (maxConnections << SHIFT)];
        this.handles = new HandleAllocator(entries, PAD + W_LINKS, SHIFT, maxConnections);
        this.v6 = new long[(maxConnections + V6_MASK) >>> V6_SHIFT][];
        this.index = new KeyIndex(buckets, maxConnections);
        for (int i = 0; i < STRIPES; i++) {
            insertLocks[i] = new long[14]; // 128 bytes each: no two stripes share a cache line
        }
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

    /** Live persistence templates. */
    int templateCount() { // the table's own tests read it: no caller outside needs it
        return templateCount.get();
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
        return bytes + handles.footprintBytes() + STRIPES * 128L;
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
        long hash = hash(IN, family, protocol, clientHigh, clientLow, clientPort, virtualHigh, virtualLow, virtualPort);
        int h = probe(hash, IN, family, protocol, clientHigh, clientLow, clientPort, virtualHigh, virtualLow,
                virtualPort, false, nowNanos);
        if (h >= 0 || clientPort == 0 || noCportCount.get() == 0) {
            return h;
        }
        hash = hash(IN, family, protocol, clientHigh, clientLow, 0, virtualHigh, virtualLow, virtualPort);
        h = probe(hash, IN, family, protocol, clientHigh, clientLow, 0, virtualHigh, virtualLow, virtualPort, true,
                nowNanos);
        return h >= 0 ? bindClientPort(h, clientPort) : NOT_FOUND;
    }

    /**
     * The live connection an outbound packet (real server to client) belongs to. Templates have no
     * outbound key. On a miss with NO_CPORT entries present, retries with client port 0 and binds.
     *
     * @return the handle, or {@link #NOT_FOUND}
     */
    public int lookupOutbound(int family, int protocol, long serverHigh, long serverLow, int serverPort,
            long clientHigh, long clientLow, int clientPort, long nowNanos) {
        long hash = hash(OUT, family, protocol, serverHigh, serverLow, serverPort, clientHigh, clientLow, clientPort);
        int h = probe(hash, OUT, family, protocol, serverHigh, serverLow, serverPort, clientHigh, clientLow,
                clientPort, false, nowNanos);
        if (h >= 0 || clientPort == 0 || noCportCount.get() == 0) {
            return h;
        }
        hash = hash(OUT, family, protocol, serverHigh, serverLow, serverPort, clientHigh, clientLow, 0);
        h = probe(hash, OUT, family, protocol, serverHigh, serverLow, serverPort, clientHigh, clientLow, 0, true,
                nowNanos);
        return h >= 0 ? bindClientPort(h, clientPort) : NOT_FOUND;
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
        return index.touch(hash(IN, packet.addressFamily(), packet.protocolNumber(), packet.srcHigh(), packet.srcLow(),
                packet.srcPort(), packet.dstHigh(), packet.dstLow(), packet.dstPort()), IN);
    }

    /** {@link #touchInbound} for the outbound key (source = real server, destination = client). */
    public int touchOutbound(PacketInfo packet) {
        return index.touch(hash(OUT, packet.addressFamily(), packet.protocolNumber(), packet.srcHigh(), packet.srcLow(),
                packet.srcPort(), packet.dstHigh(), packet.dstLow(), packet.dstPort()), OUT);
    }

    /**
     * A burst's third stage: reads the words of entry {@code hint} a match compares (its control and
     * key words and, for IPv6, its address chunk) so that their misses overlap across the burst.
     *
     * @param hint from {@link #touchInbound} / {@link #touchOutbound}; {@link #NOT_FOUND} reads nothing
     * @return a value made of what was read, for the caller to keep so the reads are not optimised away
     */
    public long touchEntry(int hint) {
        if (hint < 0 || hint >= maxConnections) {
            return 0;
        }
        long[] en = entries;
        int e = base(hint);
        long c = en[e + W_CTL];
        if (((c >>> 32) & 0x7) == Addresses.IPV6) {
            long[] chunk = v6[hint >>> V6_SHIFT];
            if (chunk != null) {
                c ^= chunk[(hint & V6_MASK) * V6_WORDS];
            }
        }
        return c ^ en[e + W_ADDR];
    }

    /**
     * The live persistence template for (protocol, masked client address, virtual address, virtual
     * port or 0). The caller masks the client address.
     *
     * @return the template's handle, or {@link #NOT_FOUND}
     */
    public int lookupTemplate(int family, int protocol, long clientHigh, long clientLow, long virtualHigh,
            long virtualLow, int virtualPort, long nowNanos) {
        int kind = family | TEMPLATE_KIND;
        long hash = hash(IN, kind, protocol, clientHigh, clientLow, 0, virtualHigh, virtualLow, virtualPort);
        return probe(hash, IN, kind, protocol, clientHigh, clientLow, 0, virtualHigh, virtualLow, virtualPort, false,
                nowNanos);
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
        validate(spec);
        boolean template = (spec.flags & ConnectionFlags.TEMPLATE) != 0;
        int kind = spec.family | (template ? TEMPLATE_KIND : 0);
        int clientPort = template || (spec.flags & ConnectionFlags.NO_CPORT) != 0 ? 0 : spec.clientPort;
        int protocol = spec.protocol;
        long inHash = hash(IN, kind, protocol, spec.clientHigh, spec.clientLow, clientPort, spec.virtualHigh,
                spec.virtualLow, spec.virtualPort);
        synchronized (insertLocks[(int) (inHash >>> 40) & STRIPE_MASK]) {
            int existing = probe(inHash, IN, kind, protocol, spec.clientHigh, spec.clientLow, clientPort,
                    spec.virtualHigh, spec.virtualLow, spec.virtualPort, false, nowNanos);
            if (existing >= 0) {
                return EXISTS_BASE - existing;
            }
            if (spec.template != NO_HANDLE && !acquireTemplate(spec.template)) {
                return STALE_TEMPLATE;
            }
            int h = handles.allocate();
            if (h < 0) {
                if (spec.template != NO_HANDLE) {
                    releaseTemplate(spec.template);
                }
                return FULL;
            }
            write(h, spec, kind, clientPort, nowNanos);
            index(inHash, h, IN);
            if (!template) {
                index(hash(OUT, spec.family, protocol, spec.destinationHigh, spec.destinationLow,
                        spec.destinationPort, spec.clientHigh, spec.clientLow, clientPort), h, OUT);
            } else {
                templateCount.incrementAndGet();
            }
            if ((spec.flags & ConnectionFlags.NO_CPORT) != 0) {
                noCportCount.incrementAndGet();
            }
            return h;
        }
    }

    /**
     * Removes entry {@code handle} now, telling the listener (expired = false). A template that still
     * controls connections is detached instead: no longer found, removed when its last connection
     * goes.
     *
     * @return true if this call removed (or detached) the entry, false if it was not live
     */
    public boolean remove(int handle) {
        int e = base(handle);
        for (;;) {
            long c = (long) LONGS.getAcquire(entries, e + W_CTL);
            if ((c & LIVE) == 0) {
                return false;
            }
            if ((c & BUSY) != 0) {
                Thread.onSpinWait();
                continue;
            }
            if (isTemplateKind(c)) {
                long aux = (long) LONGS.getVolatile(entries, e + W_AUX);
                if ((aux & (DYING | DETACHED)) != 0) {
                    return false;
                }
                if ((aux & COUNT_MASK) != 0) {
                    if (LONGS.compareAndSet(entries, e + W_AUX, aux, aux | DETACHED | UNINDEXING)) {
                        unindex(handle, c, IN);
                        long after = (long) LONGS.getAndBitwiseAnd(entries, e + W_AUX, ~UNINDEXING);
                        // the last controlled connection may have left while we unindexed
                        if ((after & COUNT_MASK) == 0 && claim(handle, c)) {
                            finish(handle, c, false);
                        }
                        return true;
                    }
                    continue;
                }
            }
            if (claim(handle, c)) {
                finish(handle, c, false);
                return true;
            }
        }
    }

    /**
     * Reclaims every entry expired at {@code nowNanos} (and detached templates without connections),
     * telling the listener about each.
     *
     * @return the number of entries removed
     */
    public int sweep(long nowNanos) {
        int removed = 0;
        int limit = handles.highWater();
        long[] en = entries;
        for (int h = 0; h < limit; h++) {
            int e = base(h);
            long c = (long) LONGS.getAcquire(en, e + W_CTL);
            if ((c & LIVE) == 0 || (c & BUSY) != 0) {
                continue;
            }
            if (isTemplateKind(c)) {
                long aux = (long) LONGS.getVolatile(en, e + W_AUX);
                if ((aux & DETACHED) != 0 && (aux & COUNT_MASK) == 0) {
                    if (claim(h, c)) {
                        finish(h, c, false);
                        removed++;
                    }
                    continue;
                }
            }
            if (nowNanos - (long) LONGS.getOpaque(en, e + W_EXPIRY) >= 0 && expire(h, c, nowNanos) == REMOVED) {
                removed++;
            }
        }
        return removed;
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
            if ((((long) LONGS.getAcquire(entries, base(h) + W_CTL)) & LIVE) != 0 && !visitor.visit(this, h)) {
                return;
            }
        }
    }

    /** Whether {@code handle} names a live entry. */
    public boolean isLive(int handle) {
        return (((long) LONGS.getAcquire(entries, base(handle) + W_CTL)) & LIVE) != 0;
    }

    // ------------------------------------------------------------------ entry fields

    /** {@link Addresses#IPV4} or {@link Addresses#IPV6}. */
    public int family(int handle) {
        return (int) (entries[base(handle) + W_CTL] >>> 32) & 0x7;
    }

    /** IANA protocol number. */
    public int protocol(int handle) {
        return (int) (entries[base(handle) + W_CTL] >>> 40) & 0xFF;
    }

    /** Whether the entry is a persistence template. */
    public boolean isTemplate(int handle) {
        return isTemplateKind(entries[base(handle) + W_CTL]);
    }

    /** High word of the client address (0 for IPv4). */
    public long clientHigh(int handle) {
        return family(handle) == Addresses.IPV4 ? 0 : v6Word(handle, 0);
    }

    /** Low word of the client address (the unsigned IPv4 address). */
    public long clientLow(int handle) {
        return family(handle) == Addresses.IPV4 ? entries[base(handle) + W_ADDR] >>> 32 : v6Word(handle, 1);
    }

    /** Client port (0 for templates and unbound NO_CPORT entries). */
    public int clientPort(int handle) {
        return (int) (((long) LONGS.getOpaque(entries, base(handle) + W_KEY)) >>> 16) & 0xFFFF;
    }

    /** High word of the virtual address (0 for IPv4). */
    public long virtualHigh(int handle) {
        return family(handle) == Addresses.IPV4 ? 0 : v6Word(handle, 2);
    }

    /** Low word of the virtual address. */
    public long virtualLow(int handle) {
        return family(handle) == Addresses.IPV4 ? entries[base(handle) + W_ADDR] & 0xFFFFFFFFL : v6Word(handle, 3);
    }

    /** Virtual port. */
    public int virtualPort(int handle) {
        return (int) entries[base(handle) + W_KEY] & 0xFFFF;
    }

    /** High word of the real server address (0 for IPv4). */
    public long destinationHigh(int handle) {
        return family(handle) == Addresses.IPV4 ? 0 : v6Word(handle, 4);
    }

    /** Low word of the real server address. */
    public long destinationLow(int handle) {
        return family(handle) == Addresses.IPV4 ? entries[base(handle) + W_KEY] >>> 32 : v6Word(handle, 5);
    }

    /** Real server port. */
    public int destinationPort(int handle) {
        return (int) (entries[base(handle) + W_CTL] >>> 48) & 0xFFFF;
    }

    /** Protocol state code (see {@code io.ippvs.core.proto}). */
    public int state(int handle) {
        return (int) (((long) LONGS.getOpaque(entries, base(handle) + W_STATE)) >>> 40) & 0xFF;
    }

    /** {@link ConnectionFlags} bits. */
    public int flags(int handle) {
        return (int) (((long) LONGS.getOpaque(entries, base(handle) + W_STATE)) >>> 48) & 0xFFFF;
    }

    /** Timeout in seconds: expiry is this long after the last {@link #refresh}. */
    public int timeoutSeconds(int handle) {
        return (int) ((long) LONGS.getOpaque(entries, base(handle) + W_STATE));
    }

    /** Expiry time in the clock's nanoseconds. */
    public long expiresAtNanos(int handle) {
        return (long) LONGS.getOpaque(entries, base(handle) + W_EXPIRY);
    }

    /** The real server id the director gave at insert (or later with {@link #realServer(int, int)}). */
    public int realServer(int handle) {
        return (int) (((long) LONGS.getOpaque(entries, base(handle) + W_LINKS)) >>> 32);
    }

    /** Handle of the controlling template, or {@link #NO_HANDLE}. */
    public int template(int handle) {
        return (int) entries[base(handle) + W_LINKS];
    }

    /** For a template: how many live connections it controls. 0 for connections. */
    public int controlledCount(int handle) { // public for the director: a template made for a dropped first packet
        return (int) (((long) LONGS.getVolatile(entries, base(handle) + W_AUX)) & COUNT_MASK);
    }

    /** Packets counted with {@link #incrementPackets}. */
    public long packets(int handle) {
        return (long) LONGS.getOpaque(entries, base(handle) + W_PACKETS);
    }

    /** The caller-defined int given at insert or with {@link #attachment(int, int)}. */
    public int attachment(int handle) {
        return (int) (((long) LONGS.getOpaque(entries, base(handle) + W_AUX)) >>> 32);
    }

    // ------------------------------------------------------------------ entry mutators

    /** Sets state and timeout and restarts the timeout at {@code nowNanos}. */
    public void state(int handle, int state, int timeoutSeconds, long nowNanos) {
        int e = base(handle);
        for (;;) {
            long w = (long) LONGS.getVolatile(entries, e + W_STATE);
            long n = (w & FLAGS_MASK) | ((long) (state & 0xFF) << 40) | (timeoutSeconds & 0xFFFFFFFFL);
            if (LONGS.compareAndSet(entries, e + W_STATE, w, n)) {
                break;
            }
        }
        LONGS.setOpaque(entries, e + W_EXPIRY, nowNanos + timeoutSeconds * 1_000_000_000L);
    }

    /**
     * Moves the entry from {@code expectedState} to {@code newState} (with its timeout, restarted at
     * {@code nowNanos}) if it is still in {@code expectedState}: of threads racing on one transition
     * exactly one succeeds, so per-server active/inactive counts stay exact.
     */
    public boolean compareAndSetState(int handle, int expectedState, int newState, int timeoutSeconds,
            long nowNanos) {
        int e = base(handle);
        for (;;) {
            long w = (long) LONGS.getVolatile(entries, e + W_STATE);
            if (((int) (w >>> 40) & 0xFF) != expectedState) {
                return false;
            }
            long n = (w & FLAGS_MASK) | ((long) (newState & 0xFF) << 40) | (timeoutSeconds & 0xFFFFFFFFL);
            if (LONGS.compareAndSet(entries, e + W_STATE, w, n)) {
                LONGS.setOpaque(entries, e + W_EXPIRY, nowNanos + timeoutSeconds * 1_000_000_000L);
                return true;
            }
        }
    }

    /** Restarts the timeout: expiry = {@code nowNanos} + timeout. */
    public void refresh(int handle, long nowNanos) {
        int e = base(handle);
        long timeout = ((long) LONGS.getOpaque(entries, e + W_STATE)) & 0xFFFFFFFFL;
        LONGS.setOpaque(entries, e + W_EXPIRY, nowNanos + timeout * 1_000_000_000L);
    }

    /**
     * How far an entry's expiry may stay behind the one {@link #touch} would set (about 1 ms): IPVS's
     * timers are as coarse (jiffies), and a packet that writes nothing leaves its entry's cache line
     * shared between the cores that carry the flow.
     */
    public static final long TOUCH_SLACK_NANOS = 1L << 20;

    /**
     * An established flow's packet: sets the timeout to {@code timeoutSeconds} if it differs and
     * restarts it at {@code nowNanos}, except that an expiry less than {@link #TOUCH_SLACK_NANOS}
     * earlier than the new one is left as it is. One read of the state word instead of the two of
     * {@link #timeoutSeconds(int)} plus {@link #refresh}.
     */
    public void touch(int handle, int timeoutSeconds, long nowNanos) {
        int e = base(handle);
        long[] en = entries;
        if ((int) (long) LONGS.getOpaque(en, e + W_STATE) != timeoutSeconds) {
            timeoutSeconds(handle, timeoutSeconds);
        }
        long expiry = nowNanos + timeoutSeconds * 1_000_000_000L;
        long ahead = expiry - (long) LONGS.getOpaque(en, e + W_EXPIRY);
        if (ahead < 0 || ahead >= TOUCH_SLACK_NANOS) {
            LONGS.setOpaque(en, e + W_EXPIRY, expiry);
        }
    }

    /** Sets the expiry time directly (e.g. 0 with an old clock value to expire on the next sweep). */
    public void expiresAtNanos(int handle, long nanos) {
        LONGS.setOpaque(entries, base(handle) + W_EXPIRY, nanos);
    }

    /** Changes the timeout without touching the expiry time (applies from the next refresh). */
    public void timeoutSeconds(int handle, int seconds) {
        int e = base(handle);
        for (;;) {
            long w = (long) LONGS.getVolatile(entries, e + W_STATE);
            long n = (w & ~0xFFFFFFFFL) | (seconds & 0xFFFFFFFFL);
            if (LONGS.compareAndSet(entries, e + W_STATE, w, n)) {
                return;
            }
        }
    }

    /**
     * Sets flag bits ({@link ConnectionFlags#TEMPLATE} and {@link ConnectionFlags#NO_CPORT} are
     * ignored: the table owns them).
     *
     * @return the flags before the change
     */
    public int setFlags(int handle, int bits) { // public for the sync backup (SyncedConnections)
        return updateFlags(handle, bits & ~ConnectionFlags.TABLE_OWNED, 0);
    }

    /**
     * Clears flag bits (TEMPLATE and NO_CPORT are ignored).
     *
     * @return the flags before the change
     */
    public int clearFlags(int handle, int bits) {
        return updateFlags(handle, 0, bits & ~ConnectionFlags.TABLE_OWNED);
    }

    /** Counts one packet; returns the new count (the sync protocol sends on count % 50 == 3). */
    public long incrementPackets(int handle) {
        return (long) LONGS.getAndAdd(entries, base(handle) + W_PACKETS, 1L) + 1;
    }

    /**
     * Counts one packet without a locked instruction (an opaque read and write): two threads counting
     * the same entry at once may lose one count. For the sync master's {@code pkts % sync_period},
     * which a lost count only shifts; returns the new count.
     */
    public long countPacket(int handle) {
        int at = base(handle) + W_PACKETS;
        long n = (long) LONGS.getOpaque(entries, at) + 1;
        LONGS.setOpaque(entries, at, n);
        return n;
    }

    /** Sets the packet count (a sync backup sets sync_threshold, as {@code ip_vs_proc_conn} does). */
    public void packets(int handle, long count) {
        LONGS.setOpaque(entries, base(handle) + W_PACKETS, count);
    }

    /** Replaces the caller-defined int. */
    public void attachment(int handle, int value) {
        int e = base(handle);
        for (;;) {
            long w = (long) LONGS.getVolatile(entries, e + W_AUX);
            if (LONGS.compareAndSet(entries, e + W_AUX, w, ((long) value << 32) | (w & 0xFFFFFFFFL))) {
                return;
            }
        }
    }

    /** Rebinds the entry to another real server id (sync backups, re-scheduling). */
    public void realServer(int handle, int id) {
        int e = base(handle);
        for (;;) {
            long w = (long) LONGS.getVolatile(entries, e + W_LINKS);
            if (LONGS.compareAndSet(entries, e + W_LINKS, w, ((long) id << 32) | (w & 0xFFFFFFFFL))) {
                return;
            }
        }
    }

    // ------------------------------------------------------------------ internals: probing

    private static int base(int handle) {
        return PAD + (handle << SHIFT);
    }

    private static boolean isTemplateKind(long ctl) {
        return ((ctl >>> 32) & TEMPLATE_KIND) != 0;
    }

    private long v6Word(int handle, int word) {
        return v6[handle >>> V6_SHIFT][(handle & V6_MASK) * V6_WORDS + word];
    }

    /**
     * The key hash. Direction IN: a = client, b = virtual; OUT: a = real server, b = client. kind =
     * family | TEMPLATE_KIND for templates.
     */
    private long hash(int dir, int kind, int protocol, long aHigh, long aLow, int aPort, long bHigh, long bLow,
            int bPort) {
        return keyHash.hash(kind & 0x7, kind | dir * OUT_KIND, protocol, aHigh, aLow, aPort, bHigh, bLow, bPort);
    }

    private int probe(long hash, int dir, int kind, int protocol, long aHigh, long aLow, int aPort, long bHigh,
            long bLow, int bPort, boolean noCportOnly, long now) {
        KeyIndex ix = index;
        int[] sl = ix.slots;
        int bucketMask = ix.bucketMask;
        int b = (int) hash & bucketMask;
        int tag = ix.tag(hash);
        int mask = ix.refMask;
        for (int n = 0; n <= bucketMask; n++) {
            int base = b << KeyIndex.BUCKET_SHIFT;
            for (int i = 0; i < 8; i++) {
                int s = sl[base + i];
                if (s == 0 || (s & ~mask) != tag) {
                    continue;
                }
                int ref = (s & mask) - 1;
                if ((ref & 1) != dir) {
                    continue;
                }
                int h = ref >>> 1;
                long c = match(h, dir, kind, protocol, aHigh, aLow, aPort, bHigh, bLow, bPort);
                if (c == 0) {
                    continue;
                }
                if (noCportOnly && (flags(h) & ConnectionFlags.NO_CPORT) == 0) {
                    continue;
                }
                if (now - (long) LONGS.getOpaque(entries, base(h) + W_EXPIRY) >= 0 && expire(h, c, now) != KEPT) {
                    continue;
                }
                return h;
            }
            if (!ix.overflows(b)) {
                return NOT_FOUND;
            }
            b = (b + 1) & bucketMask;
        }
        return NOT_FOUND;
    }

    /** The entry's validated control word if it is live and has the key, else 0. */
    private long match(int h, int dir, int kind, int protocol, long aHigh, long aLow, int aPort, long bHigh,
            long bLow, int bPort) {
        return (kind & 0x7) == Addresses.IPV4
                ? matchV4(h, dir, kind, protocol, aLow, aPort, bLow, bPort)
                : matchV6(h, dir, kind, protocol, aHigh, aLow, aPort, bHigh, bLow, bPort);
    }

    // small enough for the JIT to inline into the probe loop
    private long matchV4(int h, int dir, int kind, int protocol, long aLow, int aPort, long bLow, int bPort) {
        long[] en = entries;
        int e = base(h);
        long c = (long) LONGS.getAcquire(en, e + W_CTL);
        if ((c & LIVE) == 0) {
            return 0;
        }
        long k0 = en[e + W_ADDR];
        long k1 = en[e + W_KEY];
        if (dir == IN) {
            if ((c & KIND_PROTO_MASK) != (((long) protocol << 40) | ((long) kind << 32))
                    || k0 != ((aLow << 32) | (bLow & 0xFFFFFFFFL))
                    || (int) k1 != ((aPort << 16) | bPort)) {
                return 0;
            }
        } else if ((c >>> 32) != (((long) aPort << 16) | (protocol << 8) | kind)
                || (int) (k1 >>> 32) != (int) aLow
                || (int) (k0 >>> 32) != (int) bLow
                || (((int) k1) >>> 16) != bPort) {
            return 0;
        }
        VarHandle.acquireFence();
        return (long) LONGS.getOpaque(en, e + W_CTL) == c ? c : 0;
    }

    private long matchV6(int h, int dir, int kind, int protocol, long aHigh, long aLow, int aPort, long bHigh,
            long bLow, int bPort) {
        long[] en = entries;
        int e = base(h);
        long c = (long) LONGS.getAcquire(en, e + W_CTL);
        if ((c & LIVE) == 0) {
            return 0;
        }
        long k1 = en[e + W_KEY];
        long[] chunk = v6[h >>> V6_SHIFT];
        int o = (h & V6_MASK) * V6_WORDS;
        if (dir == IN) {
            if ((c & KIND_PROTO_MASK) != (((long) protocol << 40) | ((long) kind << 32))
                    || (int) k1 != ((aPort << 16) | bPort)
                    || chunk[o] != aHigh || chunk[o + 1] != aLow || chunk[o + 2] != bHigh || chunk[o + 3] != bLow) {
                return 0;
            }
        } else if ((c >>> 32) != (((long) aPort << 16) | (protocol << 8) | kind)
                || (((int) k1) >>> 16) != bPort
                || chunk[o + 4] != aHigh || chunk[o + 5] != aLow || chunk[o] != bHigh || chunk[o + 1] != bLow) {
            return 0;
        }
        VarHandle.acquireFence();
        return (long) LONGS.getOpaque(en, e + W_CTL) == c ? c : 0;
    }

    /** {@link #expire} outcomes. */
    private static final int KEPT = 0;
    private static final int REMOVED = 1;
    private static final int GONE = 2;

    /** ip_vs_conn_expire's re-arm of a template that still controls connections. */
    static final int TEMPLATE_REARM_SECONDS = 60;

    /**
     * Handles entry h found expired at {@code now}: a template that controls connections is kept
     * (its timeout set to 60 s and restarted); anything else is claimed and removed.
     *
     * @return {@link #KEPT}; {@link #REMOVED} by this call; or {@link #GONE}, being removed (or
     *     bound) by another thread
     */
    private int expire(int h, long c, long now) {
        int e = base(h);
        if (isTemplateKind(c) && (((long) LONGS.getVolatile(entries, e + W_AUX)) & COUNT_MASK) != 0) {
            timeoutSeconds(h, TEMPLATE_REARM_SECONDS);
            refresh(h, now);
            return KEPT;
        }
        if ((c & BUSY) != 0) {
            return GONE; // binding its client port right now; the next sweep takes it
        }
        if (claim(h, c)) {
            finish(h, c, true);
            return REMOVED;
        }
        // lost the race: either someone else removed it, or a template gained a connection
        return (long) LONGS.getAcquire(entries, e + W_CTL) != c ? GONE : KEPT;
    }

    // ------------------------------------------------------------------ internals: lifecycle

    /** Makes this thread the one that removes entry h (whose control word was c). */
    private boolean claim(int h, long c) {
        int e = base(h);
        if (isTemplateKind(c)) {
            for (;;) {
                long aux = (long) LONGS.getVolatile(entries, e + W_AUX);
                if ((aux & (COUNT_MASK | DYING | UNINDEXING)) != 0) {
                    return false;
                }
                if (LONGS.compareAndSet(entries, e + W_AUX, aux, aux | DYING)) {
                    break;
                }
            }
            // DYING makes us the only claimer; the CAS proves c was not a previous incarnation's
            if (LONGS.compareAndSet(entries, e + W_CTL, c, c & ~LIVE)) {
                return true;
            }
            LONGS.getAndBitwiseAnd(entries, e + W_AUX, ~DYING);
            return false;
        }
        return (c & BUSY) == 0 && LONGS.compareAndSet(entries, e + W_CTL, c, c & ~LIVE);
    }

    /** Completes the removal of claimed entry h: listener, index, bookkeeping, free list. */
    private void finish(int h, long c, boolean expired) {
        int e = base(h);
        listener.removed(this, h, expired);
        boolean template = isTemplateKind(c);
        unindex(h, c, IN);
        if (template) {
            templateCount.decrementAndGet();
        } else {
            unindex(h, c, OUT);
            if ((flags(h) & ConnectionFlags.NO_CPORT) != 0) {
                noCportCount.decrementAndGet();
            }
            int t = (int) entries[e + W_LINKS];
            if (t != NO_HANDLE) {
                releaseTemplate(t);
            }
        }
        handles.free(h);
    }

    private boolean acquireTemplate(int t) {
        if (t < 0 || t >= maxConnections) {
            throw new IllegalArgumentException("template: " + t + " is not a handle of this table");
        }
        int e = base(t);
        long c = (long) LONGS.getAcquire(entries, e + W_CTL);
        if ((c & LIVE) == 0) {
            return false;
        }
        if (!isTemplateKind(c)) {
            return false; // the template left and its handle now names a connection
        }
        for (;;) {
            long aux = (long) LONGS.getVolatile(entries, e + W_AUX);
            if ((aux & (DYING | DETACHED)) != 0) {
                return false;
            }
            if (LONGS.compareAndSet(entries, e + W_AUX, aux, aux + 1)) {
                if ((long) LONGS.getVolatile(entries, e + W_CTL) == c) {
                    return true;
                }
                releaseTemplate(t); // the handle was recycled under us
                return false;
            }
        }
    }

    private void releaseTemplate(int t) {
        int e = base(t);
        long before = (long) LONGS.getAndAdd(entries, e + W_AUX, -1L);
        if ((before & COUNT_MASK) == 1 && (before & DETACHED) != 0) {
            long c = (long) LONGS.getAcquire(entries, e + W_CTL);
            if ((c & LIVE) != 0 && claim(t, c)) {
                finish(t, c, false);
            }
        }
    }

    private void write(int h, ConnectionSpec s, int kind, int clientPort, long now) {
        long[] en = entries;
        int e = base(h);
        long old = en[e + W_CTL];
        long generation = ((old & 0xFFFFFFFFL) >>> 2) + 1;
        long ctl = ((generation << 2) | LIVE) & 0xFFFFFFFFL;
        // the entry is dead (LIVE clear) until the release below; keep the field writes after that
        VarHandle.storeStoreFence();
        if (s.family == Addresses.IPV4) {
            en[e + W_ADDR] = (s.clientLow << 32) | (s.virtualLow & 0xFFFFFFFFL);
            en[e + W_KEY] = (s.destinationLow << 32) | ((long) clientPort << 16) | s.virtualPort;
        } else {
            long[] chunk = v6Chunk(h);
            int o = (h & V6_MASK) * V6_WORDS;
            chunk[o] = s.clientHigh;
            chunk[o + 1] = s.clientLow;
            chunk[o + 2] = s.virtualHigh;
            chunk[o + 3] = s.virtualLow;
            chunk[o + 4] = s.destinationHigh;
            chunk[o + 5] = s.destinationLow;
            en[e + W_ADDR] = 0;
            en[e + W_KEY] = ((long) clientPort << 16) | s.virtualPort;
        }
        en[e + W_EXPIRY] = now + s.timeoutSeconds * 1_000_000_000L;
        en[e + W_STATE] = ((long) s.flags << 48) | ((long) s.state << 40) | (s.timeoutSeconds & 0xFFFFFFFFL);
        en[e + W_LINKS] = ((long) s.realServer << 32) | (s.template & 0xFFFFFFFFL);
        en[e + W_AUX] = (long) s.attachment << 32;
        en[e + W_PACKETS] = 0;
        LONGS.setRelease(en, e + W_CTL,
                ((long) s.destinationPort << 48) | ((long) s.protocol << 40) | ((long) kind << 32) | ctl);
    }

    private long[] v6Chunk(int h) {
        int i = h >>> V6_SHIFT;
        long[] chunk = v6[i];
        if (chunk == null) {
            synchronized (v6) {
                chunk = v6[i];
                if (chunk == null) {
                    chunk = new long[(V6_MASK + 1) * V6_WORDS];
                    v6[i] = chunk; // published to readers by the release of the entry's control word
                }
            }
        }
        return chunk;
    }

    /** Indexes entry h's key of direction dir (its hash given). */
    private void index(long hash, int h, int dir) {
        index.add(hash, h, dir);
    }

    private void removeSlot(long hash, int h, int dir) {
        index.remove(hash, h, dir);
    }

    /** Removes entry h's index slot for direction dir, if present. */
    private void unindex(int h, long c, int dir) {
        removeSlot(storedKeyHash(h, c, dir), h, dir);
    }

    private long storedKeyHash(int h, long c, int dir) {
        int e = base(h);
        int kind = (int) (c >>> 32) & 0xFF;
        int protocol = (int) (c >>> 40) & 0xFF;
        int destinationPort = (int) (c >>> 48) & 0xFFFF;
        long k1 = (long) LONGS.getOpaque(entries, e + W_KEY);
        int clientPort = (int) (k1 >>> 16) & 0xFFFF;
        int virtualPort = (int) k1 & 0xFFFF;
        long cHigh;
        long cLow;
        long vHigh;
        long vLow;
        long dHigh;
        long dLow;
        if ((kind & 0x7) == Addresses.IPV4) {
            long k0 = entries[e + W_ADDR];
            cHigh = vHigh = dHigh = 0;
            cLow = k0 >>> 32;
            vLow = k0 & 0xFFFFFFFFL;
            dLow = k1 >>> 32;
        } else {
            long[] chunk = v6[h >>> V6_SHIFT];
            int o = (h & V6_MASK) * V6_WORDS;
            cHigh = chunk[o];
            cLow = chunk[o + 1];
            vHigh = chunk[o + 2];
            vLow = chunk[o + 3];
            dHigh = chunk[o + 4];
            dLow = chunk[o + 5];
        }
        return dir == IN
                ? hash(IN, kind, protocol, cHigh, cLow, clientPort, vHigh, vLow, virtualPort)
                : hash(OUT, kind, protocol, dHigh, dLow, destinationPort, cHigh, cLow, clientPort);
    }

    /** The port ip_vs_check_template writes into an invalidated template. */
    public static final int INVALID_PORT = 0xFFFF;

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
        int e = base(handle);
        long c = (long) LONGS.getAcquire(entries, e + W_CTL);
        if ((c & (LIVE | BUSY)) != LIVE || !isTemplateKind(c) || !LONGS.compareAndSet(entries, e + W_CTL, c, c | BUSY)) {
            return false;
        }
        long released = c;
        try {
            long k1 = entries[e + W_KEY];
            long aux = (long) LONGS.getVolatile(entries, e + W_AUX);
            if ((k1 & 0xFFFF) == INVALID_PORT || (aux & (DETACHED | DYING | UNINDEXING)) != 0) {
                return false;
            }
            long oldIn = storedKeyHash(handle, c, IN);
            LONGS.setRelease(entries, e + W_KEY, (k1 & ~0xFFFFL) | INVALID_PORT);
            index(storedKeyHash(handle, c, IN), handle, IN);
            removeSlot(oldIn, handle, IN);
            released = (c & ~(0xFFFFL << 48)) | ((long) INVALID_PORT << 48);
            return true;
        } finally {
            LONGS.setRelease(entries, e + W_CTL, released);
        }
    }

    /** Binds NO_CPORT entry h to {@code clientPort}: re-indexes both keys and clears the flag. */
    private int bindClientPort(int h, int clientPort) {
        int e = base(h);
        long c = (long) LONGS.getAcquire(entries, e + W_CTL);
        if ((c & (LIVE | BUSY)) != LIVE || !LONGS.compareAndSet(entries, e + W_CTL, c, c | BUSY)) {
            return NOT_FOUND; // being removed or bound by another thread
        }
        try {
            if ((flags(h) & ConnectionFlags.NO_CPORT) == 0) {
                return clientPort(h) == clientPort ? h : NOT_FOUND;
            }
            long oldIn = storedKeyHash(h, c, IN);
            long oldOut = storedKeyHash(h, c, OUT);
            long k1 = entries[e + W_KEY];
            LONGS.setRelease(entries, e + W_KEY, (k1 & ~0xFFFF0000L) | ((long) clientPort << 16));
            index(storedKeyHash(h, c, IN), h, IN);
            index(storedKeyHash(h, c, OUT), h, OUT);
            updateFlags(h, 0, ConnectionFlags.NO_CPORT);
            removeSlot(oldIn, h, IN);
            removeSlot(oldOut, h, OUT);
            noCportCount.decrementAndGet();
            return h;
        } finally {
            LONGS.setRelease(entries, e + W_CTL, c);
        }
    }

    private int updateFlags(int handle, int set, int clear) {
        int e = base(handle);
        for (;;) {
            long w = (long) LONGS.getVolatile(entries, e + W_STATE);
            int before = (int) (w >>> 48) & 0xFFFF;
            int after = (before | set) & ~clear;
            if (after == before || LONGS.compareAndSet(entries, e + W_STATE, w,
                    (w & ~FLAGS_MASK) | ((long) after << 48))) {
                return before;
            }
        }
    }

    private static void validate(ConnectionSpec s) {
        if (s.family != Addresses.IPV4 && s.family != Addresses.IPV6) {
            throw new IllegalArgumentException("family: " + s.family + " is neither 4 nor 6");
        }
        if ((s.protocol & ~0xFF) != 0) {
            throw new IllegalArgumentException("protocol: " + s.protocol + " is not in 0..255");
        }
        if (((s.clientPort | s.virtualPort | s.destinationPort) & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("port: client " + s.clientPort + ", virtual " + s.virtualPort
                    + ", destination " + s.destinationPort + " not all in 0..65535");
        }
        if ((s.state & ~0xFF) != 0) {
            throw new IllegalArgumentException("state: " + s.state + " is not in 0..255");
        }
        if ((s.flags & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("flags: " + s.flags + " does not fit 16 bits");
        }
        if (s.timeoutSeconds < 0) {
            throw new IllegalArgumentException("timeoutSeconds: " + s.timeoutSeconds + " is negative");
        }
        if ((s.flags & ConnectionFlags.TEMPLATE) != 0 && s.template != NO_HANDLE) {
            throw new IllegalArgumentException("template: a template cannot be controlled by another template");
        }
    }
}
