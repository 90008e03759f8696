package io.ippvs.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * keepalived.conf into the builders' objects. Defaults and inheritance are keepalived's
 * ({@code check_data.c}: checker values come from the real server, then the virtual server;
 * {@code check_api.c queue_checker}: retry 1, delay_before_retry 1 s; {@code check_http.c}: 3 s
 * for HTTP_GET, status codes 200-299; {@code check_misc.c}: retry 0).
 */
class KeepalivedConfigTest {

    private static InetAddress ip(String s) {
        return Fixture.address(s);
    }

    private static RealServerConfig nat(String address, int weight) {
        return RealServerConfig.builder(ip(address), 8080).forwardingMethod(ForwardingMethod.MASQUERADE).weight(weight).build();
    }

    @Test
    void the1998TopologyParsesIntoTheBuildersConfiguration() throws Exception {
        Path file = Path.of(getClass().getResource("/keepalived/lvs-1998.conf").toURI());
        HealthConfig parsed = KeepalivedConfig.parse(file);

        Duration six = Duration.ofSeconds(6);
        ServiceKey k10 = ServiceKey.of(Protocol.TCP, ip("203.1.1.10"), 8080);
        CheckedService vs10 = CheckedService.builder(ServiceConfig.builder(k10).scheduler("wlc").persistent(50).build())
                .quorum(2).hysteresis(1).sorryServer(nat("10.1.1.9", 1), true)
                .realServer(CheckedRealServer.builder(nat("10.1.1.1", 1)).check(CheckConfig.builder(HealthCheckers.tcp())
                        .delayLoop(six).connectTimeout(Duration.ofSeconds(3)).retry(3)
                        .delayBeforeRetry(Duration.ofSeconds(2)).warmup(six).build()).build())
                .realServer(CheckedRealServer.builder(nat("10.1.1.2", 2)).inhibitOnFailure(true)
                        .check(CheckConfig.builder(HealthCheckers.tcp()).delayLoop(six).connectPort(8081)
                                .connectTimeout(Duration.ofSeconds(3)).retry(1).delayBeforeRetry(Duration.ofSeconds(1))
                                .warmup(six).build()).build())
                .realServer(CheckedRealServer.builder(nat("10.1.1.3", 3)).check(CheckConfig.builder(HttpGetCheck.http()
                        .url(HttpGetCheck.Url.of("/index.html", List.of("200-299", "302"), "9e107d9d372bb6826bd81d3542a419d6", null))
                        .url("/health").virtualhost("www.example.com").build())
                        .delayLoop(six).connectTimeout(Duration.ofSeconds(2)).retry(1)
                        .delayBeforeRetry(Duration.ofSeconds(3)).warmup(six).build()).build())
                .build();

        Duration half = Duration.ofMillis(500);
        ServiceKey k11 = ServiceKey.of(Protocol.TCP, ip("203.1.1.11"), 8080);
        CheckedService vs11 = CheckedService.builder(ServiceConfig.builder(k11).scheduler("rr").build())
                .realServer(CheckedRealServer.builder(nat("10.1.1.4", 1)).check(CheckConfig.builder(
                        MiscCheck.of(List.of("/usr/local/bin/check_app", "10.1.1.4"), Duration.ofSeconds(5), true))
                        .delayLoop(half).retry(0).delayBeforeRetry(Duration.ofSeconds(1)).warmup(half).alpha(true).build())
                        .build())
                .realServer(CheckedRealServer.builder(nat("10.1.1.5", 1)).check(CheckConfig.builder(HealthCheckers.tcp())
                        .delayLoop(half).warmup(Duration.ZERO).alpha(true).build()).build())
                .realServer(CheckedRealServer.builder(nat("10.1.1.6", 1)).check(CheckConfig.builder(UdpCheck.builder()
                        .payload(new byte[] {1, 2}).requireReply(new byte[] {1, 2}, null).build())
                        .delayLoop(Duration.ofSeconds(2)).connectPort(53).warmup(Duration.ofSeconds(2)).alpha(true).build())
                        .build())
                .build();

        assertThat(parsed).isEqualTo(HealthConfig.of(vs10, vs11));
        // and the defaults the parser filled in are keepalived's
        CheckConfig udp = parsed.services().get(1).realServers().get(2).checks().get(0);
        assertThat(udp.retry()).isEqualTo(1);
        assertThat(udp.delayBeforeRetry()).isEqualTo(Duration.ofSeconds(1));
        assertThat(udp.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(parsed.services().get(0).realServers().get(2).checks().get(0).delayBeforeRetry()).isEqualTo(Duration.ofSeconds(3));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("unsupported keyword", "virtual_server 10.0.0.1 80 {\n  lb_algo rr\n  notify_up /bin/true\n}\n",
                        3, "unsupported keyword 'notify_up' in virtual_server"),
                Arguments.of("unclosed block", "virtual_server 10.0.0.1 80 {\n  real_server 10.0.0.2 80 {\n    weight 1\n}\n",
                        1, "never closed"),
                Arguments.of("stray brace", "virtual_server 10.0.0.1 80 {\n}\n}\n", 3, "'}' closes no block"),
                Arguments.of("bad address", "virtual_server 10.0.0.1 80 {\n  real_server 10.0.0.300 80 {\n  }\n}\n",
                        2, "'10.0.0.300' is not an IPv4 or IPv6 address"),
                Arguments.of("bad port", "virtual_server 10.0.0.1 99999 {\n}\n", 1, "'99999' is not a whole number within 0..65535"),
                Arguments.of("bad time", "virtual_server 10.0.0.1 80 {\n  delay_loop soon\n}\n", 2,
                        "delay_loop: 'soon' is not a time in seconds"),
                Arguments.of("bad lb_kind", "virtual_server 10.0.0.1 80 {\n  lb_kind BRIDGE\n}\n", 2, "'BRIDGE' is not NAT, DR or TUN"),
                Arguments.of("short digest", "virtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 {\n  HTTP_GET {\n"
                        + "   url {\n    path /\n    digest abc\n   }\n  }\n }\n}\n", 4, "digest: 'abc' must be 32 hex digits"),
                Arguments.of("status out of range", "virtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 {\n  HTTP_GET {\n"
                        + "   url {\n    path /\n    status_code 200-700\n   }\n  }\n }\n}\n", 6, "status_code: '200-700'"),
                Arguments.of("real_server outside", "real_server 10.0.0.2 80 {\n}\n", 1,
                        "unsupported keyword 'real_server' at the top level"),
                Arguments.of("hysteresis too big", "virtual_server 10.0.0.1 80 {\n  quorum 2\n  hysteresis 2\n"
                        + "  real_server 10.0.0.2 80 {\n weight 5\n }\n}\n", 1, "hysteresis: 2 must be below quorum 2"),
                Arguments.of("misc without path", "virtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 {\n  MISC_CHECK {\n"
                        + "   misc_timeout 3\n  }\n }\n}\n", 3, "misc_path is missing"),
                Arguments.of("HTTP_GET without url", "virtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 {\n"
                        + "  HTTP_GET {\n   connect_timeout 3\n  }\n }\n}\n", 3, "HTTP_GET needs at least one url"),
                Arguments.of("connect_ip on MISC_CHECK", "virtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 {\n"
                        + "  MISC_CHECK {\n   misc_path /bin/true\n   connect_ip 10.0.0.3\n  }\n }\n}\n", 5,
                        "unsupported keyword 'connect_ip' in MISC_CHECK"),
                Arguments.of("value missing", "virtual_server 10.0.0.1 80 {\n  lb_algo\n}\n", 2, "lb_algo: expected one value, got none"),
                Arguments.of("unknown checker", "virtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 {\n  SMTP_CHECK {\n  }\n }\n}\n",
                        3, "unsupported keyword 'SMTP_CHECK' in real_server"),
                Arguments.of("ops on TCP", "virtual_server 10.0.0.1 53 {\n  protocol TCP\n  ops\n}\n", 3, "onePacket"),
                Arguments.of("include", "include /etc/keepalived/other.conf\n", 1, "unsupported keyword 'include'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void aMalformedFileNamesItsLine(String name, String text, int line, String message) {
        assertThatThrownBy(() -> KeepalivedConfig.parse(text, "bad.conf"))
                .isInstanceOfSatisfying(KeepalivedConfigException.class, e -> {
                    assertThat(e.line()).as(e.getMessage()).isEqualTo(line);
                    assertThat(e.file()).isEqualTo("bad.conf");
                })
                .hasMessageStartingWith("bad.conf:" + line + ": ")
                .hasMessageContaining(message);
    }

    @Test
    void vrrpBlocksAreSkippedAndTimesTakeDecimals() {
        HealthConfig c = KeepalivedConfig.parse("vrrp_instance VI_1 {\n state MASTER\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n"
                + "virtual_server fwmark 7 {\n delay_loop 0.25\n lb_kind DR\n persistence_timeout\n"
                + " persistence_granularity 255.255.255.0\n real_server 10.0.0.2 {\n  TCP_CHECK {\n   connect_port 80\n"
                + "   alpha off\n  }\n }\n}\n", "mixed.conf");
        CheckedService s = c.services().get(0);
        assertThat(s.key().fwmark()).isEqualTo(7);
        assertThat(s.config().persistenceTimeout()).isEqualTo(ServiceConfig.DEFAULT_PERSISTENCE_TIMEOUT);
        assertThat(s.config().persistenceNetmask()).isEqualTo(24);
        assertThat(s.realServers().get(0).config().forwardingMethod()).isEqualTo(ForwardingMethod.DIRECT_ROUTE);
        CheckConfig check = s.realServers().get(0).checks().get(0);
        assertThat(check.delayLoop()).isEqualTo(Duration.ofMillis(250));
        assertThat(check.connectPort()).isEqualTo(80);
        assertThat(check.alpha()).isFalse();
    }

    @Provide
    Arbitrary<String> statements() {
        Arbitrary<String> word = Arbitraries.of("weight", "TCP_CHECK", "HTTP_GET", "UDP_CHECK", "MISC_CHECK", "url", "path",
                "digest", "status_code", "connect_port", "connect_timeout", "retry", "delay_loop", "misc_path", "misc_dynamic",
                "payload", "require_reply", "alpha", "inhibit_on_failure", "{", "}", "\"", "1", "0.5", "-1", "200-299",
                "/x", "65536", "10.0.0.3", "yes", "#", "9e107d9d372bb6826bd81d3542a419d6", "\n");
        return word.list().ofMaxSize(40).map(l -> String.join(" ", l));
    }

    /** keepalived's own words in any order: they parse or fail with a line inside the text, never otherwise. */
    @Property(tries = 3000)
    void keywordSoupParsesOrNamesALine(@ForAll("statements") String soup) {
        anyTextParsesOrNamesALine(soup);
    }

    /** Any text either parses or fails with a line inside the text: never another exception. */
    @Property(tries = 2000)
    void anyTextParsesOrNamesALine(@ForAll @StringLength(max = 200) String junk) {
        String text = "virtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 {\n" + junk + "\n }\n}\n";
        try {
            KeepalivedConfig.parse(text, "fuzz.conf");
        } catch (KeepalivedConfigException e) {
            assertThat(e.line()).isBetween(1, (int) text.lines().count());
        }
    }
}
