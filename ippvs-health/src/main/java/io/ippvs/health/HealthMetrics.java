package io.ippvs.health;

import io.ippvs.api.RealServerConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.core.admin.PrometheusText;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The health checks' metrics in the Prometheus text format (0.0.4). Real servers carry
 * node_exporter's IPVS backend labels ({@link PrometheusText#appendBackendLabels}), so a dashboard
 * can join {@code ippvs_real_server_up} with {@code node_ipvs_backend_weight}; families come in name
 * order and samples in label order, as client_golang writes them.
 */
final class HealthMetrics {

    private HealthMetrics() {}

    static String format(List<ServiceState> services) {
        List<String> probes = new ArrayList<>();
        List<String> transitions = new ArrayList<>();
        List<String> up = new ArrayList<>();
        List<String> quorum = new ArrayList<>();
        for (ServiceState s : services) {
            ServiceKey k = s.config.key();
            for (ServerState r : s.servers) {
                String labels = labels(k, r.config.config());
                // one series per checker kind: checks of one kind on several ports add up
                Map<String, long[]> byChecker = new TreeMap<>();
                for (CheckState c : r.checks) {
                    long[] n = byChecker.computeIfAbsent(c.config.checker().name(), x -> new long[2]);
                    n[0] += c.failures;
                    n[1] += c.successes;
                }
                for (Map.Entry<String, long[]> e : byChecker.entrySet()) {
                    String checker = escape(e.getKey());
                    probes.add(labels + ",checker=\"" + checker + "\",result=\"failure\"} " + e.getValue()[0]);
                    probes.add(labels + ",checker=\"" + checker + "\",result=\"success\"} " + e.getValue()[1]);
                }
                transitions.add(labels + ",to=\"down\"} " + r.downs);
                transitions.add(labels + ",to=\"up\"} " + r.ups);
                up.add(labels + "} " + (r.alive ? 1 : 0));
            }
            if (!s.servers.isEmpty() || s.config.sorryServer() != null) {
                String full = labels(k, s.servers.isEmpty() ? s.config.sorryServer() : s.servers.get(0).config.config());
                // the service's own labels are the backend labels up to the remote ones
                quorum.add(full.substring(0, full.indexOf(",remote_address=")) + "} " + (s.quorumUp ? 1 : 0));
            }
        }
        StringBuilder sb = new StringBuilder();
        family(sb, "ippvs_health_checks_total", "counter", "Health-check probes run, by checker and result.", probes);
        family(sb, "ippvs_real_server_transitions_total", "counter",
                "Times the health checks took a real server down or brought it up.", transitions);
        family(sb, "ippvs_real_server_up", "gauge", "Whether the health checks hold the real server up (1) or down (0).", up);
        family(sb, "ippvs_virtual_service_quorum_up", "gauge",
                "Whether the virtual service has its quorum of live real-server weight (1) or not (0).", quorum);
        return sb.toString();
    }

    private static String labels(ServiceKey k, RealServerConfig r) {
        return PrometheusText.appendBackendLabels(new StringBuilder("{"), k, r.addressFamily(), r.addressHigh(),
                r.addressLow(), r.port()).toString();
    }

    private static void family(StringBuilder sb, String name, String type, String help, List<String> samples) {
        Collections.sort(samples);
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        for (String s : samples) {
            sb.append(name).append(s).append('\n');
        }
    }

    /** Label values escape backslash, double quote and newline (the exposition format's rule). */
    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
