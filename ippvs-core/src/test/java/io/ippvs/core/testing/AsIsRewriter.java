package io.ippvs.core.testing;

import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.PacketRewriter;
import io.ippvs.api.RewriteContext;
import io.ippvs.api.Verdict;

/**
 * A rewriter that forwards every packet unchanged, for tests and benchmarks about the director
 * rather than the bytes: a director refuses real servers whose method has no rewriter, so a test that
 * configures any method registers one of these for each ({@link #everyMethod()}).
 */
public final class AsIsRewriter implements PacketRewriter {

    private final ForwardingMethod method;

    public AsIsRewriter(ForwardingMethod method) {
        this.method = method;
    }

    /** One for each forwarding method. */
    public static AsIsRewriter[] everyMethod() {
        ForwardingMethod[] methods = ForwardingMethod.values();
        AsIsRewriter[] all = new AsIsRewriter[methods.length];
        for (int i = 0; i < methods.length; i++) {
            all[i] = new AsIsRewriter(methods[i]);
        }
        return all;
    }

    @Override
    public ForwardingMethod method() {
        return method;
    }

    @Override
    public Verdict rewrite(RewriteContext context) {
        return Verdict.FORWARD;
    }
}
