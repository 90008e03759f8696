/** Tunnel (IPIP, IPv6 tunnels, GUE, GRE) and direct-route forwarding, and the real server's decapsulator. */
module io.ippvs.tunnel {
    requires transitive io.ippvs.core;

    exports io.ippvs.tunnel;
}
