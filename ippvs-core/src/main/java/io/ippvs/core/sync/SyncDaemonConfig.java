package io.ippvs.core.sync;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * One sync daemon's settings: ipvsadm's {@code --mcast-interface}, {@code --syncid},
 * {@code --sync-maxlen}, {@code --mcast-group}, {@code --mcast-port}, {@code --mcast-ttl} (defaults
 * as {@code start_sync_thread}: group 224.0.0.81, port 8848, TTL 1, maxlen 1500 minus headers), and
 * our extensions: unicast peers, multicast loopback, bulk resync on start and its pace.
 */
public final class SyncDaemonConfig {

    private final String multicastInterface;
    private final int syncId;
    private final int maxLength;
    private final InetAddress group;
    private final int port;
    private final int ttl;
    private final List<InetSocketAddress> peers;
    private final boolean loopback;
    private final boolean resyncOnStart;
    private final int resyncRate;

    private SyncDaemonConfig(Builder b) {
        this.multicastInterface = b.multicastInterface;
        this.syncId = b.syncId;
        this.maxLength = b.maxLength != 0 ? b.maxLength
                : 1500 - (b.group instanceof java.net.Inet6Address ? 40 : 20) - 8;
        this.group = b.group;
        this.port = b.port;
        this.ttl = b.ttl;
        this.peers = List.copyOf(b.peers);
        this.loopback = b.loopback;
        this.resyncOnStart = b.resyncOnStart;
        this.resyncRate = b.resyncRate;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code --mcast-interface}; null for unicast peers only. */
    public String multicastInterface() {
        return multicastInterface;
    }

    public int syncId() {
        return syncId;
    }

    public int maxLength() {
        return maxLength;
    }

    /** The multicast group; null when only unicast peers are used. */
    public InetAddress group() {
        return group;
    }

    public int port() {
        return port;
    }

    public int ttl() {
        return ttl;
    }

    /** Unicast peers every datagram also goes to (our extension). */
    public List<InetSocketAddress> peers() {
        return peers;
    }

    /** Whether our own multicast comes back to this host (the kernel turns it off). */
    public boolean loopback() {
        return loopback;
    }

    /** Backup: whether it asks for a bulk resync when it starts (our extension). */
    public boolean resyncOnStart() {
        return resyncOnStart;
    }

    /** Master: entries per second of a bulk resync dump. */
    public int resyncRate() {
        return resyncRate;
    }

    /** Builds a {@link SyncDaemonConfig}; every setter validates and names the field. */
    public static final class Builder {
        private String multicastInterface;
        private int syncId;
        private int maxLength;
        private InetAddress group;
        private int port = SyncProtocol.DEFAULT_PORT;
        private int ttl = 1;
        private final List<InetSocketAddress> peers = new ArrayList<>();
        private boolean loopback;
        private boolean resyncOnStart = true;
        private int resyncRate = 10_000;

        private Builder() {
            try {
                group = InetAddress.getByName(SyncProtocol.DEFAULT_GROUP);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        public Builder multicastInterface(String name) {
            if (name != null && (name.isEmpty() || name.length() > 15)) {
                throw new IllegalArgumentException("mcast-interface: '" + name + "' is not an interface name");
            }
            this.multicastInterface = name;
            return this;
        }

        public Builder syncId(int id) {
            if (id < 0 || id > 255) {
                throw new IllegalArgumentException("syncid: " + id + " is not in 0..255");
            }
            this.syncId = id;
            return this;
        }

        /** 0: the default for the group's family. */
        public Builder maxLength(int length) {
            if (length != 0 && (length < 1 || length > 65535 - 28)) {
                throw new IllegalArgumentException("sync-maxlen: " + length + " is not in 1..65507");
            }
            this.maxLength = length;
            return this;
        }

        /** A multicast group (IPv4 or IPv6); null for unicast peers only. */
        public Builder group(InetAddress group) {
            if (group != null && !group.isMulticastAddress()) {
                throw new IllegalArgumentException("mcast-group: " + group.getHostAddress() + " is not a multicast address");
            }
            this.group = group;
            return this;
        }

        public Builder port(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("mcast-port: " + port + " is not in 1..65535");
            }
            this.port = port;
            return this;
        }

        public Builder ttl(int ttl) {
            if (ttl < 1 || ttl > 255) {
                throw new IllegalArgumentException("mcast-ttl: " + ttl + " is not in 1..255");
            }
            this.ttl = ttl;
            return this;
        }

        public Builder peer(InetSocketAddress peer) {
            if (peer == null || peer.isUnresolved()) {
                throw new IllegalArgumentException("peer: " + peer + " is not a resolved address");
            }
            peers.add(peer);
            return this;
        }

        public Builder loopback(boolean on) {
            this.loopback = on;
            return this;
        }

        public Builder resyncOnStart(boolean on) {
            this.resyncOnStart = on;
            return this;
        }

        public Builder resyncRate(int entriesPerSecond) {
            if (entriesPerSecond < 1) {
                throw new IllegalArgumentException("resyncRate: " + entriesPerSecond + " is not positive");
            }
            this.resyncRate = entriesPerSecond;
            return this;
        }

        public SyncDaemonConfig build() {
            if (group != null && multicastInterface == null) {
                throw new IllegalArgumentException("mcast-interface: required with a multicast group");
            }
            if (group == null && peers.isEmpty()) {
                throw new IllegalArgumentException("peer: needed when there is no multicast group");
            }
            return new SyncDaemonConfig(this);
        }
    }
}
