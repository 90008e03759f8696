package io.ippvs.core.director;

import io.ippvs.api.NextHop;
import io.ippvs.api.Offload;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServer;
import io.ippvs.api.RewriteContext;
import io.ippvs.core.conn.ConnectionSpec;
import io.ippvs.core.conn.ConnectionTable;
import io.ippvs.core.packet.PacketInfo;
import io.ippvs.core.service.RealServerState;
import io.ippvs.core.sync.SyncEntry;
import java.nio.ByteBuffer;

/**
 * The per-thread working set of one packet, and all the per-packet state the director's stages hand
 * one another: the parsed description, the packet's buffer, next hop and time, the connection and
 * its server, a spec for inserts, and the {@link RewriteContext} handed to rewriters. Owned by one
 * {@link Worker}; refilled for every packet.
 */
final class Scratch implements RewriteContext {

    private final Attachments attachments;
    private final Expectations expectations;
    /** The worker's counter stripe. */
    final int stripe;
    /** The packet being processed: this scratch's own, or a {@link Burst}'s slot for the packet. */
    PacketInfo info = new PacketInfo();
    final ConnectionSpec spec = new ConnectionSpec();
    /** The sync master's snapshot space (about 300 bytes per packet thread). */
    final SyncEntry syncEntry = new SyncEntry();

    ByteBuffer buffer;
    /** Where the caller wants the real server and method of a forwarded packet; may be null. */
    NextHop hop;
    int family;
    int l3Offset;
    int l4Offset;
    int protocol;
    boolean reply;
    boolean icmpError;
    int innerL3Offset;
    int innerL4Offset;
    long clientHigh;
    long clientLow;
    int clientPort;
    long virtualHigh;
    long virtualLow;
    int virtualPort;
    long destinationHigh;
    long destinationLow;
    int destinationPort;
    RealServerState realServer;
    long now;
    /** The connection's handle, or {@link ConnectionTable#NO_HANDLE} for a one-packet flow. */
    int handle;
    /** The transport protocol of the connection (the quoted one for ICMP errors). */
    int connectionProtocol;
    /** The packet's state-machine input ({@link ProtocolState#event}). */
    int event;
    /** The server a new connection's scheduling chose (and bound). */
    RealServerState chosen;
    /** The persistence template controlling a new connection, or {@link ConnectionTable#NO_HANDLE}. */
    int template;
    /** Whether scheduling this packet made its persistence template (so a drop takes it back). */
    boolean templateMade;
    /** The packet's offload facts; null for a plain packet. */
    Offload offload;
    /** What the packet counts as: the segments it becomes and their bytes (1 and its length when plain). */
    int segments;
    int wireBytes;

    Scratch(Attachments attachments, Expectations expectations, int stripe) {
        this.attachments = attachments;
        this.expectations = expectations;
        this.stripe = stripe;
    }

    /** Fills the connection fields from entry {@code h}. */
    void connection(ConnectionTable table, int h) {
        handle = h;
        clientHigh = table.clientHigh(h);
        clientLow = table.clientLow(h);
        clientPort = table.clientPort(h);
        virtualHigh = table.virtualHigh(h);
        virtualLow = table.virtualLow(h);
        virtualPort = table.virtualPort(h);
        destinationHigh = table.destinationHigh(h);
        destinationLow = table.destinationLow(h);
        destinationPort = table.destinationPort(h);
    }

    /** Fills the packet fields (of {@link #buffer}) for a packet that is not an ICMP error. */
    void packet(boolean reply) {
        this.family = info.addressFamily();
        this.l3Offset = info.l3Offset();
        this.l4Offset = info.l4Offset();
        this.protocol = info.protocolNumber();
        this.reply = reply;
        this.icmpError = false;
        this.innerL3Offset = -1;
        this.innerL4Offset = -1;
    }

    @Override
    public ByteBuffer buffer() {
        return buffer;
    }

    @Override
    public int addressFamily() {
        return family;
    }

    @Override
    public int l3Offset() {
        return l3Offset;
    }

    @Override
    public int l4Offset() {
        return l4Offset;
    }

    @Override
    public int protocol() {
        return protocol;
    }

    @Override
    public boolean reply() {
        return reply;
    }

    @Override
    public boolean icmpError() {
        return icmpError;
    }

    @Override
    public int innerL3Offset() {
        return innerL3Offset;
    }

    @Override
    public int innerL4Offset() {
        return innerL4Offset;
    }

    @Override
    public int end() {
        return info.end();
    }

    @Override
    public int ttl() {
        return info.ttl();
    }

    @Override
    public int trafficClass() {
        return info.trafficClass();
    }

    @Override
    public boolean dontFragment() {
        return info.dontFragment();
    }

    @Override
    public int payloadOffset() {
        return info.payloadOffset();
    }

    @Override
    public int fragmentOffset() {
        return info.fragmentOffset();
    }

    @Override
    public long clientAddressHigh() {
        return clientHigh;
    }

    @Override
    public long clientAddressLow() {
        return clientLow;
    }

    @Override
    public int clientPort() {
        return clientPort;
    }

    @Override
    public long virtualAddressHigh() {
        return virtualHigh;
    }

    @Override
    public long virtualAddressLow() {
        return virtualLow;
    }

    @Override
    public int virtualPort() {
        return virtualPort;
    }

    @Override
    public long destinationAddressHigh() {
        return destinationHigh;
    }

    @Override
    public long destinationAddressLow() {
        return destinationLow;
    }

    @Override
    public int destinationPort() {
        return destinationPort;
    }

    @Override
    public RealServer realServer() {
        return realServer;
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public Object attachment() {
        return handle < 0 ? null : attachments.get(handle);
    }

    @Override
    public void attach(Object value) {
        if (handle >= 0) {
            attachments.set(handle, value);
        }
    }

    @Override
    public Offload offload() {
        return offload;
    }

    @Override
    public boolean expectConnection(Protocol protocol, int clientPort, int virtualPort, int destinationPort) {
        return expectations.expect(this, protocol, clientPort, virtualPort, destinationPort);
    }
}
