/**
 * The ippvs programming surface.
 *
 * <p>Addresses on the packet path are carried as two {@code long}s (high and low 64 bits, network
 * order) plus an address family, so that nothing is allocated per packet; an IPv4 address is held in
 * the low 32 bits of the low word with the high word zero. {@link io.ippvs.api.Addresses} converts
 * to and from {@link java.net.InetAddress} for configuration and display.
 */
package io.ippvs.api;
