package io.ippvs.core.sync;

import static io.ippvs.core.sync.SyncProtocol.*;

import java.nio.ByteBuffer;

/**
 * The sending side of the sync daemon, in two halves.
 *
 * <p>On a packet thread, {@link #offer} copies an entry into a {@link SyncRing} slot: no lock, no
 * allocation, and when the ring is full the entry is counted as lost instead of waiting. Which
 * connections are offered, and when ({@code ip_vs_sync_conn_needed}), the director decides from its
 * connection table after each inbound packet; see {@link SyncTarget#startSyncMaster}.
 *
 * <p>On the sender's thread, {@link #flush} drains the ring into datagrams of at most
 * {@link SyncSettings#maxLength()} bytes and sends each full one; a datagram not yet full is sent
 * once its first entry is 2 s old ({@code IPVS_SYNC_FLUSH_TIME}).
 */
public final class SyncMaster {

    /** {@code IPVS_SYNC_FLUSH_TIME}: a partial datagram waits at most this long. */
    public static final long FLUSH_NANOS = 2_000_000_000L;

    /** Sends one datagram; false when it could not (counted). */
    @FunctionalInterface
    public interface Sender {
        boolean send(ByteBuffer datagram, int offset, int length);
    }

    private final SyncSettings settings;
    private final SyncCounters counters;
    private final SyncRing ring;

    // sender thread only
    private final SyncEntry drained = new SyncEntry();
    private final SyncEncoder encoder = new SyncEncoder();
    private final ByteBuffer buffer;
    private boolean open;
    private long firstUse;

    public SyncMaster(SyncSettings settings, SyncCounters counters) {
        if (settings == null || counters == null) {
            throw new IllegalArgumentException("settings, counters: must not be null");
        }
        this.settings = settings;
        this.counters = counters;
        this.ring = new SyncRing(settings.queueCapacity());
        this.buffer = ByteBuffer.allocate(Math.max(settings.maxLength(), HEADER_SIZE + V6_SIZE + 2 + SEQ_OPTION_LENGTH));
    }

    public SyncSettings settings() {
        return settings;
    }

    public SyncCounters counters() {
        return counters;
    }

    /**
     * Any thread: queues a copy of {@code e} (without PE data) for the next {@link #flush}; when the
     * queue is full the entry is counted as lost ({@link SyncCounters#entriesLost()}). Never blocks,
     * never allocates.
     */
    public void offer(SyncEntry e) {
        if (!ring.offer(e)) {
            counters.lost();
        }
    }

    /**
     * Sender thread: drains the queue into datagrams and sends every full one, then the partial one
     * if its first entry is {@link #FLUSH_NANOS} old (or at once with {@code force}).
     *
     * @return datagrams sent
     */
    public int flush(long nowNanos, boolean force, Sender sender) {
        int sent = 0;
        SyncEntry e = drained;
        while (ring.poll(e)) {
            if (open && !encoder.fits(e)) {
                sent += send(sender);
            }
            if (!open) {
                encoder.begin(buffer, 0, settings.maxLength(), settings.syncId());
                if (!encoder.fits(e)) {
                    // as ip_vs_sync_buff_create: a buffer at least one entry long
                    encoder.begin(buffer, 0, HEADER_SIZE + e.encodedSize(), settings.syncId());
                }
                open = true;
                firstUse = nowNanos;
            }
            encoder.add(e);
        }
        if (open && (force || nowNanos - firstUse >= FLUSH_NANOS)) {
            sent += send(sender);
        }
        return sent;
    }

    private int send(Sender sender) {
        open = false;
        int n = encoder.count();
        boolean ok;
        try {
            ok = sender.send(buffer, 0, encoder.length());
        } catch (RuntimeException ex) {
            ok = false;
        }
        if (ok) {
            counters.sent(n);
            return 1;
        }
        counters.sendError();
        return 0;
    }
}
