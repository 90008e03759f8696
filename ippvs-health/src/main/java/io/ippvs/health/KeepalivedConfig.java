package io.ippvs.health;

import io.ippvs.api.Addresses;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.SchedulerFlag;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the {@code virtual_server} part of a keepalived.conf into the {@link HealthConfig} the
 * builders make, so an operator can bring an existing file.
 *
 * <p>The subset, with keepalived's meaning ({@code check_parser.c}, {@code check_api.c},
 * {@code check_http.c}, {@code check_udp.c}, {@code check_misc.c}):
 * <pre>
 * virtual_server IP PORT | fwmark N {
 *   delay_loop T  connect_timeout T  retry N  delay_before_retry T  warmup T  alpha  inhibit_on_failure
 *   lb_algo|lvs_sched NAME  lb_kind|lvs_method NAT|DR|TUN  protocol TCP|UDP|SCTP  ops
 *   persistence_timeout [N]  persistence_granularity MASK  sh-port sh-fallback mh-port mh-fallback flag-1..3
 *   quorum N  hysteresis N  sorry_server IP [PORT]  sorry_server_inhibit  virtualhost NAME
 *   real_server IP [PORT] {
 *     weight N  inhibit_on_failure  alpha  retry N  delay_before_retry T  warmup T  connect_timeout T
 *     delay_loop T  uthreshold N  lthreshold N  lvs_method NAT|DR|TUN  virtualhost NAME
 *     TCP_CHECK | PING_CHECK { connect_ip IP  connect_port N  COMMON }
 *     HTTP_GET | SSL_GET { connect_ip connect_port COMMON  virtualhost NAME  http_protocol 1.0|1.0C|1.1
 *                         url { path P  digest HEX  status_code C|C-C ...  virtualhost NAME } ... }
 *     UDP_CHECK { connect_ip connect_port COMMON  payload HEX  require_reply [HEX]
 *                 min_reply_length N  max_reply_length N }
 *     MISC_CHECK { misc_path "PROGRAM ARGS"  misc_timeout N  misc_dynamic  COMMON (no connect_*) }
 *   }
 * }
 * COMMON = connect_timeout T  retry N  delay_before_retry T  warmup T  delay_loop T  alpha
 * </pre>
 * Times are seconds with up to six decimals ({@code 0.25}). A value not given on a checker comes
 * from its real server, then its virtual server, then keepalived's default
 * ({@code check_data.c}). Without {@code lb_kind} the service is NAT and without {@code lb_algo}
 * wlc, as keepalived sets them.
 *
 * <p>Any other keyword, a missing value, a bad value or an unbalanced brace is a
 * {@link KeepalivedConfigException} naming the line. Only the top-level blocks of keepalived's
 * other parts ({@code global_defs}, {@code vrrp_*}, {@code static_*}), which VRRP reads, are
 * skipped, each with an INFO line naming it.
 */
public final class KeepalivedConfig {

    private static final Logger LOG = LoggerFactory.getLogger(KeepalivedConfig.class);
    private static final Set<String> OTHER_DAEMONS = Set.of("global_defs", "vrrp_instance", "vrrp_sync_group",
            "vrrp_script", "vrrp_track_process", "static_ipaddress", "static_routes", "static_rules", "linkbeat_use_polling");

    private final String file;

    private KeepalivedConfig(String file) {
        this.file = file;
    }

    /**
     * @throws KeepalivedConfigException naming the line of the first problem
     * @throws IOException when the file cannot be read
     */
    public static HealthConfig parse(Path path) throws IOException {
        return parse(Files.readString(path, StandardCharsets.UTF_8), path.toString());
    }

    /** @throws KeepalivedConfigException naming {@code file} and the line of the first problem */
    public static HealthConfig parse(String text, String file) {
        return new KeepalivedConfig(file).config(ConfNode.parse(text, file));
    }

    private HealthConfig config(List<ConfNode> top) {
        List<CheckedService> services = new ArrayList<>();
        for (ConfNode n : top) {
            if (n.keyword.equals("virtual_server")) {
                CheckedService s = service(n);
                for (CheckedService o : services) {
                    if (o.key().equals(s.key())) {
                        throw error(n, "virtual_server " + s.key() + " is configured twice");
                    }
                }
                services.add(s);
            } else if (OTHER_DAEMONS.contains(n.keyword) || n.keyword.startsWith("vrrp_")) {
                LOG.info("{}:{}: skipping {} (keepalived's VRRP configuration, not health checks)", file, n.line, n.keyword);
            } else {
                throw unsupported(n, "at the top level");
            }
        }
        return HealthConfig.of(services);
    }

    /** The timing knobs one level gives; {@code null} = not given here. */
    private static final class Knobs {
        Duration delayLoop;
        Duration connectTimeout;
        Integer retry;
        Duration delayBeforeRetry;
        Duration warmup;
        Boolean alpha;
        Boolean inhibit;
        String virtualhost;

        /** Reads a knob keyword into this level; false when {@code n} is none. */
        boolean read(KeepalivedConfig k, ConfNode n, boolean connection) {
            switch (n.keyword) {
                case "delay_loop" -> delayLoop = k.positiveTime(n);
                case "connect_timeout" -> {
                    if (!connection) {
                        return false;
                    }
                    connectTimeout = k.positiveTime(n);
                }
                case "retry" -> retry = k.number(n, 0, Integer.MAX_VALUE);
                case "delay_before_retry" -> delayBeforeRetry = k.time(n);
                case "warmup" -> warmup = k.time(n);
                case "alpha" -> alpha = k.flag(n);
                default -> {
                    return false;
                }
            }
            return true;
        }

        static <T> T pick(T checker, T server, T service, T fallback) {
            return checker != null ? checker : server != null ? server : service != null ? service : fallback;
        }
    }

    private CheckedService service(ConfNode n) {
        block(n);
        InetAddress vip = null;
        int port = 0;
        int fwmark = 0;
        if (n.args.size() == 2 && n.args.get(0).equals("fwmark")) {
            fwmark = number(n, n.args.get(1), 1, Integer.MAX_VALUE);
        } else if (n.args.size() == 2 && n.args.get(0).equals("group")) {
            throw error(n, "virtual_server group: virtual_server_group is not supported");
        } else if (n.args.size() == 2) {
            vip = address(n, n.args.get(0));
            port = number(n, n.args.get(1), 0, 0xFFFF);
        } else {
            throw error(n, "virtual_server: expected 'IP PORT' or 'fwmark N', got " + String.join(" ", n.args));
        }
        Knobs vs = new Knobs();
        String scheduler = ServiceConfig.DEFAULT_SCHEDULER;
        ForwardingMethod method = null;
        Protocol protocol = Protocol.TCP;
        Integer persistence = null;
        Integer netmask = null;
        boolean ops = false;
        Set<SchedulerFlag> flags = EnumSet.noneOf(SchedulerFlag.class);
        Integer quorum = null;
        Integer hysteresis = null;
        ConfNode sorry = null;
        boolean sorryInhibit = false;
        List<ConfNode> realServers = new ArrayList<>();
        ConfNode opsLine = null;
        for (ConfNode c : n.block) {
            if (vs.read(this, c, true)) {
                continue;
            }
            switch (c.keyword) {
                case "inhibit_on_failure" -> vs.inhibit = flag(c);
                case "virtualhost" -> vs.virtualhost = word(c);
                case "lb_algo", "lvs_sched" -> scheduler = word(c);
                case "lb_kind", "lvs_method" -> method = method(c);
                case "protocol" -> {
                    String p = word(c).toUpperCase(Locale.ROOT);
                    try {
                        protocol = Protocol.valueOf(p);
                    } catch (IllegalArgumentException e) {
                        throw error(c, "protocol: '" + word(c) + "' is not TCP, UDP or SCTP");
                    }
                }
                case "persistence_timeout" -> persistence = c.args.isEmpty() ? ServiceConfig.DEFAULT_PERSISTENCE_TIMEOUT
                        : number(c, 1, Integer.MAX_VALUE);
                case "persistence_granularity" -> netmask = netmask(c);
                case "ops" -> {
                    ops = noArgs(c);
                    opsLine = c;
                }
                case "hashed", "sh-port", "sh-fallback", "mh-port", "mh-fallback", "flag-1", "flag-2", "flag-3" -> {
                    noArgs(c);
                    if (c.keyword.equals("hashed")) {
                        throw unsupported(c, "in virtual_server");
                    }
                    flags.add(SchedulerFlag.parse(c.keyword));
                }
                case "quorum" -> quorum = number(c, 1, Integer.MAX_VALUE);
                case "hysteresis" -> hysteresis = number(c, 0, Integer.MAX_VALUE);
                case "sorry_server" -> sorry = c;
                case "sorry_server_inhibit" -> sorryInhibit = flag(c);
                case "real_server" -> realServers.add(c);
                default -> throw unsupported(c, "in virtual_server");
            }
        }
        if (method == null) {
            LOG.info("{}:{}: virtual_server has no lb_kind; NAT, as keepalived sets it", file, n.line);
            method = ForwardingMethod.MASQUERADE;
        }
        ServiceKey key;
        ServiceConfig sc;
        try {
            key = fwmark != 0 ? ServiceKey.fwmark(fwmark, Addresses.IPV4) : ServiceKey.of(protocol, vip, port);
            ServiceConfig.Builder b = ServiceConfig.builder(key).scheduler(scheduler).schedulerFlags(flags);
            if (persistence != null) {
                b.persistent(persistence);
            }
            if (netmask != null) {
                b.persistenceNetmask(netmask);
            }
            if (ops) {
                b.onePacket(true);
            }
            sc = b.build();
        } catch (IllegalArgumentException e) {
            throw error(opsLine != null ? opsLine : n, e.getMessage(), e);
        }
        if (fwmark == 0 && port == 0 && persistence == null) {
            throw error(n, "virtual_server: port 0 needs persistence_timeout (ipvsadm: Zero port specified for non-persistent service)");
        }
        CheckedService.Builder b = CheckedService.builder(sc);
        try {
            if (quorum != null) {
                b.quorum(quorum);
            }
            if (hysteresis != null) {
                b.hysteresis(hysteresis);
            }
        } catch (IllegalArgumentException e) {
            throw error(n, e.getMessage(), e);
        }
        if (sorry != null) {
            b.sorryServer(server(sorry, port, method, 1), sorryInhibit);
        }
        for (ConfNode r : realServers) {
            try {
                b.realServer(realServer(r, port, method, vs));
            } catch (KeepalivedConfigException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw error(r, e.getMessage(), e);
            }
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw error(n, e.getMessage(), e);
        }
    }

    private CheckedRealServer realServer(ConfNode n, int vport, ForwardingMethod vsMethod, Knobs vs) {
        block(n);
        Knobs rs = new Knobs();
        int weight = 1;
        Integer upper = null;
        Integer lower = null;
        ForwardingMethod method = vsMethod;
        List<ConfNode> checks = new ArrayList<>();
        for (ConfNode c : n.block) {
            if (rs.read(this, c, true)) {
                continue;
            }
            switch (c.keyword) {
                case "weight" -> weight = number(c, 0, RealServerConfig.MAX_WEIGHT);
                case "inhibit_on_failure" -> rs.inhibit = flag(c);
                case "virtualhost" -> rs.virtualhost = word(c);
                case "uthreshold" -> upper = number(c, 0, Integer.MAX_VALUE);
                case "lthreshold" -> lower = number(c, 0, Integer.MAX_VALUE);
                case "lvs_method" -> method = method(c);
                case "TCP_CHECK", "HTTP_GET", "SSL_GET", "UDP_CHECK", "PING_CHECK", "MISC_CHECK" -> checks.add(c);
                default -> throw unsupported(c, "in real_server");
            }
        }
        RealServerConfig base = server(n, vport, method, weight);
        RealServerConfig config;
        try {
            RealServerConfig.Builder b = base.toBuilder();
            if (upper != null) {
                b.upperThreshold(upper);
            }
            if (lower != null) {
                b.lowerThreshold(lower);
            }
            config = b.build();
        } catch (IllegalArgumentException e) {
            throw error(n, e.getMessage(), e);
        }
        CheckedRealServer.Builder b = CheckedRealServer.builder(config)
                .inhibitOnFailure(Knobs.pick(null, rs.inhibit, vs.inhibit, Boolean.FALSE));
        for (ConfNode c : checks) {
            try {
                b.check(check(c, rs, vs));
            } catch (KeepalivedConfigException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw error(c, e.getMessage(), e);
            }
        }
        return b.build();
    }

    /** A server address line: {@code real_server IP [PORT]} or {@code sorry_server IP [PORT]}. */
    private RealServerConfig server(ConfNode n, int vport, ForwardingMethod method, int weight) {
        if (n.args.isEmpty() || n.args.size() > 2) {
            throw error(n, n.keyword + ": expected 'IP [PORT]', got '" + String.join(" ", n.args) + "'");
        }
        InetAddress a = address(n, n.args.get(0));
        int port = n.args.size() == 2 ? number(n, n.args.get(1), 0, 0xFFFF) : vport;
        try {
            return RealServerConfig.builder(a, port).forwardingMethod(method).weight(weight).build();
        } catch (IllegalArgumentException e) {
            throw error(n, e.getMessage(), e);
        }
    }

    private CheckConfig check(ConfNode n, Knobs rs, Knobs vs) {
        block(n);
        Knobs ck = new Knobs();
        boolean connection = !n.keyword.equals("MISC_CHECK");
        InetAddress connectIp = null;
        int connectPort = 0;
        HttpGetCheck.Builder http = n.keyword.equals("HTTP_GET") ? HttpGetCheck.http()
                : n.keyword.equals("SSL_GET") ? HttpGetCheck.ssl() : null;
        UdpCheck.Builder udp = n.keyword.equals("UDP_CHECK") ? UdpCheck.builder() : null;
        List<String> miscPath = null;
        Duration miscTimeout = null;
        boolean miscDynamic = false;
        List<ConfNode> urls = new ArrayList<>();
        for (ConfNode c : n.block) {
            if (ck.read(this, c, connection)) {
                continue;
            }
            String k = c.keyword;
            if (connection && k.equals("connect_ip")) {
                connectIp = address(c, word(c));
            } else if (connection && k.equals("connect_port")) {
                connectPort = number(c, 1, 0xFFFF);
            } else if (http != null && k.equals("url")) {
                urls.add(c);
            } else if (http != null && k.equals("virtualhost")) {
                ck.virtualhost = word(c);
            } else if (http != null && k.equals("nb_get_retry")) {
                LOG.info("{}:{}: nb_get_retry is deprecated - please use 'retry' (keepalived's words)", file, c.line);
                ck.retry = number(c, 0, Integer.MAX_VALUE);
            } else if (http != null && k.equals("http_protocol")) {
                switch (word(c)) {
                    case "1.0" -> http.protocol(HttpGetCheck.HttpProtocol.HTTP_1_0);
                    case "1.0C", "1.0c" -> http.protocol(HttpGetCheck.HttpProtocol.HTTP_1_0C);
                    case "1.1" -> http.protocol(HttpGetCheck.HttpProtocol.HTTP_1_1);
                    default -> throw error(c, "http_protocol: '" + word(c) + "' is not 1.0, 1.0C or 1.1");
                }
            } else if (udp != null && k.equals("payload")) {
                udp.payload(hex(c, String.join("", c.args)));
            } else if (udp != null && k.equals("require_reply")) {
                if (c.args.isEmpty()) {
                    udp.requireReply();
                } else {
                    udp.requireReply(hex(c, String.join("", c.args)), null);
                }
            } else if (udp != null && k.equals("min_reply_length")) {
                udp.minReplyLength(number(c, 0, 0xFFFF));
            } else if (udp != null && k.equals("max_reply_length")) {
                udp.maxReplyLength(number(c, 0, 0xFFFF));
            } else if (!connection && k.equals("misc_path")) {
                miscPath = command(c);
            } else if (!connection && k.equals("misc_timeout")) {
                miscTimeout = Duration.ofSeconds(number(c, 1, Integer.MAX_VALUE));
            } else if (!connection && k.equals("misc_dynamic")) {
                miscDynamic = noArgs(c);
            } else {
                throw unsupported(c, "in " + n.keyword);
            }
        }
        HealthChecker checker;
        try {
            switch (n.keyword) {
                case "TCP_CHECK" -> checker = HealthCheckers.tcp();
                case "PING_CHECK" -> checker = HealthCheckers.ping();
                case "UDP_CHECK" -> checker = udp.build();
                case "MISC_CHECK" -> {
                    if (miscPath == null) {
                        throw error(n, "MISC_CHECK: misc_path is missing (keepalived: No script path has been specified)");
                    }
                    checker = MiscCheck.of(miscPath, miscTimeout, miscDynamic);
                }
                default -> {
                    for (ConfNode u : urls) {
                        http.url(url(u));
                    }
                    http.virtualhost(Knobs.pick(ck.virtualhost, rs.virtualhost, vs.virtualhost, null));
                    checker = http.build();
                }
            }
        } catch (KeepalivedConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw error(n, e.getMessage(), e);
        }
        Duration delayLoop = Knobs.pick(ck.delayLoop, rs.delayLoop, vs.delayLoop, CheckConfig.DEFAULT_DELAY_LOOP);
        CheckConfig.Builder b = CheckConfig.builder(checker)
                .connectIp(connectIp)
                .connectPort(connectPort)
                .connectTimeout(Knobs.pick(ck.connectTimeout, rs.connectTimeout, vs.connectTimeout, CheckConfig.DEFAULT_CONNECT_TIMEOUT))
                .delayLoop(delayLoop)
                .retry(Knobs.pick(ck.retry, rs.retry, vs.retry, checker.defaultRetry()))
                .delayBeforeRetry(Knobs.pick(ck.delayBeforeRetry, rs.delayBeforeRetry, vs.delayBeforeRetry,
                        checker.defaultDelayBeforeRetry()))
                .warmup(Knobs.pick(ck.warmup, rs.warmup, vs.warmup, delayLoop))
                .alpha(Knobs.pick(ck.alpha, rs.alpha, vs.alpha, Boolean.FALSE));
        return b.build();
    }

    private HttpGetCheck.Url url(ConfNode n) {
        block(n);
        String path = null;
        String digest = null;
        String virtualhost = null;
        List<String> codes = new ArrayList<>();
        for (ConfNode c : n.block) {
            switch (c.keyword) {
                case "path" -> path = word(c);
                case "digest" -> digest = word(c);
                case "status_code" -> {
                    if (c.args.isEmpty()) {
                        throw error(c, "status_code: needs at least one code or range");
                    }
                    try {
                        HttpGetCheck.Url.of("/", c.args, null, null);
                    } catch (IllegalArgumentException e) {
                        throw error(c, e.getMessage(), e);
                    }
                    codes.addAll(c.args);
                }
                case "virtualhost" -> virtualhost = word(c);
                default -> throw unsupported(c, "in url");
            }
        }
        if (path == null) {
            throw error(n, "url: path is missing (keepalived: HTTP/SSL_GET checker url has no path)");
        }
        try {
            return HttpGetCheck.Url.of(path, codes, digest, virtualhost);
        } catch (IllegalArgumentException e) {
            throw error(n, e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ values

    private void block(ConfNode n) {
        if (n.block == null) {
            throw error(n, n.keyword + ": a '{' block is expected");
        }
    }

    private void noBlock(ConfNode n) {
        if (n.block != null) {
            throw error(n, n.keyword + ": takes no '{' block");
        }
    }

    private String word(ConfNode n) {
        noBlock(n);
        if (n.args.size() != 1) {
            throw error(n, n.keyword + ": expected one value, got " + (n.args.isEmpty() ? "none" : "'" + String.join(" ", n.args) + "'"));
        }
        return n.args.get(0);
    }

    private boolean noArgs(ConfNode n) {
        noBlock(n);
        if (!n.args.isEmpty()) {
            throw error(n, n.keyword + ": takes no value, got '" + String.join(" ", n.args) + "'");
        }
        return true;
    }

    /** keepalived's check_true_false; no value means true. */
    private boolean flag(ConfNode n) {
        noBlock(n);
        if (n.args.isEmpty()) {
            return true;
        }
        return switch (word(n).toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes" -> true;
            case "false", "off", "no" -> false;
            default -> throw error(n, n.keyword + ": '" + n.args.get(0) + "' is not true/false, on/off or yes/no");
        };
    }

    private int number(ConfNode n, int min, int max) {
        return number(n, word(n), min, max);
    }

    private int number(ConfNode n, String s, int min, int max) {
        try {
            long v = Long.parseLong(s);
            if (v >= min && v <= max) {
                return (int) v;
            }
        } catch (NumberFormatException e) {
            // the error below
        }
        throw error(n, n.keyword + ": '" + s + "' is not a whole number within " + min + ".." + max);
    }

    /** keepalived's read_timer: seconds, up to six decimals. */
    private Duration time(ConfNode n) {
        String s = word(n);
        try {
            BigDecimal d = new BigDecimal(s);
            if (d.signum() >= 0 && d.scale() <= 6 && d.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0) {
                return Duration.ofNanos(d.movePointRight(9).longValueExact());
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // the error below
        }
        throw error(n, n.keyword + ": '" + s + "' is not a time in seconds (up to six decimals)");
    }

    private Duration positiveTime(ConfNode n) {
        Duration d = time(n);
        if (d.isZero()) {
            throw error(n, n.keyword + ": must be more than 0 seconds");
        }
        return d;
    }

    private InetAddress address(ConfNode n, String s) {
        if (s.isEmpty() || !(s.indexOf(':') >= 0 || s.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
            throw error(n, n.keyword + ": '" + s + "' is not an IPv4 or IPv6 address");
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw error(n, n.keyword + ": '" + s + "' is not an IPv4 or IPv6 address", e);
        }
    }

    private ForwardingMethod method(ConfNode n) {
        return switch (word(n).toUpperCase(Locale.ROOT)) {
            case "NAT" -> ForwardingMethod.MASQUERADE;
            case "DR" -> ForwardingMethod.DIRECT_ROUTE;
            case "TUN" -> ForwardingMethod.TUNNEL;
            default -> throw error(n, n.keyword + ": '" + n.args.get(0) + "' is not NAT, DR or TUN");
        };
    }

    /** persistence_granularity: a dotted netmask (IPv4) or a prefix length. */
    private int netmask(ConfNode n) {
        String s = word(n);
        if (s.indexOf('.') < 0) {
            return number(n, s, 0, 128);
        }
        byte[] b = address(n, s).getAddress();
        int bits = 0;
        boolean ended = false;
        for (byte x : b) {
            for (int i = 7; i >= 0; i--) {
                boolean set = (x >> i & 1) != 0;
                if (set && ended) {
                    throw error(n, "persistence_granularity: '" + s + "' is not a contiguous netmask");
                }
                if (set) {
                    bits++;
                } else {
                    ended = true;
                }
            }
        }
        return bits;
    }

    private byte[] hex(ConfNode n, String s) {
        try {
            if (!s.isEmpty() && s.length() % 2 == 0) {
                return HexFormat.of().parseHex(s);
            }
        } catch (IllegalArgumentException e) {
            // the error below
        }
        throw error(n, n.keyword + ": '" + s + "' is not an even number of hex digits");
    }

    /** misc_path: the program and its arguments split at blanks, as set_script_params_array does. */
    private List<String> command(ConfNode n) {
        noBlock(n);
        List<String> out = new ArrayList<>();
        for (String a : n.args) {
            for (String w : a.trim().split("\\s+")) {
                if (!w.isEmpty()) {
                    out.add(w);
                }
            }
        }
        if (out.isEmpty()) {
            throw error(n, "misc_path: a program to run is needed");
        }
        return out;
    }

    private KeepalivedConfigException unsupported(ConfNode n, String where) {
        return error(n, "unsupported keyword '" + n.keyword + "' " + where);
    }

    private KeepalivedConfigException error(ConfNode n, String problem) {
        return new KeepalivedConfigException(file, n.line, problem, null);
    }

    private KeepalivedConfigException error(ConfNode n, String problem, Throwable cause) {
        return new KeepalivedConfigException(file, n.line, problem, cause);
    }
}
