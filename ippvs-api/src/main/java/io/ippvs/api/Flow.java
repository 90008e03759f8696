package io.ippvs.api;

/**
 * The read-only description of a flow that a {@link Scheduler} sees when it chooses a real server.
 *
 * <p>The director reuses one instance per thread and rewrites it for every packet, so a scheduler
 * must not keep a reference beyond its {@code schedule} call. Addresses use the two-word form of
 * {@link Addresses}. Ports are unsigned 16-bit values; for protocols without ports they are 0.
 */
public interface Flow {

    /** {@link Addresses#IPV4} or {@link Addresses#IPV6}. */
    int addressFamily();

    /** The transport protocol. Never {@code null} for a flow offered to a scheduler. */
    Protocol protocol();

    long clientAddressHigh();

    long clientAddressLow();

    int clientPort();

    long virtualAddressHigh();

    long virtualAddressLow();

    int virtualPort();

    /** The firewall mark the appliance passed with the packet; 0 when none. */
    int fwmark();
}
