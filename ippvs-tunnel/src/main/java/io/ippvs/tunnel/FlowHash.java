package io.ippvs.tunnel;

import io.ippvs.api.Addresses;

/**
 * Hashes the inner flow of a tunnelled packet into 32 bits: the GUE source port and the IPv6 outer
 * flow label are taken from it, so that routers and receivers that spread load by the outer headers
 * (ECMP, RSS) keep each inner flow on one path and spread different flows.
 *
 * <p>Implementations must be pure, thread-safe and allocation-free: the rewriter calls them for
 * every packet.
 */
@FunctionalInterface
public interface FlowHash {

    /**
     * The hash of a flow; any 32-bit value.
     *
     * @param family {@link Addresses#IPV4} or {@link Addresses#IPV6}
     * @param protocol the IANA transport protocol number
     */
    int hash(int family, int protocol, long clientHigh, long clientLow, int clientPort,
             long virtualHigh, long virtualLow, int virtualPort);

    /**
     * A seeded hash mixing every field with multiply-xorshift rounds (the Murmur3 finaliser), which
     * spreads flows that differ in one port or address bit over the whole 32-bit range.
     */
    static FlowHash seeded(int seed) {
        return (family, protocol, clientHigh, clientLow, clientPort, virtualHigh, virtualLow, virtualPort) -> {
            long h = seed ^ 0x9E3779B97F4A7C15L;
            h = mix(h ^ clientHigh);
            h = mix(h ^ clientLow);
            h = mix(h ^ virtualHigh);
            h = mix(h ^ virtualLow);
            h = mix(h ^ (((long) clientPort << 32) | ((long) virtualPort << 16) | ((long) protocol << 8) | family));
            return (int) (h ^ (h >>> 32));
        };
    }

    private static long mix(long h) {
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        return h ^ (h >>> 33);
    }
}
