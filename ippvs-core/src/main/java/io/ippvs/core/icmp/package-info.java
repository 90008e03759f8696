/** ICMP errors the rewriters generate for a packet's sender (time exceeded, too big) and their rate limit. */
package io.ippvs.core.icmp;
