package io.ippvs.nat;

import com.google.common.net.InetAddresses;
import io.ippvs.api.Addresses;
import io.ippvs.api.DropReason;
import io.ippvs.api.Verdict;
import io.ippvs.core.packet.PacketInfo;
import io.ippvs.core.packet.PacketParser;
import io.ippvs.core.packet.ParseStatus;
import io.ippvs.core.testing.FakeRewriteContext;
import io.ippvs.core.testing.Fixture;
import io.ippvs.nat.testing.NatFixtures;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The smallest stand-in for the director that lets the rewriter meet arbitrary bytes: the real
 * parser, then a fixed set of connections (those of {@link NatFixtures}) matched on addresses and
 * ports, then the rewriter. Used by the rewriter-only fuzz; the director fuzz uses the real thing.
 */
final class MiniDirector {

    private record Known(FakeRewriteContext context, int family, int protocol, long vHigh, long vLow, int vPort, long dHigh,
            long dLow, int dPort) {}

    private final PacketParser parser = new PacketParser(false);
    private final PacketInfo info = new PacketInfo();
    private final NatRewriter rewriter;
    private final List<Known> known = new ArrayList<>();

    MiniDirector(NatRewriter rewriter) {
        this.rewriter = rewriter;
        String[] names = {"web", "dns", "sctp", "ftp", "ftp-pasv-data", "ftp-active-data", "web6", "dns6"};
        int[] protocols = {6, 17, 132, 6, 6, 6, 6, 17};
        for (int i = 0; i < names.length; i++) {
            Fixture.Flow k = NatFixtures.flow(names[i]);
            InetAddress v = InetAddresses.forString(k.virtual());
            InetAddress d = k.server().inetAddress();
            known.add(new Known(k.context(), Addresses.family(v), protocols[i], Addresses.high(v), Addresses.low(v),
                    k.virtualPort(), Addresses.high(d), Addresses.low(d), k.server().port()));
        }
    }

    PacketInfo info() {
        return info;
    }

    Verdict process(ByteBuffer b) {
        ParseStatus status = parser.parse(b, info);
        if (status != ParseStatus.OK) {
            return Verdict.drop(status.dropReason());
        }
        if (info.l4Offset() < 0) {
            return Verdict.drop(DropReason.FRAGMENT);
        }
        boolean error = info.isIcmpError();
        int protocol = error ? info.innerProtocol() : info.protocolNumber();
        for (Known k : known) {
            if (k.family != info.addressFamily() || k.protocol != protocol) {
                continue;
            }
            boolean inbound = error
                    ? info.innerSrcHigh() == k.vHigh && info.innerSrcLow() == k.vLow && info.innerSrcPort() == k.vPort
                    : info.dstHigh() == k.vHigh && info.dstLow() == k.vLow && info.dstPort() == k.vPort;
            boolean outbound = error
                    ? info.innerDstHigh() == k.dHigh && info.innerDstLow() == k.dLow && info.innerDstPort() == k.dPort
                    : info.srcHigh() == k.dHigh && info.srcLow() == k.dLow && info.srcPort() == k.dPort;
            if (inbound || outbound) {
                return rewriter.rewrite(k.context.parsed(b, info, outbound));
            }
        }
        return error ? Verdict.drop(DropReason.UNMATCHED_ICMP) : Verdict.PASS;
    }
}
