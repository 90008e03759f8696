package io.ippvs.tunnel;

import io.ippvs.api.Addresses;
import io.ippvs.api.TunnelType;
import io.ippvs.core.checksum.InternetChecksum;
import io.ippvs.core.header.IpProtocol;
import io.ippvs.core.header.Ipv4Header;
import io.ippvs.core.header.Ipv6ExtensionHeaders;
import io.ippvs.core.header.Ipv6Header;
import io.ippvs.core.header.UdpHeader;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * The real server's end of a VS/TUN tunnel: checks an arriving tunnel packet and strips the outer
 * headers, leaving the client's packet in the buffer to hand to the local stack.
 *
 * <p>Checked, in order: the outer IP header (version, lengths, IPv4 header checksum, not a fragment,
 * IPv6 extension headers walked), that the outer destination is one of ours, that the protocol (and
 * for GUE the UDP port) is a tunnel type we accept, the tunnel header (UDP length and checksum when
 * present, GUE variant and inner protocol, GRE flags, version, protocol type, checksum and key), and
 * that the inner packet is an IP packet of the announced family filling the tunnel payload exactly.
 * The ECN field is then combined as RFC 6040 section 4.2 says.
 *
 * <p>Never throws on packet content and never reads outside {@code [position, limit)}. On
 * {@link DecapStatus#OK} the buffer's {@code [position, limit)} is the inner packet; on any other
 * status the buffer is untouched. Thread-safe; allocation-free apart from the counters' lazily
 * created contention cells.
 */
public final class Decapsulator {

    private static final int MAX_EXTENSION_HEADERS = Ipv6ExtensionHeaders.MAX_HEADERS;

    private final int[] v4Addresses;
    private final long[] v6High;
    private final long[] v6Low;
    private final boolean acceptIpip;
    private final boolean acceptGue;
    private final boolean acceptGre;
    private final int guePort;
    private final boolean hasGreKey;
    private final int greKey;
    private final boolean allowZeroUdpChecksumIpv6;
    private final LongAdder[] counters = new LongAdder[DecapStatus.values().length];

    private Decapsulator(Builder b) {
        List<Integer> v4 = new ArrayList<>();
        List<InetAddress> v6 = new ArrayList<>();
        for (InetAddress a : b.addresses) {
            if (Addresses.family(a) == Addresses.IPV4) {
                v4.add((int) Addresses.low(a));
            } else {
                v6.add(a);
            }
        }
        this.v4Addresses = v4.stream().mapToInt(Integer::intValue).toArray();
        this.v6High = v6.stream().mapToLong(Addresses::high).toArray();
        this.v6Low = v6.stream().mapToLong(Addresses::low).toArray();
        this.acceptIpip = b.types.contains(TunnelType.IPIP);
        this.acceptGue = b.types.contains(TunnelType.GUE);
        this.acceptGre = b.types.contains(TunnelType.GRE);
        this.guePort = b.guePort;
        this.hasGreKey = b.greKey != null;
        this.greKey = hasGreKey ? b.greKey.intValue() : 0;
        this.allowZeroUdpChecksumIpv6 = b.allowZeroUdpChecksumIpv6;
        for (int i = 0; i < counters.length; i++) {
            counters[i] = new LongAdder();
        }
    }

    /** A builder accepting IP-in-IP only, until told otherwise. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Checks the tunnel packet in {@code [position, limit)} and strips its outer headers.
     *
     * @return {@link DecapStatus#OK} with the inner packet in {@code [position, limit)}, or the reason
     *     the packet was refused (the buffer is then unchanged)
     */
    public DecapStatus decapsulate(ByteBuffer buffer) {
        DecapStatus status = strip(buffer);
        counters[status.ordinal()].increment();
        return status;
    }

    /** How many packets ended with {@code status} since this decapsulator was built. */
    public long count(DecapStatus status) {
        return counters[status.ordinal()].sum();
    }

    private DecapStatus strip(ByteBuffer buffer) {
        int p = buffer.position();
        int available = buffer.limit() - p;
        if (available < 1) {
            return DecapStatus.TRUNCATED;
        }
        int version = Ipv4Header.version(buffer, p); // the same nibble in IPv6
        int outerFamily;
        int protocol;
        int l4;
        int end;
        int outerEcn;
        if (version == 4) {
            if (available < Ipv4Header.MIN_LENGTH) {
                return DecapStatus.TRUNCATED;
            }
            int ihl = Ipv4Header.headerLength(buffer, p);
            int total = Ipv4Header.totalLength(buffer, p);
            if (ihl < Ipv4Header.MIN_LENGTH || ihl > total) {
                return DecapStatus.BAD_HEADER_LENGTH;
            }
            if (total > available) {
                return DecapStatus.TRUNCATED;
            }
            if (InternetChecksum.sum(buffer, p, ihl, 0) != InternetChecksum.VALID_SUM) {
                return DecapStatus.BAD_IP_CHECKSUM;
            }
            if (Ipv4Header.isFragment(buffer, p)) {
                return DecapStatus.FRAGMENT;
            }
            if (!ourV4(Ipv4Header.destinationAddress(buffer, p))) {
                return DecapStatus.NOT_OUR_ADDRESS;
            }
            outerFamily = Addresses.IPV4;
            protocol = Ipv4Header.protocol(buffer, p);
            l4 = p + ihl;
            end = p + total;
            outerEcn = Ipv4Header.tos(buffer, p) & Ecn.MASK;
        } else if (version == 6) {
            if (available < Ipv6Header.LENGTH) {
                return DecapStatus.TRUNCATED;
            }
            end = p + Ipv6Header.LENGTH + Ipv6Header.payloadLength(buffer, p);
            if (end > buffer.limit()) {
                return DecapStatus.TRUNCATED;
            }
            if (!ourV6(Ipv6Header.destinationAddressHigh(buffer, p),
                    Ipv6Header.destinationAddressLow(buffer, p))) {
                return DecapStatus.NOT_OUR_ADDRESS;
            }
            outerFamily = Addresses.IPV6;
            protocol = Ipv6Header.nextHeader(buffer, p);
            l4 = p + Ipv6Header.LENGTH;
            outerEcn = Ipv6Header.trafficClass(buffer, p) & Ecn.MASK;
            for (int n = 0; ; n++) {
                if (protocol == IpProtocol.IPV6_FRAGMENT) {
                    return DecapStatus.FRAGMENT;
                }
                if (protocol != IpProtocol.HOP_BY_HOP && protocol != IpProtocol.IPV6_ROUTING
                        && protocol != IpProtocol.IPV6_DESTINATION_OPTIONS) {
                    break;
                }
                if (n == MAX_EXTENSION_HEADERS || l4 + 8 > end) {
                    return DecapStatus.BAD_HEADER_LENGTH;
                }
                // a routing header with segments left would send the packet on, not to us
                if (protocol == IpProtocol.IPV6_ROUTING && Ipv6ExtensionHeaders.segmentsLeft(buffer, l4) != 0) {
                    return DecapStatus.NOT_OUR_ADDRESS;
                }
                protocol = Ipv6ExtensionHeaders.nextHeader(buffer, l4);
                l4 += Ipv6ExtensionHeaders.optionsLength(buffer, l4);
                if (l4 > end) {
                    return DecapStatus.BAD_HEADER_LENGTH;
                }
            }
        } else {
            return DecapStatus.BAD_VERSION;
        }

        int inner;
        int innerFamily;
        switch (protocol) {
            case IpProtocol.IPIP:
            case IpProtocol.IPV6:
                if (!acceptIpip) {
                    return DecapStatus.TUNNEL_TYPE_DISABLED;
                }
                inner = l4;
                innerFamily = protocol == IpProtocol.IPIP ? Addresses.IPV4 : Addresses.IPV6;
                break;
            case IpProtocol.UDP: {
                if (l4 + UdpHeader.LENGTH > end) {
                    return DecapStatus.TRUNCATED;
                }
                if (UdpHeader.destinationPort(buffer, l4) != guePort || guePort == 0) {
                    return DecapStatus.NOT_TUNNEL;
                }
                if (!acceptGue) {
                    return DecapStatus.TUNNEL_TYPE_DISABLED;
                }
                int udpLength = UdpHeader.length(buffer, l4);
                if (udpLength != end - l4) {
                    return DecapStatus.BAD_UDP_LENGTH;
                }
                int field = UdpHeader.checksum(buffer, l4);
                if (field == 0) {
                    if (outerFamily == Addresses.IPV6 && !allowZeroUdpChecksumIpv6) {
                        return DecapStatus.BAD_UDP_CHECKSUM;
                    }
                } else {
                    int pseudo = outerFamily == Addresses.IPV4
                            ? InternetChecksum.pseudoHeaderV4(buffer, p, IpProtocol.UDP, udpLength)
                            : InternetChecksum.pseudoHeaderV6(buffer, p, IpProtocol.UDP, udpLength);
                    if (InternetChecksum.sum(buffer, l4, udpLength, pseudo) != InternetChecksum.VALID_SUM) {
                        return DecapStatus.BAD_UDP_CHECKSUM;
                    }
                }
                int gue = l4 + UdpHeader.LENGTH;
                if (gue + 1 > end) {
                    return DecapStatus.TRUNCATED;
                }
                int gueFirst = GueHeader.firstByte(buffer, gue);
                int variant = GueHeader.variant(gueFirst);
                if (variant == 1) {
                    // variant 1: the inner IP header itself, its version nibble saying which
                    inner = gue;
                    innerFamily = (gueFirst >>> 4) == 4 ? Addresses.IPV4 : Addresses.IPV6;
                    break;
                }
                if (variant != 0 || GueHeader.control(gueFirst)) {
                    return DecapStatus.BAD_GUE_HEADER;
                }
                inner = gue + GueHeader.LENGTH + GueHeader.extensionLength(gueFirst);
                if (inner > end) {
                    return DecapStatus.TRUNCATED;
                }
                int proto = GueHeader.protocol(buffer, gue);
                if (proto == IpProtocol.IPIP) {
                    innerFamily = Addresses.IPV4;
                } else if (proto == IpProtocol.IPV6) {
                    innerFamily = Addresses.IPV6;
                } else {
                    return DecapStatus.BAD_GUE_PROTOCOL;
                }
                break;
            }
            case IpProtocol.GRE: {
                if (!acceptGre) {
                    return DecapStatus.TUNNEL_TYPE_DISABLED;
                }
                if (l4 + GreHeader.LENGTH > end) {
                    return DecapStatus.TRUNCATED;
                }
                int flags = GreHeader.flags(buffer, l4);
                if ((flags & GreHeader.FLAGS_MUST_BE_ZERO) != 0 || (flags & GreHeader.VERSION_MASK) != 0) {
                    return DecapStatus.BAD_GRE_HEADER;
                }
                inner = l4 + GreHeader.length(flags);
                if (inner > end) {
                    return DecapStatus.TRUNCATED;
                }
                int etherType = GreHeader.protocolType(buffer, l4);
                if (etherType == GreHeader.ETHERTYPE_IPV4) {
                    innerFamily = Addresses.IPV4;
                } else if (etherType == GreHeader.ETHERTYPE_IPV6) {
                    innerFamily = Addresses.IPV6;
                } else {
                    return DecapStatus.BAD_GRE_PROTOCOL;
                }
                if ((flags & GreHeader.FLAG_CHECKSUM) != 0
                        && InternetChecksum.sum(buffer, l4, end - l4, 0) != InternetChecksum.VALID_SUM) {
                    return DecapStatus.BAD_GRE_CHECKSUM;
                }
                boolean keyed = (flags & GreHeader.FLAG_KEY) != 0;
                if (keyed != hasGreKey || keyed && GreHeader.key(buffer, l4, flags) != greKey) {
                    return DecapStatus.GRE_KEY_MISMATCH;
                }
                break;
            }
            default:
                return DecapStatus.NOT_TUNNEL;
        }

        int innerLength = end - inner;
        int innerEcnOffset;
        int innerEcn;
        if (innerFamily == Addresses.IPV4) {
            if (innerLength < Ipv4Header.MIN_LENGTH) {
                return DecapStatus.INNER_MALFORMED;
            }
            int ihl = Ipv4Header.headerLength(buffer, inner);
            int total = Ipv4Header.totalLength(buffer, inner);
            if (Ipv4Header.version(buffer, inner) != 4 || ihl < Ipv4Header.MIN_LENGTH || ihl > total || total != innerLength) {
                return DecapStatus.INNER_MALFORMED;
            }
            innerEcnOffset = inner + Ipv4Header.TOS_OFFSET;
            innerEcn = Ipv4Header.tos(buffer, inner) & Ecn.MASK;
        } else {
            if (innerLength < Ipv6Header.LENGTH || Ipv6Header.version(buffer, inner) != 6
                    || Ipv6Header.LENGTH + Ipv6Header.payloadLength(buffer, inner) != innerLength) {
                return DecapStatus.INNER_MALFORMED;
            }
            innerEcnOffset = inner + 1; // the traffic class straddles bytes 0 and 1; ECN is in byte 1
            innerEcn = Ipv6Header.trafficClass(buffer, inner) & Ecn.MASK;
        }
        int ecn = Ecn.decapsulate(innerEcn, outerEcn);
        if (ecn == Ecn.DROP) {
            return DecapStatus.ECN_NOT_ECT;
        }
        if (ecn != innerEcn) {
            if (buffer.isReadOnly()) {
                return DecapStatus.READ_ONLY;
            }
            if (innerFamily == Addresses.IPV4) {
                int oldWord = buffer.getShort(inner) & 0xFFFF;
                int newWord = (oldWord & ~Ecn.MASK) | ecn;
                buffer.putShort(inner, (short) newWord);
                Ipv4Header.checksum(buffer, inner,
                        InternetChecksum.update16(Ipv4Header.checksum(buffer, inner), oldWord, newWord));
            } else {
                // the ECN bits are the low two of the traffic class: bits 4..5 of the second byte
                int b = buffer.get(innerEcnOffset) & 0xFF;
                buffer.put(innerEcnOffset, (byte) ((b & ~(Ecn.MASK << 4)) | ecn << 4));
            }
        }
        buffer.limit(end);
        buffer.position(inner);
        return DecapStatus.OK;
    }

    private boolean ourV4(int address) {
        for (int a : v4Addresses) {
            if (a == address) {
                return true;
            }
        }
        return false;
    }

    private boolean ourV6(long high, long low) {
        for (int i = 0; i < v6High.length; i++) {
            if (v6High[i] == high && v6Low[i] == low) {
                return true;
            }
        }
        return false;
    }

    /** Builds a {@link Decapsulator}; every setter validates and names the field it rejects. */
    public static final class Builder {
        private final List<InetAddress> addresses = new ArrayList<>();
        private final Set<TunnelType> types = EnumSet.of(TunnelType.IPIP);
        private int guePort;
        private Integer greKey;
        private boolean allowZeroUdpChecksumIpv6;

        private Builder() {}

        /**
         * Adds an address tunnel packets may be sent to (IPv4 or IPv6); at least one is needed.
         *
         * @throws IllegalArgumentException naming {@code localAddress} when null
         */
        public Builder localAddress(InetAddress address) {
            if (address == null) {
                throw new IllegalArgumentException("localAddress: must not be null");
            }
            addresses.add(address);
            return this;
        }

        /**
         * The tunnel types to accept; replaces the default (IP-in-IP only).
         *
         * @throws IllegalArgumentException naming {@code accept} when empty or null
         */
        public Builder accept(TunnelType... tunnelTypes) {
            if (tunnelTypes == null || tunnelTypes.length == 0) {
                throw new IllegalArgumentException("accept: at least one tunnel type is needed");
            }
            types.clear();
            for (TunnelType t : tunnelTypes) {
                if (t == null) {
                    throw new IllegalArgumentException("accept: tunnel types must not be null");
                }
                types.add(t);
            }
            return this;
        }

        /**
         * The UDP port GUE packets arrive on; needed when GUE is accepted.
         *
         * @throws IllegalArgumentException naming {@code guePort} when outside 1..65535
         */
        public Builder guePort(int port) {
            if (port < 1 || port > 0xFFFF) {
                throw new IllegalArgumentException("guePort: " + port + " is outside 1..65535");
            }
            this.guePort = port;
            return this;
        }

        /** The GRE key (RFC 2890) packets must carry; without one, keyed GRE packets are refused. */
        public Builder greKey(int key) {
            this.greKey = key;
            return this;
        }

        /**
         * Whether GUE over IPv6 may arrive with a zero UDP checksum (RFC 6935; Linux's
         * {@code udp6zerocsumrx}); default false.
         */
        public Builder allowZeroUdpChecksumIpv6(boolean allowed) {
            this.allowZeroUdpChecksumIpv6 = allowed;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming {@code localAddress} when none was given, or
         *     {@code guePort} when GUE is accepted without a port
         */
        public Decapsulator build() {
            if (addresses.isEmpty()) {
                throw new IllegalArgumentException("localAddress: a decapsulator needs at least one local address");
            }
            if (types.contains(TunnelType.GUE) && guePort == 0) {
                throw new IllegalArgumentException("guePort: GUE is accepted but no port is set");
            }
            return new Decapsulator(this);
        }
    }
}
