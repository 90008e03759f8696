package io.ippvs.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.core.admin.Ipvsadm;
import io.ippvs.core.director.Director;
import io.ippvs.nat.NatRewriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code --metrics}: the Prometheus text over HTTP as a scraper expects it. */
class MetricsServerTest {

    @Test
    void servesTheDirectorsCountersAsPrometheusText() throws Exception {
        Director director = Director.builder().rewriter(NatRewriter.builder().build()).build();
        Ipvsadm ipvsadm = Ipvsadm.forDirector(director);
        ipvsadm.execute("-A -t 203.1.1.10:8080 -s rr");
        ipvsadm.execute("-a -t 203.1.1.10:8080 -r 10.1.1.1:8080 -m -w 3");
        try (MetricsServer server = MetricsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                ipvsadm::metrics)) {
            HttpClient http = HttpClient.newHttpClient();
            URI base = URI.create("http://127.0.0.1:" + server.address().getPort());
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
            assertThat(r.body()).isEqualTo(ipvsadm.metrics());
            assertThat(r.body()).contains("node_ipvs_backend_weight{local_address=\"203.1.1.10\",local_mark=\"\","
                    + "local_port=\"8080\",proto=\"TCP\",remote_address=\"10.1.1.1\",remote_port=\"8080\"} 3\n");
            assertWellFormed(r.body());

            ipvsadm.execute("-e -t 203.1.1.10:8080 -r 10.1.1.1:8080 -m -w 0");
            String again = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(again).as("rendered per scrape").contains("remote_port=\"8080\"} 0\n");

            assertThat(http.send(HttpRequest.newBuilder(base.resolve("/other")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
            assertThat(http.send(HttpRequest.newBuilder(base.resolve("/metrics"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
        }
    }

    /**
     * The exposition format's rules, checked line by line: each family has one HELP then one TYPE
     * line before its first sample, samples are {@code name{labels} value}, a family is never split.
     */
    private static void assertWellFormed(String text) {
        assertThat(text).endsWith("\n");
        Set<String> seen = new HashSet<>();
        String family = null;
        boolean typed = false;
        for (String line : List.of(text.split("\n"))) {
            if (line.startsWith("# HELP ")) {
                family = line.split(" ")[2];
                assertThat(seen.add(family)).as("family %s once", family).isTrue();
                typed = false;
            } else if (line.startsWith("# TYPE ")) {
                String[] w = line.split(" ");
                assertThat(w[2]).isEqualTo(family);
                assertThat(w[3]).isIn("counter", "gauge");
                typed = true;
            } else {
                assertThat(typed).as("TYPE before the sample '%s'", line).isTrue();
                assertThat(line).matches("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\",?)*})? \\d+");
                assertThat(line).startsWith(family);
            }
        }
    }
}
