package io.ippvs.core.admin;

import java.net.InetAddress;

/**
 * One line of {@code ipvsadm -L -c}: a connection (or persistence template) as the listing shows it.
 *
 * @param protocol the protocol label ipvsadm prints ({@code TCP}, {@code UDP}, {@code SCTP}, or {@code IP}
 *     for templates of firewall-mark services)
 * @param state the state name ({@code ESTABLISHED}, {@code NONE}, ...)
 * @param expiresMillis time until the entry expires; shown as {@code mm:ss}
 * @param client client address
 * @param clientPort client port (0 for templates)
 * @param virtualAddress virtual address
 * @param virtualPort virtual port
 * @param destination real server address
 * @param destinationPort real server port
 */
public record ConnectionRow(String protocol, String state, long expiresMillis, InetAddress client, int clientPort,
        InetAddress virtualAddress, int virtualPort, InetAddress destination, int destinationPort) {

    /** @throws IllegalArgumentException naming the missing field */
    public ConnectionRow {
        if (protocol == null || state == null || client == null || virtualAddress == null || destination == null) {
            throw new IllegalArgumentException("connection: protocol, state and addresses must not be null");
        }
    }
}
