package io.ippvs.nat;

import com.google.common.net.InetAddresses;
import io.ippvs.api.Addresses;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServer;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.RewriteContext;
import io.ippvs.core.testing.FakeRealServer;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A hand-filled {@link RewriteContext} for testing the rewriter without a director: one connection
 * (client, virtual, real server) whose packets are fed one by one with {@link #packet}.
 */
final class TestContext implements RewriteContext {

    /** One expectConnection call. */
    record Expectation(Protocol protocol, int clientPort, int virtualPort, int destinationPort) {}

    private final int family;
    private final InetAddress client;
    private final int clientPort;
    private final InetAddress virtual;
    private final int virtualPort;
    private final InetAddress destination;
    private final int destinationPort;
    private final FakeRealServer server;
    final List<Expectation> expectations = new ArrayList<>();
    long now = 1_000_000_000L;
    private Object attachment;

    private ByteBuffer buffer;
    private int l3;
    private int l4;
    private int protocol;
    private boolean reply;
    private boolean icmpError;
    private int innerL3 = -1;
    private int innerL4 = -1;

    TestContext(String client, int clientPort, String virtual, int virtualPort, String destination, int destinationPort,
            int mtu) {
        this.client = InetAddresses.forString(client);
        this.family = Addresses.family(this.client);
        this.clientPort = clientPort;
        this.virtual = InetAddresses.forString(virtual);
        this.virtualPort = virtualPort;
        this.destination = InetAddresses.forString(destination);
        this.destinationPort = destinationPort;
        this.server = new FakeRealServer(RealServerConfig.builder(this.destination, destinationPort)
                .forwardingMethod(ForwardingMethod.MASQUERADE).mtu(mtu).build());
    }

    /** Describes the packet at the buffer's position (IPv6 extension headers walked). */
    TestContext packet(ByteBuffer b, boolean isReply) {
        this.buffer = b;
        this.l3 = b.position();
        this.reply = isReply;
        boolean v4 = (b.get(l3) & 0xF0) == 0x40;
        this.protocol = b.get(l3 + (v4 ? 9 : 6)) & 0xFF;
        this.l4 = l3 + (v4 ? (b.get(l3) & 0x0F) * 4 : 40);
        while (!v4 && (protocol == 0 || protocol == 43 || protocol == 60 || protocol == 44)) {
            int length = protocol == 44 ? 8 : ((b.get(l4 + 1) & 0xFF) + 1) * 8;
            protocol = b.get(l4) & 0xFF;
            l4 += length;
        }
        this.icmpError = false;
        this.innerL3 = this.innerL4 = -1;
        if (protocol == 1 || protocol == 58) {
            int type = b.get(l4) & 0xFF;
            icmpError = v4 ? type == 3 || type == 11 || type == 12 : type < 128;
            if (icmpError) {
                innerL3 = l4 + 8;
                innerL4 = innerL3 + (v4 ? (b.get(innerL3) & 0x0F) * 4 : 40);
            }
        }
        return this;
    }

    /** Describes a packet from the parser's description of it, as a director would. */
    TestContext parsed(ByteBuffer b, io.ippvs.core.packet.PacketInfo info, boolean isReply) {
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
        return Addresses.high(client);
    }

    @Override
    public long clientAddressLow() {
        return Addresses.low(client);
    }

    @Override
    public int clientPort() {
        return clientPort;
    }

    @Override
    public long virtualAddressHigh() {
        return Addresses.high(virtual);
    }

    @Override
    public long virtualAddressLow() {
        return Addresses.low(virtual);
    }

    @Override
    public int virtualPort() {
        return virtualPort;
    }

    @Override
    public long destinationAddressHigh() {
        return Addresses.high(destination);
    }

    @Override
    public long destinationAddressLow() {
        return Addresses.low(destination);
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

    /**
     * Runs one packet of this connection through {@code rewriter} in a guarded buffer with
     * {@code tailroom}, asserting a FORWARD verdict, no write outside the buffer and valid checksums.
     */
    byte[] forward(io.ippvs.api.PacketRewriter rewriter, byte[] packet, boolean isReply, int tailroom) {
        Guarded g = new Guarded(packet, false, 0, tailroom);
        org.assertj.core.api.Assertions.assertThat(rewriter.rewrite(packet(g.buffer, isReply)))
                .isEqualTo(io.ippvs.api.Verdict.FORWARD);
        org.assertj.core.api.Assertions.assertThat(g.guardsIntact()).isTrue();
        byte[] out = g.packet();
        io.ippvs.core.testing.ChecksumVerifier.assertValid(out);
        return out;
    }
}
