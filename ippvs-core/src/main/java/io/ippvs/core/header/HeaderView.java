package io.ippvs.core.header;

import java.nio.ByteBuffer;

/**
 * What every header flyweight holds: the buffer and the header's absolute offset in it. Each header
 * keeps its own {@code wrap} so that it returns its own type for chained calls.
 */
abstract class HeaderView {

    ByteBuffer buffer;
    int offset;

    /** The buffer this flyweight reads; {@code null} before the first {@code wrap}. */
    public final ByteBuffer buffer() {
        return buffer;
    }

    /** The header's absolute offset in {@link #buffer()}. */
    public final int offset() {
        return offset;
    }
}
