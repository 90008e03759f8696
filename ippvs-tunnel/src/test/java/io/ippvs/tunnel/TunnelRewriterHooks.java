package io.ippvs.tunnel;

/**
 * What the tunnel fixtures need beyond the rewriter's public API, in one clearly named place: a
 * fixed first IPv4 identification, so expected outer headers can carry it (production numbers from a
 * random start).
 */
public final class TunnelRewriterHooks {

    private TunnelRewriterHooks() {}

    /** {@code builder} with its first outer IPv4 identification set to {@code start}. */
    public static TunnelRewriter.Builder identificationStart(TunnelRewriter.Builder builder, int start) {
        return builder.identificationStart(start);
    }
}
