/**
 * The connection table: open addressing over primitive arrays, inbound and outbound keys, expiry.
 *
 * <p>{@link io.ippvs.core.conn.ConnectionTable} holds connections and persistence templates in one
 * bounded store (templates are entries with {@link io.ippvs.core.conn.ConnectionFlags#TEMPLATE},
 * keyed by protocol, masked client address, virtual address and port, and count against the same
 * bound, as in IPVS). Entries are named by int handles; a caller describes a new entry with a reused
 * {@link io.ippvs.core.conn.ConnectionSpec}, hears about every departure through a
 * {@link io.ippvs.core.conn.RemovalListener} and walks entries with a
 * {@link io.ippvs.core.conn.ConnectionVisitor}.
 */
package io.ippvs.core.conn;
