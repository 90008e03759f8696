package io.ippvs.core.conn;

/**
 * Told about every entry that leaves a {@link ConnectionTable}, exactly once per entry, whether it
 * expired (lazily on lookup or in a sweep) or was removed explicitly. The director uses it to keep
 * the real servers' active and inactive counts equal to the table's contents.
 *
 * <p>Called while the entry's fields are still readable through the table's getters and before its
 * handle can be reused. It may run on any thread that calls into the table (lookups included) and
 * possibly while a table-internal lock is held: it must be quick and must not insert into the table.
 */
@FunctionalInterface
public interface RemovalListener {

    /**
     * Entry {@code handle} of {@code table} is leaving the table.
     *
     * @param expired true when its timeout ran out, false when it was removed with
     *     {@link ConnectionTable#remove(int)}
     */
    void removed(ConnectionTable table, int handle, boolean expired);
}
