package io.ippvs.api;

/**
 * What the appliance must do with the buffer after the director has processed it.
 *
 * <p>Verdicts are shared immutable constants: returning one never allocates, and they may be
 * compared with {@code ==}. {@link #drop(DropReason)} returns the one instance for each reason.
 *
 * <ul>
 *   <li>{@link Action#FORWARD}: the buffer's {@code [position, limit)} now holds the packet to send
 *       towards its destination (for tunnel and direct-route forwarding, the {@link NextHop} says to
 *       whom).
 *   <li>{@link Action#REPLY}: the buffer holds a packet the director generated for the sender of the
 *       original packet (ICMP time exceeded, fragmentation needed, packet too big); send it back.
 *   <li>{@link Action#DROP}: discard the packet; {@link #dropReason()} says why, and the director has
 *       counted it.
 *   <li>{@link Action#PASS}: not ours: hand the packet, unchanged, to the host's own stack.
 * </ul>
 */
public final class Verdict {

    /** The four things an appliance can be asked to do. */
    public enum Action {
        FORWARD,
        REPLY,
        DROP,
        PASS
    }

    public static final Verdict FORWARD = new Verdict(Action.FORWARD, null);
    public static final Verdict REPLY = new Verdict(Action.REPLY, null);
    public static final Verdict PASS = new Verdict(Action.PASS, null);

    private static final Verdict[] DROPS = new Verdict[DropReason.count()];

    static {
        for (DropReason reason : DropReason.values()) {
            DROPS[reason.ordinal()] = new Verdict(Action.DROP, reason);
        }
    }

    private final Action action;
    private final DropReason dropReason;

    private Verdict(Action action, DropReason dropReason) {
        this.action = action;
        this.dropReason = dropReason;
    }

    /** The drop verdict for {@code reason}; never allocates. */
    public static Verdict drop(DropReason reason) {
        return DROPS[reason.ordinal()];
    }

    public Action action() {
        return action;
    }

    /** The reason for a {@link Action#DROP} verdict; {@code null} for every other action. */
    public DropReason dropReason() {
        return dropReason;
    }

    public boolean isForward() {
        return action == Action.FORWARD;
    }

    public boolean isReply() {
        return action == Action.REPLY;
    }

    public boolean isDrop() {
        return action == Action.DROP;
    }

    public boolean isPass() {
        return action == Action.PASS;
    }

    @Override
    public String toString() {
        return dropReason == null ? action.name() : "DROP(" + dropReason + ")";
    }
}
