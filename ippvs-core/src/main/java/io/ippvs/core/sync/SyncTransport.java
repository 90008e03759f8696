package io.ippvs.core.sync;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.util.List;

/**
 * UDP for the sync daemon, as {@code make_send_sock} / {@code make_receive_sock}
 * (ip_vs_sync.c) set it up: the sender writes to the multicast group and port with the given TTL
 * out of the given interface, multicast loopback off (configurable here, for one-host tests); the
 * receiver binds the port, with address reuse, and joins the group on the interface. IPv6 groups
 * work the same way. As an extension, every datagram is also sent to a list of unicast peers (where
 * multicast is not available); a receiver takes unicast datagrams on the same port.
 */
public final class SyncTransport implements AutoCloseable {

    private final DatagramChannel channel;
    private final SocketAddress group;
    private final List<InetSocketAddress> peers;
    private final MembershipKey membership;

    private SyncTransport(DatagramChannel channel, SocketAddress group, List<InetSocketAddress> peers,
            MembershipKey membership) {
        this.channel = channel;
        this.group = group;
        this.peers = peers;
        this.membership = membership;
    }

    /**
     * A sending socket. {@code group} may be null (unicast peers only).
     *
     * @throws IOException when the socket cannot be set up (unknown interface, no multicast)
     */
    public static SyncTransport sender(InetAddress group, int port, NetworkInterface nif, int ttl, boolean loopback,
            List<InetSocketAddress> peers) throws IOException {
        ProtocolFamily family = group instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        DatagramChannel ch = DatagramChannel.open(family);
        try {
            if (group != null) {
                if (nif != null) {
                    ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
                }
                ch.setOption(StandardSocketOptions.IP_MULTICAST_TTL, ttl);
                ch.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, loopback);
            }
            ch.bind(null);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return new SyncTransport(ch, group == null ? null : new InetSocketAddress(group, port), List.copyOf(peers), null);
    }

    /**
     * A receiving socket on {@code port}, joined to {@code group} on {@code nif} when both are given.
     *
     * @throws IOException when the port cannot be bound or the group not joined
     */
    public static SyncTransport receiver(InetAddress group, int port, NetworkInterface nif) throws IOException {
        ProtocolFamily family = group instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        DatagramChannel ch = DatagramChannel.open(family);
        MembershipKey key = null;
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            ch.bind(new InetSocketAddress(port));
            if (group != null && nif != null) {
                key = ch.join(group, nif);
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return new SyncTransport(ch, null, List.of(), key);
    }

    /** The local port (a receiver's bound port). */
    public int localPort() throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    /** Sends {@code [offset, offset + length)} of {@code b} to the group and every peer; false on any error. */
    public boolean send(ByteBuffer b, int offset, int length) {
        boolean ok = true;
        ByteBuffer d = b.duplicate();
        if (group != null) {
            ok = sendTo(d, offset, length, group);
        }
        for (InetSocketAddress p : peers) {
            ok &= sendTo(d, offset, length, p);
        }
        return ok;
    }

    private boolean sendTo(ByteBuffer d, int offset, int length, SocketAddress to) {
        d.limit(offset + length).position(offset);
        try {
            return channel.send(d, to) == length;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Blocks for one datagram into {@code b} from its position 0; returns its length (truncated to the
     * buffer's capacity) and leaves the sender in {@code from[0]} when given.
     *
     * @throws IOException when the socket is closed
     */
    public int receive(ByteBuffer b, SocketAddress[] from) throws IOException {
        b.clear();
        SocketAddress src = channel.receive(b);
        if (from != null) {
            from[0] = src;
        }
        return b.position();
    }

    @Override
    public void close() {
        try {
            if (membership != null) {
                membership.drop();
            }
            channel.close();
        } catch (IOException e) {
            // closing: nothing more to do
        }
    }
}
