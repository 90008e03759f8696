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
     * A seeded hash: each field is multiplied by its own odd constant (independent multiplications
     * the CPU runs in parallel), the products are combined and finished with the Murmur3 64-bit
     * finaliser, which spreads flows that differ in one port or address bit over the whole range.
     */
    static FlowHash seeded(int seed) {
        long s = (seed * 0x9E3779B97F4A7C15L) ^ 0x2545F4914F6CDD1DL;
        return (family, protocol, clientHigh, clientLow, clientPort, virtualHigh, virtualLow, virtualPort) -> {
            long h = s
                    ^ clientHigh * 0xC2B2AE3D27D4EB4FL
                    ^ Long.rotateLeft(clientLow * 0x165667B19E3779F9L, 17)
                    ^ virtualHigh * 0x27D4EB2F165667C5L
                    ^ Long.rotateLeft(virtualLow * 0x85EBCA77C2B2AE63L, 31)
                    ^ (((long) clientPort << 32) | ((long) virtualPort << 16) | ((long) protocol << 8) | family)
                            * 0x9E3779B97F4A7C15L;
            h ^= h >>> 33;
            h *= 0xFF51AFD7ED558CCDL;
            h ^= h >>> 33;
            h *= 0xC4CEB9FE1A85EC53L;
            h ^= h >>> 33;
            return (int) h;
        };
    }
}
