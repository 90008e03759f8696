package io.ippvs.core.header;

/**
 * IANA protocol numbers (the IPv4 protocol field, the IPv6 next header) the data path knows, in one
 * place. {@link io.ippvs.api.Protocol} names the three a virtual service balances; these are the
 * numbers as the headers carry them, for switches on the hot path.
 */
public final class IpProtocol {

    /** IPv6 hop-by-hop options (an extension header). */
    public static final int HOP_BY_HOP = 0;
    public static final int ICMP = 1;
    /** IPv4 in IP (RFC 2003): the inner packet of an IPIP tunnel is IPv4. */
    public static final int IPIP = 4;
    public static final int TCP = 6;
    public static final int UDP = 17;
    /** IPv6 encapsulated (RFC 2473): the inner packet is IPv6. */
    public static final int IPV6 = 41;
    public static final int IPV6_ROUTING = 43;
    public static final int IPV6_FRAGMENT = 44;
    public static final int GRE = 47;
    public static final int ESP = 50;
    public static final int AH = 51;
    public static final int ICMPV6 = 58;
    public static final int IPV6_NO_NEXT = 59;
    public static final int IPV6_DESTINATION_OPTIONS = 60;
    public static final int SCTP = 132;

    private IpProtocol() {}

    /** Whether {@code protocol} carries ports in its first four bytes (TCP, UDP, SCTP). */
    public static boolean hasPorts(int protocol) {
        return protocol == TCP || protocol == UDP || protocol == SCTP;
    }
}
