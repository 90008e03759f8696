package io.ippvs.core.admin;

import com.google.common.net.InetAddresses;
import io.ippvs.api.Addresses;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.SchedulerFlag;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.TunnelChecksum;
import io.ippvs.api.TunnelType;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Turns ipvsadm's words into a {@link Command}: options in any order, short clusters ({@code -Ln}),
 * attached values ({@code -w5}, {@code --weight=5}), the optional value of {@code -p}, and the 1998
 * ippfvsadm form {@code -A -t VIP:PORT -R RIP:PORT} (our extension: ipvsadm 1.31 rejects it). Every
 * error is an {@link IllegalArgumentException} whose message starts with the option or field at fault;
 * where ipvsadm has a text of its own for the case it is an {@link IpvsadmException} carrying it.
 */
final class CommandParser {

    /** Longest persistence and connection timeout ipvsadm takes: 31 days. */
    static final int MAX_TIMEOUT = 31 * 86400;

    private static final EnumSet<Option> SERVICE_OPTIONS =
            EnumSet.of(Option.TCP_SERVICE, Option.UDP_SERVICE, Option.SCTP_SERVICE, Option.FWMARK_SERVICE, Option.IPV6);
    private static final EnumSet<Option> SERVICE_SETTINGS =
            EnumSet.of(Option.SCHEDULER, Option.PERSISTENT, Option.NETMASK, Option.SCHED_FLAGS, Option.OPS);
    private static final EnumSet<Option> SERVER_SETTINGS = EnumSet.of(Option.REAL_SERVER, Option.GATEWAYING,
            Option.IPIP, Option.MASQUERADING, Option.WEIGHT, Option.U_THRESHOLD, Option.L_THRESHOLD, Option.TUN_TYPE,
            Option.TUN_PORT, Option.TUN_NOCSUM, Option.TUN_CSUM, Option.TUN_REMCSUM);
    private static final EnumSet<Option> LIST_SETTINGS = EnumSet.of(Option.NUMERIC, Option.CONNECTION, Option.STATS,
            Option.RATE, Option.THRESHOLDS, Option.PERSISTENT_CONN, Option.TUN_INFO, Option.EXACT, Option.SORT,
            Option.NOSORT, Option.TIMEOUT, Option.DAEMON);

    private final HostResolver resolver;
    private final Predicate<String> schedulers;

    CommandParser(HostResolver resolver, Predicate<String> schedulers) {
        this.resolver = resolver;
        this.schedulers = schedulers;
    }

    /** Parses one command line. */
    Command parse(String line) {
        return parse(CommandTokenizer.tokenize(line));
    }

    /** Parses the words of one command line; a leading {@code ipvsadm} is skipped. */
    Command parse(List<String> words) {
        Map<Option, String> given = new EnumMap<>(Option.class);
        Map<Option.Group, Option> groups = new EnumMap<>(Option.Group.class);
        List<String> positional = new ArrayList<>();
        String legacyServer = null;
        int i = !words.isEmpty() && words.get(0).equals("ipvsadm") ? 1 : 0;
        while (i < words.size()) {
            String w = words.get(i++);
            if (w.startsWith("--") && w.length() > 2) {
                int eq = w.indexOf('=');
                String name = eq < 0 ? w.substring(2) : w.substring(2, eq);
                Option o = Option.ofLongName(name);
                if (o == null) {
                    throw new IllegalArgumentException("option: unknown option '--" + name + "'");
                }
                String value = eq < 0 ? null : w.substring(eq + 1);
                if (o.arg == Option.Arg.NONE && value != null) {
                    throw new IllegalArgumentException(o.longName + ": --" + o.longName + " takes no value");
                }
                if (value != null && value.isEmpty()) {
                    throw new IllegalArgumentException(o.longName + ": --" + o.longName + "= has an empty value");
                }
                if (value == null && o.arg == Option.Arg.REQUIRED) {
                    if (i >= words.size()) {
                        throw new IllegalArgumentException(o.longName + ": --" + o.longName + " needs a value");
                    }
                    value = words.get(i++);
                } else if (value == null && o.arg == Option.Arg.OPTIONAL && i < words.size() && !words.get(i).startsWith("-")) {
                    value = words.get(i++);
                }
                add(given, groups, o, value);
            } else if (w.startsWith("-") && w.length() > 1) {
                for (int j = 1; j < w.length(); j++) {
                    char c = w.charAt(j);
                    Option o = Option.ofLetter(c);
                    if (o == null) {
                        throw new IllegalArgumentException("option: unknown option '-" + c + "'");
                    }
                    boolean last = j == w.length() - 1;
                    if (o == Option.RESTORE && last && i < words.size() && !words.get(i).startsWith("-")) {
                        // ippfvsadm -R RIP:PORT: today's -R takes no value, so a value means the 1998 form
                        if (legacyServer != null) {
                            throw new IllegalArgumentException("real-server: -R given twice");
                        }
                        legacyServer = words.get(i++);
                        break;
                    }
                    if (o.arg == Option.Arg.NONE) {
                        add(given, groups, o, null);
                        continue;
                    }
                    String value = null;
                    if (!last) {
                        value = w.substring(j + 1);
                    } else if (o.arg == Option.Arg.REQUIRED) {
                        if (i >= words.size()) {
                            throw new IllegalArgumentException(o.longName + ": -" + c + " needs a value");
                        }
                        value = words.get(i++);
                    } else if (i < words.size() && !words.get(i).startsWith("-")) {
                        value = words.get(i++);
                    }
                    add(given, groups, o, value);
                    break;
                }
            } else {
                positional.add(w);
            }
        }
        return build(given, groups.get(Option.Group.COMMAND), positional, legacyServer);
    }

    private static void add(Map<Option, String> given, Map<Option.Group, Option> groups, Option o, String value) {
        // ipvsadm's set_command / set_option: "multiple commands specified", "multiple '%s' options specified"
        Option other = o.group == Option.Group.NONE ? (given.containsKey(o) ? o : null) : groups.get(o.group);
        if (other != null) {
            String both = other == o ? o.display() + " given twice" : other.display() + " and " + o.display();
            switch (o.group) {
                case COMMAND:
                    // ipvsadm 1.31 calls set_command for the first option only: a second command falls
                    // to parse_options' default case, "invalid option `%s'"
                    throw new IpvsadmException("command: multiple commands specified (" + both + ")",
                            "invalid option `" + (o.letter != '\0' ? "-" + o.letter : "--" + o.longName) + "'",
                            IpvsadmException.USAGE, null);
                case SERVICE:
                    throw new IpvsadmException("service", "multiple 'service-address' options specified", both,
                            IpvsadmException.USAGE);
                case FORWARD:
                    throw new IpvsadmException("forwarding", "multiple 'forwarding-method' options specified", both,
                            IpvsadmException.USAGE);
                default:
                    if (o.ipvsadmName() == null) {
                        throw new IllegalArgumentException(o.longName + ": " + both);
                    }
                    throw new IpvsadmException(o.longName, "multiple '" + o.ipvsadmName() + "' options specified", both,
                            IpvsadmException.USAGE);
            }
        }
        if (o.group != Option.Group.NONE) {
            groups.put(o.group, o);
        }
        given.put(o, value == null ? "" : value);
    }

    private Command build(Map<Option, String> given, Option command, List<String> positional, String legacyServer) {
        if (command == null && legacyServer == null) {
            throw new IllegalArgumentException("command: no command given; use one of -A -E -D -C -a -e -d -R -S -L -Z --set");
        }
        Command.Kind kind;
        EnumSet<Option> allowed = EnumSet.noneOf(Option.class);
        if (legacyServer != null) {
            if (command == Option.ADD_SERVICE) {
                kind = Command.Kind.LEGACY_ADD;
                allowed.addAll(SERVICE_OPTIONS);
                allowed.addAll(SERVICE_SETTINGS);
                allowed.addAll(EnumSet.of(Option.GATEWAYING, Option.IPIP, Option.MASQUERADING, Option.WEIGHT,
                        Option.U_THRESHOLD, Option.L_THRESHOLD));
            } else if (command == Option.DELETE_SERVICE) {
                kind = Command.Kind.LEGACY_DELETE;
                allowed.addAll(SERVICE_OPTIONS);
            } else {
                throw new IllegalArgumentException("real-server: -R with an address is the 1998 form of -A/-D -t VIP:PORT -R RIP:PORT;"
                        + " today -R restores rules and takes no value");
            }
            allowed.add(Option.ADD_SERVICE);
            allowed.add(Option.DELETE_SERVICE);
        } else {
            kind = kindOf(command);
            allowed.add(command);
            switch (kind) {
                case ADD_SERVICE:
                case EDIT_SERVICE:
                    allowed.addAll(SERVICE_OPTIONS);
                    allowed.addAll(SERVICE_SETTINGS);
                    break;
                case DELETE_SERVICE:
                case ZERO:
                    allowed.addAll(SERVICE_OPTIONS);
                    break;
                case ADD_SERVER:
                case EDIT_SERVER:
                    allowed.addAll(SERVICE_OPTIONS);
                    allowed.addAll(SERVER_SETTINGS);
                    break;
                case DELETE_SERVER:
                    allowed.addAll(SERVICE_OPTIONS);
                    allowed.add(Option.REAL_SERVER);
                    break;
                case LIST:
                    allowed.addAll(SERVICE_OPTIONS);
                    allowed.addAll(LIST_SETTINGS);
                    break;
                case SAVE:
                    allowed.add(Option.NUMERIC);
                    allowed.add(Option.IPPVS_FULL);
                    break;
                default:
                    break;
            }
        }
        allowed.add(Option.SORT); // ipvsadm: "Sort is the default, this is a no-op for compatibility"
        for (Option o : given.keySet()) {
            if (!allowed.contains(o)) {
                if (legacyServer == null && o.ipvsadmName() != null && command.ipvsadmName() != null) {
                    // generic_opt_check: an 'x' cell of commands_v_options
                    throw new IpvsadmException(o.longName, "Illegal '" + o.ipvsadmName() + "' option with the '"
                            + command.ipvsadmName() + "' command", o.display() + " with " + command.display(),
                            IpvsadmException.USAGE);
                }
                throw new IllegalArgumentException(o.longName + ": " + o.display() + " is not valid with "
                        + (legacyServer != null ? "-" + command.letter + " ... -R" : command.display()));
            }
        }
        if (kind == Command.Kind.SET_TIMEOUTS) {
            if (positional.size() != 2) {
                throw new IllegalArgumentException("set: --set takes three timeouts: tcp tcpfin udp");
            }
            return new Command(kind, null, null, null, null, number("set", given.get(Option.SET), 0, MAX_TIMEOUT),
                    number("set", positional.get(0), 0, MAX_TIMEOUT), number("set", positional.get(1), 0, MAX_TIMEOUT));
        }
        if (!positional.isEmpty()) {
            throw new IllegalArgumentException("command line: unexpected argument '" + positional.get(0) + "'");
        }
        ServiceKey key = serviceKey(given);
        boolean needsService = kind != Command.Kind.CLEAR && kind != Command.Kind.RESTORE && kind != Command.Kind.SAVE
                && kind != Command.Kind.LIST && kind != Command.Kind.ZERO && kind != Command.Kind.HELP
                && kind != Command.Kind.VERSION;
        if (needsService && key == null) {
            if (legacyServer == null && command.ipvsadmName() != null) {
                // generic_opt_check: a '+' cell of commands_v_options
                throw new IpvsadmException("service", "You need to supply the 'service-address' option for the '"
                        + command.ipvsadmName() + "' command", command.display() + " needs -t|-u|--sctp-service host:port or -f mark",
                        IpvsadmException.USAGE);
            }
            throw new IllegalArgumentException("service: -" + command.letter + " ... -R"
                    + " needs a service: -t|-u|--sctp-service host:port or -f mark");
        }
        ServiceConfig service = null;
        RealServerConfig server = null;
        ListOptions list = null;
        switch (kind) {
            case ADD_SERVICE:
            case EDIT_SERVICE:
                service = serviceConfig(key, given);
                break;
            case LEGACY_ADD:
                service = serviceConfig(key, given);
                server = realServer(key, legacyServer, given, true, ForwardingMethod.MASQUERADE);
                break;
            case LEGACY_DELETE:
                server = realServer(key, legacyServer, given, false, ForwardingMethod.MASQUERADE);
                break;
            case ADD_SERVER:
            case EDIT_SERVER:
            case DELETE_SERVER:
                if (!given.containsKey(Option.REAL_SERVER)) {
                    throw new IpvsadmException("real-server", "You need to supply the 'real-server' option for the '"
                            + command.ipvsadmName() + "' command", command.display() + " needs -r server[:port]",
                            IpvsadmException.USAGE);
                }
                server = realServer(key, given.get(Option.REAL_SERVER), given, kind != Command.Kind.DELETE_SERVER,
                        ForwardingMethod.DIRECT_ROUTE);
                break;
            case LIST:
            case SAVE:
                list = listOptions(given, key != null);
                break;
            default:
                break;
        }
        return new Command(kind, key, service, server, list, 0, 0, 0);
    }

    private static Command.Kind kindOf(Option command) {
        switch (command) {
            case ADD_SERVICE: return Command.Kind.ADD_SERVICE;
            case EDIT_SERVICE: return Command.Kind.EDIT_SERVICE;
            case DELETE_SERVICE: return Command.Kind.DELETE_SERVICE;
            case CLEAR: return Command.Kind.CLEAR;
            case RESTORE: return Command.Kind.RESTORE;
            case SAVE: return Command.Kind.SAVE;
            case ADD_SERVER: return Command.Kind.ADD_SERVER;
            case EDIT_SERVER: return Command.Kind.EDIT_SERVER;
            case DELETE_SERVER: return Command.Kind.DELETE_SERVER;
            case LIST: return Command.Kind.LIST;
            case ZERO: return Command.Kind.ZERO;
            case HELP: return Command.Kind.HELP;
            case VERSION: return Command.Kind.VERSION;
            default: return Command.Kind.SET_TIMEOUTS;
        }
    }

    private ServiceKey serviceKey(Map<Option, String> given) {
        boolean v6 = given.containsKey(Option.IPV6);
        if (given.containsKey(Option.FWMARK_SERVICE)) {
            // parse_fwmark: 1..UINT_MAX; the key holds the mark's 32 bits
            int mark = (int) unsignedNumber("fwmark-service", given.get(Option.FWMARK_SERVICE), 1, 0xFFFFFFFFL);
            return ServiceKey.fwmark(mark, v6 ? Addresses.IPV6 : Addresses.IPV4);
        }
        Option o = given.containsKey(Option.TCP_SERVICE) ? Option.TCP_SERVICE
                : given.containsKey(Option.UDP_SERVICE) ? Option.UDP_SERVICE
                : given.containsKey(Option.SCTP_SERVICE) ? Option.SCTP_SERVICE : null;
        if (v6) {
            throw new IllegalArgumentException("ipv6: -6 goes with -f (fwmark services); give IPv6 addresses in brackets");
        }
        if (o == null) {
            return null;
        }
        Protocol p = o == Option.TCP_SERVICE ? Protocol.TCP : o == Option.UDP_SERVICE ? Protocol.UDP : Protocol.SCTP;
        Endpoint e = endpoint(o.longName, given.get(o), p);
        return ServiceKey.of(p, e.address, Math.max(e.port, 0));
    }

    private ServiceConfig serviceConfig(ServiceKey key, Map<Option, String> given) {
        ServiceConfig.Builder b = ServiceConfig.builder(key);
        String scheduler = ServiceConfig.DEFAULT_SCHEDULER;
        if (given.containsKey(Option.SCHEDULER)) {
            scheduler = given.get(Option.SCHEDULER);
            if (!schedulers.test(scheduler)) {
                throw new IllegalArgumentException("scheduler: unknown scheduler '" + scheduler + "'");
            }
            b.scheduler(scheduler);
        }
        boolean persistent = given.containsKey(Option.PERSISTENT);
        if (persistent) {
            String v = given.get(Option.PERSISTENT);
            b.persistent(v.isEmpty() ? ServiceConfig.DEFAULT_PERSISTENCE_TIMEOUT : number("persistent", v, 1, MAX_TIMEOUT));
        }
        if (given.containsKey(Option.NETMASK)) {
            // ipvsadm takes -M without -p (the kernel keeps the mask; it matters only with persistence)
            String mask = given.get(Option.NETMASK);
            if (key.addressFamily() == Addresses.IPV6) {
                b.persistenceNetmask(number("netmask", mask, 1, 128));
            } else {
                b.persistenceMask(ipv4Mask(mask));
            }
        }
        if (given.containsKey(Option.SCHED_FLAGS)) {
            b.schedulerFlags(schedulerFlags(given.get(Option.SCHED_FLAGS), scheduler));
        }
        if (given.containsKey(Option.OPS)) {
            b.onePacket(true);
        }
        if (!key.isFwmark() && key.port() == 0 && !persistent) {
            // process_options, checked before the kernel sees the service
            throw new IpvsadmException("service", "Zero port specified for non-persistent service",
                    key + ": port 0 (every port) needs -p", IpvsadmException.USAGE);
        }
        return b.build();
    }

    private RealServerConfig realServer(ServiceKey key, String text, Map<Option, String> given, boolean full,
            ForwardingMethod defaultMethod) {
        Endpoint e = endpoint("real-server", text, key.protocol());
        ForwardingMethod method = given.containsKey(Option.MASQUERADING) ? ForwardingMethod.MASQUERADE
                : given.containsKey(Option.IPIP) ? ForwardingMethod.TUNNEL
                : given.containsKey(Option.GATEWAYING) ? ForwardingMethod.DIRECT_ROUTE : defaultMethod;
        int port = e.port >= 0 ? e.port : key.port();
        if (full && !key.isFwmark() && method != ForwardingMethod.MASQUERADE) {
            // direct routing and tunnels cannot change the port: the packet reaches the server as sent
            port = key.port();
        }
        RealServerConfig.Builder b = RealServerConfig.builder(e.address, port);
        if (!full) {
            return b.build();
        }
        b.forwardingMethod(method);
        if (given.containsKey(Option.WEIGHT)) {
            b.weight(number("weight", given.get(Option.WEIGHT), 0, RealServerConfig.MAX_WEIGHT));
        }
        if (given.containsKey(Option.U_THRESHOLD)) {
            b.upperThreshold(number("u-threshold", given.get(Option.U_THRESHOLD), 0, Integer.MAX_VALUE));
        }
        if (given.containsKey(Option.L_THRESHOLD)) {
            b.lowerThreshold(number("l-threshold", given.get(Option.L_THRESHOLD), 0, Integer.MAX_VALUE));
        }
        tunnel(b, method, given);
        return b.build();
    }

    private static void tunnel(RealServerConfig.Builder b, ForwardingMethod method, Map<Option, String> given) {
        List<Option> options = new ArrayList<>();
        for (Option o : List.of(Option.TUN_TYPE, Option.TUN_PORT, Option.TUN_NOCSUM, Option.TUN_CSUM, Option.TUN_REMCSUM)) {
            if (given.containsKey(o)) {
                options.add(o);
            }
        }
        if (options.isEmpty()) {
            return;
        }
        if (method != ForwardingMethod.TUNNEL) {
            throw new IllegalArgumentException(options.get(0).longName + ": tunnel options need -i (--ipip), not "
                    + method.option());
        }
        TunnelType type = TunnelType.IPIP;
        if (given.containsKey(Option.TUN_TYPE)) {
            type = null;
            for (TunnelType t : TunnelType.values()) {
                if (t.optionValue().equals(given.get(Option.TUN_TYPE))) {
                    type = t;
                }
            }
            if (type == null) {
                throw new IllegalArgumentException("tun-type: '" + given.get(Option.TUN_TYPE) + "' is not one of ipip, gue, gre");
            }
        }
        List<Option> checksums = new ArrayList<>(options);
        checksums.removeAll(List.of(Option.TUN_TYPE, Option.TUN_PORT));
        if (checksums.size() > 1) {
            throw new IllegalArgumentException(checksums.get(1).longName + ": conflicts with --" + checksums.get(0).longName);
        }
        for (Option o : options) {
            boolean legal = o == Option.TUN_TYPE
                    || type == TunnelType.GUE
                    || (type == TunnelType.GRE && (o == Option.TUN_NOCSUM || o == Option.TUN_CSUM));
            if (!legal) {
                throw new IllegalArgumentException(o.longName + ": --" + o.longName + " is not valid with the "
                        + type.optionValue() + " tunnel type");
            }
        }
        b.tunnelType(type);
        if (type == TunnelType.GUE) {
            if (!given.containsKey(Option.TUN_PORT)) {
                throw new IllegalArgumentException("tun-port: the gue tunnel type needs --tun-port");
            }
            b.tunnelPort(number("tun-port", given.get(Option.TUN_PORT), 1, 65535));
        }
        if (given.containsKey(Option.TUN_CSUM)) {
            b.tunnelChecksum(TunnelChecksum.CHECKSUM);
        } else if (given.containsKey(Option.TUN_REMCSUM)) {
            b.tunnelChecksum(TunnelChecksum.REMOTE);
        }
    }

    private static ListOptions listOptions(Map<Option, String> given, boolean service) {
        int exclusive = (service ? 1 : 0) + (given.containsKey(Option.CONNECTION) ? 1 : 0)
                + (given.containsKey(Option.TIMEOUT) ? 1 : 0) + (given.containsKey(Option.DAEMON) ? 1 : 0);
        if (exclusive > 1) {
            throw new IllegalArgumentException("connection: -c, a service, --timeout and --daemon exclude each other");
        }
        return new ListOptions(given.containsKey(Option.NUMERIC), given.containsKey(Option.CONNECTION),
                given.containsKey(Option.STATS), given.containsKey(Option.RATE), given.containsKey(Option.THRESHOLDS),
                given.containsKey(Option.PERSISTENT_CONN), given.containsKey(Option.TUN_INFO),
                given.containsKey(Option.EXACT), given.containsKey(Option.NOSORT), given.containsKey(Option.TIMEOUT),
                given.containsKey(Option.DAEMON), given.containsKey(Option.IPPVS_FULL));
    }

    private static Set<SchedulerFlag> schedulerFlags(String text, String scheduler) {
        EnumSet<SchedulerFlag> flags = EnumSet.noneOf(SchedulerFlag.class);
        for (String name : text.split(",", -1)) {
            SchedulerFlag f;
            try {
                f = SchedulerFlag.parse(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("sched-flags: unknown flag '" + name + "'", e);
            }
            if (!name.equals(name.trim().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("sched-flags: unknown flag '" + name + "'");
            }
            String owner = name.startsWith("sh-") ? "sh" : name.startsWith("mh-") ? "mh" : null;
            if (owner != null && !owner.equals(scheduler)) {
                throw new IllegalArgumentException("sched-flags: '" + name + "' is a flag of the " + owner
                        + " scheduler, not " + scheduler);
            }
            flags.add(f);
        }
        return flags;
    }

    /**
     * parse_netmask takes any dotted mask, contiguous or not (the kernel ANDs it). Forms such as "24"
     * that inet_aton would read as 0.0.0.24 are refused: they are a prefix length given by mistake.
     */
    private static int ipv4Mask(String text) {
        if (text.indexOf(':') >= 0 || !InetAddresses.isInetAddress(text)) {
            throw new IllegalArgumentException("netmask: '" + text + "' is not a dotted IPv4 netmask");
        }
        return InetAddresses.coerceToInteger(InetAddresses.forString(text));
    }

    /**
     * A decimal number within bounds.
     *
     * @throws IllegalArgumentException starting with {@code field}
     */
    static int number(String field, String text, int min, int max) {
        return (int) unsignedNumber(field, text, min, max);
    }

    /** {@link #number} for bounds up to 2^32-1. */
    static long unsignedNumber(String field, String text, long min, long max) {
        boolean digits = !text.isEmpty() && text.length() <= 10;
        for (int k = 0; digits && k < text.length(); k++) {
            digits = text.charAt(k) >= '0' && text.charAt(k) <= '9';
        }
        long v = digits ? Long.parseLong(text) : -1;
        if (!digits || v < min || v > max) {
            throw new IllegalArgumentException(field + ": '" + text + "' is not a number in " + min + ".." + max);
        }
        return v;
    }

    /** An address and a port (-1 when none was given). */
    private static final class Endpoint {
        final InetAddress address;
        final int port;

        Endpoint(InetAddress address, int port) {
            this.address = address;
            this.port = port;
        }
    }

    private Endpoint endpoint(String field, String text, Protocol protocol) {
        String host;
        String port = null;
        InetAddress address;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException(field + ": '" + text + "' lacks the closing ]");
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException(field + ": '" + text + "' has junk after ]");
                }
                port = rest.substring(1);
            }
            if (host.indexOf(':') < 0 || host.indexOf('%') >= 0 || !InetAddresses.isInetAddress(host)) {
                throw new IllegalArgumentException(field + ": '" + host + "' is not an IPv6 address");
            }
            address = InetAddresses.forString(host);
            if (address instanceof Inet4Address) {
                // an IPv4-mapped address written as IPv6 stays IPv6
                byte[] b = new byte[16];
                b[10] = (byte) 0xFF;
                b[11] = (byte) 0xFF;
                System.arraycopy(address.getAddress(), 0, b, 12, 4);
                try {
                    address = Inet6Address.getByAddress(null, b, -1);
                } catch (UnknownHostException ex) {
                    throw new AssertionError(ex);
                }
            }
        } else {
            int colon = text.indexOf(':');
            if (colon >= 0 && text.indexOf(':', colon + 1) >= 0) {
                throw new IllegalArgumentException(field + ": '" + text + "': IPv6 addresses go in brackets, [addr]:port");
            }
            host = colon < 0 ? text : text.substring(0, colon);
            port = colon < 0 ? null : text.substring(colon + 1);
            if (host.isEmpty()) {
                throw new IllegalArgumentException(field + ": '" + text + "' has no address");
            }
            if (InetAddresses.isInetAddress(host)) {
                address = InetAddresses.forString(host);
            } else if (resolver.resolvesNames() && isHostName(host)) {
                try {
                    address = resolver.resolve(host);
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException(field + ": " + ex.getMessage(), ex);
                }
            } else {
                throw new IllegalArgumentException(field + ": '" + host + "' is not a numeric IPv4 address"
                        + (resolver.resolvesNames() ? "" : " (host names are not resolved)"));
            }
        }
        if (port == null) {
            return new Endpoint(address, -1);
        }
        if (!port.isEmpty() && !Character.isDigit(port.charAt(0)) && resolver.resolvesNames()
                && (protocol == Protocol.TCP || protocol == Protocol.UDP) && Names.portOf(port) >= 0) {
            return new Endpoint(address, Names.portOf(port));
        }
        return new Endpoint(address, number(field + " port", port, 0, 65535));
    }

    private static boolean isHostName(String s) {
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.')) {
                return false;
            }
        }
        return !s.isEmpty() && s.length() <= 253;
    }
}
