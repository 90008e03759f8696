package io.ippvs.core.admin;

import io.ippvs.api.DropReason;
import io.ippvs.api.RealServer;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.Stats;
import io.ippvs.api.VirtualService;
import io.ippvs.core.sync.SyncCounters;
import io.ippvs.core.sync.SyncDaemon;
import io.ippvs.core.sync.SyncDrop;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * The director's counters in the Prometheus text exposition format (version 0.0.4), under the metric
 * names and labels of node_exporter's IPVS collector, so dashboards built for a kernel director work
 * unchanged, plus {@code ippvs_dropped_packets_total{reason}}. No metrics library is involved.
 *
 * <p>Like node_exporter, a firewall-mark service has an empty {@code local_address}, port 0, protocol
 * {@code FWM} and its mark as eight upper-case hex digits (the {@code /proc/net/ip_vs} form) in
 * {@code local_mark}. Families come in name order and samples in label order, as client_golang writes them.
 */
public final class PrometheusText {

    private PrometheusText() {}

    /**
     * The exposition text.
     *
     * @param services the services with their real servers
     * @param totals the director's totals
     * @param drops packets dropped per reason
     */
    public static String format(List<VirtualService> services, Stats totals, ToLongFunction<DropReason> drops) {
        List<Backend> backends = new ArrayList<>();
        for (VirtualService s : services) {
            for (RealServer r : s.realServers()) {
                backends.add(new Backend(s.key(), r));
            }
        }
        backends.sort(Comparator.comparing((Backend b) -> b.localAddress).thenComparing(b -> b.localMark)
                .thenComparing(b -> b.localPort).thenComparing(b -> b.proto).thenComparing(b -> b.remoteAddress)
                .thenComparing(b -> b.remotePort));
        StringBuilder sb = new StringBuilder();
        gauge(sb, "node_ipvs_backend_connections_active", "Active connections per virtual service and real server.",
                backends, RealServer::activeConnections);
        gauge(sb, "node_ipvs_backend_connections_inactive", "Inactive connections per virtual service and real server.",
                backends, RealServer::inactiveConnections);
        gauge(sb, "node_ipvs_backend_weight", "Weight of each real server in its virtual service.", backends, RealServer::weight);
        counter(sb, "node_ipvs_connections_total", "Connections scheduled since the counters were zeroed.", totals.connections());
        counter(sb, "node_ipvs_incoming_bytes_total", "Bytes received from clients.", totals.inBytes());
        counter(sb, "node_ipvs_incoming_packets_total", "Packets received from clients.", totals.inPackets());
        counter(sb, "node_ipvs_outgoing_bytes_total", "Bytes sent back to clients.", totals.outBytes());
        counter(sb, "node_ipvs_outgoing_packets_total", "Packets sent back to clients.", totals.outPackets());
        sb.append("# HELP ippvs_dropped_packets_total Packets the director dropped, by reason.\n");
        sb.append("# TYPE ippvs_dropped_packets_total counter\n");
        for (DropReason r : DropReason.values()) {
            sb.append("ippvs_dropped_packets_total{reason=\"").append(r.name().toLowerCase(Locale.ROOT)).append("\"} ")
                    .append(Long.toUnsignedString(drops.applyAsLong(r))).append('\n');
        }
        return sb.toString();
    }

    /**
     * The sync daemons' counters: datagrams and entries sent and received, entries installed and
     * lost to a full queue, drops by reason; each labelled with the daemon's role and sync id.
     */
    public static String sync(List<SyncDaemon> daemons) {
        if (daemons.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        syncFamily(sb, "ippvs_sync_entries_installed_total", "Received sync entries installed in the table.", daemons,
                SyncCounters::entriesInstalled);
        syncFamily(sb, "ippvs_sync_entries_lost_total", "Sync entries lost to a full hand-off queue.", daemons,
                SyncCounters::entriesLost);
        syncFamily(sb, "ippvs_sync_entries_received_total", "Sync entries received in accepted datagrams.", daemons,
                SyncCounters::entriesReceived);
        syncFamily(sb, "ippvs_sync_entries_sent_total", "Sync entries sent.", daemons, SyncCounters::entriesSent);
        sb.append("# HELP ippvs_sync_dropped_total Sync datagrams (message reasons) or entries dropped, by reason.\n");
        sb.append("# TYPE ippvs_sync_dropped_total counter\n");
        for (SyncDaemon d : daemons) {
            for (SyncDrop r : SyncDrop.values()) {
                sb.append("ippvs_sync_dropped_total{").append(syncLabels(d)).append(",reason=\"").append(r.label())
                        .append("\"} ").append(d.counters().dropped(r)).append('\n');
            }
        }
        syncFamily(sb, "ippvs_sync_messages_received_total", "Sync datagrams received.", daemons,
                SyncCounters::messagesReceived);
        syncFamily(sb, "ippvs_sync_messages_sent_total", "Sync datagrams sent.", daemons, SyncCounters::messagesSent);
        syncFamily(sb, "ippvs_sync_send_errors_total", "Sync datagrams that could not be sent.", daemons,
                SyncCounters::sendErrors);
        return sb.toString();
    }

    private static void syncFamily(StringBuilder sb, String name, String help, List<SyncDaemon> daemons,
            ToLongFunction<SyncCounters> value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" counter\n");
        for (SyncDaemon d : daemons) {
            sb.append(name).append('{').append(syncLabels(d)).append("} ").append(value.applyAsLong(d.counters()))
                    .append('\n');
        }
    }

    private static String syncLabels(SyncDaemon d) {
        return "role=\"" + d.role().word() + "\",syncid=\"" + d.config().syncId() + "\"";
    }

    private static void counter(StringBuilder sb, String name, String help, long value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" counter\n");
        sb.append(name).append(' ').append(Long.toUnsignedString(value)).append('\n');
    }

    private static void gauge(StringBuilder sb, String name, String help, List<Backend> backends, ToIntFunction<RealServer> value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" gauge\n");
        for (Backend b : backends) {
            sb.append(name).append('{');
            b.labels(sb);
            sb.append("} ").append(value.applyAsInt(b.server)).append('\n');
        }
    }

    /**
     * Appends the labels node_exporter gives one real server of one service, without braces
     * ({@code local_address="10.0.0.1",local_mark="",local_port="80",proto="TCP",remote_address="192.168.1.10",remote_port="80"}),
     * so that other modules' metrics about the same server (health checks) join these series.
     */
    public static StringBuilder appendBackendLabels(StringBuilder sb, ServiceKey service, int family, long high, long low,
            int port) {
        new Backend(service, family, high, low, port, null).labels(sb);
        return sb;
    }

    /** Label values escape backslash, double quote and newline. */
    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** The label values of one real server. */
    private static final class Backend {
        final String localAddress;
        final String localMark;
        final String localPort;
        final String proto;
        final String remoteAddress;
        final String remotePort;
        final RealServer server;

        Backend(ServiceKey k, RealServer r) {
            this(k, r.addressFamily(), r.addressHigh(), r.addressLow(), r.port(), r);
        }

        Backend(ServiceKey k, int family, long high, long low, int port, RealServer r) {
            this.server = r;
            if (k.isFwmark()) {
                localAddress = "";
                localMark = String.format(Locale.ROOT, "%08X", k.fwmark());
                proto = "FWM";
            } else {
                localAddress = Names.address(k.addressFamily(), k.addressHigh(), k.addressLow());
                localMark = "";
                proto = k.protocol().label();
            }
            localPort = Integer.toString(k.port());
            remoteAddress = Names.address(family, high, low);
            remotePort = Integer.toString(port);
        }

        void labels(StringBuilder sb) {
            sb.append("local_address=\"").append(escape(localAddress))
                    .append("\",local_mark=\"").append(escape(localMark))
                    .append("\",local_port=\"").append(localPort)
                    .append("\",proto=\"").append(proto)
                    .append("\",remote_address=\"").append(escape(remoteAddress))
                    .append("\",remote_port=\"").append(remotePort).append('"');
        }
    }
}
