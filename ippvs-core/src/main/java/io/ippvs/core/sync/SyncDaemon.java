package io.ippvs.core.sync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A running sync daemon, master or backup, as {@code ipvsadm --start-daemon} starts one in the
 * kernel (sync_thread_master / sync_thread_backup in ip_vs_sync.c), on its own threads:
 *
 * <ul>
 *   <li>Master: every 20 ms ({@code IPVS_SYNC_SEND_DELAY}) the queue is drained and full datagrams
 *       sent, a partial one after 2 s. A second thread listens on the port for bulk resync
 *       requests ({@link ResyncRequest}, our extension) and answers with a dump of the whole table,
 *       paced to {@link SyncDaemonConfig#resyncRate()} entries per second.
 *   <li>Backup: receives datagrams, drops those of other sync ids (unless its own is 0) and
 *       installs the entries; on start it asks for a bulk resync when so configured.
 * </ul>
 * A director can run one of each at once, on the same or different sync ids (as keepalived
 * does with Linux). With multicast both may share the port; with unicast peers give them different
 * ports (a unicast datagram reaches only one of two sockets bound to one port).
 */
public final class SyncDaemon implements AutoCloseable {

    /** {@code IPVS_SYNC_SEND_DELAY}: how often the master looks for something to send. */
    static final long SEND_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int RECEIVE_BUFFER = 65535;

    /** Master or backup. */
    public enum Role {
        MASTER, BACKUP;

        /** ipvsadm's word. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Role role;
    private final SyncDaemonConfig config;
    private final SyncTarget target;
    private final SyncCounters counters = new SyncCounters();
    private final SyncTransport sender;
    private final SyncTransport receiver;
    private final SyncMaster master;
    private final Thread sendThread;
    private final Thread receiveThread;
    private volatile boolean running = true;

    private SyncDaemon(Role role, SyncTarget target, SyncDaemonConfig config) throws IOException {
        this.role = role;
        this.config = config;
        this.target = target;
        NetworkInterface nif = null;
        if (config.multicastInterface() != null && config.group() != null) {
            // only multicast needs the interface; unicast peers go by the routing table
            nif = NetworkInterface.getByName(config.multicastInterface());
            if (nif == null) {
                throw new IllegalArgumentException("mcast-interface: no interface named '" + config.multicastInterface() + "'");
            }
        }
        SyncTransport out = SyncTransport.sender(config.group(), config.port(), nif, config.ttl(), config.loopback(),
                config.peers());
        SyncTransport in;
        try {
            in = SyncTransport.receiver(config.group(), config.port(), nif);
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
        this.sender = out;
        this.receiver = in;
        if (role == Role.MASTER) {
            SyncSettings settings = SyncSettings.builder().syncId(config.syncId()).maxLength(config.maxLength()).build();
            try {
                this.master = target.startSyncMaster(settings, counters);
            } catch (RuntimeException e) {
                out.close();
                in.close();
                throw e;
            }
            this.sendThread = new Thread(this::masterLoop, "ippvs-sync-master:" + config.syncId());
            this.receiveThread = new Thread(this::resyncLoop, "ippvs-sync-resync:" + config.syncId());
        } else {
            this.master = null;
            this.sendThread = null;
            this.receiveThread = new Thread(this::backupLoop, "ippvs-sync-backup:" + config.syncId());
        }
        if (sendThread != null) {
            sendThread.setDaemon(true);
            sendThread.start();
        }
        receiveThread.setDaemon(true);
        receiveThread.start();
        if (role == Role.BACKUP && config.resyncOnStart()) {
            requestResync();
        }
    }

    /**
     * Starts a daemon of {@code role} for {@code target}.
     *
     * @throws UncheckedIOException when the sockets cannot be set up
     * @throws IllegalArgumentException naming {@code mcast-interface} when there is no such interface
     * @throws IllegalStateException when {@code target} runs a master already
     */
    public static SyncDaemon start(Role role, SyncTarget target, SyncDaemonConfig config) {
        try {
            return new SyncDaemon(role, target, config);
        } catch (IOException e) {
            throw new UncheckedIOException("sync daemon: " + e.getMessage(), e);
        }
    }

    public Role role() {
        return role;
    }

    public SyncDaemonConfig config() {
        return config;
    }

    public SyncCounters counters() {
        return counters;
    }

    /** The port the receiving socket is bound to. */
    public int localPort() {
        try {
            return receiver.localPort();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Asks the peers for their whole table (sent at start by a backup configured so). */
    public void requestResync() {
        ByteBuffer b = ByteBuffer.allocate(ResyncRequest.SIZE);
        ResyncRequest.write(b, 0, config.syncId());
        if (!sender.send(b, 0, ResyncRequest.SIZE)) {
            counters.sendError();
        }
    }

    private void masterLoop() {
        while (running) {
            master.flush(System.nanoTime(), false, sender::send);
            LockSupport.parkNanos(SEND_DELAY_NANOS);
        }
        master.flush(System.nanoTime(), true, sender::send);
    }

    private void backupLoop() {
        ByteBuffer buf = ByteBuffer.allocateDirect(RECEIVE_BUFFER);
        SyncDecoder decoder = new SyncDecoder(counters);
        SyncDecoder.Handler installer = target.syncInstaller();
        while (running) {
            int n;
            try {
                n = receiver.receive(buf, null);
            } catch (IOException e) {
                return; // closed
            }
            if (ResyncRequest.is(buf, 0, n)) {
                continue; // another backup's request; masters answer it
            }
            decoder.decode(buf, 0, n, config.syncId(), installer);
        }
    }

    private void resyncLoop() {
        ByteBuffer buf = ByteBuffer.allocate(RECEIVE_BUFFER);
        while (running) {
            int n;
            try {
                n = receiver.receive(buf, null);
            } catch (IOException e) {
                return;
            }
            int id = ResyncRequest.is(buf, 0, n) ? ResyncRequest.syncId(buf, 0) : -1;
            if (id == 0 || id == config.syncId()) {
                dump();
            }
        }
    }

    /** The whole table as version-1 messages, paced to the configured rate. */
    private void dump() {
        ByteBuffer buf = ByteBuffer.allocate(Math.max(config.maxLength(), SyncProtocol.HEADER_SIZE + 128));
        SyncEncoder enc = new SyncEncoder();
        SyncEntry scratch = new SyncEntry();
        long nanosPerEntry = 1_000_000_000L / config.resyncRate();
        enc.begin(buf, 0, config.maxLength(), config.syncId());
        int from = 0;
        while (running && from >= 0) {
            from = target.forEachSyncEntry(from, scratch, e -> {
                if (enc.add(e)) {
                    return true;
                }
                if (enc.count() > 0) {
                    return false; // send this one, then continue with e again
                }
                return true; // larger than a datagram: skip it
            });
            if (from >= 0) {
                from--; // the entry that did not fit is visited again
            }
            if (enc.count() > 0) {
                int count = enc.count();
                if (sender.send(buf, 0, enc.length())) {
                    counters.sent(count);
                } else {
                    counters.sendError();
                }
                LockSupport.parkNanos(nanosPerEntry * count);
            }
            enc.begin(buf, 0, config.maxLength(), config.syncId());
        }
    }

    /** Stops the daemon ({@code --stop-daemon}): a master sends what it holds, then stops; waits for the threads. */
    @Override
    public void close() {
        running = false;
        if (master != null) {
            target.stopSyncMaster();
        }
        receiver.close();
        try {
            if (sendThread != null) {
                LockSupport.unpark(sendThread);
                sendThread.join(1000);
            }
            receiveThread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sender.close();
    }
}
