package io.ippvs.core.director;

import io.ippvs.api.DropReason;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.PacketRewriter;
import io.ippvs.api.Verdict;
import io.ippvs.core.service.RealServerState;

/**
 * The rewriters, one per forwarding method, and the outcome of a rewrite, counted. Each method has
 * its own call site, so each stays monomorphic however many methods a director mixes (IPVS binds
 * {@code cp->packet_xmit} once per connection to the same effect).
 */
final class Forwarding {

    private final PacketRewriter masquerade;
    private final PacketRewriter tunnel;
    private final PacketRewriter directRoute;
    private final Outcomes outcomes;

    Forwarding(PacketRewriter[] byMethod, Outcomes outcomes) {
        this.masquerade = byMethod[ForwardingMethod.MASQUERADE.ordinal()];
        this.tunnel = byMethod[ForwardingMethod.TUNNEL.ordinal()];
        this.directRoute = byMethod[ForwardingMethod.DIRECT_ROUTE.ordinal()];
        this.outcomes = outcomes;
    }

    /** The rewriter registered for {@code method}, or null. */
    PacketRewriter rewriter(ForwardingMethod method) {
        switch (method) {
            case MASQUERADE:
                return masquerade;
            case TUNNEL:
                return tunnel;
            default:
                return directRoute;
        }
    }

    /** Rewrites the packet {@code s} describes for server {@code rs}, counts and returns the outcome. */
    Verdict rewrite(Scratch s, RealServerState rs) {
        ForwardingMethod m = rs.forwardingMethod();
        Verdict v;
        try {
            // one call site per method (never an enum switch, which costs a table lookup)
            if (m == ForwardingMethod.MASQUERADE) {
                v = masquerade == null ? null : masquerade.rewrite(s);
            } else if (m == ForwardingMethod.TUNNEL) {
                v = tunnel == null ? null : tunnel.rewrite(s);
            } else {
                v = directRoute == null ? null : directRoute.rewrite(s);
            }
        } catch (RuntimeException e) {
            v = null;
        }
        if (v == null) {
            return outcomes.dropped(s.stripe, DropReason.UNSUPPORTED);
        }
        // tests in order of likelihood
        if (v.isForward()) {
            if (s.hop != null) {
                s.hop.set(rs);
            }
            outcomes.forwarded(s.stripe);
            return v;
        }
        if (v.isReply()) {
            if (s.offload != null) {
                s.offload.clear(); // the generated ICMP error is a plain packet
            }
            outcomes.replied(s.stripe);
            return v;
        }
        return v.isPass() ? outcomes.passed(s.stripe) : outcomes.dropped(s.stripe, v.dropReason());
    }
}
