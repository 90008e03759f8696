package io.ippvs.api;

/** Transport protocols a virtual service can balance, with their IANA protocol numbers. */
public enum Protocol {
    TCP(6, "TCP"),
    UDP(17, "UDP"),
    SCTP(132, "SCTP");

    private static final Protocol[] BY_NUMBER = new Protocol[256];

    static {
        for (Protocol p : values()) {
            BY_NUMBER[p.number] = p;
        }
    }

    private final int number;
    private final String label;

    Protocol(int number, String label) {
        this.number = number;
        this.label = label;
    }

    /** The IANA protocol number (IPv4 protocol field, IPv6 next header). */
    public int number() {
        return number;
    }

    /** The name ipvsadm prints in listings: {@code TCP}, {@code UDP} or {@code SCTP}. */
    public String label() {
        return label;
    }

    /**
     * The protocol with IANA number {@code number}, or {@code null} when ippvs does not balance it
     * (including numbers outside 0..255). Never throws: packets carry arbitrary numbers.
     */
    public static Protocol ofNumber(int number) {
        return number >= 0 && number < 256 ? BY_NUMBER[number] : null;
    }
}
