package io.ippvs.core.icmp;

import io.ippvs.api.DropReason;
import io.ippvs.api.RewriteContext;
import io.ippvs.api.Verdict;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ICMP errors a rewriter answers with instead of forwarding (time exceeded, too big), generated
 * by {@link IcmpErrors} from the virtual address the client sent to (the only address of the director
 * the sender knows), and rate limited so that a flood cannot turn the director into an ICMP source.
 * Never for a packet that is itself an ICMP error. Shared by the NAT, tunnel and direct-route
 * rewriters; one instance per rewriter, thread-safe.
 */
public final class IcmpReplies {

    /** Linux's {@code icmp_msgs_per_sec} and {@code icmp_msgs_burst}. */
    public static final int DEFAULT_PER_SECOND = 1000;
    public static final int DEFAULT_BURST = 50;

    private static final Verdict TTL_EXPIRED = Verdict.drop(DropReason.TTL_EXPIRED);
    private static final Verdict TOO_BIG = Verdict.drop(DropReason.TOO_BIG);

    private final IcmpRateLimiter limiter;
    private final AtomicLong generated = new AtomicLong();
    private final AtomicLong suppressed = new AtomicLong();

    /** Replies at up to {@code perSecond} a second with bursts of {@code burst} (see {@link IcmpRateLimiter}). */
    public IcmpReplies(int perSecond, int burst) {
        this.limiter = new IcmpRateLimiter(perSecond, burst);
    }

    /**
     * Turns the packet at {@code l3} into a time exceeded for its sender.
     *
     * @return {@link Verdict#REPLY}, or DROP({@link DropReason#TTL_EXPIRED}) when none is sent
     */
    public Verdict timeExceeded(RewriteContext context, ByteBuffer buffer, int l3) {
        if (context.icmpError() || !limiter.tryAcquire(context.nanoTime())
                || !IcmpErrors.timeExceeded(buffer, l3, context.virtualAddressHigh(), context.virtualAddressLow())) {
            suppressed.incrementAndGet();
            return TTL_EXPIRED;
        }
        generated.incrementAndGet();
        return Verdict.REPLY;
    }

    /**
     * Turns the packet at {@code l3} into fragmentation needed / packet too big naming {@code mtu}.
     *
     * @return {@link Verdict#REPLY}, or DROP({@link DropReason#TOO_BIG}) when none is sent
     */
    public Verdict tooBig(RewriteContext context, ByteBuffer buffer, int l3, int mtu) {
        if (context.icmpError() || !limiter.tryAcquire(context.nanoTime())
                || !IcmpErrors.tooBig(buffer, l3, mtu, context.virtualAddressHigh(), context.virtualAddressLow())) {
            suppressed.incrementAndGet();
            return TOO_BIG;
        }
        generated.incrementAndGet();
        return Verdict.REPLY;
    }

    /** ICMP errors generated so far. */
    public long generated() {
        return generated.get();
    }

    /** ICMP errors not sent: rate limited, not allowed (RFC 1122 3.2.2) or no room for the quote. */
    public long suppressed() {
        return suppressed.get();
    }
}
