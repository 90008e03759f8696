/**
 * Build packets ({@link io.ippvs.testkit.PacketBuilder}), check what a director made of them
 * ({@link io.ippvs.testkit.ChecksumVerifier}), and write them where Wireshark and tcpdump can read
 * them ({@link io.ippvs.testkit.Pcap}).
 */
package io.ippvs.testkit;
