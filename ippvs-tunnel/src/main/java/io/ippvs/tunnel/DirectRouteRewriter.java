package io.ippvs.tunnel;

import io.ippvs.api.DropReason;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.NextHop;
import io.ippvs.api.PacketRewriter;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.RewriteContext;
import io.ippvs.api.Verdict;
import io.ippvs.core.icmp.IcmpReplies;
import io.ippvs.core.packet.Segments;
import java.nio.ByteBuffer;

/**
 * VS/DR: the packet goes to the real server unchanged (same addresses and ports); the appliance sends
 * it to the link-layer address of the real server, which the director names in the {@link NextHop}.
 * The real server owns the virtual address on a non-ARPing interface and answers the client directly.
 *
 * <p>As Linux does for every forwarding method, the TTL (hop limit) is decremented, and a packet
 * whose TTL would run out is answered with ICMP time exceeded ({@link Verdict#REPLY}). A packet larger
 * than the link MTU (the real server's {@link RealServerConfig#mtu()} when set) that may not be
 * fragmented (IPv4 DF, IPv6 always) gets ICMP fragmentation-needed / packet-too-big.
 *
 * <p>Thread-safe and allocation-free.
 */
public final class DirectRouteRewriter implements PacketRewriter {

    private final boolean decrementTtl;
    private final int linkMtu;
    private final IcmpReplies icmp;

    private DirectRouteRewriter(Builder b) {
        this.decrementTtl = b.decrementTtl;
        this.linkMtu = b.linkMtu;
        this.icmp = new IcmpReplies(b.icmpPerSecond, b.icmpBurst);
    }

    /** A builder with TTL decrement on and link MTU 1500. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ForwardingMethod method() {
        return ForwardingMethod.DIRECT_ROUTE;
    }

    @Override
    public Verdict rewrite(RewriteContext context) {
        ByteBuffer buffer = context.buffer();
        if (buffer.isReadOnly()) {
            return Verdict.drop(DropReason.UNSUPPORTED);
        }
        int l3 = context.l3Offset();
        int family = context.addressFamily();
        int length = Forwarding.packetLength(buffer, l3, family);
        if (length < 0) {
            return Verdict.drop(DropReason.MALFORMED);
        }
        if (decrementTtl && Forwarding.ttl(buffer, l3, family) <= 1) {
            return icmp.timeExceeded(context, buffer, l3);
        }
        int configured = context.realServer().config().mtu();
        int mtu = configured != 0 ? configured : linkMtu;
        // a super-packet is held to the MTU by its segments
        if (Segments.largest(context, length) > mtu
                && Forwarding.dontFragment(buffer, l3, family)) {
            return icmp.tooBig(context, buffer, l3, mtu);
        }
        if (decrementTtl) {
            Forwarding.decrementTtl(buffer, l3, family);
        }
        // link padding after the IP packet is not forwarded
        buffer.limit(l3 + length);
        return Verdict.FORWARD;
    }

    /** Builds a {@link DirectRouteRewriter}; every setter validates and names the field it rejects. */
    public static final class Builder {
        private boolean decrementTtl = true;
        private int linkMtu = TunnelRewriter.DEFAULT_LINK_MTU;
        private int icmpPerSecond = IcmpReplies.DEFAULT_PER_SECOND;
        private int icmpBurst = IcmpReplies.DEFAULT_BURST;

        private Builder() {}

        /** Whether the TTL / hop limit is decremented, with ICMP time exceeded when it runs out (default true). */
        public Builder decrementTtl(boolean on) {
            this.decrementTtl = on;
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
         * The rate limit of generated ICMP errors: sustained per second and burst (default 1000, 50).
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

        /** The rewriter; the builder may be reused. */
        public DirectRouteRewriter build() {
            return new DirectRouteRewriter(this);
        }
    }
}
