package io.ippvs.core.admin;

import io.ippvs.api.Addresses;
import io.ippvs.api.Configuration;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServer;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.SchedulerFlag;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.Stats;
import io.ippvs.api.TunnelType;
import io.ippvs.api.VirtualService;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * ipvsadm 1.31's listings, byte for byte: {@code -L} in its formats, {@code -L -c}, {@code --timeout},
 * and {@code -S}. Formats from the api views, so it runs the same over a director or a fake.
 */
final class Listing {

    /** The IPVS version ipvsadm reports in the first line of {@code -L}. */
    static final String IPVS_VERSION = "1.2.1";

    private Listing() {}

    /** {@code ipvsadm -L} of every service, with the version line. */
    static String all(List<VirtualService> services, ListOptions o, HostResolver names, int tableSize) {
        StringBuilder sb = new StringBuilder();
        sb.append("IP Virtual Server version ").append(IPVS_VERSION).append(" (size=").append(tableSize).append(")\n");
        title(sb, o);
        List<VirtualService> list = o.noSort() ? services : sorted(services, Listing::compareServices);
        for (VirtualService s : list) {
            service(sb, s, o, names);
        }
        return sb.toString();
    }

    /** {@code ipvsadm -L -t ...}: the title lines and one service, without the version line. */
    static String one(VirtualService s, ListOptions o, HostResolver names) {
        StringBuilder sb = new StringBuilder();
        title(sb, o);
        service(sb, s, o, names);
        return sb.toString();
    }

    /**
     * {@code ipvsadm -L -c}; with {@code --persistent-conn} the title gains the persistence engine's
     * columns, but rows show them only for entries with pe data ({@code print_conn}: {@code n == 11}),
     * and no entry has any here (ippvs has no SIP engine).
     */
    static String connections(List<ConnectionRow> rows, ListOptions o, HostResolver names) {
        boolean pe = o.persistentConn();
        StringBuilder sb = new StringBuilder("IPVS connection entries\n");
        if (pe) {
            sb.append(String.format(Locale.ROOT, "pro expire %-11s %-18s %-18s %-18s %-16s %s", "state", "source", "virtual",
                    "destination", "pe name", "pe_data"));
        } else {
            sb.append(String.format(Locale.ROOT, "pro expire %-11s %-18s %-18s %s", "state", "source", "virtual", "destination"));
        }
        sb.append('\n');
        for (ConnectionRow r : rows) {
            long s = Math.max(0, r.expiresMillis() / 1000);
            Protocol p = "TCP".equals(r.protocol()) ? Protocol.TCP : "UDP".equals(r.protocol()) ? Protocol.UDP : null;
            String expire = String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
            String source = endpoint(r.client(), r.clientPort(), p, o.numeric(), names);
            String virtual = endpoint(r.virtualAddress(), r.virtualPort(), p, o.numeric(), names);
            String destination = endpoint(r.destination(), r.destinationPort(), p, o.numeric(), names);
            sb.append(String.format(Locale.ROOT, "%-3s %-6s %-11s %-18s %-18s %s", r.protocol(), expire, r.state(),
                    source, virtual, destination));
            sb.append('\n');
        }
        return sb.toString();
    }

    /** {@code ipvsadm -L --timeout}. */
    static String timeouts(Configuration c) {
        return "Timeout (tcp tcpfin udp): " + (c.tcpTimeout() == 0 ? 900 : c.tcpTimeout()) + " "
                + (c.tcpFinTimeout() == 0 ? 120 : c.tcpFinTimeout()) + " " + (c.udpTimeout() == 0 ? 300 : c.udpTimeout()) + "\n";
    }

    /**
     * {@code ipvsadm -S}: ipvsadm 1.31's rules ({@code print_service_entry} with {@code FMT_RULE}):
     * service options in the order {@code -s -p -M --pe -o -b}, servers as {@code -r -g|-i|-m -w} and
     * tunnel options, no thresholds and no {@code --set} line. With {@code full} (our own
     * {@code --ippvs-full}) a leading {@code --set} line for non-default timeouts and {@code -x}/{@code -y}
     * are added, so {@code -R} restores everything.
     */
    static String save(Configuration c, boolean numeric, boolean full, HostResolver names) {
        StringBuilder sb = new StringBuilder();
        if (full && (c.tcpTimeout() != 0 || c.tcpFinTimeout() != 0 || c.udpTimeout() != 0)) {
            sb.append("--set ").append(c.tcpTimeout()).append(' ').append(c.tcpFinTimeout()).append(' ')
                    .append(c.udpTimeout()).append('\n');
        }
        for (Configuration.Service s : c.services()) {
            ServiceConfig sc = s.config();
            ServiceKey k = sc.key();
            String name = ruleName(k, numeric, names);
            sb.append("-A ").append(name).append(" -s ").append(sc.scheduler());
            if (sc.persistent()) {
                sb.append(" -p ").append(sc.persistenceTimeout());
                appendMask(sb, " -M ", sc);
            }
            if (sc.onePacket()) {
                sb.append(" -o");
            }
            if (!sc.schedulerFlags().isEmpty()) {
                sb.append(" -b ").append(flags(sc));
            }
            sb.append('\n');
            for (RealServerConfig r : s.realServers()) {
                sb.append("-a ").append(name).append(" -r ")
                        .append(Names.addressPort(r.addressFamily(), r.addressHigh(), r.addressLow(), r.port(), k.protocol(), numeric, names))
                        .append(' ').append(r.forwardingMethod().option()).append(" -w ").append(r.weight());
                if (r.forwardingMethod() == ForwardingMethod.TUNNEL) {
                    sb.append(" --tun-type ").append(r.tunnelType().optionValue());
                    if (r.tunnelType() == TunnelType.GUE) {
                        sb.append(" --tun-port ").append(r.tunnelPort()).append(' ').append(r.tunnelChecksum().option());
                    } else if (r.tunnelType() == TunnelType.GRE) {
                        sb.append(' ').append(r.tunnelChecksum().option());
                    }
                }
                if (full && r.upperThreshold() != 0) {
                    sb.append(" -x ").append(r.upperThreshold());
                }
                if (full && r.lowerThreshold() != 0) {
                    sb.append(" -y ").append(r.lowerThreshold());
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    private static void title(StringBuilder sb, ListOptions o) {
        String first = "Prot LocalAddress:Port";
        if (o.stats()) {
            sb.append(String.format(Locale.ROOT, "%-33s %8s %8s %8s %8s %8s", first, "Conns", "InPkts", "OutPkts", "InBytes", "OutBytes"));
        } else if (o.rate()) {
            sb.append(String.format(Locale.ROOT, "%-33s %8s %8s %8s %8s %8s", first, "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS"));
        } else if (o.thresholds()) {
            sb.append(String.format(Locale.ROOT, "%-33s %-10s %-10s %-10s %-10s", first, "Uthreshold", "Lthreshold", "ActiveConn", "InActConn"));
        } else if (o.persistentConn()) {
            sb.append(String.format(Locale.ROOT, "%-33s %-9s %-11s %-10s %-10s", first, "Weight", "PersistConn", "ActiveConn", "InActConn"));
        } else if (o.tunInfo()) {
            sb.append("Prot LocalAddress:Port Scheduler Flags\n"
                    + "  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n");
            return;
        } else {
            sb.append("Prot LocalAddress:Port Scheduler Flags\n"
                    + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
            return;
        }
        sb.append("\n  -> RemoteAddress:Port\n");
    }

    private static void service(StringBuilder sb, VirtualService vs, ListOptions o, HostResolver names) {
        ServiceConfig sc = vs.config();
        ServiceKey k = sc.key();
        String name;
        if (k.isFwmark()) {
            // sprintf(svc_name, "FWM  %d", se->fwmark): a mark above 2^31-1 prints negative, as in ipvsadm
            name = "FWM  " + k.fwmark() + (k.addressFamily() == Addresses.IPV6 ? " IPv6" : "");
        } else {
            name = String.format(Locale.ROOT, "%-4s %s", k.protocol().label(),
                    Names.addressPort(k.addressFamily(), k.addressHigh(), k.addressLow(), k.port(), k.protocol(), o.numeric(), names));
            if (k.addressFamily() == Addresses.IPV4 && name.length() > 33) {
                name = name.substring(0, 33);
            }
        }
        if (o.stats() || o.rate()) {
            sb.append(String.format(Locale.ROOT, "%-33s", name));
            numbers(sb, vs.stats(), o);
        } else {
            sb.append(name).append(' ').append(sc.scheduler());
            if (!sc.schedulerFlags().isEmpty()) {
                sb.append(" (").append(flags(sc)).append(')');
            }
            if (sc.persistent()) {
                sb.append(" persistent ").append(sc.persistenceTimeout());
                appendMask(sb, " mask ", sc);
            }
            if (sc.onePacket()) {
                sb.append(" ops");
            }
        }
        sb.append('\n');
        List<RealServer> servers = o.noSort() ? vs.realServers() : sorted(vs.realServers(), Listing::compareServers);
        for (RealServer r : servers) {
            String d = Names.addressPort(r.addressFamily(), r.addressHigh(), r.addressLow(), r.port(), k.protocol(), o.numeric(), names);
            if (r.addressFamily() == Addresses.IPV4 && d.length() > 28) {
                d = d.substring(0, 28);
            }
            long active = Integer.toUnsignedLong(r.activeConnections());
            long inactive = Integer.toUnsignedLong(r.inactiveConnections());
            if (o.stats()) {
                sb.append(String.format(Locale.ROOT, "  -> %-28s", d));
                numbers(sb, r.stats(), o);
            } else if (o.rate()) {
                // print_service_entry: "  -> %-28s %8llu %8llu %8llu", only the byte rates are scaled
                Stats st = r.stats();
                sb.append(String.format(Locale.ROOT, "  -> %-28s %8s %8s %8s", d, Long.toUnsignedString(st.connectionsPerSecond()),
                        Long.toUnsignedString(st.inPacketsPerSecond()), Long.toUnsignedString(st.outPacketsPerSecond())));
                number(sb, st.inBytesPerSecond(), o.exact());
                number(sb, st.outBytesPerSecond(), o.exact());
            } else if (o.thresholds()) {
                RealServerConfig c = r.config();
                sb.append(String.format(Locale.ROOT, "  -> %-28s %-10d %-10d %-10d %-10d", d,
                        Integer.toUnsignedLong(c.upperThreshold()), Integer.toUnsignedLong(c.lowerThreshold()), active, inactive));
            } else if (o.persistentConn()) {
                sb.append(String.format(Locale.ROOT, "  -> %-28s %-9d %-11d %-10d %-10d", d, r.weight(),
                        Integer.toUnsignedLong(r.persistentConnections()), active, inactive));
            } else if (o.tunInfo()) {
                sb.append(String.format(Locale.ROOT, "  -> %-28s %-7s %-13s %-6d %-10d %-10d", d,
                        r.forwardingMethod().listingName(), tunnelInfo(r), r.weight(), active, inactive));
            } else {
                sb.append(String.format(Locale.ROOT, "  -> %-28s %-7s %-6d %-10d %-10d", d,
                        r.forwardingMethod().listingName(), r.weight(), active, inactive));
            }
            sb.append('\n');
        }
    }

    private static void numbers(StringBuilder sb, Stats s, ListOptions o) {
        if (o.stats()) {
            number(sb, s.connections(), o.exact());
            number(sb, s.inPackets(), o.exact());
            number(sb, s.outPackets(), o.exact());
            number(sb, s.inBytes(), o.exact());
            number(sb, s.outBytes(), o.exact());
        } else {
            number(sb, s.connectionsPerSecond(), o.exact());
            number(sb, s.inPacketsPerSecond(), o.exact());
            number(sb, s.outPacketsPerSecond(), o.exact());
            number(sb, s.inBytesPerSecond(), o.exact());
            number(sb, s.outBytesPerSecond(), o.exact());
        }
    }

    /** A counter nine wide, in K/M/G/T above a hundred million unless exact. */
    static void number(StringBuilder sb, long v, boolean exact) {
        String text;
        String suffix = "";
        if (exact) {
            text = Long.toUnsignedString(v);
            pad(sb, text.length() <= 8 ? 9 : text.length() + 1, text);
            return;
        }
        if (Long.compareUnsigned(v, 100_000_000L) < 0) {
            text = Long.toUnsignedString(v);
        } else if (Long.compareUnsigned(v, 1_000_000_000L) < 0) {
            text = Long.toUnsignedString(Long.divideUnsigned(v, 1_000L));
            suffix = "K";
        } else if (Long.compareUnsigned(v, 100_000_000_000L) < 0) {
            text = Long.toUnsignedString(Long.divideUnsigned(v, 1_000_000L));
            suffix = "M";
        } else if (Long.compareUnsigned(v, 100_000_000_000_000L) < 0) {
            text = Long.toUnsignedString(Long.divideUnsigned(v, 1_000_000_000L));
            suffix = "G";
        } else {
            text = Long.toUnsignedString(Long.divideUnsigned(v, 1_000_000_000_000L));
            suffix = "T";
        }
        pad(sb, suffix.isEmpty() ? 9 : 8, text);
        sb.append(suffix);
    }

    private static void pad(StringBuilder sb, int width, String text) {
        for (int i = text.length(); i < width; i++) {
            sb.append(' ');
        }
        sb.append(text);
    }

    private static String tunnelInfo(RealServer r) {
        RealServerConfig c = r.config();
        if (c.forwardingMethod() != ForwardingMethod.TUNNEL) {
            return "n/a";
        }
        String csum;
        switch (c.tunnelChecksum()) {
            case CHECKSUM: csum = "+c"; break;
            case REMOTE: csum = "r+c"; break;
            default: csum = "-c"; break;
        }
        switch (c.tunnelType()) {
            case GUE: return "gue:" + c.tunnelPort() + ":" + csum;
            case GRE: return "gre:" + csum;
            default: return "ipip";
        }
    }

    private static String flags(ServiceConfig sc) {
        StringBuilder sb = new StringBuilder();
        for (SchedulerFlag f : SchedulerFlag.values()) {
            if (sc.schedulerFlags().contains(f)) {
                sb.append(sb.length() == 0 ? "" : ",").append(f.nameFor(sc.scheduler()));
            }
        }
        return sb.toString();
    }

    private static void appendMask(StringBuilder sb, String word, ServiceConfig sc) {
        int prefix = sc.persistenceNetmask();
        if (sc.key().addressFamily() == Addresses.IPV4) {
            // ipvsadm: if (se->netmask != 0xffffffff) printf(" mask %s", inet_ntoa(mask))
            if (sc.persistenceMask() != -1) {
                sb.append(word).append(Addresses.format(Addresses.IPV4, 0, sc.persistenceMask() & 0xFFFFFFFFL));
            }
        } else if (prefix != 128) {
            sb.append(word).append(prefix);
        }
    }

    private static String ruleName(ServiceKey k, boolean numeric, HostResolver names) {
        if (k.isFwmark()) {
            // ipvsadm writes "-f %d" and then rejects its own "-f -1" on -R; we write the mark unsigned
            return "-f " + Integer.toUnsignedString(k.fwmark()) + (k.addressFamily() == Addresses.IPV6 ? " -6" : "");
        }
        String flag = k.protocol() == Protocol.TCP ? "-t" : k.protocol() == Protocol.UDP ? "-u" : "--sctp-service";
        return flag + " " + Names.addressPort(k.addressFamily(), k.addressHigh(), k.addressLow(), k.port(), k.protocol(), numeric, names);
    }

    private static String endpoint(InetAddress a, int port, Protocol p, boolean numeric, HostResolver names) {
        return Names.addressPort(Addresses.family(a), Addresses.high(a), Addresses.low(a), port, p, numeric, names);
    }

    // libipvs sorts with C int subtraction of unsigned fields; the wrap-around is kept on purpose so the
    // order is ipvsadm's even for addresses more than 2^31 apart.
    static int compareServices(VirtualService a, VirtualService b) {
        ServiceKey x = a.key();
        ServiceKey y = b.key();
        int r = x.fwmark() - y.fwmark();
        if (r == 0) {
            r = afCode(x.addressFamily()) - afCode(y.addressFamily());
        }
        if (r == 0) {
            r = protocolNumber(x) - protocolNumber(y);
        }
        if (r == 0) {
            r = compareAddresses(x.addressFamily(), x.addressHigh(), x.addressLow(), y.addressHigh(), y.addressLow());
        }
        return r != 0 ? r : x.port() - y.port();
    }

    static int compareServers(RealServer a, RealServer b) {
        int r = compareAddresses(a.addressFamily(), a.addressHigh(), a.addressLow(), b.addressHigh(), b.addressLow());
        return r != 0 ? r : a.port() - b.port();
    }

    private static int compareAddresses(int family, long h1, long l1, long h2, long l2) {
        if (family == Addresses.IPV4) {
            return (int) l1 - (int) l2;
        }
        int[] w1 = {(int) (h1 >>> 32), (int) h1, (int) (l1 >>> 32), (int) l1};
        int[] w2 = {(int) (h2 >>> 32), (int) h2, (int) (l2 >>> 32), (int) l2};
        int r = 0;
        for (int i = 0; r == 0 && i < 4; i++) {
            r = w1[i] - w2[i];
        }
        return r;
    }

    private static int afCode(int family) {
        return family == Addresses.IPV4 ? 2 : 10;
    }

    private static int protocolNumber(ServiceKey k) {
        return k.protocol() == null ? 0 : k.protocol().number();
    }

    /** Insertion sort: stable, and never throws on the comparator's wrap-around inconsistency. */
    private static <T> List<T> sorted(List<T> in, Comparator<T> cmp) {
        List<T> out = new ArrayList<>(in.size());
        for (T t : in) {
            int i = out.size();
            while (i > 0 && cmp.compare(out.get(i - 1), t) > 0) {
                i--;
            }
            out.add(i, t);
        }
        return out;
    }
}
