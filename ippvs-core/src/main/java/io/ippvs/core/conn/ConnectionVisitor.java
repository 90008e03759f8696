package io.ippvs.core.conn;

/** Visits live entries of a {@link ConnectionTable} (listings, drop_entry); allocation-free iteration. */
@FunctionalInterface
public interface ConnectionVisitor {

    /**
     * Visits entry {@code handle}. The visitor may read it, change its state or remove it.
     *
     * @return true to continue, false to stop the iteration
     */
    boolean visit(ConnectionTable table, int handle);
}
