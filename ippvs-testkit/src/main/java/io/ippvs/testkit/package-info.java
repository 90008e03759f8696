/**
 * Build packets ({@link io.ippvs.testkit.PacketBuilder}), check what a director made of them
 * ({@link io.ippvs.testkit.ChecksumVerifier}), finish and segment offloaded packets as the kernel
 * would after the director ({@link io.ippvs.testkit.Gso}), and write them where Wireshark and
 * tcpdump can read them ({@link io.ippvs.testkit.Pcap}).
 */
package io.ippvs.testkit;
