package io.ippvs.core.director;

import io.ippvs.api.Addresses;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.PacketRewriter;
import io.ippvs.api.RealServer;
import io.ippvs.api.RewriteContext;
import io.ippvs.api.Verdict;
import java.nio.ByteBuffer;

/**
 * A test rewriter proving the forwarding seam: it records what the director told it and, for
 * IPv4 packets that are not ICMP errors and not replies, writes the real server's address over the
 * destination address (no checksum fix: the tests read the bytes back, nothing verifies them).
 */
final class RecordingRewriter implements PacketRewriter {

    private final ForwardingMethod method;
    private final boolean rewriteDestination;
    int calls;
    boolean reply;
    boolean icmpError;
    int innerL3Offset;
    int clientPort;
    int virtualPort;
    int destinationPort;
    String destination;
    RealServer realServer;
    Object attachment;
    Verdict verdict = Verdict.FORWARD;
    /** When set, the rewriter asks for an expected connection with these ports (client, virtual, destination). */
    int[] expect;
    boolean expectResult;

    RecordingRewriter(ForwardingMethod method, boolean rewriteDestination) {
        this.method = method;
        this.rewriteDestination = rewriteDestination;
    }

    @Override
    public ForwardingMethod method() {
        return method;
    }

    @Override
    public Verdict rewrite(RewriteContext c) {
        calls++;
        reply = c.reply();
        icmpError = c.icmpError();
        innerL3Offset = c.innerL3Offset();
        clientPort = c.clientPort();
        virtualPort = c.virtualPort();
        destinationPort = c.destinationPort();
        destination = Addresses.format(c.realServer().addressFamily(), c.destinationAddressHigh(),
                c.destinationAddressLow());
        realServer = c.realServer();
        attachment = c.attachment();
        if (attachment == null) {
            c.attach("seen");
        }
        if (expect != null) {
            expectResult = c.expectConnection(io.ippvs.api.Protocol.TCP, expect[0], expect[1], expect[2]);
            expect = null;
        }
        ByteBuffer b = c.buffer();
        if (rewriteDestination && !c.reply() && !c.icmpError() && c.addressFamily() == Addresses.IPV4) {
            b.putInt(c.l3Offset() + 16, (int) c.destinationAddressLow());
        }
        return verdict;
    }
}
