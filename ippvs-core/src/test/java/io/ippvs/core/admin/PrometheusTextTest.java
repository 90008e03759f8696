package io.ippvs.core.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import io.ippvs.api.DropReason;
import io.ippvs.api.Protocol;
import io.ippvs.api.ServiceKey;
import io.ippvs.core.admin.Fakes.FakeStats;
import io.ippvs.core.admin.Fakes.FakeTarget;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    private static final String LABELS_FWM = "{local_address=\"\",local_mark=\"0000000A\",local_port=\"0\",proto=\"FWM\","
            + "remote_address=\"192.168.1.30\",remote_port=\"0\"}";
    private static final String LABELS_10 = "{local_address=\"10.0.0.1\",local_mark=\"\",local_port=\"80\",proto=\"TCP\","
            + "remote_address=\"192.168.1.10\",remote_port=\"80\"}";
    private static final String LABELS_9 = "{local_address=\"10.0.0.1\",local_mark=\"\",local_port=\"80\",proto=\"TCP\","
            + "remote_address=\"192.168.1.9\",remote_port=\"8080\"}";
    private static final String LABELS_V6 = "{local_address=\"2001:db8::1\",local_mark=\"\",local_port=\"443\",proto=\"TCP\","
            + "remote_address=\"2001:db8::10\",remote_port=\"443\"}";

    @Test
    void nodeExporterNamesAndLabelsPlusDropReasons() {
        FakeTarget t = new FakeTarget();
        Ipvsadm ipvsadm = Ipvsadm.builder(t).build();
        ipvsadm.restore("rules", "-A -t 10.0.0.1:80\n"
                + "-a -t 10.0.0.1:80 -r 192.168.1.9:8080 -m -w 3\n"
                + "-a -t 10.0.0.1:80 -r 192.168.1.10:80 -m\n"
                + "-A -t [2001:db8::1]:443\n"
                + "-a -t [2001:db8::1]:443 -r [2001:db8::10]:443 -w 5\n"
                + "-A -f 10 -s rr\n"
                + "-a -f 10 -r 192.168.1.30 -w 2\n");
        ServiceKey k = ServiceKey.of(Protocol.TCP, InetAddresses.forString("10.0.0.1"), 80);
        t.live(k, "192.168.1.10:80", 3, 12, 0, FakeStats.ZERO);
        t.live(k, "192.168.1.9:8080", 0, 1, 0, FakeStats.ZERO);
        t.totals = FakeStats.counters(100, 2000, 1500, 300000, 250000);
        t.drops.put(DropReason.MALFORMED, 4L);
        t.drops.put(DropReason.TABLE_FULL, 7L);

        assertThat(ipvsadm.metrics()).isEqualTo(""
                + "# HELP node_ipvs_backend_connections_active Active connections per virtual service and real server.\n"
                + "# TYPE node_ipvs_backend_connections_active gauge\n"
                + "node_ipvs_backend_connections_active" + LABELS_FWM + " 0\n"
                + "node_ipvs_backend_connections_active" + LABELS_10 + " 3\n"
                + "node_ipvs_backend_connections_active" + LABELS_9 + " 0\n"
                + "node_ipvs_backend_connections_active" + LABELS_V6 + " 0\n"
                + "# HELP node_ipvs_backend_connections_inactive Inactive connections per virtual service and real server.\n"
                + "# TYPE node_ipvs_backend_connections_inactive gauge\n"
                + "node_ipvs_backend_connections_inactive" + LABELS_FWM + " 0\n"
                + "node_ipvs_backend_connections_inactive" + LABELS_10 + " 12\n"
                + "node_ipvs_backend_connections_inactive" + LABELS_9 + " 1\n"
                + "node_ipvs_backend_connections_inactive" + LABELS_V6 + " 0\n"
                + "# HELP node_ipvs_backend_weight Weight of each real server in its virtual service.\n"
                + "# TYPE node_ipvs_backend_weight gauge\n"
                + "node_ipvs_backend_weight" + LABELS_FWM + " 2\n"
                + "node_ipvs_backend_weight" + LABELS_10 + " 1\n"
                + "node_ipvs_backend_weight" + LABELS_9 + " 3\n"
                + "node_ipvs_backend_weight" + LABELS_V6 + " 5\n"
                + "# HELP node_ipvs_connections_total Connections scheduled since the counters were zeroed.\n"
                + "# TYPE node_ipvs_connections_total counter\n"
                + "node_ipvs_connections_total 100\n"
                + "# HELP node_ipvs_incoming_bytes_total Bytes received from clients.\n"
                + "# TYPE node_ipvs_incoming_bytes_total counter\n"
                + "node_ipvs_incoming_bytes_total 300000\n"
                + "# HELP node_ipvs_incoming_packets_total Packets received from clients.\n"
                + "# TYPE node_ipvs_incoming_packets_total counter\n"
                + "node_ipvs_incoming_packets_total 2000\n"
                + "# HELP node_ipvs_outgoing_bytes_total Bytes sent back to clients.\n"
                + "# TYPE node_ipvs_outgoing_bytes_total counter\n"
                + "node_ipvs_outgoing_bytes_total 250000\n"
                + "# HELP node_ipvs_outgoing_packets_total Packets sent back to clients.\n"
                + "# TYPE node_ipvs_outgoing_packets_total counter\n"
                + "node_ipvs_outgoing_packets_total 1500\n"
                + "# HELP ippvs_dropped_packets_total Packets the director dropped, by reason.\n"
                + "# TYPE ippvs_dropped_packets_total counter\n"
                + "ippvs_dropped_packets_total{reason=\"malformed\"} 4\n"
                + "ippvs_dropped_packets_total{reason=\"truncated\"} 0\n"
                + "ippvs_dropped_packets_total{reason=\"bad_checksum\"} 0\n"
                + "ippvs_dropped_packets_total{reason=\"no_connection\"} 0\n"
                + "ippvs_dropped_packets_total{reason=\"no_service\"} 0\n"
                + "ippvs_dropped_packets_total{reason=\"no_real_server\"} 0\n"
                + "ippvs_dropped_packets_total{reason=\"table_full\"} 7\n"
                + "ippvs_dropped_packets_total{reason=\"unmatched_icmp\"} 0\n"
                + "ippvs_dropped_packets_total{reason=\"fragment\"} 0\n"
                + "ippvs_dropped_packets_total{reason=\"ttl_expired\"} 0\n"
                + "ippvs_dropped_packets_total{reason=\"too_big\"} 0\n"
                + "ippvs_dropped_packets_total{reason=\"no_headroom\"} 0\n"
                + "ippvs_dropped_packets_total{reason=\"policy\"} 0\n"
                + "ippvs_dropped_packets_total{reason=\"unsupported\"} 0\n");
    }

    @Test
    void labelValuesAreEscaped() {
        assertThat(PrometheusText.escape("a\\b\"c\nd")).isEqualTo("a\\\\b\\\"c\\nd");
    }

    @Test
    void countersAreUnsigned() {
        FakeTarget t = new FakeTarget();
        t.totals = FakeStats.counters(-1, 0, 0, 0, 0);
        assertThat(Ipvsadm.builder(t).build().metrics()).contains("node_ipvs_connections_total 18446744073709551615\n");
    }
}
