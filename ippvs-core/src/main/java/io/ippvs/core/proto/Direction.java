package io.ippvs.core.proto;

/**
 * Which way a packet travels relative to its connection, as the IPVS state tables see it.
 *
 * <p>{@link #IN}: client to server. {@link #OUT}: server to client (seen only with NAT).
 * {@link #INPUT_ONLY}: client to server on a connection that has seen no output yet (always the case
 * for tunnel and direct routing).
 */
public enum Direction {
    IN,
    OUT,
    INPUT_ONLY;

    /** The int code used by the allocation-free {@code next} methods: 0, 1, 2. */
    public int code() {
        return ordinal();
    }

    /** The direction with {@link #code()} {@code code}. */
    public static Direction ofCode(int code) {
        return values()[code];
    }
}
