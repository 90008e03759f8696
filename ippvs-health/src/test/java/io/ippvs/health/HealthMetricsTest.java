package io.ippvs.health;

import static io.ippvs.health.Fixture.SERVICE;
import static io.ippvs.health.Fixture.loopback;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exposition text: families in name order, samples in label order, node_exporter's backend labels. */
class HealthMetricsTest {

    @Test
    void textIsTheExpositionFormatWithTheBackendLabels() {
        CheckConfig tcp = CheckConfig.builder(HealthCheckers.tcp()).delayLoop(Duration.ofSeconds(1)).build();
        ServiceState s = new ServiceState(CheckedService.builder(SERVICE)
                .realServer(CheckedRealServer.builder(loopback(8081, 1)).check(tcp).build())
                .realServer(CheckedRealServer.builder(loopback(8080, 1)).check(tcp).build()).build());
        ServerState down = s.servers.get(0);
        down.alive = false;
        down.downs = 1;
        down.checks.get(0).failures = 3;
        down.checks.get(0).successes = 7;
        s.servers.get(1).checks.get(0).successes = 10;
        String l8080 = "{local_address=\"10.0.0.100\",local_mark=\"\",local_port=\"80\",proto=\"TCP\","
                + "remote_address=\"127.0.0.1\",remote_port=\"8080\"";
        String l8081 = l8080.replace("8080", "8081");
        assertThat(HealthMetrics.format(List.of(s))).isEqualTo(String.join("\n",
                "# HELP ippvs_health_checks_total Health-check probes run, by checker and result.",
                "# TYPE ippvs_health_checks_total counter",
                "ippvs_health_checks_total" + l8080 + ",checker=\"TCP_CHECK\",result=\"failure\"} 0",
                "ippvs_health_checks_total" + l8080 + ",checker=\"TCP_CHECK\",result=\"success\"} 10",
                "ippvs_health_checks_total" + l8081 + ",checker=\"TCP_CHECK\",result=\"failure\"} 3",
                "ippvs_health_checks_total" + l8081 + ",checker=\"TCP_CHECK\",result=\"success\"} 7",
                "# HELP ippvs_real_server_transitions_total Times the health checks took a real server down or brought it up.",
                "# TYPE ippvs_real_server_transitions_total counter",
                "ippvs_real_server_transitions_total" + l8080 + ",to=\"down\"} 0",
                "ippvs_real_server_transitions_total" + l8080 + ",to=\"up\"} 0",
                "ippvs_real_server_transitions_total" + l8081 + ",to=\"down\"} 1",
                "ippvs_real_server_transitions_total" + l8081 + ",to=\"up\"} 0",
                "# HELP ippvs_real_server_up Whether the health checks hold the real server up (1) or down (0).",
                "# TYPE ippvs_real_server_up gauge",
                "ippvs_real_server_up" + l8080 + "} 1",
                "ippvs_real_server_up" + l8081 + "} 0",
                "# HELP ippvs_virtual_service_quorum_up Whether the virtual service has its quorum of live real-server weight (1) or not (0).",
                "# TYPE ippvs_virtual_service_quorum_up gauge",
                "ippvs_virtual_service_quorum_up{local_address=\"10.0.0.100\",local_mark=\"\",local_port=\"80\",proto=\"TCP\"} 1",
                ""));
    }
}
