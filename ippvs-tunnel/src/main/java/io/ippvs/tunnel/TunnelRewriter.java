package io.ippvs.tunnel;

import io.ippvs.api.Addresses;
import io.ippvs.api.DropReason;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Offload;
import io.ippvs.api.PacketRewriter;
import io.ippvs.api.RealServer;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.RewriteContext;
import io.ippvs.api.TunnelChecksum;
import io.ippvs.api.TunnelType;
import io.ippvs.api.Verdict;
import io.ippvs.core.checksum.InternetChecksum;
import io.ippvs.core.checksum.OffloadChecksum;
import io.ippvs.core.header.IpProtocol;
import io.ippvs.core.header.Ipv4Header;
import io.ippvs.core.header.Ipv6Header;
import io.ippvs.core.header.UdpHeader;
import io.ippvs.core.icmp.IcmpReplies;
import io.ippvs.core.packet.Segments;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * VS/TUN: encapsulates each packet of a tunnel connection in an outer IP header addressed to its real
 * server, which decapsulates it and answers the client directly.
 *
 * <p>The real server's {@link RealServerConfig} picks the encapsulation:
 * <ul>
 *   <li>{@link TunnelType#IPIP}: the outer header alone, protocol (next header) 4 for an IPv4 inner
 *       packet and 41 for IPv6, in the real server's address family (4in4, 6in4, 4in6, 6in6);
 *   <li>{@link TunnelType#GUE}: outer IP, UDP to {@link RealServerConfig#tunnelPort()} from a source
 *       port taken from a hash of the inner flow, and a 4-byte GUE variant 0 header naming the inner
 *       protocol; with {@link TunnelChecksum#CHECKSUM} the UDP checksum is computed;
 *   <li>{@link TunnelType#GRE}: outer IP protocol 47 and a GRE header, 8 bytes with the checksum
 *       option ({@link TunnelChecksum#CHECKSUM}), 4 without.
 * </ul>
 * {@link TunnelChecksum#REMOTE} (GUE remote checksum offload) sends no UDP checksum and no remote
 * checksum option: the inner packets this library forwards always carry a complete transport
 * checksum, so there is nothing left for the receiver to offload (Linux behaves the same for packets
 * whose checksum is not partial).
 *
 * <p>The outer header takes the inner packet's TTL (after the usual decrement) and TOS / traffic
 * class, with ECN copied as RFC 6040's normal mode says; DF is copied from the inner packet when path
 * MTU discovery is on (an IPv6 inner packet counts as DF); IPv4 outer headers get a fresh
 * identification; IPv6 outer headers carry the flow hash as flow label (RFC 6438).
 *
 * <p>The tunnel MTU is the link MTU (the real server's {@link RealServerConfig#mtu()} when set)
 * minus the outer headers. A larger inner packet that may not be fragmented (IPv4 with DF and path
 * MTU discovery on, IPv6 always) is turned into an ICMP fragmentation-needed / packet-too-big
 * carrying the tunnel MTU, with {@link Verdict#REPLY}. Other oversize IPv4 packets are encapsulated
 * with DF clear so that the appliance's stack may fragment the outer packet.
 *
 * <p>Offloaded packets ({@link RewriteContext#offload()}): a partial inner checksum stays partial and
 * its {@code csum_start} moves with the outer header, unless an outer checksum (GUE or GRE with
 * checksums, GUE over IPv6) covers the inner packet: then it is finished first. An IPIP super-packet
 * becomes tunnelled GSO, Linux's {@code SKB_GSO_IPXIP4} / {@code IPXIP6} ({@link Offload#encapsulation()}),
 * whose segments repeat the outer header with identifications counting up (reserved here); GUE and
 * GRE super-packets are refused ({@link DropReason#UNSUPPORTED}). The MTU applies to the largest segment.
 *
 * <p>The outer header goes into the headroom before the buffer's position, which moves back; without
 * enough headroom the packet is moved towards the end of the buffer when the capacity allows, and
 * otherwise the packet is dropped ({@link DropReason#NO_HEADROOM}).
 *
 * <p>Thread-safe and allocation-free per packet.
 */
public final class TunnelRewriter implements PacketRewriter {

    static final int DEFAULT_LINK_MTU = 1500;

    private final boolean pmtuDiscovery;
    private final boolean decrementTtl;
    private final boolean ipv6ZeroUdpChecksum;
    private final int linkMtu;
    private final FlowHash flowHash;
    private final int gueFirstPort;
    private final int gueRange;
    private final boolean hasV4Source;
    private final int v4Source;
    private final boolean hasV6Source;
    private final long v6SourceHigh;
    private final long v6SourceLow;
    // per real server source overrides, scanned linearly: a handful at most in practice
    private final int[] overrideFamily;
    private final long[] overrideServerHigh;
    private final long[] overrideServerLow;
    private final long[] overrideSourceHigh;
    private final long[] overrideSourceLow;
    private final IcmpReplies icmp;
    private final IpIdentifiers identifiers;
    private final List<InetAddress> sources;

    private TunnelRewriter(Builder b) {
        this.pmtuDiscovery = b.pmtuDiscovery;
        this.decrementTtl = b.decrementTtl;
        this.ipv6ZeroUdpChecksum = b.ipv6ZeroUdpChecksum;
        this.linkMtu = b.linkMtu;
        this.flowHash = b.flowHash != null ? b.flowHash : FlowHash.seeded(ThreadLocalRandom.current().nextInt());
        this.gueFirstPort = b.gueFirstPort;
        this.gueRange = b.gueLastPort - b.gueFirstPort + 1;
        this.hasV4Source = b.v4Source != null;
        this.v4Source = hasV4Source ? (int) Addresses.low(b.v4Source) : 0;
        this.hasV6Source = b.v6Source != null;
        this.v6SourceHigh = hasV6Source ? Addresses.high(b.v6Source) : 0;
        this.v6SourceLow = hasV6Source ? Addresses.low(b.v6Source) : 0;
        int n = b.overrideServers.size();
        this.overrideFamily = new int[n];
        this.overrideServerHigh = new long[n];
        this.overrideServerLow = new long[n];
        this.overrideSourceHigh = new long[n];
        this.overrideSourceLow = new long[n];
        for (int i = 0; i < n; i++) {
            InetAddress server = b.overrideServers.get(i);
            InetAddress source = b.overrideSources.get(i);
            overrideFamily[i] = Addresses.family(server);
            overrideServerHigh[i] = Addresses.high(server);
            overrideServerLow[i] = Addresses.low(server);
            overrideSourceHigh[i] = Addresses.high(source);
            overrideSourceLow[i] = Addresses.low(source);
        }
        this.icmp = new IcmpReplies(b.icmpPerSecond, b.icmpBurst);
        List<InetAddress> all = new ArrayList<>(b.overrideSources);
        if (b.v4Source != null) {
            all.add(b.v4Source);
        }
        if (b.v6Source != null) {
            all.add(b.v6Source);
        }
        this.sources = List.copyOf(all);
        this.identifiers = b.identificationStart != null ? new IpIdentifiers(b.identificationStart) : new IpIdentifiers();
    }

    /** A builder with path MTU discovery on, link MTU 1500, TTL decrement on and a random flow hash seed. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A relay for ICMP errors about this rewriter's tunnel packets, which knows its outer source
     * addresses (per director and per real server).
     */
    public TunnelIcmpRelay icmpRelay() {
        return TunnelIcmpRelay.forSources(sources);
    }

    @Override
    public ForwardingMethod method() {
        return ForwardingMethod.TUNNEL;
    }

    @Override
    public Verdict rewrite(RewriteContext context) {
        ByteBuffer buffer = context.buffer();
        if (buffer.isReadOnly()) {
            return Verdict.drop(DropReason.UNSUPPORTED);
        }
        int l3 = context.l3Offset();
        int family = context.addressFamily();
        int available = buffer.limit() - l3;
        int length;
        int ttl;
        int tos;
        boolean innerDf;
        int ttlWord = 0;
        // the inner packet's length, TOS, DF and TTL as the parser found them; the bytes are still
        // bounds-checked, since a context can disagree with them
        if (available < (family == Addresses.IPV4 ? Ipv4Header.MIN_LENGTH : Ipv6Header.LENGTH)) {
            return Verdict.drop(DropReason.MALFORMED);
        }
        length = context.end() - l3;
        tos = context.trafficClass();
        innerDf = context.dontFragment();
        ttl = context.ttl();
        if (family == Addresses.IPV4) {
            // the word the TTL is written back into, with its checksum update
            ttlWord = buffer.getInt(l3 + Ipv4Header.TTL_OFFSET);
            if (length < Ipv4Header.MIN_LENGTH) {
                return Verdict.drop(DropReason.MALFORMED);
            }
        }
        if (length > available) {
            return Verdict.drop(DropReason.MALFORMED);
        }
        RealServer server = context.realServer();
        RealServerConfig config = server.config();
        int outerFamily = server.addressFamily();
        long sourceHigh;
        long sourceLow;
        int override = findOverride(outerFamily, server.addressHigh(), server.addressLow());
        if (override >= 0) {
            sourceHigh = overrideSourceHigh[override];
            sourceLow = overrideSourceLow[override];
        } else if (outerFamily == Addresses.IPV4 && hasV4Source) {
            sourceHigh = 0;
            sourceLow = v4Source & 0xFFFFFFFFL;
        } else if (outerFamily == Addresses.IPV6 && hasV6Source) {
            sourceHigh = v6SourceHigh;
            sourceLow = v6SourceLow;
        } else {
            // no outer source configured for this family
            return Verdict.drop(DropReason.UNSUPPORTED);
        }

        if (decrementTtl && ttl <= 1) {
            return icmp.timeExceeded(context, buffer, l3);
        }

        TunnelType type = config.tunnelType();
        boolean checksum = config.tunnelChecksum() == TunnelChecksum.CHECKSUM;
        int ipHeader = outerFamily == Addresses.IPV4 ? Ipv4Header.MIN_LENGTH : Ipv6Header.LENGTH;
        int encapHeader;
        int outerProtocol;
        if (type == TunnelType.GUE) {
            encapHeader = UdpHeader.LENGTH + GueHeader.LENGTH;
            outerProtocol = IpProtocol.UDP;
        } else if (type == TunnelType.GRE) {
            encapHeader = checksum ? GreHeader.LENGTH_WITH_CHECKSUM : GreHeader.LENGTH;
            outerProtocol = IpProtocol.GRE;
        } else {
            encapHeader = 0;
            outerProtocol = family == Addresses.IPV4 ? IpProtocol.IPIP : IpProtocol.IPV6;
        }
        int overhead = ipHeader + encapHeader;
        Offload offload = context.offload();
        if (offload != null && offload.segmented() && type != TunnelType.IPIP) {
            // Linux would mark it SKB_GSO_UDP_TUNNEL / SKB_GSO_GRE, for which no I/O layer here has a
            // segmenter: refused, so the I/O layer knows to segment before (or not to offer TSO)
            return Verdict.drop(DropReason.UNSUPPORTED);
        }
        // what the MTU applies to: the packet, or the largest segment of a super-packet
        int size = offload == null ? length : Segments.largest(context, length);
        int segments = offload == null ? 1 : Segments.count(context, length);
        int mtu = (config.mtu() != 0 ? config.mtu() : linkMtu) - overhead;
        if (mtu < Forwarding.IPV4_MIN_MTU) {
            // a link too small for the tunnel headers carries nothing (Linux refuses the route likewise)
            return Verdict.drop(DropReason.TOO_BIG);
        }
        if (size > mtu) {
            if (family == Addresses.IPV6) {
                // IPv6 links carry at least 1280 bytes: below that the outer packet is fragmented instead
                if (size > Forwarding.IPV6_MIN_MTU) {
                    return icmp.tooBig(context, buffer, l3, Math.max(mtu, Forwarding.IPV6_MIN_MTU));
                }
            } else if (pmtuDiscovery && innerDf) {
                return icmp.tooBig(context, buffer, l3, mtu);
            }
        }

        int outerLength = overhead + length;
        if (outerFamily == Addresses.IPV4 ? outerLength > 0xFFFF : outerLength - Ipv6Header.LENGTH > 0xFFFF) {
            // beyond what the outer length field can say (a jumbo inner packet without DF)
            return Verdict.drop(DropReason.TOO_BIG);
        }
        int start = l3 - overhead;
        if (start < 0) {
            // no headroom: slide the packet towards the end of the buffer, just far enough
            int newL3 = overhead;
            if (newL3 + length > buffer.capacity()) {
                return Verdict.drop(DropReason.NO_HEADROOM);
            }
            // absolute writes are bounded by the limit, so raise it before moving
            buffer.limit(newL3 + length);
            move(buffer, l3, newL3, length);
            l3 = newL3;
            start = 0;
        }

        if (decrementTtl) {
            ttl--;
            if (family == Addresses.IPV4) {
                buffer.putInt(l3 + Ipv4Header.TTL_OFFSET, Forwarding.decrementTtl(ttlWord));
            } else {
                Ipv6Header.hopLimit(buffer, l3, ttl);
            }
        }
        tos = Ecn.encapsulate(tos);
        // only GUE source ports and IPv6 flow labels need the flow hash
        int hash = type == TunnelType.GUE || outerFamily == Addresses.IPV6
                ? flowHash.hash(family, context.protocol(), context.clientAddressHigh(), context.clientAddressLow(),
                        context.clientPort(), context.virtualAddressHigh(), context.virtualAddressLow(), context.virtualPort())
                : 0;
        int l4 = start + ipHeader;

        if (outerFamily == Addresses.IPV4) {
            int destination = (int) server.addressLow();
            // DF for an IPv6 inner packet too: it must not be fragmented on the way
            boolean df = pmtuDiscovery && innerDf && size <= mtu;
            int id;
            if (segments > 1) {
                // each segment's outer header will take the next identification: reserve them all
                id = df ? identifiers.nextAtomic(destination, segments) : identifiers.next(destination, segments);
            } else {
                id = df ? identifiers.nextAtomic(destination) : identifiers.next(destination);
            }
            int word0 = 0x45000000 | tos << 16 | outerLength;
            int word1 = id << 16 | (df ? Ipv4Header.DONT_FRAGMENT : 0);
            int word2 = ttl << 24 | outerProtocol << 16;
            int source = (int) sourceLow;
            // the header checksum from the words just written, without reading them back
            long sum = (word0 >>> 16) + (word0 & 0xFFFF) + (word1 >>> 16) + (word1 & 0xFFFF) + (word2 >>> 16)
                    + (source >>> 16) + (source & 0xFFFF) + (destination >>> 16) + (destination & 0xFFFF);
            // five words: version..total length, identification..fragment, TTL..checksum, addresses
            buffer.putInt(start + Ipv4Header.VERSION_IHL_OFFSET, word0);
            buffer.putInt(start + Ipv4Header.IDENTIFICATION_OFFSET, word1);
            buffer.putInt(start + Ipv4Header.TTL_OFFSET, word2 | (~InternetChecksum.fold(sum) & 0xFFFF));
            Ipv4Header.sourceAddress(buffer, start, source);
            Ipv4Header.destinationAddress(buffer, start, destination);
        } else {
            // version..flow label, then payload length..hop limit, each as one word
            buffer.putInt(start, 0x60000000 | tos << 20 | (hash & 0xFFFFF));
            buffer.putInt(start + Ipv6Header.PAYLOAD_LENGTH_OFFSET,
                    (outerLength - Ipv6Header.LENGTH) << 16 | outerProtocol << 8 | ttl);
            Ipv6Header.sourceAddress(buffer, start, sourceHigh, sourceLow);
            Ipv6Header.destinationAddress(buffer, start, server.addressHigh(), server.addressLow());
        }

        if (offload != null && offload.checksumPartial()
                && (type == TunnelType.GRE ? checksum : type == TunnelType.GUE
                        && (checksum || (outerFamily == Addresses.IPV6 && !ipv6ZeroUdpChecksum)))) {
            // an outer checksum covers the inner packet, so the inner checksum must be final first
            // (Linux's LCO would do it the other way round; the plain way costs one pass over the packet)
            if (!OffloadChecksum.complete(buffer, l3, l3 + length, offload)) {
                return Verdict.drop(DropReason.MALFORMED);
            }
        }
        if (type == TunnelType.GUE) {
            int udpLength = UdpHeader.LENGTH + GueHeader.LENGTH + length;
            int sourcePort = gueFirstPort + (int) (((hash & 0xFFFFFFFFL) * gueRange) >>> 32);
            // ports as one word, then length and a zero checksum as another
            buffer.putInt(l4 + UdpHeader.SOURCE_PORT_OFFSET, sourcePort << 16 | config.tunnelPort());
            buffer.putInt(l4 + UdpHeader.LENGTH_OFFSET, udpLength << 16);
            GueHeader.write(buffer, l4 + UdpHeader.LENGTH, family == Addresses.IPV4 ? IpProtocol.IPIP : IpProtocol.IPV6);
            // IPv6 forbids a zero UDP checksum unless the receiver opted in (RFC 6935), so compute it there
            if (checksum || (outerFamily == Addresses.IPV6 && !ipv6ZeroUdpChecksum)) {
                int pseudo = outerFamily == Addresses.IPV4
                        ? InternetChecksum.pseudoHeaderV4((int) sourceLow, (int) server.addressLow(), IpProtocol.UDP, udpLength)
                        : InternetChecksum.pseudoHeaderV6(sourceHigh, sourceLow, server.addressHigh(), server.addressLow(),
                                IpProtocol.UDP, udpLength);
                int sum = InternetChecksum.checksum(buffer, l4, udpLength, pseudo);
                UdpHeader.checksum(buffer, l4, InternetChecksum.udpField(sum));
            }
        } else if (type == TunnelType.GRE) {
            GreHeader.write(buffer, l4, checksum,
                    family == Addresses.IPV4 ? GreHeader.ETHERTYPE_IPV4 : GreHeader.ETHERTYPE_IPV6);
            if (checksum) {
                int sum = InternetChecksum.checksum(buffer, l4, encapHeader + length, 0);
                GreHeader.checksum(buffer, l4, sum);
            }
        }
        buffer.limit(l3 + length);
        buffer.position(start);
        if (offload != null) {
            // the partial checksum's place moves with the packet's start; a super-packet becomes
            // tunnelled GSO (SKB_GSO_IPXIP4 / IPXIP6, as ip_vs_tunnel_xmit's iptunnel_handle_offloads)
            offload.encapsulated(overhead, outerFamily);
        }
        return Verdict.FORWARD;
    }

    private int findOverride(int family, long high, long low) {
        for (int i = 0; i < overrideFamily.length; i++) {
            if (overrideFamily[i] == family && overrideServerLow[i] == low && overrideServerHigh[i] == high) {
                return i;
            }
        }
        return -1;
    }

    /** Copies {@code length} bytes from {@code from} to {@code to > from}; the ranges may overlap. */
    static void move(ByteBuffer buffer, int from, int to, int length) {
        if (buffer.hasArray()) {
            byte[] array = buffer.array();
            int base = buffer.arrayOffset();
            System.arraycopy(array, base + from, array, base + to, length);
            return;
        }
        // backwards, so that bytes are read before the copy overwrites them
        int i = length;
        while (i >= 8) {
            i -= 8;
            buffer.putLong(to + i, buffer.getLong(from + i));
        }
        while (i > 0) {
            i--;
            buffer.put(to + i, buffer.get(from + i));
        }
    }

    /** Builds a {@link TunnelRewriter}; every setter validates and names the field it rejects. */
    public static final class Builder {
        private boolean pmtuDiscovery = true;
        private boolean decrementTtl = true;
        private boolean ipv6ZeroUdpChecksum;
        private int linkMtu = DEFAULT_LINK_MTU;
        private FlowHash flowHash;
        private int gueFirstPort = 49152;
        private int gueLastPort = 65535;
        private InetAddress v4Source;
        private InetAddress v6Source;
        private final List<InetAddress> overrideServers = new ArrayList<>();
        private final List<InetAddress> overrideSources = new ArrayList<>();
        private int icmpPerSecond = IcmpReplies.DEFAULT_PER_SECOND;
        private int icmpBurst = IcmpReplies.DEFAULT_BURST;
        private Integer identificationStart;

        private Builder() {}

        /** Tests only: the first IPv4 identification of every destination bucket, instead of a random one. */
        Builder identificationStart(int start) {
            this.identificationStart = start;
            return this;
        }

        /**
         * The outer source address for real servers of this address's family: call once for IPv4 and
         * once for IPv6 when servers of both families are tunnelled to. A later call for the same
         * family replaces the earlier one.
         *
         * @throws IllegalArgumentException naming {@code sourceAddress} when null
         */
        public Builder sourceAddress(InetAddress source) {
            if (source == null) {
                throw new IllegalArgumentException("sourceAddress: must not be null");
            }
            if (Addresses.family(source) == Addresses.IPV4) {
                v4Source = source;
            } else {
                v6Source = source;
            }
            return this;
        }

        /**
         * The outer source address for one real server, overriding {@link #sourceAddress(InetAddress)}.
         *
         * @throws IllegalArgumentException naming {@code sourceAddress} when either is null or their
         *     families differ
         */
        public Builder sourceAddress(InetAddress realServer, InetAddress source) {
            if (realServer == null || source == null) {
                throw new IllegalArgumentException("sourceAddress: real server and source must not be null");
            }
            if (Addresses.family(realServer) != Addresses.family(source)) {
                throw new IllegalArgumentException("sourceAddress: " + source.getHostAddress()
                        + " is not of the family of real server " + realServer.getHostAddress());
            }
            int existing = overrideServers.indexOf(realServer);
            if (existing >= 0) {
                overrideSources.set(existing, source);
            } else {
                overrideServers.add(realServer);
                overrideSources.add(source);
            }
            return this;
        }

        /**
         * Whether path MTU discovery is on (Linux's {@code pmtu_disc}, default true): DF is copied from
         * the inner packet and oversize DF packets get ICMP fragmentation-needed. Off, every outer IPv4
         * header has DF clear and oversize IPv4 packets are always forwarded.
         */
        public Builder pmtuDiscovery(boolean on) {
            this.pmtuDiscovery = on;
            return this;
        }

        /**
         * The MTU of the link towards real servers whose configuration sets none (default 1500).
         *
         * @throws IllegalArgumentException naming {@code linkMtu} when outside 68..65535
         */
        public Builder linkMtu(int mtu) {
            if (mtu < Forwarding.IPV4_MIN_MTU || mtu > 0xFFFF) {
                throw new IllegalArgumentException("linkMtu: " + mtu + " is outside 68..65535");
            }
            this.linkMtu = mtu;
            return this;
        }

        /**
         * Whether the inner TTL / hop limit is decremented, with ICMP time exceeded when it runs out
         * (default true, as Linux IPVS does for every forwarding method).
         */
        public Builder decrementTtl(boolean on) {
            this.decrementTtl = on;
            return this;
        }

        /**
         * The hash of the inner flow that picks the GUE source port and the IPv6 flow label; default
         * {@link FlowHash#seeded(int)} with a random seed.
         *
         * @throws IllegalArgumentException naming {@code flowHash} when null
         */
        public Builder flowHash(FlowHash hash) {
            if (hash == null) {
                throw new IllegalArgumentException("flowHash: must not be null");
            }
            this.flowHash = hash;
            return this;
        }

        /**
         * The range GUE source ports are spread over (default 49152..65535, the dynamic ports).
         *
         * @throws IllegalArgumentException naming {@code gueSourcePorts} unless {@code 1 <= first <= last <= 65535}
         */
        public Builder gueSourcePorts(int first, int last) {
            if (first < 1 || last > 0xFFFF || first > last) {
                throw new IllegalArgumentException("gueSourcePorts: " + first + ".." + last + " is not within 1..65535");
            }
            this.gueFirstPort = first;
            this.gueLastPort = last;
            return this;
        }

        /**
         * Whether GUE over IPv6 may send a zero UDP checksum when the server's tunnel checksum mode is
         * not {@link TunnelChecksum#CHECKSUM} (RFC 6935; the receiver must accept it, Linux's
         * {@code udp6zerocsumrx}). Default false: IPv6 outer UDP always carries a checksum.
         */
        public Builder ipv6ZeroUdpChecksum(boolean allowed) {
            this.ipv6ZeroUdpChecksum = allowed;
            return this;
        }

        /**
         * The rate limit of generated ICMP errors (time exceeded, too big): sustained per second and
         * burst; default 1000 and 50, as Linux's {@code icmp_msgs_per_sec} and {@code icmp_msgs_burst}.
         *
         * @throws IllegalArgumentException naming {@code icmpRate} when either is below 1
         */
        public Builder icmpRate(int perSecond, int burst) {
            if (perSecond < 1 || burst < 1) {
                throw new IllegalArgumentException("icmpRate: " + perSecond + "/s burst " + burst + " must be at least 1");
            }
            this.icmpPerSecond = perSecond;
            this.icmpBurst = burst;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming {@code sourceAddress} when no outer source address is set
         */
        public TunnelRewriter build() {
            if (v4Source == null && v6Source == null && overrideServers.isEmpty()) {
                throw new IllegalArgumentException("sourceAddress: a tunnel needs an outer source address");
            }
            return new TunnelRewriter(this);
        }
    }
}
