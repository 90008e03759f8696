package io.ippvs.nat;

import static io.ippvs.core.header.IpProtocol.ICMP;
import static io.ippvs.core.header.IpProtocol.ICMPV6;
import static io.ippvs.core.header.IpProtocol.SCTP;
import static io.ippvs.core.header.IpProtocol.TCP;
import static io.ippvs.core.header.IpProtocol.UDP;

import io.ippvs.api.Addresses;
import io.ippvs.api.DropReason;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Offload;
import io.ippvs.api.PacketRewriter;
import io.ippvs.api.RealServer;
import io.ippvs.api.RewriteContext;
import io.ippvs.api.Verdict;
import io.ippvs.core.checksum.Crc32c;
import io.ippvs.core.checksum.InternetChecksum;
import io.ippvs.core.header.Icmpv4Header;
import io.ippvs.core.header.Icmpv6Header;
import io.ippvs.core.header.IpProtocol;
import io.ippvs.core.header.Ipv4Header;
import io.ippvs.core.header.Ipv6ExtensionHeaders;
import io.ippvs.core.header.Ipv6Header;
import io.ippvs.core.header.SctpHeader;
import io.ippvs.core.header.TcpHeader;
import io.ippvs.core.header.UdpHeader;
import io.ippvs.core.icmp.IcmpErrors;
import io.ippvs.core.icmp.IcmpRateLimiter;
import io.ippvs.core.icmp.IcmpReplies;
import io.ippvs.core.packet.Segments;
import io.ippvs.core.sync.SequenceSync;
import io.ippvs.core.sync.SyncEntry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The masquerading (ipvsadm {@code -m}) rewriter. Inbound packets get the real server as destination
 * address and port; replies get the virtual address and port as source. IPv4 and IPv6, TCP, UDP and
 * SCTP; ICMP errors quoting a connection's packet are translated in both directions.
 *
 * <p>Only addresses and ports change, so the IPv4 header and the TCP / UDP checksums are updated
 * incrementally (RFC 1624); SCTP's CRC32c does not cover addresses and is recomputed only when a port
 * changes. The TTL / hop limit is decremented on the way through; a packet that arrives with 1 or 0
 * is answered with an ICMP time exceeded ({@link Verdict#REPLY}), an inbound packet over the real
 * server's MTU ({@link io.ippvs.api.RealServerConfig#mtu()}, or the default) that may not be
 * fragmented (IPv6 never may) with a fragmentation-needed / packet-too-big naming that MTU. A larger
 * packet without DF is forwarded whole for the host to fragment; replies go back along the path they
 * came in on and are not held to an MTU here. Both kinds of error share one token bucket and come
 * from the virtual address; a packet that cannot be answered (rate limit, too little buffer capacity
 * for the quote, an ICMP error itself) is dropped as {@link DropReason#TTL_EXPIRED} or
 * {@link DropReason#TOO_BIG}.
 *
 * <p>Non-first IPv4 and IPv6 fragments (no transport header) get their addresses translated only;
 * the director finds their connection in its fragment cache. An SCTP first fragment whose port would change is
 * dropped ({@link DropReason#FRAGMENT}): its CRC covers bytes this packet does not hold.
 *
 * <p>Offloaded packets ({@link RewriteContext#offload()}): a partial checksum (the field holds the
 * pseudo-header sum) gets only its address part updated, as Linux's {@code tcp_partial_csum_update}
 * does in {@code tcp_dnat_handler} / {@code tcp_snat_handler} with {@code CHECKSUM_PARTIAL}; a
 * super-packet is held to the MTU by its largest segment ({@code skb_gso_validate_network_len}), so
 * fragmentation-needed names the MTU the segments exceed.
 *
 * <p>With the FTP helper on, TCP connections to a control port (21 by default) are watched: see
 * {@link FtpHelper}; on a super-packet it works the same, and a partial checksum stays partial.
 *
 * <p>Thread-safe; nothing is allocated on an established flow (an FTP control connection allocates
 * its helper state once).
 */
public final class NatRewriter implements PacketRewriter, SequenceSync {

    private static final Verdict FORWARD = Verdict.FORWARD;
    private static final Verdict MALFORMED = Verdict.drop(DropReason.MALFORMED);
    private static final Verdict TRUNCATED = Verdict.drop(DropReason.TRUNCATED);
    private static final Verdict UNSUPPORTED = Verdict.drop(DropReason.UNSUPPORTED);
    private static final Verdict TTL_EXPIRED = Verdict.drop(DropReason.TTL_EXPIRED);
    private static final Verdict FRAGMENT = Verdict.drop(DropReason.FRAGMENT);
    private static final Verdict BAD_CHECKSUM = Verdict.drop(DropReason.BAD_CHECKSUM);

    /** Transport bytes every ICMP error quotes (RFC 792): the ports and, for UDP, the checksum. */
    private static final int QUOTED_TRANSPORT = 8;

    private final boolean decrementTtl;
    private final int defaultMtu;
    private final IcmpReplies icmp;
    private final int[] ftpPorts;
    private final FtpHelper ftp;

    private NatRewriter(Builder b) {
        this.decrementTtl = b.decrementTtl;
        this.defaultMtu = b.defaultMtu;
        this.icmp = new IcmpReplies(b.icmpPerSecond, b.icmpBurst);
        this.ftpPorts = b.ftpPorts.clone();
        this.ftp = b.ftpHelper ? new FtpHelper() : null;
    }

    /** A builder with the defaults: TTL decremented, MTU 1500, 1000 ICMP errors/s (burst 50), FTP on port 21. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ForwardingMethod method() {
        return ForwardingMethod.MASQUERADE;
    }

    /** ICMP errors generated (time exceeded, fragmentation needed, packet too big). */
    public long icmpErrorsGenerated() {
        return icmp.generated();
    }

    /** ICMP errors not generated because of the rate limit or because the packet could not be quoted. */
    public long icmpErrorsSuppressed() {
        return icmp.suppressed();
    }

    /** FTP replies left unrewritten because the buffer had no room for the longer text. */
    public long ftpRewritesSkipped() {
        return ftp == null ? 0 : ftp.skippedNoRoom();
    }

    /** FTP replies whose address was rewritten to the virtual address. */
    public long ftpRewrites() {
        return ftp == null ? 0 : ftp.rewrites();
    }

    /** FTP commands and replies read whole after a segment boundary had cut them. */
    public long ftpLinesJoined() {
        return ftp == null ? 0 : ftp.joinedLines();
    }

    @Override
    public Verdict rewrite(RewriteContext c) {
        ByteBuffer b = c.buffer();
        int l3 = c.l3Offset();
        int limit = b.limit();
        if (l3 < 0 || l3 >= limit) {
            return MALFORMED;
        }
        int version = Ipv4Header.version(b, l3); // the same nibble in IPv6
        if (version == 4 && c.addressFamily() == Addresses.IPV4) {
            // the fast path reads several fields in one word, which needs network byte order
            return b.order() == ByteOrder.BIG_ENDIAN && l3 + Ipv4Header.MIN_LENGTH <= limit && tcp4(c, b, l3, limit)
                    ? FORWARD : rewrite4(c, b, l3, limit);
        }
        if (version == 6 && c.addressFamily() == Addresses.IPV6) {
            return rewrite6(c, b, l3, limit);
        }
        return MALFORMED;
    }

    // ---------------------------------------------------------------- the common case

    /**
     * The established TCP segment, which is nearly every packet: a whole IPv4 datagram without
     * options to check beyond their length, TTL above 1, within the MTU, not an FTP control
     * connection. Rewrites it and returns true; returns false, having written nothing, for anything
     * else, which {@link #rewrite4} then handles (and refuses) in full. The header is read as two
     * longs and an int, each checksum updated with one fold.
     */
    private boolean tcp4(RewriteContext c, ByteBuffer b, int l3, int limit) {
        long w0 = b.getLong(l3); // version, IHL, TOS, total length, identification, flags, fragment offset
        long w1 = b.getLong(l3 + Ipv4Header.TTL_OFFSET); // TTL, protocol, checksum, source
        int ihl = (int) (w0 >>> 54) & 0x3C;
        int total = (int) (w0 >>> 32) & 0xFFFF;
        int fragField = (int) w0 & 0xFFFF;
        int ttl = (int) (w1 >>> 56);
        if ((int) (w1 >>> 48 & 0xFF) != TCP || ihl < Ipv4Header.MIN_LENGTH || total < ihl || total > limit - l3
                || (fragField & (Ipv4Header.MORE_FRAGMENTS | Ipv4Header.FRAGMENT_OFFSET_MASK)) != 0
                || (decrementTtl && ttl <= 1) || c.icmpError()) {
            return false;
        }
        int end = l3 + total;
        int l4 = c.l4Offset();
        if (l4 < l3 + ihl || l4 > end - TcpHeader.MIN_LENGTH) {
            return false;
        }
        boolean reply = c.reply();
        Offload o = c.offload();
        boolean partial = o != null && o.checksumPartial();
        int size = o == null ? total : Segments.largest(c, total);
        if ((ftp != null && isFtpControl(c.virtualPort()))
                || (!reply && (fragField & Ipv4Header.DONT_FRAGMENT) != 0 && size > mtu(c.realServer()))) {
            return false;
        }
        int newPort = reply ? c.virtualPort() : c.destinationPort();
        int addrOff = reply ? l3 + Ipv4Header.SOURCE_ADDRESS_OFFSET : l3 + Ipv4Header.DESTINATION_ADDRESS_OFFSET;
        int oldAddr = reply ? (int) w1 : b.getInt(addrOff);
        int newAddr = (int) (reply ? c.virtualAddressLow() : c.destinationAddressLow());
        // header checksum: address and, with the TTL, the TTL/protocol word (RFC 1624, one fold)
        long acc = (~(w1 >>> 32) & 0xFFFF) + (~oldAddr >>> 16) + (~oldAddr & 0xFFFF) + (newAddr >>> 16)
                + (newAddr & 0xFFFF);
        if (decrementTtl) {
            // the TTL is the high byte of its word: one less is 0x100 less, ~m + m' = 0xFFFF - 0x100
            acc += 0xFEFF;
            Ipv4Header.ttl(b, l3, ttl - 1);
        }
        b.putInt(addrOff, newAddr);
        Ipv4Header.checksum(b, l3, ~InternetChecksum.fold(acc));
        int ports = b.getInt(l4);
        int oldPort = reply ? ports >>> 16 : ports & 0xFFFF;
        int sum = TcpHeader.checksum(b, l4);
        b.putInt(l4, reply ? (newPort << 16) | (ports & 0xFFFF) : (ports & 0xFFFF0000) | newPort);
        if (partial) {
            // the field holds the pseudo-header sum: only the address is in it (tcp_partial_csum_update)
            TcpHeader.checksum(b, l4, InternetChecksum.updatePartial32(sum, oldAddr, newAddr));
            return true;
        }
        long tacc = (~sum & 0xFFFF) + (~oldAddr >>> 16) + (~oldAddr & 0xFFFF) + (newAddr >>> 16) + (newAddr & 0xFFFF)
                + (~oldPort & 0xFFFF) + newPort;
        TcpHeader.checksum(b, l4, ~InternetChecksum.fold(tacc));
        return true;
    }

    // ---------------------------------------------------------------- IPv4

    private Verdict rewrite4(RewriteContext c, ByteBuffer b, int l3, int limit) {
        if (l3 + Ipv4Header.MIN_LENGTH > limit) {
            return TRUNCATED;
        }
        int ihl = Ipv4Header.headerLength(b, l3);
        int total = Ipv4Header.totalLength(b, l3);
        if (ihl < Ipv4Header.MIN_LENGTH || total < ihl || total > limit - l3) {
            return MALFORMED;
        }
        int end = l3 + total;
        int fragField = Ipv4Header.flagsAndFragmentOffset(b, l3);
        boolean nonFirst = (fragField & Ipv4Header.FRAGMENT_OFFSET_MASK) != 0;
        boolean moreFragments = (fragField & Ipv4Header.MORE_FRAGMENTS) != 0;
        int ttl = Ipv4Header.ttl(b, l3);
        boolean reply = c.reply();
        int proto = Ipv4Header.protocol(b, l3);

        if (c.icmpError()) {
            if (nonFirst || moreFragments || proto != ICMP) {
                // the ICMP checksum covers bytes another fragment holds
                return nonFirst || moreFragments ? FRAGMENT : MALFORMED;
            }
            return icmpError4(c, b, l3, ihl, end, ttl, reply);
        }
        if (decrementTtl && ttl <= 1) {
            return timeExceeded(c, b, l3);
        }
        Offload o = c.offload();
        if (!reply && (fragField & Ipv4Header.DONT_FRAGMENT) != 0 && mtuLength(o, c, total) > mtu(c.realServer())) {
            return tooBig(c, b, l3, mtu(c.realServer()));
        }

        int addrOff = reply ? l3 + Ipv4Header.SOURCE_ADDRESS_OFFSET : l3 + Ipv4Header.DESTINATION_ADDRESS_OFFSET;
        int oldAddr = b.getInt(addrOff);
        int newAddr = (int) (reply ? c.virtualAddressLow() : c.destinationAddressLow());
        int l4 = -1;
        if (!nonFirst) {
            l4 = c.l4Offset();
            Verdict refused = checkTransport(c, b, l4, l3 + ihl, end, proto, reply, moreFragments, false);
            if (refused != null) {
                return refused;
            }
        }
        int hc = Ipv4Header.checksum(b, l3);
        hc = InternetChecksum.update32(hc, oldAddr, newAddr);
        if (decrementTtl) {
            int word = b.getShort(l3 + Ipv4Header.TTL_OFFSET) & 0xFFFF; // the TTL/protocol word
            hc = InternetChecksum.update16(hc, word, word - 0x100);
            Ipv4Header.ttl(b, l3, ttl - 1);
        }
        b.putInt(addrOff, newAddr);
        Ipv4Header.checksum(b, l3, hc);
        if (nonFirst) {
            return FORWARD;
        }
        return transport(c, b, l3, l4, end, proto, reply, false, 0, oldAddr & 0xFFFFFFFFL, 0, newAddr & 0xFFFFFFFFL,
                o != null && o.checksumPartial());
    }

    private Verdict icmpError4(RewriteContext c, ByteBuffer b, int l3, int ihl, int end, int ttl, boolean reply) {
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

        int oldOuter = b.getInt(outerOff);
        int hc = InternetChecksum.update32(Ipv4Header.checksum(b, l3), oldOuter, newAddr);
        if (decrementTtl) {
            int word = b.getShort(l3 + Ipv4Header.TTL_OFFSET) & 0xFFFF; // the TTL/protocol word
            hc = InternetChecksum.update16(hc, word, word - 0x100);
            Ipv4Header.ttl(b, l3, ttl - 1);
        }
        b.putInt(outerOff, newAddr);
        Ipv4Header.checksum(b, l3, hc);

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

    // ---------------------------------------------------------------- IPv6

    private Verdict rewrite6(RewriteContext c, ByteBuffer b, int l3, int limit) {
        if (l3 + Ipv6Header.LENGTH > limit) {
            return TRUNCATED;
        }
        int total = Ipv6Header.LENGTH + Ipv6Header.payloadLength(b, l3);
        if (total > limit - l3) {
            return MALFORMED;
        }
        int end = l3 + total;
        int hopLimit = Ipv6Header.hopLimit(b, l3);
        boolean reply = c.reply();
        // the parser found the fragment header already; only a hand-made context makes us walk the chain
        int fragmentOffset = c.fragmentOffset();
        if (!c.icmpError() && (fragmentOffset > 0 || fragmentOffset < 0 && isNonFirstFragment6(b, l3, end))) {
            return nonFirstFragment6(c, b, l3, total, hopLimit, reply);
        }
        int proto = c.protocol();
        int l4 = c.l4Offset();
        if (l4 < l3 + Ipv6Header.LENGTH || l4 > end) {
            return MALFORMED;
        }
        if (c.icmpError()) {
            return icmpError6(c, b, l3, l4, end, hopLimit, reply);
        }
        if (decrementTtl && hopLimit <= 1) {
            return timeExceeded(c, b, l3);
        }
        Offload o = c.offload();
        if (!reply && mtuLength(o, c, total) > mtu(c.realServer())) {
            return tooBig(c, b, l3, mtu(c.realServer()));
        }
        // a fragment header before l4 means this is a first fragment: more data follows elsewhere
        boolean fragmented = l4 != l3 + Ipv6Header.LENGTH && hasFragmentHeader(b, l3, l4);
        Verdict refused = checkTransport(c, b, l4, l4, end, proto, reply, fragmented, true);
        if (refused != null) {
            return refused;
        }
        int addrOff = reply ? l3 + Ipv6Header.SOURCE_ADDRESS_OFFSET : l3 + Ipv6Header.DESTINATION_ADDRESS_OFFSET;
        long oldHigh = Ipv6Header.addressHigh(b, addrOff);
        long oldLow = Ipv6Header.addressLow(b, addrOff);
        long newHigh = reply ? c.virtualAddressHigh() : c.destinationAddressHigh();
        long newLow = reply ? c.virtualAddressLow() : c.destinationAddressLow();
        if (decrementTtl) {
            Ipv6Header.hopLimit(b, l3, hopLimit - 1);
        }
        Ipv6Header.address(b, addrOff, newHigh, newLow);
        return transport(c, b, l3, l4, end, proto, reply, true, oldHigh, oldLow, newHigh, newLow,
                o != null && o.checksumPartial());
    }

    /**
     * A later IPv6 fragment, which the director placed by its fragment cache: only the address and
     * hop limit change; the transport checksum it does not hold was updated in the first fragment.
     */
    private Verdict nonFirstFragment6(RewriteContext c, ByteBuffer b, int l3, int total, int hopLimit, boolean reply) {
        if (decrementTtl && hopLimit <= 1) {
            return timeExceeded(c, b, l3);
        }
        if (!reply && total > mtu(c.realServer())) {
            return tooBig(c, b, l3, mtu(c.realServer()));
        }
        int addrOff = reply ? l3 + Ipv6Header.SOURCE_ADDRESS_OFFSET : l3 + Ipv6Header.DESTINATION_ADDRESS_OFFSET;
        if (decrementTtl) {
            Ipv6Header.hopLimit(b, l3, hopLimit - 1);
        }
        Ipv6Header.address(b, addrOff, reply ? c.virtualAddressHigh() : c.destinationAddressHigh(),
                reply ? c.virtualAddressLow() : c.destinationAddressLow());
        return FORWARD;
    }

    /**
     * Whether the extension headers of the IPv6 packet at {@code l3} hold a fragment header with a
     * non-zero offset. Walks hop-by-hop, routing, destination options, AH and fragment headers,
     * bounded by {@code end} and a few headers; anything else ends the chain.
     */
    private static boolean isNonFirstFragment6(ByteBuffer b, int l3, int end) {
        int next = Ipv6Header.nextHeader(b, l3);
        int at = l3 + Ipv6Header.LENGTH;
        for (int i = 0; i < 8 && at + 8 <= end; i++) {
            switch (next) {
                case IpProtocol.IPV6_FRAGMENT:
                    return Ipv6ExtensionHeaders.fragmentOffset(b, at) != 0;
                case IpProtocol.HOP_BY_HOP:
                case IpProtocol.IPV6_ROUTING:
                case IpProtocol.IPV6_DESTINATION_OPTIONS:
                    next = Ipv6ExtensionHeaders.nextHeader(b, at);
                    at += Ipv6ExtensionHeaders.optionsLength(b, at);
                    break;
                case IpProtocol.AH:
                    next = Ipv6ExtensionHeaders.nextHeader(b, at);
                    at += Ipv6ExtensionHeaders.authenticationLength(b, at);
                    break;
                default:
                    return false;
            }
        }
        return false;
    }

    private Verdict icmpError6(RewriteContext c, ByteBuffer b, int l3, int l4, int end, int hopLimit, boolean reply) {
        int in3 = c.innerL3Offset();
        int in4 = c.innerL4Offset();
        if (c.protocol() != ICMPV6 || in3 != l4 + Icmpv6Header.LENGTH || in3 + Ipv6Header.LENGTH > end
                || in4 < in3 + Ipv6Header.LENGTH || in4 + QUOTED_TRANSPORT > end
                || Ipv6Header.version(b, in3) != 6) {
            return MALFORMED;
        }
        if (l4 != l3 + Ipv6Header.LENGTH && hasFragmentHeader(b, l3, l4)) {
            return FRAGMENT;
        }
        int innerProto = innerProtocol6(b, in3, in4);
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

    /** The upper-layer protocol of a quoted IPv6 packet whose transport header the parser placed at {@code in4}. */
    private static int innerProtocol6(ByteBuffer b, int in3, int in4) {
        int next = Ipv6Header.nextHeader(b, in3);
        int at = in3 + Ipv6Header.LENGTH;
        // walk the quoted extension headers up to the transport header (bounded by in4)
        while (at < in4) {
            if (at + 2 > in4) {
                return -1;
            }
            int len = next == IpProtocol.IPV6_FRAGMENT ? Ipv6ExtensionHeaders.FRAGMENT_HEADER_LENGTH
                    : Ipv6ExtensionHeaders.optionsLength(b, at);
            next = Ipv6ExtensionHeaders.nextHeader(b, at);
            at += len;
        }
        return at == in4 ? next : -1;
    }

    /** Whether the IPv6 extension chain between {@code l3 + 40} and {@code l4} holds a fragment header. */
    private static boolean hasFragmentHeader(ByteBuffer b, int l3, int l4) {
        int next = Ipv6Header.nextHeader(b, l3);
        int at = l3 + Ipv6Header.LENGTH;
        while (at < l4) {
            if (next == IpProtocol.IPV6_FRAGMENT) {
                return true;
            }
            if (at + 2 > l4) {
                return false;
            }
            next = Ipv6ExtensionHeaders.nextHeader(b, at);
            at += Ipv6ExtensionHeaders.optionsLength(b, at);
        }
        return false;
    }

    // ---------------------------------------------------------------- transport

    /**
     * Refuses, before anything is written, a transport header this rewriter cannot translate; null when
     * the packet can be translated.
     */
    private Verdict checkTransport(RewriteContext c, ByteBuffer b, int l4, int expectedL4, int end, int proto,
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

    /** {@code partial}: the transport checksum is partial (see {@link Offload}). */
    private Verdict transport(RewriteContext c, ByteBuffer b, int l3, int l4, int end, int proto, boolean reply,
            boolean v6, long oldHigh, long oldLow, long newHigh, long newLow, boolean partial) {
        if (partial && proto != SCTP) {
            // out of line, so the common path stays small enough for the JIT to inline
            return transportPartial(c, b, l3, l4, end, proto, reply, v6, oldHigh, oldLow, newHigh, newLow);
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
                if (ftp != null && isFtpControl(c.virtualPort())) {
                    ftp.segment(c, b, l3, l4, end, v6);
                }
                return FORWARD;
            }
            case UDP: {
                int sum = UdpHeader.checksum(b, l4);
                b.putShort(portOff, (short) newPort);
                if (sum == 0) {
                    // IPv4 UDP without checksum stays without (IPv6 zero was refused earlier)
                    return FORWARD;
                }
                // the sum after the address alone may be 0: only the final value is a field value
                sum = addressUpdate(sum, v6, oldHigh, oldLow, newHigh, newLow);
                sum = InternetChecksum.update16(sum, oldPort, newPort);
                UdpHeader.checksum(b, l4, InternetChecksum.udpField(sum));
                return FORWARD;
            }
            default: {
                // SCTP: addresses are not covered by its CRC32c; a new port is (checkTransport verified it)
                if (oldPort != newPort) {
                    b.putShort(portOff, (short) newPort);
                    SctpHeader.checksum(b, l4, sctpCrc(b, l4, end));
                }
                return FORWARD;
            }
        }
    }

    /**
     * {@link #transport} of a TCP / UDP packet whose checksum is partial: the field holds the
     * pseudo-header sum, so only the address goes into it (tcp_partial_csum_update); the port is
     * summed with the segment when the checksum is finished.
     */
    private Verdict transportPartial(RewriteContext c, ByteBuffer b, int l3, int l4, int end, int proto, boolean reply,
            boolean v6, long oldHigh, long oldLow, long newHigh, long newLow) {
        int field = l4 + (proto == TCP ? TcpHeader.CHECKSUM_OFFSET : UdpHeader.CHECKSUM_OFFSET);
        int sum = b.getShort(field) & 0xFFFF;
        b.putShort(reply ? l4 : l4 + TcpHeader.DESTINATION_PORT_OFFSET, (short) (reply ? c.virtualPort() : c.destinationPort()));
        b.putShort(field, (short) partialAddressUpdate(sum, v6, oldHigh, oldLow, newHigh, newLow));
        if (proto == TCP && ftp != null && isFtpControl(c.virtualPort())) {
            ftp.segment(c, b, l3, l4, end, v6);
        }
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
        sum = addressUpdate(sum, v6, oldHigh, oldLow, newHigh, newLow);
        sum = InternetChecksum.update16(sum, oldPort, newPort);
        b.putShort(at, (short) (proto == UDP ? InternetChecksum.udpField(sum) : sum));
    }

    private static int partialAddressUpdate(int sum, boolean v6, long oldHigh, long oldLow, long newHigh, long newLow) {
        return v6 ? InternetChecksum.updatePartial128(sum, oldHigh, oldLow, newHigh, newLow)
                : InternetChecksum.updatePartial32(sum, (int) oldLow, (int) newLow);
    }

    /** Whether the packet's transport checksum is partial (see {@link Offload}). */
    static boolean partial(RewriteContext c) {
        Offload o = c.offload();
        return o != null && o.checksumPartial();
    }

    /** The IP length a path MTU applies to: the packet's, or a super-packet's largest segment's. */
    private static int mtuLength(Offload o, RewriteContext c, int total) {
        return o == null ? total : Segments.largest(c, total);
    }

    private static int addressUpdate(int sum, boolean v6, long oldHigh, long oldLow, long newHigh, long newLow) {
        if (!v6) {
            return InternetChecksum.update32(sum, (int) oldLow, (int) newLow);
        }
        return InternetChecksum.update128(sum, oldHigh, oldLow, newHigh, newLow);
    }

    /** SCTP's CRC32c over {@code [l4, end)} with the checksum field taken as zero, as stored in the header. */
    private static int sctpCrc(ByteBuffer b, int l4, int end) {
        return Crc32c.sctpChecksum(b, l4, end - l4);
    }

    // ---------------------------------------------------------------- ICMP generation

    private Verdict timeExceeded(RewriteContext c, ByteBuffer b, int l3) {
        return icmp.timeExceeded(c, b, l3);
    }

    private Verdict tooBig(RewriteContext c, ByteBuffer b, int l3, int mtu) {
        return icmp.tooBig(c, b, l3, mtu);
    }

    private int mtu(RealServer server) {
        int mtu = server == null ? 0 : server.config().mtu();
        return mtu == 0 ? defaultMtu : mtu;
    }

    private boolean isFtpControl(int virtualPort) {
        for (int port : ftpPorts) {
            if (port == virtualPort) {
                return true;
            }
        }
        return false;
    }

    /** The FTP helper's sequence offsets of a control connection, for the sync protocol. */
    @Override
    public long exportSequence(Object attachment, SyncEntry into) {
        return attachment instanceof FtpControl ? ((FtpControl) attachment).export(into) : 0;
    }

    /** A control connection's FTP state on a sync backup, from the offsets its master sent. */
    @Override
    public Object importSequence(Object existing, SyncEntry from) {
        FtpControl c = existing instanceof FtpControl ? (FtpControl) existing : new FtpControl();
        c.restore(from);
        return c;
    }

    @Override
    public String toString() {
        return "NatRewriter[decrementTtl=" + decrementTtl + ", defaultMtu=" + defaultMtu + ", ftp="
                + (ftp == null ? "off" : Arrays.toString(ftpPorts)) + "]";
    }

    /** Builds a {@link NatRewriter}; each setter validates and names the field it rejects. */
    public static final class Builder {
        private boolean decrementTtl = true;
        private int defaultMtu = 1500;
        private int icmpPerSecond = IcmpReplies.DEFAULT_PER_SECOND;
        private int icmpBurst = IcmpReplies.DEFAULT_BURST;
        private int[] ftpPorts = {21};
        private boolean ftpHelper = true;

        private Builder() {}

        /** Whether TTL / hop limit is decremented (default true); off for appliances that route afterwards. */
        public Builder decrementTtl(boolean decrement) {
            this.decrementTtl = decrement;
            return this;
        }

        /** MTU towards real servers whose configuration says 0 (default 1500). */
        public Builder defaultMtu(int mtu) {
            if (mtu < 68 || mtu > 0xFFFF) {
                throw new IllegalArgumentException("defaultMtu: " + mtu + " is outside 68..65535");
            }
            this.defaultMtu = mtu;
            return this;
        }

        /** Generated ICMP errors per second (default 1000) and burst (default 50). */
        public Builder icmpRateLimit(int perSecond, int burst) {
            if (perSecond < 1 || perSecond > 1_000_000_000) {
                throw new IllegalArgumentException("icmpRateLimit: " + perSecond + " per second is outside 1..1000000000");
            }
            if (burst < 1) {
                throw new IllegalArgumentException("icmpRateLimit: burst " + burst + " must be at least 1");
            }
            this.icmpPerSecond = perSecond;
            this.icmpBurst = burst;
            return this;
        }

        /** Virtual ports whose TCP connections are FTP control connections (default 21). */
        public Builder ftpPorts(int... ports) {
            if (ports == null || ports.length == 0) {
                throw new IllegalArgumentException("ftpPorts: at least one port is needed (ftpHelper(false) turns FTP off)");
            }
            for (int port : ports) {
                if (port < 2 || port > 0xFFFF) {
                    // the active-mode data port is the control port minus one
                    throw new IllegalArgumentException("ftpPorts: " + port + " is outside 2..65535");
                }
            }
            this.ftpPorts = ports.clone();
            return this;
        }

        /** Whether the FTP helper runs (default true). */
        public Builder ftpHelper(boolean on) {
            this.ftpHelper = on;
            return this;
        }

        /** The rewriter; a builder can build any number of independent ones. */
        public NatRewriter build() {
            return new NatRewriter(this);
        }
    }
}
