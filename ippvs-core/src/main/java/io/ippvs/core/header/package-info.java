/** One flyweight per wire header (IPv4, IPv6 and its extension headers, TCP, UDP, SCTP, ICMPv4, ICMPv6): each wraps a ByteBuffer and an offset and reads or writes fields with absolute big-endian access, allocating nothing. */
package io.ippvs.core.header;
