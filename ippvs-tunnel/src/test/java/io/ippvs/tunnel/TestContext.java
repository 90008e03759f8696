package io.ippvs.tunnel;

import io.ippvs.api.Addresses;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServer;
import io.ippvs.api.RewriteContext;
import java.nio.ByteBuffer;

/**
 * A {@link RewriteContext} read naively from the packet itself (source = client, destination =
 * virtual address), standing in for the director in rewriter tests. Handles IPv4 without options and
 * IPv6 without extension headers, which is all the tests build.
 */
final class TestContext implements RewriteContext {

    private final ByteBuffer buffer;
    private final RealServer server;
    private final long nanoTime;
    private final int family;
    private final int l3;
    private final int l4;
    private final int protocol;
    private final boolean icmpError;
    private long clientHigh;
    private long clientLow;
    private long virtualHigh;
    private long virtualLow;
    private int clientPort;
    private int virtualPort;

    TestContext(ByteBuffer buffer, RealServer server, long nanoTime) {
        this.buffer = buffer;
        this.server = server;
        this.nanoTime = nanoTime;
        this.l3 = buffer.position();
        this.family = (buffer.get(l3) & 0xF0) == 0x60 ? Addresses.IPV6 : Addresses.IPV4;
        if (family == Addresses.IPV4) {
            l4 = l3 + (buffer.get(l3) & 0x0F) * 4;
            protocol = buffer.get(l3 + 9) & 0xFF;
            clientLow = buffer.getInt(l3 + 12) & 0xFFFFFFFFL;
            virtualLow = buffer.getInt(l3 + 16) & 0xFFFFFFFFL;
        } else {
            l4 = l3 + 40;
            protocol = buffer.get(l3 + 6) & 0xFF;
            clientHigh = buffer.getLong(l3 + 8);
            clientLow = buffer.getLong(l3 + 16);
            virtualHigh = buffer.getLong(l3 + 24);
            virtualLow = buffer.getLong(l3 + 32);
        }
        if (protocol == 6 || protocol == 17 || protocol == 132) {
            clientPort = buffer.getShort(l4) & 0xFFFF;
            virtualPort = buffer.getShort(l4 + 2) & 0xFFFF;
        }
        int type = protocol == 1 || protocol == 58 ? buffer.get(l4) & 0xFF : -1;
        icmpError = protocol == 1 ? type == 3 || type == 11 || type == 12 : protocol == 58 && type >= 0 && type < 128;
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
        return false;
    }

    @Override
    public boolean icmpError() {
        return icmpError;
    }

    @Override
    public int innerL3Offset() {
        return icmpError ? l4 + 8 : -1;
    }

    @Override
    public int innerL4Offset() {
        return -1;
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
        return server.port() != 0 ? server.port() : virtualPort;
    }

    @Override
    public RealServer realServer() {
        return server;
    }

    @Override
    public long nanoTime() {
        return nanoTime;
    }

    @Override
    public Object attachment() {
        return null;
    }

    @Override
    public void attach(Object value) {
        throw new UnsupportedOperationException("no helpers on tunnels");
    }

    @Override
    public boolean expectConnection(Protocol p, int clientPort, int virtualPort, int destinationPort) {
        return false;
    }
}
