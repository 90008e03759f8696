package io.ippvs.nat;

import io.ippvs.core.header.IpProtocol;
import io.ippvs.core.header.Ipv6ExtensionHeaders;
import io.ippvs.core.header.Ipv6Header;
import java.nio.ByteBuffer;

/**
 * The few walks of an IPv6 extension-header chain the rewriter still makes itself: the parser
 * already walked the chain, but a context built by hand (or a quote inside an ICMPv6 error) does not
 * say whether a fragment header was on it. Each walk is bounded by the offsets it is given.
 */
final class Ipv6Chain {

    private Ipv6Chain() {}

    /**
     * Whether the extension headers of the IPv6 packet at {@code l3} hold a fragment header with a
     * non-zero offset. Walks hop-by-hop, routing, destination options, AH and fragment headers,
     * bounded by {@code end} and a few headers; anything else ends the chain.
     */
    static boolean isNonFirstFragment(ByteBuffer b, int l3, int end) {
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

    /** Whether the IPv6 extension chain between {@code l3 + 40} and {@code l4} holds a fragment header. */
    static boolean hasFragmentHeader(ByteBuffer b, int l3, int l4) {
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

    /** The upper-layer protocol of a quoted IPv6 packet whose transport header the parser placed at {@code in4}. */
    static int upperLayerProtocol(ByteBuffer b, int in3, int in4) {
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
}
