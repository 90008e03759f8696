package io.ippvs.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.InetAddresses;
import io.ippvs.api.Configuration;
import io.ippvs.api.DropReason;
import io.ippvs.api.Protocol;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.Stats;
import io.ippvs.api.VirtualService;
import io.ippvs.core.admin.Fakes.FakeTarget;
import java.util.List;
import org.junit.jupiter.api.Test;

class IpvsadmTest {

    private static final ServiceKey TCP80 = ServiceKey.of(Protocol.TCP, InetAddresses.forString("10.0.0.1"), 80);

    private final FakeTarget target = new FakeTarget();
    private final Ipvsadm ipvsadm = Ipvsadm.builder(target).build();

    @Test
    void eachConfigurationCommandIsOneAtomicConfigure() {
        assertThat(ipvsadm.execute("-A -t 10.0.0.1:80")).isEmpty();
        assertThat(ipvsadm.execute(List.of("ipvsadm", "-a", "-t", "10.0.0.1:80", "-r", "192.168.1.10", "-m"))).isEmpty();
        assertThat(target.configureCalls).isEqualTo(2);
        assertThat(target.configuration.service(TCP80).realServers()).hasSize(1);
    }

    @Test
    void restoreAppliesTheWholeInputOnceOrNothing() {
        ipvsadm.execute("-A -f 1");
        Configuration before = target.configuration;
        assertThatThrownBy(() -> ipvsadm.execute("-R", "-A -t 10.0.0.1:80\n-a -t 10.0.0.1:80 -r 1.2.3.4 -w 99999\n"))
                .isInstanceOf(RulesFileException.class).hasMessage("<stdin>:2: weight: '99999' is not a number in 0..65535");
        assertThat(target.configuration).isSameAs(before);
        ipvsadm.execute("--restore", "-A -t 10.0.0.1:80\n-a -t 10.0.0.1:80 -r 1.2.3.4\n");
        assertThat(target.configuration.services()).hasSize(2);
        assertThat(target.configureCalls).isEqualTo(2);
        assertThatThrownBy(() -> ipvsadm.restore("/etc/ippvs.rules", "-D -t 10.0.0.9:80"))
                .hasMessage("/etc/ippvs.rules:1: service: No such service (TCP 10.0.0.9:80)");
        ipvsadm.execute("-R");
        assertThat(target.configureCalls).isEqualTo(3);
    }

    @Test
    void aRefusalByTheDirectorChangesNothing() {
        IpvsadmTarget refusing = new FakeTarget() {
            @Override
            public void configure(Configuration next) {
                throw new IllegalArgumentException("scheduler: no scheduler named 'rr' is registered");
            }
        };
        Ipvsadm a = Ipvsadm.builder(refusing).build();
        assertThatThrownBy(() -> a.execute("-A -t 10.0.0.1:80 -s rr")).hasMessageStartingWith("scheduler:");
        assertThat(refusing.configuration()).isEqualTo(Configuration.EMPTY);
    }

    @Test
    void zero() {
        ipvsadm.execute("-A -t 10.0.0.1:80");
        ipvsadm.execute("-Z");
        assertThat(target.zeroCalls).isEqualTo(1);
        ipvsadm.execute("--zero --tcp-service 10.0.0.1:80");
        assertThat(target.zeroedService).isEqualTo(TCP80);
        assertThatThrownBy(() -> ipvsadm.execute("-Z -t 10.0.0.2:80")).hasMessage("service: No such service (TCP 10.0.0.2:80)");
        IpvsadmTarget allOrNothing = new IpvsadmTarget() {
            @Override
            public Configuration configuration() {
                return target.configuration;
            }

            @Override
            public void configure(Configuration next) {}

            @Override
            public List<VirtualService> services() {
                return target.services();
            }

            @Override
            public Stats totals() {
                return Fakes.FakeStats.ZERO;
            }

            @Override
            public List<ConnectionRow> connections() {
                return List.of();
            }

            @Override
            public void zeroCounters() {}

            @Override
            public long drops(DropReason reason) {
                return 0;
            }
        };
        assertThatThrownBy(() -> Ipvsadm.builder(allOrNothing).build().execute("-Z -t 10.0.0.1:80")).hasMessageStartingWith("zero:");
    }

    @Test
    void listingAMissingServiceIsAnError() {
        assertThatThrownBy(() -> ipvsadm.execute("-L -n -t 10.0.0.1:80")).hasMessage("service: No such service (TCP 10.0.0.1:80)");
    }

    @Test
    void daemonListingIsEmptyAndConnectionsMayBeNone() {
        assertThat(ipvsadm.execute("-L --daemon")).isEmpty();
        assertThat(ipvsadm.execute("-L -c -n")).isEqualTo("IPVS connection entries\n"
                + "pro expire state       source             virtual            destination\n");
    }

    /**
     * The ippfvsadm 0.5 (1998) form stays accepted as our own extension. ipvsadm 1.31 rejects it:
     * in parse_options -R is a command, and a command after -A falls to the option loop's default,
     * "invalid option `-R'". The help text says the form is ours.
     */
    @Test
    void legacyFormThroughExecute() {
        ipvsadm.execute("-A -t 203.1.1.10:8080 -R 10.1.1.1:8080");
        ipvsadm.execute("-A -t 203.1.1.10:8080 -R 10.1.1.2:8080");
        assertThat(ipvsadm.execute("-S -n")).isEqualTo("-A -t 203.1.1.10:8080 -s wlc\n"
                + "-a -t 203.1.1.10:8080 -r 10.1.1.1:8080 -m -w 1\n-a -t 203.1.1.10:8080 -r 10.1.1.2:8080 -m -w 1\n");
        ipvsadm.execute("-D -t 203.1.1.10:8080 -R 10.1.1.1:8080");
        assertThat(ipvsadm.execute("-S -n")).isEqualTo("-A -t 203.1.1.10:8080 -s wlc\n"
                + "-a -t 203.1.1.10:8080 -r 10.1.1.2:8080 -m -w 1\n");
        assertThat(ipvsadm.execute("-h")).contains("the 1998 ippfvsadm 0.5 form")
                .contains("an ippvs extension, ipvsadm 1.31 rejects it");
    }

    @Test
    void helpAndVersion() {
        assertThat(ipvsadm.execute("-h")).startsWith("Commands (ipvsadm 1.31):\n").contains("--set tcp tcpfin udp");
        assertThat(ipvsadm.execute("--help")).isEqualTo(ipvsadm.execute("-h"));
        assertThat(ipvsadm.execute("--version")).contains("IPVS 1.2.1");
        assertThat(ipvsadm.execute("-v")).isEqualTo(ipvsadm.execute("--version"));
        assertThatThrownBy(() -> ipvsadm.execute("-h -n")).hasMessageStartingWith("numeric: -n (--numeric) is not valid with -h");
        assertThat(target.configureCalls).isZero();
    }

    @Test
    void builderValidates() {
        assertThatThrownBy(() -> Ipvsadm.builder(null)).hasMessageStartingWith("target:");
        assertThatThrownBy(() -> Ipvsadm.builder(target).hostResolver(null)).hasMessageStartingWith("hostResolver:");
        assertThatThrownBy(() -> Ipvsadm.builder(target).schedulers(null)).hasMessageStartingWith("schedulers:");
        assertThatThrownBy(() -> Ipvsadm.builder(target).tableSize(0)).hasMessageStartingWith("tableSize:");
        assertThatThrownBy(() -> HostResolver.NUMERIC_ONLY.resolve("x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(HostResolver.system().resolve("127.0.0.1").getHostAddress()).isEqualTo("127.0.0.1");
        assertThatThrownBy(() -> ipvsadm.execute((String) null)).hasMessageStartingWith("command line:");
        assertThatThrownBy(() -> ipvsadm.execute(java.util.Arrays.asList("-L", null))).hasMessageStartingWith("command line:");
        assertThatThrownBy(() -> ipvsadm.restore("f", null)).hasMessageStartingWith("rules:");
        assertThat(ipvsadm.execute("-C", null)).isEmpty();
        assertThatThrownBy(() -> new ConnectionRow(null, "NONE", 0, null, 0, null, 0, null, 0)).hasMessageStartingWith("connection:");
    }
}
