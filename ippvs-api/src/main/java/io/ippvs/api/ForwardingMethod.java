package io.ippvs.api;

/** How packets of a connection reach its real server (ipvsadm {@code -m}, {@code -i}, {@code -g}). */
public enum ForwardingMethod {
    /** NAT: destination rewritten to the real server, replies pass back through the director. */
    MASQUERADE("Masq", "-m"),
    /** IP-in-IP (or GUE, GRE) encapsulation to the real server, which replies to the client itself. */
    TUNNEL("Tunnel", "-i"),
    /** Direct routing: the packet is sent unchanged to the real server's link-layer address. */
    DIRECT_ROUTE("Route", "-g");

    private final String listingName;
    private final String option;

    ForwardingMethod(String listingName, String option) {
        this.listingName = listingName;
        this.option = option;
    }

    /** The word in ipvsadm's Forward column: {@code Masq}, {@code Tunnel} or {@code Route}. */
    public String listingName() {
        return listingName;
    }

    /** The ipvsadm option that selects this method: {@code -m}, {@code -i} or {@code -g}. */
    public String option() {
        return option;
    }
}
