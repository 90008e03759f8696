package io.ippvs.health;

import io.ippvs.api.RealServerConfig;
import java.util.Objects;

/**
 * The outcome of one probe: up, up with a weight ({@code MISC_CHECK}'s {@code misc_dynamic}), or down
 * with the reason. Immutable.
 */
public final class CheckResult {

    private static final CheckResult UP = new CheckResult(true, -1, null);

    private final boolean up;
    private final int weight;
    private final String reason;

    private CheckResult(boolean up, int weight, String reason) {
        this.up = up;
        this.weight = weight;
        this.reason = reason;
    }

    /** The server answered as expected; it keeps its configured weight. */
    public static CheckResult up() {
        return UP;
    }

    /**
     * The server answered and asks for {@code weight} (keepalived's {@code misc_dynamic}: the exit
     * code minus 2).
     *
     * @throws IllegalArgumentException naming {@code weight} when outside 0..65535
     */
    public static CheckResult up(int weight) {
        if (weight < 0 || weight > RealServerConfig.MAX_WEIGHT) {
            throw new IllegalArgumentException("weight: " + weight + " is outside 0.." + RealServerConfig.MAX_WEIGHT);
        }
        return new CheckResult(true, weight, null);
    }

    /** The probe failed; {@code reason} says how (it goes into the DEBUG log and the INFO line of a transition). */
    public static CheckResult down(String reason) {
        return new CheckResult(false, -1, reason == null ? "failed" : reason);
    }

    public boolean isUp() {
        return up;
    }

    /** The weight asked for, or -1 for the configured one. */
    public int weight() {
        return weight;
    }

    /** Why the probe failed; {@code null} when up. */
    public String reason() {
        return reason;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CheckResult r && up == r.up && weight == r.weight && Objects.equals(reason, r.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(up, weight, reason);
    }

    @Override
    public String toString() {
        return up ? (weight < 0 ? "up" : "up weight " + weight) : "down: " + reason;
    }
}
