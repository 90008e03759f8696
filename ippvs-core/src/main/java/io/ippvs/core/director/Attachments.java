package io.ippvs.core.director;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What application helpers attach to connections ({@link io.ippvs.api.RewriteContext#attach}: the
 * FTP helper's sequence offsets), by handle. The array is made on first use, since most directors
 * never run a helper; reads take no lock.
 */
final class Attachments {

    private static final VarHandle OBJECTS = MethodHandles.arrayElementVarHandle(Object[].class);

    private final int capacity;
    private volatile Object[] attachments;

    Attachments(int capacity) {
        this.capacity = capacity;
    }

    Object get(int handle) {
        Object[] a = attachments;
        return a == null ? null : OBJECTS.getAcquire(a, handle);
    }

    void set(int handle, Object value) {
        Object[] a = attachments;
        if (a == null) {
            if (value == null) {
                return;
            }
            synchronized (this) {
                a = attachments;
                if (a == null) {
                    a = new Object[capacity];
                    attachments = a;
                }
            }
        }
        OBJECTS.setRelease(a, handle, value);
    }

    /** Drops what entry {@code handle} held, as it leaves the table. */
    void clear(int handle) {
        Object[] a = attachments;
        if (a != null) {
            OBJECTS.setRelease(a, handle, null);
        }
    }
}
