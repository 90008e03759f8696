/** The Internet checksum (RFC 1071) in full, with IPv4/IPv6 pseudo-headers and incrementally (RFC 1624), and SCTP's CRC32c. */
package io.ippvs.core.checksum;
