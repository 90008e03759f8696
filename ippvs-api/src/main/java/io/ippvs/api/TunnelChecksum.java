package io.ippvs.api;

/** Outer checksum handling of GUE and GRE tunnels (ipvsadm {@code --tun-nocsum|--tun-csum|--tun-remcsum}). */
public enum TunnelChecksum {
    /** No outer checksum: UDP checksum 0, GRE without the checksum option. */
    NONE("--tun-nocsum"),
    /** A full outer checksum. */
    CHECKSUM("--tun-csum"),
    /** Remote checksum offload (GUE only). */
    REMOTE("--tun-remcsum");

    private final String option;

    TunnelChecksum(String option) {
        this.option = option;
    }

    /** The ipvsadm option that selects this mode. */
    public String option() {
        return option;
    }
}
