/** NAT (masquerading) forwarding: the rewriter for both directions, ICMP error translation, the FTP helper. */
module io.ippvs.nat {
    requires transitive io.ippvs.core;
    requires com.google.common;

    exports io.ippvs.nat;
}
