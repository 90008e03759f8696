package io.ippvs.nat;

import static io.ippvs.core.header.IpProtocol.ICMPV6;
import static io.ippvs.core.header.IpProtocol.SCTP;
import static io.ippvs.core.header.IpProtocol.TCP;
import static io.ippvs.core.header.IpProtocol.UDP;

import io.ippvs.api.DropReason;
import io.ippvs.api.RewriteContext;
import io.ippvs.api.Verdict;
import io.ippvs.core.checksum.InternetChecksum;
import io.ippvs.core.header.Icmpv4Header;
import io.ippvs.core.header.Icmpv6Header;
import io.ippvs.core.header.Ipv4Header;
import io.ippvs.core.header.Ipv6Header;
import io.ippvs.core.header.TcpHeader;
import io.ippvs.core.header.UdpHeader;
import java.nio.ByteBuffer;

/**
 * ICMP errors about a masqueraded connection, translated in place (Linux {@code ip_vs_nat_icmp} and
 * {@code ip_vs_nat_icmp_v6}). An error from the real server's side ({@code reply}) quotes a packet
 * client -> real server: its outer source and the quote's destination become the virtual address and
 * port. An error from the client's side quotes a reply virtual -> client: its outer destination and
 * the quote's source become the real server's.
 *
 * <p>Static methods on a final class, called from one site each in {@link NatRewriter}: errors are
 * off the established path, and keeping them out of the rewriter keeps its common path small enough
 * for the JIT to inline whole.
 */
final class NatIcmp {

    private static final Verdict FORWARD = Verdict.FORWARD;
    private static final Verdict MALFORMED = Verdict.drop(DropReason.MALFORMED);
    private static final Verdict UNSUPPORTED = Verdict.drop(DropReason.UNSUPPORTED);
    private static final Verdict TTL_EXPIRED = Verdict.drop(DropReason.TTL_EXPIRED);
    private static final Verdict FRAGMENT = Verdict.drop(DropReason.FRAGMENT);

    /** Transport bytes every ICMP error quotes (RFC 792): the ports and, for UDP, the checksum. */
    private static final int QUOTED_TRANSPORT = 8;

    private NatIcmp() {}

    /**
     * An ICMPv4 error (the director matched its quote to a connection): the outer address of the
     * connection's side, the quoted header's address and port, the quoted transport checksum, both IP
     * header checksums and the ICMP checksum. The ICMP checksum covers the quote, which changed in
     * more than addresses, so it is recomputed over the whole message; errors are rare.
     */
    static Verdict translate4(boolean decrementTtl, RewriteContext c, ByteBuffer b, int l3, int ihl, int end, int ttl, boolean reply) {
        int l4 = c.l4Offset();
        int in3 = c.innerL3Offset();
        int in4 = c.innerL4Offset();
        if (l4 != l3 + ihl || in3 != l4 + Icmpv4Header.LENGTH || in3 + Ipv4Header.MIN_LENGTH > end) {
            return MALFORMED;
        }
        int innerIhl = Ipv4Header.headerLength(b, in3);
        if (Ipv4Header.version(b, in3) != 4 || innerIhl < Ipv4Header.MIN_LENGTH || in4 != in3 + innerIhl || in4 + QUOTED_TRANSPORT > end) {
            return MALFORMED;
        }
        int innerProto = Ipv4Header.protocol(b, in3);
        if (innerProto != TCP && innerProto != UDP && innerProto != SCTP) {
            return UNSUPPORTED;
        }
        if (decrementTtl && ttl <= 1) {
            // never an ICMP error about an ICMP error (RFC 1122 3.2.2)
            return TTL_EXPIRED;
        }
        // replies: the error came from the real server's side about a packet client -> real server;
        // inbound: from the client's side about a reply virtual -> client
        int outerOff = reply ? l3 + Ipv4Header.SOURCE_ADDRESS_OFFSET : l3 + Ipv4Header.DESTINATION_ADDRESS_OFFSET;
        int innerAddrOff = reply ? in3 + Ipv4Header.DESTINATION_ADDRESS_OFFSET : in3 + Ipv4Header.SOURCE_ADDRESS_OFFSET;
        int innerPortOff = reply ? in4 + TcpHeader.DESTINATION_PORT_OFFSET : in4;
        int newAddr = (int) (reply ? c.virtualAddressLow() : c.destinationAddressLow());
        int newPort = reply ? c.virtualPort() : c.destinationPort();

        NatTransport.ipv4Address(b, l3, outerOff, b.getInt(outerOff), newAddr, decrementTtl, ttl);

        int oldInner = b.getInt(innerAddrOff);
        int oldPort = b.getShort(innerPortOff) & 0xFFFF;
        int innerSum = Ipv4Header.checksum(b, in3);
        Ipv4Header.checksum(b, in3, InternetChecksum.update32(innerSum, oldInner, newAddr));
        b.putInt(innerAddrOff, newAddr);
        b.putShort(innerPortOff, (short) newPort);
        quotedTransportChecksum(b, in4, end, innerProto, false, 0, oldInner & 0xFFFFFFFFL, 0, newAddr & 0xFFFFFFFFL,
                oldPort, newPort);

        Icmpv4Header.checksum(b, l4, 0);
        Icmpv4Header.checksum(b, l4, InternetChecksum.checksum(b, l4, end - l4, 0));
        return FORWARD;
    }

    /**
     * The same for an ICMPv6 error; its checksum has a pseudo-header, and there is no IP header
     * checksum to keep.
     */
    static Verdict translate6(boolean decrementTtl, RewriteContext c, ByteBuffer b, int l3, int l4, int end, int hopLimit, boolean reply) {
        int in3 = c.innerL3Offset();
        int in4 = c.innerL4Offset();
        if (c.protocol() != ICMPV6 || in3 != l4 + Icmpv6Header.LENGTH || in3 + Ipv6Header.LENGTH > end
                || in4 < in3 + Ipv6Header.LENGTH || in4 + QUOTED_TRANSPORT > end
                || Ipv6Header.version(b, in3) != 6) {
            return MALFORMED;
        }
        if (l4 != l3 + Ipv6Header.LENGTH && Ipv6Chain.hasFragmentHeader(b, l3, l4)) {
            return FRAGMENT;
        }
        int innerProto = Ipv6Chain.upperLayerProtocol(b, in3, in4);
        if (innerProto != TCP && innerProto != UDP && innerProto != SCTP) {
            return UNSUPPORTED;
        }
        if (decrementTtl && hopLimit <= 1) {
            return TTL_EXPIRED;
        }
        int outerOff = reply ? l3 + Ipv6Header.SOURCE_ADDRESS_OFFSET : l3 + Ipv6Header.DESTINATION_ADDRESS_OFFSET;
        int innerAddrOff = reply ? in3 + Ipv6Header.DESTINATION_ADDRESS_OFFSET : in3 + Ipv6Header.SOURCE_ADDRESS_OFFSET;
        int innerPortOff = reply ? in4 + TcpHeader.DESTINATION_PORT_OFFSET : in4;
        long newHigh = reply ? c.virtualAddressHigh() : c.destinationAddressHigh();
        long newLow = reply ? c.virtualAddressLow() : c.destinationAddressLow();
        int newPort = reply ? c.virtualPort() : c.destinationPort();

        if (decrementTtl) {
            Ipv6Header.hopLimit(b, l3, hopLimit - 1);
        }
        Ipv6Header.address(b, outerOff, newHigh, newLow);
        long oldInnerHigh = Ipv6Header.addressHigh(b, innerAddrOff);
        long oldInnerLow = Ipv6Header.addressLow(b, innerAddrOff);
        int oldPort = b.getShort(innerPortOff) & 0xFFFF;
        Ipv6Header.address(b, innerAddrOff, newHigh, newLow);
        b.putShort(innerPortOff, (short) newPort);
        quotedTransportChecksum(b, in4, end, innerProto, true, oldInnerHigh, oldInnerLow, newHigh, newLow, oldPort, newPort);

        Icmpv6Header.checksum(b, l4, 0);
        int pseudo = InternetChecksum.pseudoHeaderV6(b, l3, ICMPV6, end - l4);
        Icmpv6Header.checksum(b, l4, InternetChecksum.checksum(b, l4, end - l4, pseudo));
        return FORWARD;
    }

    /** Keeps the transport checksum of a quoted packet valid after its address and port changed. */
    private static void quotedTransportChecksum(ByteBuffer b, int in4, int end, int proto, boolean v6, long oldHigh,
            long oldLow, long newHigh, long newLow, int oldPort, int newPort) {
        int at;
        if (proto == TCP) {
            at = in4 + TcpHeader.CHECKSUM_OFFSET;
        } else if (proto == UDP) {
            at = in4 + UdpHeader.CHECKSUM_OFFSET;
        } else {
            return; // SCTP: the CRC needs the whole packet, which a quote rarely holds
        }
        if (at + 2 > end) {
            return;
        }
        int sum = b.getShort(at) & 0xFFFF;
        if (proto == UDP && sum == 0) {
            return;
        }
        sum = NatTransport.addressUpdate(sum, v6, oldHigh, oldLow, newHigh, newLow);
        sum = InternetChecksum.update16(sum, oldPort, newPort);
        b.putShort(at, (short) (proto == UDP ? InternetChecksum.udpField(sum) : sum));
    }
}
