/**
 * Where the sync master meets the connection table: {@link io.ippvs.core.sync.table.ConnectionFeed}
 * decides after each inbound packet whether its connection (and the template controlling it) goes
 * to the backups, and snapshots table entries as {@link io.ippvs.core.sync.SyncEntry sync entries}.
 * Not exported: it speaks in table handles, which only the director hands out; the exported
 * {@link io.ippvs.core.sync} package holds the table-free rest (codec, queue and sender, daemon).
 */
package io.ippvs.core.sync.table;
