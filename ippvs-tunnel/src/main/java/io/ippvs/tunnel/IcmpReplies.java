package io.ippvs.tunnel;

import io.ippvs.api.DropReason;
import io.ippvs.api.RewriteContext;
import io.ippvs.api.Verdict;
import io.ippvs.core.icmp.IcmpErrors;
import io.ippvs.core.icmp.IcmpRateLimiter;
import java.nio.ByteBuffer;

/**
 * The ICMP errors a rewriter answers with instead of forwarding (time exceeded, too big), generated
 * by {@link IcmpErrors} from the virtual address the client sent to, and rate limited so that a flood
 * cannot turn the director into an ICMP source. Never for a packet that is itself an ICMP error.
 */
final class IcmpReplies {

    /** Linux's {@code icmp_msgs_per_sec} and {@code icmp_msgs_burst}. */
    static final int DEFAULT_PER_SECOND = 1000;
    static final int DEFAULT_BURST = 50;

    private final IcmpRateLimiter limiter;

    IcmpReplies(int perSecond, int burst) {
        this.limiter = new IcmpRateLimiter(perSecond, burst);
    }

    Verdict timeExceeded(RewriteContext context, ByteBuffer buffer, int l3) {
        if (context.icmpError() || !limiter.tryAcquire(context.nanoTime())
                || !IcmpErrors.timeExceeded(buffer, l3, context.virtualAddressHigh(), context.virtualAddressLow())) {
            return Verdict.drop(DropReason.TTL_EXPIRED);
        }
        return Verdict.REPLY;
    }

    Verdict tooBig(RewriteContext context, ByteBuffer buffer, int l3, int mtu) {
        if (context.icmpError() || !limiter.tryAcquire(context.nanoTime())
                || !IcmpErrors.tooBig(buffer, l3, mtu, context.virtualAddressHigh(), context.virtualAddressLow())) {
            return Verdict.drop(DropReason.TOO_BIG);
        }
        return Verdict.REPLY;
    }
}
