package io.ippvs.core.admin;

/**
 * Every ipvsadm command and option ippvs understands, with its short letter, long name and whether
 * it takes a value. Options of one {@link Group} exclude each other (one command, one service, one
 * forwarding method).
 */
enum Option {
    // commands
    ADD_SERVICE('A', "add-service", Arg.NONE, Group.COMMAND),
    EDIT_SERVICE('E', "edit-service", Arg.NONE, Group.COMMAND),
    DELETE_SERVICE('D', "delete-service", Arg.NONE, Group.COMMAND),
    CLEAR('C', "clear", Arg.NONE, Group.COMMAND),
    RESTORE('R', "restore", Arg.NONE, Group.COMMAND),
    SAVE('S', "save", Arg.NONE, Group.COMMAND),
    ADD_SERVER('a', "add-server", Arg.NONE, Group.COMMAND),
    EDIT_SERVER('e', "edit-server", Arg.NONE, Group.COMMAND),
    DELETE_SERVER('d', "delete-server", Arg.NONE, Group.COMMAND),
    LIST('L', "list", Arg.NONE, Group.COMMAND),
    ZERO('Z', "zero", Arg.NONE, Group.COMMAND),
    SET('\0', "set", Arg.REQUIRED, Group.COMMAND),
    HELP('h', "help", Arg.NONE, Group.COMMAND),
    VERSION('v', "version", Arg.NONE, Group.COMMAND),
    // service
    TCP_SERVICE('t', "tcp-service", Arg.REQUIRED, Group.SERVICE),
    UDP_SERVICE('u', "udp-service", Arg.REQUIRED, Group.SERVICE),
    SCTP_SERVICE('\0', "sctp-service", Arg.REQUIRED, Group.SERVICE),
    FWMARK_SERVICE('f', "fwmark-service", Arg.REQUIRED, Group.SERVICE),
    IPV6('6', "ipv6", Arg.NONE, Group.NONE),
    SCHEDULER('s', "scheduler", Arg.REQUIRED, Group.NONE),
    PERSISTENT('p', "persistent", Arg.OPTIONAL, Group.NONE),
    NETMASK('M', "netmask", Arg.REQUIRED, Group.NONE),
    SCHED_FLAGS('b', "sched-flags", Arg.REQUIRED, Group.NONE),
    OPS('o', "ops", Arg.NONE, Group.NONE),
    // real server
    REAL_SERVER('r', "real-server", Arg.REQUIRED, Group.NONE),
    GATEWAYING('g', "gatewaying", Arg.NONE, Group.FORWARD),
    IPIP('i', "ipip", Arg.NONE, Group.FORWARD),
    MASQUERADING('m', "masquerading", Arg.NONE, Group.FORWARD),
    WEIGHT('w', "weight", Arg.REQUIRED, Group.NONE),
    U_THRESHOLD('x', "u-threshold", Arg.REQUIRED, Group.NONE),
    L_THRESHOLD('y', "l-threshold", Arg.REQUIRED, Group.NONE),
    TUN_TYPE('\0', "tun-type", Arg.REQUIRED, Group.NONE),
    TUN_PORT('\0', "tun-port", Arg.REQUIRED, Group.NONE),
    TUN_NOCSUM('\0', "tun-nocsum", Arg.NONE, Group.NONE),
    TUN_CSUM('\0', "tun-csum", Arg.NONE, Group.NONE),
    TUN_REMCSUM('\0', "tun-remcsum", Arg.NONE, Group.NONE),
    // listing
    NUMERIC('n', "numeric", Arg.NONE, Group.NONE),
    CONNECTION('c', "connection", Arg.NONE, Group.NONE),
    STATS('\0', "stats", Arg.NONE, Group.NONE),
    RATE('\0', "rate", Arg.NONE, Group.NONE),
    THRESHOLDS('\0', "thresholds", Arg.NONE, Group.NONE),
    PERSISTENT_CONN('\0', "persistent-conn", Arg.NONE, Group.NONE),
    TUN_INFO('\0', "tun-info", Arg.NONE, Group.NONE),
    EXACT('\0', "exact", Arg.NONE, Group.NONE),
    SORT('\0', "sort", Arg.NONE, Group.NONE),
    NOSORT('\0', "nosort", Arg.NONE, Group.NONE),
    TIMEOUT('\0', "timeout", Arg.NONE, Group.NONE),
    DAEMON('\0', "daemon", Arg.NONE, Group.NONE),
    // ours: -S that also writes --set and thresholds, so -R restores everything
    IPPVS_FULL('\0', "ippvs-full", Arg.NONE, Group.NONE);

    /** Whether an option takes a value. */
    enum Arg { NONE, REQUIRED, OPTIONAL }

    /** Options that exclude each other. */
    enum Group { NONE, COMMAND, SERVICE, FORWARD }

    private static final Option[] BY_LETTER = new Option[128];

    static {
        for (Option o : values()) {
            if (o.letter != '\0') {
                BY_LETTER[o.letter] = o;
            }
        }
        BY_LETTER['l'] = LIST;
    }

    final char letter;
    final String longName;
    final Arg arg;
    final Group group;

    Option(char letter, String longName, Arg arg, Group group) {
        this.letter = letter;
        this.longName = longName;
        this.arg = arg;
        this.group = group;
    }

    /** The option a letter names, or {@code null}. */
    static Option ofLetter(char c) {
        return c < 128 ? BY_LETTER[c] : null;
    }

    /** The option a long name (without dashes) names, or {@code null}. */
    static Option ofLongName(String name) {
        for (Option o : values()) {
            if (o.longName.equals(name)) {
                return o;
            }
        }
        return null;
    }

    /**
     * The name ipvsadm 1.31's messages give it ({@code optnames[]} for options, {@code cmdnames[]} for
     * commands), or {@code null} when ipvsadm has none (-6, --sort, -h, -v and our own options).
     */
    String ipvsadmName() {
        switch (this) {
            case TCP_SERVICE: case UDP_SERVICE: case SCTP_SERVICE: case FWMARK_SERVICE:
                return "service-address";
            case GATEWAYING: case IPIP: case MASQUERADING:
                return "forwarding-method";
            case CLEAR:
                return "flush";
            case IPV6: case SORT: case HELP: case VERSION: case IPPVS_FULL:
                return null;
            default:
                return longName;
        }
    }

    /** How messages show it: {@code -w (--weight)} or {@code --tun-port}. */
    String display() {
        return letter == '\0' ? "--" + longName : "-" + letter + " (--" + longName + ")";
    }
}
