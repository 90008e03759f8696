package io.ippvs.nat;

import static io.ippvs.core.header.IpProtocol.SCTP;
import static io.ippvs.core.header.IpProtocol.TCP;
import static io.ippvs.core.header.IpProtocol.UDP;

import io.ippvs.api.DropReason;
import io.ippvs.api.Offload;
import io.ippvs.api.RewriteContext;
import io.ippvs.api.Verdict;
import io.ippvs.core.checksum.Crc32c;
import io.ippvs.core.checksum.InternetChecksum;
import io.ippvs.core.header.Ipv4Header;
import io.ippvs.core.header.SctpHeader;
import io.ippvs.core.header.TcpHeader;
import io.ippvs.core.header.UdpHeader;
import java.nio.ByteBuffer;

/**
 * The ports and checksums of a NAT rewrite outside the IPv4 TCP fast path: TCP, UDP and SCTP, for
 * IPv4 and IPv6 alike, plus the IPv4 header's address and TTL update that {@link NatIcmp} shares.
 * {@link NatRewriter} hands the address change over in two longs, so one copy of the transport code
 * serves both families.
 *
 * <p>{@link #check} runs before anything is written, so a refused packet leaves the rewriter
 * untouched; {@link #rewrite} cannot fail. Static methods on a final class: one call site each, no
 * dispatch, inlined by the JIT.
 */
final class NatTransport {

    private static final Verdict MALFORMED = Verdict.drop(DropReason.MALFORMED);
    private static final Verdict TRUNCATED = Verdict.drop(DropReason.TRUNCATED);
    private static final Verdict UNSUPPORTED = Verdict.drop(DropReason.UNSUPPORTED);
    private static final Verdict FRAGMENT = Verdict.drop(DropReason.FRAGMENT);
    private static final Verdict BAD_CHECKSUM = Verdict.drop(DropReason.BAD_CHECKSUM);

    private NatTransport() {}

    /**
     * Refuses, before anything is written, a transport header this rewriter cannot translate; null when
     * the packet can be translated.
     */
    static Verdict check(RewriteContext c, ByteBuffer b, int l4, int expectedL4, int end, int proto,
            boolean reply, boolean fragmented, boolean v6) {
        if (l4 < expectedL4 || l4 > end) {
            return MALFORMED;
        }
        switch (proto) {
            case TCP:
                if (l4 + TcpHeader.MIN_LENGTH > end) {
                    return TRUNCATED;
                }
                return null;
            case UDP:
                if (l4 + SctpHeader.CHECKSUM_OFFSET > end) {
                    return TRUNCATED;
                }
                // RFC 8200 8.1: a zero UDP checksum is not allowed over IPv6 (a partial one is a sum, never 0)
                return v6 && UdpHeader.checksum(b, l4) == 0 && !partial(c) ? BAD_CHECKSUM : null;
            case SCTP: {
                if (l4 + SctpHeader.LENGTH > end) {
                    return TRUNCATED;
                }
                int oldPort = b.getShort(reply ? l4 : l4 + TcpHeader.DESTINATION_PORT_OFFSET) & 0xFFFF;
                int newPort = reply ? c.virtualPort() : c.destinationPort();
                if (oldPort == newPort) {
                    return null;
                }
                if (fragmented) {
                    return FRAGMENT;
                }
                // recomputing over a corrupted packet would launder it: verify the CRC first
                return sctpCrc(b, l4, end) == SctpHeader.checksum(b, l4) ? null : BAD_CHECKSUM;
            }
            default:
                return UNSUPPORTED;
        }
    }

    /**
     * Writes the new port and keeps the transport checksum valid for the address change
     * {@code old -> new} the caller made (an IPv4 address is in the low words). {@code partial}: the
     * transport checksum is partial (see {@link Offload}). {@link #check} passed the packet first.
     */
    static void rewrite(RewriteContext c, ByteBuffer b, int l4, int end, int proto, boolean reply,
            boolean v6, long oldHigh, long oldLow, long newHigh, long newLow, boolean partial) {
        if (partial && proto != SCTP) {
            // out of line, so the common path stays small enough for the JIT to inline
            rewritePartial(c, b, l4, proto, reply, v6, oldHigh, oldLow, newHigh, newLow);
            return;
        }
        int portOff = reply ? l4 : l4 + TcpHeader.DESTINATION_PORT_OFFSET;
        int oldPort = b.getShort(portOff) & 0xFFFF;
        int newPort = reply ? c.virtualPort() : c.destinationPort();
        switch (proto) {
            case TCP: {
                int sum = TcpHeader.checksum(b, l4);
                sum = addressUpdate(sum, v6, oldHigh, oldLow, newHigh, newLow);
                sum = InternetChecksum.update16(sum, oldPort, newPort);
                b.putShort(portOff, (short) newPort);
                TcpHeader.checksum(b, l4, sum);
                return;
            }
            case UDP: {
                int sum = UdpHeader.checksum(b, l4);
                b.putShort(portOff, (short) newPort);
                if (sum == 0) {
                    // IPv4 UDP without checksum stays without (IPv6 zero was refused earlier)
                    return;
                }
                // the sum after the address alone may be 0: only the final value is a field value
                sum = addressUpdate(sum, v6, oldHigh, oldLow, newHigh, newLow);
                sum = InternetChecksum.update16(sum, oldPort, newPort);
                UdpHeader.checksum(b, l4, InternetChecksum.udpField(sum));
                return;
            }
            default: {
                // SCTP: addresses are not covered by its CRC32c; a new port is ({@link #check} verified it)
                if (oldPort != newPort) {
                    b.putShort(portOff, (short) newPort);
                    SctpHeader.checksum(b, l4, sctpCrc(b, l4, end));
                }
                return;
            }
        }
    }

    /**
     * {@link #rewrite} of a TCP / UDP packet whose checksum is partial: the field holds the
     * pseudo-header sum, so only the address goes into it (tcp_partial_csum_update); the port is
     * summed with the segment when the checksum is finished.
     */
    private static void rewritePartial(RewriteContext c, ByteBuffer b, int l4, int proto, boolean reply,
            boolean v6, long oldHigh, long oldLow, long newHigh, long newLow) {
        int field = l4 + (proto == TCP ? TcpHeader.CHECKSUM_OFFSET : UdpHeader.CHECKSUM_OFFSET);
        int sum = b.getShort(field) & 0xFFFF;
        b.putShort(reply ? l4 : l4 + TcpHeader.DESTINATION_PORT_OFFSET, (short) (reply ? c.virtualPort() : c.destinationPort()));
        b.putShort(field, (short) partialAddressUpdate(sum, v6, oldHigh, oldLow, newHigh, newLow));
    }

    private static int partialAddressUpdate(int sum, boolean v6, long oldHigh, long oldLow, long newHigh, long newLow) {
        return v6 ? InternetChecksum.updatePartial128(sum, oldHigh, oldLow, newHigh, newLow)
                : InternetChecksum.updatePartial32(sum, (int) oldLow, (int) newLow);
    }

    /**
     * Writes {@code newAddr} over {@code oldAddr} at {@code addrOff} of the IPv4 header at {@code l3}
     * and, with {@code decrementTtl}, the TTL {@code ttl - 1}; the header checksum is updated
     * incrementally for both (RFC 1624). The IP half of {@link NatRewriter}'s slow path and of
     * {@link NatIcmp}'s outer header; the fast path folds the same into one sum itself.
     */
    static void ipv4Address(ByteBuffer b, int l3, int addrOff, int oldAddr, int newAddr, boolean decrementTtl, int ttl) {
        int hc = InternetChecksum.update32(Ipv4Header.checksum(b, l3), oldAddr, newAddr);
        if (decrementTtl) {
            int word = b.getShort(l3 + Ipv4Header.TTL_OFFSET) & 0xFFFF; // the TTL/protocol word
            hc = InternetChecksum.update16(hc, word, word - 0x100);
            Ipv4Header.ttl(b, l3, ttl - 1);
        }
        b.putInt(addrOff, newAddr);
        Ipv4Header.checksum(b, l3, hc);
    }

    /** Whether the packet's transport checksum is partial (see {@link Offload}). */
    static boolean partial(RewriteContext c) {
        Offload o = c.offload();
        return o != null && o.checksumPartial();
    }

    /** An address change folded into a transport checksum (RFC 1624); IPv4 addresses are the low words. */
    static int addressUpdate(int sum, boolean v6, long oldHigh, long oldLow, long newHigh, long newLow) {
        if (!v6) {
            return InternetChecksum.update32(sum, (int) oldLow, (int) newLow);
        }
        return InternetChecksum.update128(sum, oldHigh, oldLow, newHigh, newLow);
    }

    /** SCTP's CRC32c over {@code [l4, end)} with the checksum field taken as zero, as stored in the header. */
    private static int sctpCrc(ByteBuffer b, int l4, int end) {
        return Crc32c.sctpChecksum(b, l4, end - l4);
    }
}
