package io.ippvs.core.conn;

import static io.ippvs.core.conn.Entries.IN;
import static io.ippvs.core.conn.Entries.LONGS;
import static io.ippvs.core.conn.Entries.OUT;
import static io.ippvs.core.conn.Entries.TEMPLATE_KIND;
import static io.ippvs.core.conn.Entries.V6_SHIFT;
import static io.ippvs.core.conn.Entries.W_ADDR;
import static io.ippvs.core.conn.Entries.W_CTL;
import static io.ippvs.core.conn.Entries.W_EXPIRY;
import static io.ippvs.core.conn.Entries.base;

import io.ippvs.api.Addresses;
import io.ippvs.core.packet.PacketInfo;

/**
 * The lookups and the insert of a {@link ConnectionTable}, the lock-free read protocol and the CAS
 * protocol that tie its index ({@link KeyIndex}), entries ({@link Entries}) and handles
 * ({@link HandleAllocator}) together: a probe walks the key's buckets, matches each tagged slot's
 * entry by its key words between two reads of its control word, and reclaims an expired entry it
 * meets ({@link Lifecycle#expire}); an insert serializes per inbound-key stripe, so two threads
 * cannot insert the same flow twice, writes the entry with its control word released last and then
 * claims its index slots. The table's public methods of the same names delegate here.
 */
final class Store {

    private static final int STRIPES = 64;
    private static final int STRIPE_MASK = STRIPES - 1;

    private final int maxConnections;
    private final KeyHash keyHash;
    private final long[] entries;
    private final long[][] v6;
    private final KeyIndex index;
    private final HandleAllocator handles;
    private final Lifecycle lifecycle;
    private final Object[] insertLocks = new Object[STRIPES];

    Store(int maxConnections, KeyHash keyHash, long[] entries, long[][] v6, KeyIndex index, HandleAllocator handles,
            Lifecycle lifecycle) {
        this.maxConnections = maxConnections;
        this.keyHash = keyHash;
        this.entries = entries;
        this.v6 = v6;
        this.index = index;
        this.handles = handles;
        this.lifecycle = lifecycle;
        for (int i = 0; i < STRIPES; i++) {
            insertLocks[i] = new long[14]; // 128 bytes each: no two stripes share a cache line
        }
    }

    /** Bytes of the insert locks. */
    static long footprintBytes() {
        return STRIPES * 128L;
    }

    int lookupInbound(int family, int protocol, long clientHigh, long clientLow, int clientPort,
            long virtualHigh, long virtualLow, int virtualPort, long nowNanos) {
        long hash = hash(IN, family, protocol, clientHigh, clientLow, clientPort, virtualHigh, virtualLow, virtualPort);
        int h = probe(hash, IN, family, protocol, clientHigh, clientLow, clientPort, virtualHigh, virtualLow,
                virtualPort, false, nowNanos);
        if (h >= 0 || clientPort == 0 || lifecycle.noCportCount.get() == 0) {
            return h;
        }
        hash = hash(IN, family, protocol, clientHigh, clientLow, 0, virtualHigh, virtualLow, virtualPort);
        h = probe(hash, IN, family, protocol, clientHigh, clientLow, 0, virtualHigh, virtualLow, virtualPort, true,
                nowNanos);
        return h >= 0 ? lifecycle.bindClientPort(h, clientPort) : ConnectionTable.NOT_FOUND;
    }

    int lookupOutbound(int family, int protocol, long serverHigh, long serverLow, int serverPort,
            long clientHigh, long clientLow, int clientPort, long nowNanos) {
        long hash = hash(OUT, family, protocol, serverHigh, serverLow, serverPort, clientHigh, clientLow, clientPort);
        int h = probe(hash, OUT, family, protocol, serverHigh, serverLow, serverPort, clientHigh, clientLow,
                clientPort, false, nowNanos);
        if (h >= 0 || clientPort == 0 || lifecycle.noCportCount.get() == 0) {
            return h;
        }
        hash = hash(OUT, family, protocol, serverHigh, serverLow, serverPort, clientHigh, clientLow, 0);
        h = probe(hash, OUT, family, protocol, serverHigh, serverLow, serverPort, clientHigh, clientLow, 0, true,
                nowNanos);
        return h >= 0 ? lifecycle.bindClientPort(h, clientPort) : ConnectionTable.NOT_FOUND;
    }



    // ------------------------------------------------------------------ burst stages

    int touchInbound(PacketInfo packet) {
        return index.touch(hash(IN, packet.addressFamily(), packet.protocolNumber(), packet.srcHigh(), packet.srcLow(),
                packet.srcPort(), packet.dstHigh(), packet.dstLow(), packet.dstPort()), IN);
    }

    int touchOutbound(PacketInfo packet) {
        return index.touch(hash(OUT, packet.addressFamily(), packet.protocolNumber(), packet.srcHigh(), packet.srcLow(),
                packet.srcPort(), packet.dstHigh(), packet.dstLow(), packet.dstPort()), OUT);
    }

    long touchEntry(int hint) {
        if (hint < 0 || hint >= maxConnections) {
            return 0;
        }
        long[] en = entries;
        int e = base(hint);
        long c = en[e + W_CTL];
        if (((c >>> 32) & 0x7) == Addresses.IPV6) {
            long[] chunk = v6[hint >>> V6_SHIFT];
            if (chunk != null) {
                c ^= chunk[Entries.v6Offset(hint)];
            }
        }
        return c ^ en[e + W_ADDR];
    }

    int lookupTemplate(int family, int protocol, long clientHigh, long clientLow, long virtualHigh,
            long virtualLow, int virtualPort, long nowNanos) {
        int kind = family | TEMPLATE_KIND;
        long hash = hash(IN, kind, protocol, clientHigh, clientLow, 0, virtualHigh, virtualLow, virtualPort);
        return probe(hash, IN, kind, protocol, clientHigh, clientLow, 0, virtualHigh, virtualLow, virtualPort, false,
                nowNanos);
    }

    // ------------------------------------------------------------------ insert and remove

    int insert(ConnectionSpec spec, long nowNanos) {
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
                return ConnectionTable.EXISTS_BASE - existing;
            }
            if (spec.template != ConnectionTable.NO_HANDLE && !lifecycle.acquireTemplate(spec.template)) {
                return ConnectionTable.STALE_TEMPLATE;
            }
            int h = handles.allocate();
            if (h < 0) {
                if (spec.template != ConnectionTable.NO_HANDLE) {
                    lifecycle.releaseTemplate(spec.template);
                }
                return ConnectionTable.FULL;
            }
            Entries.write(entries, spec.family == Addresses.IPV4 ? null : v6Chunk(h), h, spec, kind, clientPort, nowNanos);
            index.add(inHash, h, IN);
            if (!template) {
                index.add(hash(OUT, spec.family, protocol, spec.destinationHigh, spec.destinationLow,
                        spec.destinationPort, spec.clientHigh, spec.clientLow, clientPort), h, OUT);
            }
            if ((spec.flags & ConnectionFlags.NO_CPORT) != 0) {
                lifecycle.noCportCount.incrementAndGet();
            }
            return h;
        }
    }


    private long hash(int dir, int kind, int protocol, long aHigh, long aLow, int aPort, long bHigh, long bLow,
            int bPort) {
        return Entries.hash(keyHash, dir, kind, protocol, aHigh, aLow, aPort, bHigh, bLow, bPort);
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
                if (noCportOnly && (Entries.flags(entries, h) & ConnectionFlags.NO_CPORT) == 0) {
                    continue;
                }
                if (now - (long) LONGS.getOpaque(entries, base(h) + W_EXPIRY) >= 0 && lifecycle.expire(h, c, now) != Lifecycle.KEPT) {
                    continue;
                }
                return h;
            }
            if (!ix.overflows(b)) {
                return ConnectionTable.NOT_FOUND;
            }
            b = (b + 1) & bucketMask;
        }
        return ConnectionTable.NOT_FOUND;
    }

    private long match(int h, int dir, int kind, int protocol, long aHigh, long aLow, int aPort, long bHigh,
            long bLow, int bPort) {
        return (kind & 0x7) == Addresses.IPV4
                ? Entries.matchV4(entries, h, dir, kind, protocol, aLow, aPort, bLow, bPort)
                : Entries.matchV6(entries, v6, h, dir, kind, protocol, aHigh, aLow, aPort, bHigh, bLow, bPort);
    }

    private long[] v6Chunk(int h) {
        int i = h >>> V6_SHIFT;
        long[] chunk = v6[i];
        if (chunk == null) {
            synchronized (v6) {
                chunk = v6[i];
                if (chunk == null) {
                    chunk = new long[(Entries.V6_MASK + 1) * Entries.V6_WORDS];
                    v6[i] = chunk; // published to readers by the release of the entry's control word
                }
            }
        }
        return chunk;
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
        if ((s.flags & ConnectionFlags.TEMPLATE) != 0 && s.template != ConnectionTable.NO_HANDLE) {
            throw new IllegalArgumentException("template: a template cannot be controlled by another template");
        }
    }
}
