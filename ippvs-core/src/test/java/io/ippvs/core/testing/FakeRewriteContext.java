package io.ippvs.core.testing;

import io.ippvs.api.Addresses;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Offload;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServer;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.RewriteContext;
import io.ippvs.core.packet.PacketInfo;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The one hand-filled {@link RewriteContext} for testing and benchmarking a rewriter without a
 * director: one connection (client, virtual address, real server) whose packets are described one by
 * one with {@link #packet} (headers walked naively, IPv6 extension headers included) or
 * {@link #parsed} (from the parser's description, as the director does). Describing a packet
 * allocates nothing, so a benchmark can describe each packet it replays.
 *
 * <p>Either the connection is fixed ({@link #of}, {@link #masquerade}), or it is read from each packet
 * ({@link #fromPacket}: source = client, destination = virtual address), for tunnel tests whose
 * packets all come from clients. Expected connections and attachments are recorded, not acted on.
 * When {@code RewriteContext} gains a method, it gains it here once.
 */
public final class FakeRewriteContext implements RewriteContext {

    /** One expectConnection call. */
    public record Expectation(Protocol protocol, int clientPort, int virtualPort, int destinationPort) {}

    private final boolean fromPacket;
    private final RealServer server;
    private int family;
    private long clientHigh;
    private long clientLow;
    private int clientPort;
    private long virtualHigh;
    private long virtualLow;
    private int virtualPort;
    private int destinationPort;

    /** The expectConnection calls so far, each once (a repeat returns false, as an existing entry would). */
    public final List<Expectation> expectations = new ArrayList<>();
    /** What {@link #nanoTime()} returns; tests move it. */
    public long now = 1_000_000_000L;
    /** What {@link #offload()} returns: null (a plain packet) unless a test sets the facts. */
    public Offload offload;
    private Object attachment;

    private ByteBuffer buffer;
    private int l3;
    private int l4;
    private int protocol;
    private boolean reply;
    private boolean icmpError;
    private int innerL3 = -1;
    private int innerL4 = -1;

    private FakeRewriteContext(boolean fromPacket, RealServer server) {
        this.fromPacket = fromPacket;
        this.server = server;
    }

    /**
     * A connection of {@code client:clientPort} to {@code virtual:virtualPort} on {@code server}; the
     * destination port is the server's, or the virtual port when the server's is 0.
     */
    public static FakeRewriteContext of(InetAddress client, int clientPort, InetAddress virtual, int virtualPort,
            RealServer server) {
        FakeRewriteContext c = new FakeRewriteContext(false, server);
        c.family = Addresses.family(client);
        c.clientHigh = Addresses.high(client);
        c.clientLow = Addresses.low(client);
        c.clientPort = clientPort;
        c.virtualHigh = Addresses.high(virtual);
        c.virtualLow = Addresses.low(virtual);
        c.virtualPort = virtualPort;
        c.destinationPort = server.port() != 0 ? server.port() : virtualPort;
        return c;
    }

    /** A NAT connection to {@code server:serverPort} with the given MTU (0 = the rewriter's default). */
    public static FakeRewriteContext masquerade(String client, int clientPort, String virtual, int virtualPort,
            String server, int serverPort, int mtu) {
        InetAddress s = address(server);
        return of(address(client), clientPort, address(virtual), virtualPort, new FakeRealServer(
                RealServerConfig.builder(s, serverPort, ForwardingMethod.MASQUERADE).mtu(mtu).build()));
    }

    /** A context whose client and virtual address and ports are those of each packet, described at once. */
    public static FakeRewriteContext fromPacket(ByteBuffer b, RealServer server, long nanoTime) {
        FakeRewriteContext c = new FakeRewriteContext(true, server);
        c.now = nanoTime;
        return c.packet(b, false);
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** Describes the packet at the buffer's position, walking IPv6 extension headers; allocates nothing. */
    public FakeRewriteContext packet(ByteBuffer b, boolean isReply) {
        this.buffer = b;
        this.l3 = b.position();
        this.reply = isReply;
        boolean v4 = (b.get(l3) & 0xF0) == 0x40;
        this.protocol = b.get(l3 + (v4 ? 9 : 6)) & 0xFF;
        this.l4 = l3 + (v4 ? (b.get(l3) & 0x0F) * 4 : 40);
        while (!v4 && (protocol == 0 || protocol == 43 || protocol == 60 || protocol == 44)
                && l4 + 8 <= b.limit()) {
            int length = protocol == 44 ? 8 : ((b.get(l4 + 1) & 0xFF) + 1) * 8;
            protocol = b.get(l4) & 0xFF;
            l4 += length;
        }
        this.icmpError = false;
        this.innerL3 = this.innerL4 = -1;
        if ((protocol == 1 || protocol == 58) && l4 < b.limit()) {
            int type = b.get(l4) & 0xFF;
            icmpError = v4 ? type == 3 || type == 11 || type == 12 : type < 128;
            if (icmpError && l4 + 9 <= b.limit()) {
                innerL3 = l4 + 8;
                innerL4 = innerL3 + (v4 ? (b.get(innerL3) & 0x0F) * 4 : 40);
            }
        }
        if (fromPacket) {
            readConnection(b, v4);
        }
        return this;
    }

    /** Describes a packet from the parser's description of it, as a director would. */
    public FakeRewriteContext parsed(ByteBuffer b, PacketInfo info, boolean isReply) {
        this.buffer = b;
        this.l3 = info.l3Offset();
        this.l4 = info.l4Offset();
        this.protocol = info.protocolNumber();
        this.reply = isReply;
        this.icmpError = info.isIcmpError();
        this.innerL3 = info.innerL3Offset();
        this.innerL4 = info.innerL4Offset();
        return this;
    }

    private void readConnection(ByteBuffer b, boolean v4) {
        family = v4 ? Addresses.IPV4 : Addresses.IPV6;
        if (v4) {
            clientHigh = 0;
            clientLow = b.getInt(l3 + 12) & 0xFFFFFFFFL;
            virtualHigh = 0;
            virtualLow = b.getInt(l3 + 16) & 0xFFFFFFFFL;
        } else {
            clientHigh = b.getLong(l3 + 8);
            clientLow = b.getLong(l3 + 16);
            virtualHigh = b.getLong(l3 + 24);
            virtualLow = b.getLong(l3 + 32);
        }
        boolean ports = (protocol == 6 || protocol == 17 || protocol == 132) && l4 + 4 <= b.limit();
        clientPort = ports ? b.getShort(l4) & 0xFFFF : 0;
        virtualPort = ports ? b.getShort(l4 + 2) & 0xFFFF : 0;
        destinationPort = server.port() != 0 ? server.port() : virtualPort;
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
        return l3;
    }

    @Override
    public int l4Offset() {
        return l4;
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
        return innerL3;
    }

    @Override
    public int innerL4Offset() {
        return innerL4;
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
        return server.addressHigh();
    }

    @Override
    public long destinationAddressLow() {
        return server.addressLow();
    }

    @Override
    public int destinationPort() {
        return destinationPort;
    }

    @Override
    public RealServer realServer() {
        return server;
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public Object attachment() {
        return attachment;
    }

    @Override
    public void attach(Object value) {
        this.attachment = value;
    }

    @Override
    public boolean expectConnection(Protocol p, int cport, int vport, int dport) {
        Expectation e = new Expectation(p, cport, vport, dport);
        if (expectations.contains(e)) {
            return false;
        }
        expectations.add(e);
        return true;
    }

    @Override
    public Offload offload() {
        return offload;
    }
}
