/** The connection table: open addressing over primitive arrays, inbound and outbound keys, expiry. */
package io.ippvs.core.conn;
