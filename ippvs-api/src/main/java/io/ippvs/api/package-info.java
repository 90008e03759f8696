/**
 * The ippvs programming surface.
 *
 * <p>Addresses on the packet path are carried as two {@code long}s (high and low 64 bits, network
 * order) plus an address family, so that nothing is allocated per packet; an IPv4 address is held in
 * the low 32 bits of the low word with the high word zero. {@link io.ippvs.api.Addresses} converts
 * to and from {@link java.net.InetAddress} for configuration and display.
 *
 * <p>An I/O layer with checksum or segmentation offload (a TUN device with a virtio-net header)
 * passes each packet's {@link io.ippvs.api.Offload} facts in with the packet and writes them out with
 * the forwarded packet; without them every packet is whole, with complete checksums.
 */
package io.ippvs.api;
