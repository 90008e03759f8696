package io.ippvs.api;

/**
 * Traffic counters and rates of a virtual service, a real server or the whole director, as ipvsadm
 * {@code --stats} and {@code --rate} show them.
 *
 * <p>Counters are 64-bit, monotonic until zeroed ({@code ipvsadm -Z}), and exact once concurrent
 * {@code process} calls have returned. Rates are the IPVS estimator's smoothed per-second values,
 * updated every two seconds. All methods are safe to call from any thread at any time.
 */
public interface Stats {

    /** Connections scheduled. */
    long connections();

    /** Packets from clients (towards real servers). */
    long inPackets();

    /** Packets from real servers (towards clients); only NAT sees them. */
    long outPackets();

    /** Bytes of IP packets from clients, headers included. */
    long inBytes();

    /** Bytes of IP packets from real servers, headers included. */
    long outBytes();

    /** Smoothed connections per second. */
    long connectionsPerSecond();

    /** Smoothed incoming packets per second. */
    long inPacketsPerSecond();

    /** Smoothed outgoing packets per second. */
    long outPacketsPerSecond();

    /** Smoothed incoming bytes per second. */
    long inBytesPerSecond();

    /** Smoothed outgoing bytes per second. */
    long outBytesPerSecond();
}
