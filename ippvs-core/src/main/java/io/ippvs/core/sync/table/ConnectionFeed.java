package io.ippvs.core.sync.table;

import static io.ippvs.core.header.IpProtocol.SCTP;
import static io.ippvs.core.header.IpProtocol.TCP;
import static io.ippvs.core.sync.SyncProtocol.F_HASHED;
import static io.ippvs.core.sync.SyncProtocol.F_INACTIVE;
import static io.ippvs.core.sync.SyncProtocol.F_SEQ_MASK;
import static io.ippvs.core.sync.SyncProtocol.F_SYNC;

import io.ippvs.core.conn.ConnectionTable;
import io.ippvs.core.proto.SctpState;
import io.ippvs.core.proto.TcpState;
import io.ippvs.core.sync.SyncEntry;
import io.ippvs.core.sync.SyncMaster;
import io.ippvs.core.sync.SyncSettings;
import io.ippvs.core.sync.SyncStates;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The packet-thread half of a {@link SyncMaster}, over the director's connection table.
 *
 * <p>{@link #connection} applies {@code ip_vs_sync_conn_needed} (net/netfilter/ipvs/ip_vs_sync.c)
 * to a connection after an inbound packet changed it: TCP only in ESTABLISHED, FIN_WAIT, CLOSE,
 * CLOSE_WAIT and TIME_WAIT, a change into any of them but ESTABLISHED sent at once; SCTP likewise
 * with ESTABLISHED, SHUTDOWN_SENT, SHUTDOWN_RECEIVED, SHUTDOWN_ACK_SENT and CLOSED; otherwise when
 * {@code pkts % sync_period == sync_threshold}; {@code sync_refresh_period} / {@code sync_retries}
 * thin that out. The controlling template follows (as in {@code ip_vs_sync_conn}: counted, and with
 * the default sysctls sent with every packet of a connection it controls). A wanted entry is
 * snapshotted into the caller's scratch entry and {@link SyncMaster#offer offered} to the master.
 *
 * <p>Per connection the feed keeps what the kernel keeps in {@code struct ip_vs_conn}:
 * {@code old_state} and {@code sync_endtime}, in arrays indexed by handle, reset by
 * {@link #forget} when the entry leaves the table.
 */
public final class ConnectionFeed {

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int TCP_ESTABLISHED = TcpState.ESTABLISHED.code();
    private static final int TCP_SYNC_STATES = 1 << TcpState.ESTABLISHED.code() | 1 << TcpState.FIN_WAIT.code()
            | 1 << TcpState.CLOSE.code() | 1 << TcpState.CLOSE_WAIT.code() | 1 << TcpState.TIME_WAIT.code();
    private static final int SCTP_SYNC_STATES = 1 << SctpState.ESTABLISHED.code()
            | 1 << SctpState.SHUTDOWN_SENT.code() | 1 << SctpState.SHUTDOWN_RECEIVED.code()
            | 1 << SctpState.SHUTDOWN_ACK_SENT.code() | 1 << SctpState.CLOSED.code();

    /** Fills the sequence fields of a connection's entry; returns the IN_SEQ/OUT_SEQ flags to add (0: none). */
    @FunctionalInterface
    public interface SequenceSource {
        long sequence(int handle, SyncEntry into);
    }

    private final ConnectionTable table;
    private final SyncMaster master;
    private final SyncSettings settings;
    private final SequenceSource sequences;
    private final byte[] oldState;
    private final long[] syncEndtime;
    private final int threshold;
    private final int period;
    private final long refreshMillis;
    /** ceil(2^64 / period) for {@link #periodMod}; 0 without a period. */
    private final long periodInverse;
    /** sync_period set and sync_refresh_period off: off its sync point, nothing is sent. */
    private final boolean fastPath;

    /** A feed of {@code table}'s connections into {@code master}; {@code sequences} may be null. */
    public ConnectionFeed(ConnectionTable table, SyncMaster master, SequenceSource sequences) {
        if (table == null || master == null) {
            throw new IllegalArgumentException("table, master: must not be null");
        }
        this.table = table;
        this.master = master;
        this.settings = master.settings();
        this.sequences = sequences;
        this.oldState = new byte[table.maxConnections()];
        this.syncEndtime = new long[table.maxConnections()];
        this.threshold = settings.threshold();
        this.period = settings.period();
        this.refreshMillis = settings.refreshPeriodMillis();
        this.periodInverse = period > 0 ? Long.divideUnsigned(-1L, period) + 1 : 0;
        this.fastPath = period > 0 && refreshMillis == 0;
    }

    /** The master this feed offers to. */
    public SyncMaster master() {
        return master;
    }

    /**
     * Packet thread, after an inbound packet of connection {@code h} (of {@code protocol}; not a
     * template) moved its state: {@code pkts} is its inbound packet count including this one;
     * {@code scratch} is the calling thread's own entry to build a snapshot in.
     */
    public void connection(int h, int protocol, long pkts, long nowNanos, SyncEntry scratch) {
        // the common case first: an established TCP connection off its sync point
        boolean skip = fastPath && protocol == TCP && table.state(h) == TCP_ESTABLISHED && periodMod(pkts) != threshold;
        if (!skip && needed(h, pkts, nowNanos)) {
            enqueue(h, scratch);
        }
        int t = table.template(h);
        if (t != ConnectionTable.NO_HANDLE) {
            template(t, nowNanos, scratch);
        }
    }

    /** {@code ip_vs_sync_conn}'s "control" step: the template is counted and offered too. */
    private void template(int t, long nowNanos, SyncEntry scratch) {
        if (table.isLive(t)) {
            long tp = table.countPacket(t);
            if (needed(t, tp, nowNanos)) {
                enqueue(t, scratch);
            }
        }
    }

    /** Entry {@code h} left the table: its handle starts afresh (old_state NONE, no sync time). */
    public void forget(int h) {
        if (h >= 0 && h < oldState.length) {
            oldState[h] = 0;
            LONGS.setOpaque(syncEndtime, h, 0L);
        }
    }

    /**
     * {@code ip_vs_sync_conn_needed}, times in milliseconds where the kernel has jiffies. Ordered so
     * that the common case (an established connection between sync points, sync_refresh_period off)
     * leaves after reading its state and one multiply, without touching the per-handle arrays.
     */
    boolean needed(int h, long pkts, long nowNanos) {
        int state = table.state(h);
        boolean template = table.isTemplate(h);
        boolean force = false;
        if (!template) {
            int proto = table.protocol(h);
            int wanted = proto == TCP ? TCP_SYNC_STATES : proto == SCTP ? SCTP_SYNC_STATES : -1;
            if (wanted != -1) {
                if (state >= 32 || ((1 << state) & wanted) == 0) {
                    return false;
                }
                force = state != (oldState[h] & 0xFF);
                int established = proto == TCP ? TcpState.ESTABLISHED.code() : SctpState.ESTABLISHED.code();
                if (force && state != established) {
                    long orig = (long) LONGS.getOpaque(syncEndtime, h);
                    oldState[h] = (byte) state;
                    LONGS.compareAndSet(syncEndtime, h, orig, endtime(h, nowNanos));
                    return true;
                }
            }
            // with sync_period set, a connection off its sync point is never sent, whatever else holds
            if (fastPath && periodMod(pkts) != threshold) {
                return false;
            }
        }
        long orig = (long) LONGS.getOpaque(syncEndtime, h);
        long now = nowNanos / 1_000_000L;
        long timeout = table.timeoutSeconds(h) * 1000L;
        long n = (now + timeout) & ~3L;
        if (refreshMillis > 0) {
            long diff = n - orig;
            long minDiff = Math.max(timeout >> 1, 10_000L);
            if (Math.abs(diff) < Math.min(refreshMillis, minDiff)) {
                int retries = (int) (orig & 3);
                if (retries >= settings.retries()) {
                    return false;
                }
                if (now < orig - timeout + (refreshMillis >> 3)) {
                    return false;
                }
                n |= retries + 1;
            }
        }
        if (period > 0) {
            if (!template && periodMod(pkts) != threshold) {
                return false;
            }
        } else if (refreshMillis == 0 && pkts != threshold) {
            return false;
        }
        oldState[h] = (byte) state;
        return LONGS.compareAndSet(syncEndtime, h, orig, n) || force;
    }

    private long endtime(int h, long nowNanos) {
        return (nowNanos / 1_000_000L + table.timeoutSeconds(h) * 1000L) & ~3L;
    }

    /**
     * {@code pkts % sync_period} without a division (Lemire's fastmod: a multiply by the precomputed
     * inverse and a high multiply), exact for counts below 2^32; the count wraps there as the
     * kernel's atomic_t does.
     */
    private int periodMod(long pkts) {
        return fastMod(pkts, periodInverse, period);
    }

    /** {@code (n mod 2^32) % d} for {@code 0 < d < 2^31}, {@code inverse = ceil(2^64 / d)}. */
    static int fastMod(long n, long inverse, int d) {
        long lowbits = inverse * (n & 0xFFFFFFFFL);
        // the unsigned high half of lowbits * d (d > 0): the signed high half, corrected
        return (int) (Math.multiplyHigh(lowbits, d) + ((lowbits >> 63) & d));
    }

    private void enqueue(int h, SyncEntry e) {
        if (snapshot(table, h, e, sequences)) {
            master.offer(e);
        }
    }

    /**
     * Entry {@code h} of {@code t} as {@code ip_vs_sync_conn} fills {@code struct ip_vs_sync_v4/v6}:
     * wire state codes, the flags with INACTIVE for a connection not in an active state (the kernel
     * keeps it in {@code cp->flags}; the table counts activity from the state), sequence data from
     * {@code sequences} (may be null). False when the entry left the table while it was read.
     */
    public static boolean snapshot(ConnectionTable t, int h, SyncEntry e, SequenceSource sequences) {
        e.clear();
        e.family = t.family(h);
        int proto = t.protocol(h);
        e.protocol = proto;
        int state = t.state(h);
        boolean template = t.isTemplate(h);
        e.state = template ? 0 : SyncStates.toWire(proto, state);
        long flags = t.flags(h) & ~(F_HASHED | F_SYNC);
        if (!template && !(proto == TCP ? TcpState.isActive(state) : proto == SCTP && SctpState.isActive(state))) {
            flags |= F_INACTIVE;
        }
        e.clientHigh = t.clientHigh(h);
        e.clientLow = t.clientLow(h);
        e.clientPort = t.clientPort(h);
        e.virtualHigh = t.virtualHigh(h);
        e.virtualLow = t.virtualLow(h);
        e.virtualPort = t.virtualPort(h);
        e.destinationHigh = t.destinationHigh(h);
        e.destinationLow = t.destinationLow(h);
        e.destinationPort = t.destinationPort(h);
        e.timeout = t.timeoutSeconds(h) & 0xFFFFFFFFL;
        if (!template && sequences != null) {
            flags |= sequences.sequence(h, e) & F_SEQ_MASK;
        }
        e.flags = flags;
        return t.isLive(h);
    }
}
