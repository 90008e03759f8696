package io.ippvs.api;

/** The encapsulation a tunnel real server expects (ipvsadm {@code --tun-type}). */
public enum TunnelType {
    /** IP-in-IP: IPv4 protocol 4 / 41, or IPv6 next header 4 / 41. */
    IPIP("ipip"),
    /** Generic UDP Encapsulation, version 0, to {@link RealServerConfig#tunnelPort()}. */
    GUE("gue"),
    /** Generic Routing Encapsulation (IP protocol 47). */
    GRE("gre");

    private final String optionValue;

    TunnelType(String optionValue) {
        this.optionValue = optionValue;
    }

    /** The value of ipvsadm's {@code --tun-type} option. */
    public String optionValue() {
        return optionValue;
    }
}
