package io.ippvs.tunnel;

import static io.ippvs.core.header.IpProtocol.ICMP;
import static io.ippvs.core.header.IpProtocol.ICMPV6;

import io.ippvs.api.Addresses;
import io.ippvs.api.DropReason;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.IcmpErrorHandler;
import io.ippvs.api.RealServer;
import io.ippvs.api.TunnelType;
import io.ippvs.api.Verdict;
import io.ippvs.core.header.Icmpv4Header;
import io.ippvs.core.header.Icmpv6Header;
import io.ippvs.core.header.IpProtocol;
import io.ippvs.core.header.Ipv4Header;
import io.ippvs.core.header.Ipv6Header;
import io.ippvs.core.header.UdpHeader;
import io.ippvs.core.icmp.IcmpErrors;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Relays ICMP errors about tunnelled packets to the client, as Linux's ip_vs_in_icmp does for its
 * tunnels.
 *
 * <p>A router between the director and a real server that cannot deliver a tunnel packet (too big,
 * TTL exceeded, unreachable) sends its ICMP error to the director, quoting the outer header the
 * director wrote (source = our tunnel address) followed by the tunnel header and the start of the
 * client's packet. {@link #inspect} recognises such an error and finds the client's packet inside it;
 * the caller checks that it belongs to a connection tunnelled to that real server (the director does,
 * through {@link IcmpErrorHandler}, when this relay is registered as its handler); {@link #relay}
 * then rewrites the buffer, in place, into an ICMP error from the virtual address to the client that
 * quotes the client's packet. A fragmentation-needed / packet-too-big error carries the reported MTU
 * minus the tunnel overhead, so the client's path MTU discovery converges on what fits in the tunnel.
 * Errors between families (an ICMPv4 error about a 6in4 tunnel, an ICMPv6 one about 4in6) are
 * translated to the client's family. Parameter problems point into our outer header, which the client
 * never sent, and are not relayed.
 *
 * <p>The relayed packet goes to the client's address, so it is returned with {@link Verdict#REPLY}.
 * Thread-safe (the per-call state lives in the caller's {@link Quote}), allocation-free, never throws
 * on packet content.
 */
public final class TunnelIcmpRelay implements IcmpErrorHandler {

    private static final ThreadLocal<Quote> QUOTES = ThreadLocal.withInitial(Quote::new);


    private final int[] v4Sources;
    private final long[] v6SourceHigh;
    private final long[] v6SourceLow;

    private TunnelIcmpRelay(List<InetAddress> sources) {
        List<Integer> v4 = new ArrayList<>();
        List<InetAddress> v6 = new ArrayList<>();
        for (InetAddress a : sources) {
            if (Addresses.family(a) == Addresses.IPV4) {
                v4.add((int) Addresses.low(a));
            } else {
                v6.add(a);
            }
        }
        this.v4Sources = v4.stream().mapToInt(Integer::intValue).toArray();
        this.v6SourceHigh = v6.stream().mapToLong(Addresses::high).toArray();
        this.v6SourceLow = v6.stream().mapToLong(Addresses::low).toArray();
    }

    /**
     * A relay for tunnels whose outer headers come from {@code sources} (the tunnel rewriter's outer
     * source addresses).
     *
     * @throws IllegalArgumentException naming {@code sourceAddress} when there is none
     */
    public static TunnelIcmpRelay forSources(List<InetAddress> sources) {
        if (sources == null || sources.isEmpty() || sources.stream().anyMatch(a -> a == null)) {
            throw new IllegalArgumentException("sourceAddress: a relay needs the tunnel source addresses");
        }
        return new TunnelIcmpRelay(sources);
    }

    /**
     * The director's hook ({@link io.ippvs.core.director.Director.Builder#icmpErrorHandler}):
     * {@link #handle(ByteBuffer, Quote, Connections)} with this thread's scratch quote.
     */
    @Override
    public Verdict handle(ByteBuffer packet, Connections connections) {
        return handle(packet, QUOTES.get(), connections);
    }

    /**
     * Recognises and relays in one step: the ICMP error in {@code [position, limit)} is relayed to the
     * client when it quotes one of our tunnel packets whose client packet belongs to a connection
     * tunnelled to the real server the tunnel packet went to.
     *
     * @param quote scratch space for this call; one per thread
     * @return {@code null} when the packet is not an ICMP error about one of our tunnels (the caller
     *     goes on as for any other packet); {@link Verdict#REPLY} with the relayed error in the buffer;
     *     DROP({@link DropReason#UNMATCHED_ICMP}) when no such connection exists; DROP({@link
     *     DropReason#UNSUPPORTED}) for an error that is not relayed (parameter problem, fragmentation
     *     needed for a client packet without DF)
     */
    public Verdict handle(ByteBuffer packet, Quote quote, Connections connections) {
        if (!inspect(packet, quote)) {
            return null;
        }
        RealServer server = connections.inbound(quote.innerFamily, quote.protocol, quote.clientHigh, quote.clientLow,
                quote.clientPort, quote.virtualHigh, quote.virtualLow, quote.virtualPort);
        if (server == null || server.forwardingMethod() != ForwardingMethod.TUNNEL
                || server.addressFamily() != quote.tunnelFamily || server.addressLow() != quote.tunnelDestinationLow
                || server.addressHigh() != quote.tunnelDestinationHigh) {
            return Verdict.drop(DropReason.UNMATCHED_ICMP);
        }
        return relay(packet, quote);
    }

    /**
     * Whether the packet in {@code [position, limit)} is an ICMP or ICMPv6 error quoting a tunnel packet
     * we sent, far enough to show the client's addresses and ports; if so, fills {@code quote}.
     */
    public boolean inspect(ByteBuffer buffer, Quote quote) {
        quote.clear();
        int p = buffer.position();
        int limit = buffer.limit();
        if (limit - p < 1) {
            return false;
        }
        int version = Ipv4Header.version(buffer, p); // the same nibble in IPv6
        int icmp;
        int end;
        if (version == 4) {
            if (limit - p < Ipv4Header.MIN_LENGTH) {
                return false;
            }
            int ihl = Ipv4Header.headerLength(buffer, p);
            int total = Ipv4Header.totalLength(buffer, p);
            // a fragment (MF or an offset) is not relayed: its quote may be cut
            if (ihl < Ipv4Header.MIN_LENGTH || total < ihl || Ipv4Header.protocol(buffer, p) != ICMP
                    || Ipv4Header.isFragment(buffer, p)) {
                return false;
            }
            icmp = p + ihl;
            end = Math.min(limit, p + total);
        } else if (version == 6) {
            if (limit - p < Ipv6Header.LENGTH || Ipv6Header.nextHeader(buffer, p) != ICMPV6) {
                return false;
            }
            icmp = p + Ipv6Header.LENGTH;
            end = Math.min(limit, icmp + Ipv6Header.payloadLength(buffer, p));
        } else {
            return false;
        }
        if (icmp + Icmpv4Header.LENGTH > end) {
            return false;
        }
        int type = Icmpv4Header.type(buffer, icmp);
        boolean error = version == 4
                ? type == Icmpv4Header.TYPE_DEST_UNREACHABLE || type == Icmpv4Header.TYPE_TIME_EXCEEDED
                        || type == Icmpv4Header.TYPE_PARAMETER_PROBLEM
                : Icmpv6Header.isError(type);
        if (!error) {
            return false;
        }
        quote.icmpFamily = version;
        quote.type = type;
        quote.code = Icmpv4Header.code(buffer, icmp);
        quote.rest = Icmpv4Header.rest(buffer, icmp);
        quote.end = end;

        // the quoted outer header: ours if its source is one of our tunnel addresses
        int outer = icmp + Icmpv4Header.LENGTH;
        if (outer + 1 > end) {
            return false;
        }
        int outerVersion = Ipv4Header.version(buffer, outer);
        int protocol;
        int tunnel;
        if (outerVersion == 4) {
            if (outer + Ipv4Header.MIN_LENGTH > end) {
                return false;
            }
            int ihl = Ipv4Header.headerLength(buffer, outer);
            if (ihl < Ipv4Header.MIN_LENGTH || !ourV4(Ipv4Header.sourceAddress(buffer, outer))) {
                return false;
            }
            quote.tunnelFamily = Addresses.IPV4;
            quote.tunnelDestinationLow = Ipv4Header.destinationAddress(buffer, outer) & 0xFFFFFFFFL;
            protocol = Ipv4Header.protocol(buffer, outer);
            tunnel = outer + ihl;
        } else if (outerVersion == 6) {
            if (outer + Ipv6Header.LENGTH > end || !ourV6(Ipv6Header.sourceAddressHigh(buffer, outer),
                    Ipv6Header.sourceAddressLow(buffer, outer))) {
                return false;
            }
            quote.tunnelFamily = Addresses.IPV6;
            quote.tunnelDestinationHigh = Ipv6Header.destinationAddressHigh(buffer, outer);
            quote.tunnelDestinationLow = Ipv6Header.destinationAddressLow(buffer, outer);
            protocol = Ipv6Header.nextHeader(buffer, outer);
            tunnel = outer + Ipv6Header.LENGTH;
        } else {
            return false;
        }

        int inner;
        int innerFamily;
        switch (protocol) {
            case IpProtocol.IPIP:
            case IpProtocol.IPV6:
                quote.tunnelType = TunnelType.IPIP;
                inner = tunnel;
                innerFamily = protocol == IpProtocol.IPIP ? Addresses.IPV4 : Addresses.IPV6;
                break;
            case IpProtocol.UDP: {
                int gue = tunnel + UdpHeader.LENGTH;
                if (gue + GueHeader.LENGTH > end) {
                    return false;
                }
                int first = GueHeader.firstByte(buffer, gue);
                if (GueHeader.variant(first) != 0 || GueHeader.control(first)) {
                    return false;
                }
                int proto = GueHeader.protocol(buffer, gue);
                if (proto != IpProtocol.IPIP && proto != IpProtocol.IPV6) {
                    return false;
                }
                quote.tunnelType = TunnelType.GUE;
                inner = gue + GueHeader.LENGTH + GueHeader.extensionLength(first);
                innerFamily = proto == IpProtocol.IPIP ? Addresses.IPV4 : Addresses.IPV6;
                break;
            }
            case IpProtocol.GRE: {
                if (tunnel + GreHeader.LENGTH > end) {
                    return false;
                }
                int flags = GreHeader.flags(buffer, tunnel);
                int etherType = GreHeader.protocolType(buffer, tunnel);
                if ((flags & GreHeader.VERSION_MASK) != 0
                        || etherType != GreHeader.ETHERTYPE_IPV4 && etherType != GreHeader.ETHERTYPE_IPV6) {
                    return false;
                }
                quote.tunnelType = TunnelType.GRE;
                inner = tunnel + GreHeader.length(flags);
                innerFamily = etherType == GreHeader.ETHERTYPE_IPV4 ? Addresses.IPV4 : Addresses.IPV6;
                break;
            }
            default:
                return false;
        }
        quote.overhead = inner - outer;

        // the client's packet: its IP header and the 8 transport bytes with the ports
        int l4;
        if (innerFamily == Addresses.IPV4) {
            if (inner + Ipv4Header.MIN_LENGTH > end || Ipv4Header.version(buffer, inner) != 4) {
                return false;
            }
            int ihl = Ipv4Header.headerLength(buffer, inner);
            if (ihl < Ipv4Header.MIN_LENGTH) {
                return false;
            }
            quote.protocol = Ipv4Header.protocol(buffer, inner);
            quote.clientLow = Ipv4Header.sourceAddress(buffer, inner) & 0xFFFFFFFFL;
            quote.virtualLow = Ipv4Header.destinationAddress(buffer, inner) & 0xFFFFFFFFL;
            quote.innerDontFragment = Ipv4Header.dontFragment(buffer, inner);
            quote.innerTos = Ipv4Header.tos(buffer, inner);
            l4 = inner + ihl;
        } else {
            if (inner + Ipv6Header.LENGTH > end || Ipv6Header.version(buffer, inner) != 6) {
                return false;
            }
            quote.protocol = Ipv6Header.nextHeader(buffer, inner);
            quote.clientHigh = Ipv6Header.sourceAddressHigh(buffer, inner);
            quote.clientLow = Ipv6Header.sourceAddressLow(buffer, inner);
            quote.virtualHigh = Ipv6Header.destinationAddressHigh(buffer, inner);
            quote.virtualLow = Ipv6Header.destinationAddressLow(buffer, inner);
            quote.innerDontFragment = true;
            l4 = inner + Ipv6Header.LENGTH;
        }
        if (l4 + UdpHeader.LENGTH > end) { // the 8 transport bytes an ICMP error quotes at least
            return false;
        }
        if (IpProtocol.hasPorts(quote.protocol)) {
            quote.clientPort = UdpHeader.sourcePort(buffer, l4); // the same place in TCP and SCTP
            quote.virtualPort = UdpHeader.destinationPort(buffer, l4);
        }
        quote.innerFamily = innerFamily;
        quote.innerOffset = inner;
        return true;
    }

    /**
     * Rewrites the buffer, in place, into the ICMP error for the client that {@link #inspect} found;
     * {@code [position, limit)} is then that error.
     *
     * @return {@link Verdict#REPLY}, or DROP({@link DropReason#UNSUPPORTED}) when this error is not relayed
     */
    public Verdict relay(ByteBuffer buffer, Quote quote) {
        if (buffer.isReadOnly() || quote.innerOffset < 0) {
            return Verdict.drop(DropReason.UNSUPPORTED);
        }
        boolean v4 = quote.innerFamily == Addresses.IPV4;
        int type;
        int code;
        int rest = 0;
        if (quote.icmpFamily == Addresses.IPV4) {
            boolean tooBig = quote.type == Icmpv4Header.TYPE_DEST_UNREACHABLE && quote.code == Icmpv4Header.CODE_FRAGMENTATION_NEEDED;
            boolean timeExceeded = quote.type == Icmpv4Header.TYPE_TIME_EXCEEDED;
            if (quote.type == Icmpv4Header.TYPE_PARAMETER_PROBLEM) {
                return Verdict.drop(DropReason.UNSUPPORTED);
            }
            if (tooBig) {
                int mtu = (quote.rest & 0xFFFF) - quote.overhead;
                if (v4) {
                    if (!quote.innerDontFragment) {
                        return Verdict.drop(DropReason.UNSUPPORTED);
                    }
                    type = Icmpv4Header.TYPE_DEST_UNREACHABLE;
                    code = Icmpv4Header.CODE_FRAGMENTATION_NEEDED;
                    rest = Math.max(mtu, Forwarding.IPV4_MIN_MTU);
                } else {
                    type = Icmpv6Header.TYPE_PACKET_TOO_BIG;
                    code = 0;
                    rest = Math.max(mtu, Forwarding.IPV6_MIN_MTU);
                }
            } else if (timeExceeded) {
                type = v4 ? Icmpv4Header.TYPE_TIME_EXCEEDED : Icmpv6Header.TYPE_TIME_EXCEEDED;
                code = quote.code;
            } else if (v4) {
                type = Icmpv4Header.TYPE_DEST_UNREACHABLE;
                code = quote.code;
            } else {
                // ICMPv4 unreachable codes in ICMPv6 terms (as RFC 7915 section 4.2 translates them)
                type = Icmpv6Header.TYPE_DEST_UNREACHABLE;
                code = quote.code == 2 || quote.code == 3 ? 4 : quote.code == 9 || quote.code == 10 || quote.code == 13 ? 1 : 3;
            }
        } else {
            if (quote.type == Icmpv6Header.TYPE_PARAMETER_PROBLEM) {
                return Verdict.drop(DropReason.UNSUPPORTED);
            }
            if (quote.type == Icmpv6Header.TYPE_PACKET_TOO_BIG) {
                long reported = quote.rest & 0xFFFFFFFFL;
                int mtu = (int) Math.min(0xFFFF, Math.max(0, reported - quote.overhead));
                if (v4) {
                    if (!quote.innerDontFragment) {
                        return Verdict.drop(DropReason.UNSUPPORTED);
                    }
                    type = Icmpv4Header.TYPE_DEST_UNREACHABLE;
                    code = Icmpv4Header.CODE_FRAGMENTATION_NEEDED;
                    rest = Math.max(mtu, Forwarding.IPV4_MIN_MTU);
                } else {
                    type = Icmpv6Header.TYPE_PACKET_TOO_BIG;
                    code = 0;
                    rest = Math.max(mtu, Forwarding.IPV6_MIN_MTU);
                }
            } else if (quote.type == Icmpv6Header.TYPE_TIME_EXCEEDED) {
                type = v4 ? Icmpv4Header.TYPE_TIME_EXCEEDED : Icmpv6Header.TYPE_TIME_EXCEEDED;
                code = quote.code;
            } else if (v4) {
                // ICMPv6 unreachable codes in ICMPv4 terms (RFC 7915 section 5.2)
                type = Icmpv4Header.TYPE_DEST_UNREACHABLE;
                code = quote.code == 1 ? 13 : quote.code == 4 ? 3 : 1;
            } else {
                type = Icmpv6Header.TYPE_DEST_UNREACHABLE;
                code = quote.code;
            }
        }

        int headers = (v4 ? Ipv4Header.MIN_LENGTH : Ipv6Header.LENGTH) + Icmpv4Header.LENGTH;
        int maximum = v4 ? IcmpErrors.IPV4_MAX_LENGTH : IcmpErrors.IPV6_MAX_LENGTH;
        int quoteLength = Math.min(quote.end - quote.innerOffset, maximum - headers);
        int start = quote.innerOffset - headers;
        int length = headers + quoteLength;
        if (v4) {
            IcmpErrors.writeHeaders4(buffer, start, length, quote.innerTos, (int) quote.virtualLow, (int) quote.clientLow,
                    type, code, rest);
        } else {
            IcmpErrors.writeHeaders6(buffer, start, length, quote.virtualHigh, quote.virtualLow, quote.clientHigh,
                    quote.clientLow, type, code, rest);
        }
        buffer.limit(start + length);
        buffer.position(start);
        return Verdict.REPLY;
    }

    private boolean ourV4(int address) {
        for (int a : v4Sources) {
            if (a == address) {
                return true;
            }
        }
        return false;
    }

    private boolean ourV6(long high, long low) {
        for (int i = 0; i < v6SourceHigh.length; i++) {
            if (v6SourceHigh[i] == high && v6SourceLow[i] == low) {
                return true;
            }
        }
        return false;
    }

    /**
     * What {@link #inspect} found in an ICMP error about a tunnel packet: the error, the tunnel, and the
     * client's packet (its flow, which the caller looks up). Mutable scratch space; one per thread.
     */
    public static final class Quote {
        int icmpFamily;
        int type;
        int code;
        int rest;
        int end;
        int tunnelFamily;
        long tunnelDestinationHigh;
        long tunnelDestinationLow;
        TunnelType tunnelType;
        int overhead;
        int innerOffset;
        int innerFamily;
        int innerTos;
        boolean innerDontFragment;
        int protocol;
        long clientHigh;
        long clientLow;
        int clientPort;
        long virtualHigh;
        long virtualLow;
        int virtualPort;

        /** Empty scratch space. */
        public Quote() {
            clear();
        }

        void clear() {
            icmpFamily = type = code = rest = end = tunnelFamily = overhead = innerFamily = innerTos = protocol = 0;
            tunnelDestinationHigh = tunnelDestinationLow = clientHigh = clientLow = virtualHigh = virtualLow = 0;
            clientPort = virtualPort = 0;
            tunnelType = null;
            innerDontFragment = false;
            innerOffset = -1;
        }

        /** The family of the ICMP error that arrived: 4 (ICMP) or 6 (ICMPv6). */
        public int icmpFamily() {
            return icmpFamily;
        }

        /** The ICMP type that arrived. */
        public int type() {
            return type;
        }

        /** The ICMP code that arrived. */
        public int code() {
            return code;
        }

        /** The family of the real server the tunnel packet was addressed to. */
        public int tunnelFamily() {
            return tunnelFamily;
        }

        /** High word of the real server's address (0 for IPv4). */
        public long tunnelDestinationHigh() {
            return tunnelDestinationHigh;
        }

        /** Low word of the real server's address (the address itself for IPv4). */
        public long tunnelDestinationLow() {
            return tunnelDestinationLow;
        }

        /** The encapsulation of the quoted tunnel packet. */
        public TunnelType tunnelType() {
            return tunnelType;
        }

        /** Bytes of outer IP and tunnel headers before the client's packet. */
        public int overhead() {
            return overhead;
        }

        /** The family of the client's packet: {@link Addresses#IPV4} or {@link Addresses#IPV6}. */
        public int addressFamily() {
            return innerFamily;
        }

        /** The transport protocol of the client's packet. */
        public int protocol() {
            return protocol;
        }

        /** High word of the client's address (the quoted packet's source). */
        public long clientAddressHigh() {
            return clientHigh;
        }

        /** Low word of the client's address. */
        public long clientAddressLow() {
            return clientLow;
        }

        /** 0 for protocols without ports. */
        public int clientPort() {
            return clientPort;
        }

        /** High word of the virtual address (the quoted packet's destination). */
        public long virtualAddressHigh() {
            return virtualHigh;
        }

        /** Low word of the virtual address. */
        public long virtualAddressLow() {
            return virtualLow;
        }

        /** The virtual port; 0 for protocols without ports. */
        public int virtualPort() {
            return virtualPort;
        }
    }
}
