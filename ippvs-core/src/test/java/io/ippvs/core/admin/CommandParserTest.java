package io.ippvs.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.InetAddresses;
import io.ippvs.api.Addresses;
import io.ippvs.api.Configuration;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.SchedulerFlag;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.TunnelChecksum;
import io.ippvs.api.TunnelType;
import java.net.InetAddress;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every ipvsadm command and option, what it sets, and its errors. */
class CommandParserTest {

    private static final CommandParser PARSER = new CommandParser(HostResolver.NUMERIC_ONLY, Ipvsadm.IPVS_SCHEDULERS::contains);
    private static final ServiceKey TCP80 = ServiceKey.of(Protocol.TCP, ip("10.0.0.1"), 80);
    private static final String BASE = "-A -t 10.0.0.1:80\n-a -t 10.0.0.1:80 -r 192.168.1.10:80 -m\n";

    static InetAddress ip(String s) {
        return InetAddresses.forString(s);
    }

    static Configuration apply(String rules) {
        return RulesFile.parse("test", rules).applyTo(Configuration.EMPTY);
    }

    static ServiceConfig service(String line) {
        Command c = PARSER.parse(line);
        return c.service;
    }

    static RealServerConfig server(String line) {
        return PARSER.parse(line).server;
    }

    @Test
    void addServiceDefaults() {
        ServiceConfig s = service("-A -t 10.0.0.1:80");
        assertThat(s).isEqualTo(ServiceConfig.builder(TCP80).build());
        assertThat(service("--add-service --tcp-service 10.0.0.1:80")).isEqualTo(s);
        assertThat(service("ipvsadm -A -t 10.0.0.1:80")).isEqualTo(s);
    }

    /**
     * ipvsadm.c: commands_v_options allows -M with -A/-E without -p, and parse_netmask takes any
     * dotted mask through inet_aton, contiguous or not; the kernel ANDs the client address with it.
     */
    @Test
    void netmaskWithoutPersistenceAndNonContiguousMasksAreAccepted() {
        ServiceConfig noP = service("-A -t 10.0.0.1:80 -M 255.255.255.0");
        assertThat(noP.persistent()).isFalse();
        assertThat(noP.persistenceNetmask()).isEqualTo(24);
        assertThat(noP.persistenceMask()).isEqualTo(0xFFFFFF00);
        ServiceConfig odd = service("-A -t 10.0.0.1:80 -p -M 255.0.255.0");
        assertThat(odd.persistenceMask()).isEqualTo(0xFF00FF00);
        assertThat(odd.persistenceNetmask()).isEqualTo(-1);
        assertThat(service("-A -t 10.0.0.1:80 -p -M 0.0.0.255").persistenceMask()).isEqualTo(0xFF);
    }

    @Test
    void everyServiceOptionShortAndLong() {
        ServiceConfig expected = ServiceConfig.builder(ServiceKey.of(Protocol.UDP, ip("10.0.0.1"), 53)).scheduler("sh")
                .schedulerFlags(EnumSet.of(SchedulerFlag.FLAG_1, SchedulerFlag.FLAG_2)).persistent(300).persistenceNetmask(24)
                .onePacket(true).build();
        assertThat(service("-A -u 10.0.0.1:53 -s sh -b sh-fallback,sh-port -p 300 -M 255.255.255.0 -o")).isEqualTo(expected);
        assertThat(service("--add-service --udp-service 10.0.0.1:53 --scheduler sh --sched-flags sh-port,sh-fallback"
                + " --persistent 300 --netmask 255.255.255.0 --ops")).isEqualTo(expected);
        assertThat(service("-A -u10.0.0.1:53 -ssh -bsh-port,sh-fallback -p300 -M255.255.255.0 -o")).isEqualTo(expected);
        assertThat(service("--add-service --udp-service=10.0.0.1:53 --scheduler=sh --sched-flags=flag-1,flag-2"
                + " --persistent=300 --netmask=255.255.255.0 --ops")).isEqualTo(expected);
    }

    @Test
    void sctpAndFwmarkAndIpv6Services() {
        assertThat(PARSER.parse("-A --sctp-service [2001:db8::1]:3868").key)
                .isEqualTo(ServiceKey.of(Protocol.SCTP, ip("2001:db8::1"), 3868));
        assertThat(PARSER.parse("-A -f 7").key).isEqualTo(ServiceKey.fwmark(7, Addresses.IPV4));
        assertThat(PARSER.parse("-A --fwmark-service 2147483647 --ipv6").key).isEqualTo(ServiceKey.fwmark(Integer.MAX_VALUE, Addresses.IPV6));
        assertThat(PARSER.parse("-A -6 -f 7").key).isEqualTo(ServiceKey.fwmark(7, Addresses.IPV6));
        // an IPv4-mapped address written in brackets stays an IPv6 service
        assertThat(PARSER.parse("-A -t [::ffff:10.0.0.1]:80").key.addressFamily()).isEqualTo(Addresses.IPV6);
        assertThat(PARSER.parse("-A -t [2001:db8::1]:80 -p").service.persistenceNetmask()).isEqualTo(128);
    }

    @Test
    void persistentTakesAnOptionalTimeout() {
        assertThat(service("-A -t 10.0.0.1:80 -p").persistenceTimeout()).isEqualTo(360);
        assertThat(service("-A -t 10.0.0.1:80 -p -s rr").persistenceTimeout()).isEqualTo(360);
        assertThat(service("-A -p -t 10.0.0.1:80").persistenceTimeout()).isEqualTo(360);
        assertThat(service("-A -t 10.0.0.1:80 --persistent").persistent()).isTrue();
        assertThat(service("-A -t 10.0.0.1:80 -p 2678400").persistenceTimeout()).isEqualTo(2678400);
        assertThat(service("-A -t 10.0.0.1:0 -p 1").key().port()).isZero();
    }

    @Test
    void netmasks() {
        assertThat(service("-A -t 10.0.0.1:80 -p -M 0.0.0.0").persistenceNetmask()).isZero();
        assertThat(service("-A -t 10.0.0.1:80 -p -M 255.255.255.255").persistenceNetmask()).isEqualTo(32);
        assertThat(service("-A -t [2001:db8::1]:80 -p -M 64").persistenceNetmask()).isEqualTo(64);
    }

    @Test
    void schedulersAreIpvsNamesUnlessTheCallerAddsSome() {
        for (String s : Ipvsadm.IPVS_SCHEDULERS) {
            assertThat(service("-A -t 10.0.0.1:80 -s " + s).scheduler()).isEqualTo(s);
        }
        CommandParser custom = new CommandParser(HostResolver.NUMERIC_ONLY, "mine"::equals);
        assertThat(custom.parse("-A -t 10.0.0.1:80 -s mine").service.scheduler()).isEqualTo("mine");
        // no -s: wlc, even where wlc is not in the caller's list
        assertThat(custom.parse("-A -t 10.0.0.1:80").service.scheduler()).isEqualTo("wlc");
    }

    @Test
    void editServiceReplacesEverySetting() {
        Configuration c = apply(BASE + "-E -t 10.0.0.1:80 -s rr\n");
        assertThat(c.service(TCP80).config()).isEqualTo(ServiceConfig.builder(TCP80).scheduler("rr").build());
        c = apply("-A -t 10.0.0.1:80 -s rr -p 30\n-a -t 10.0.0.1:80 -r 192.168.1.10 -m\n--edit-service -t 10.0.0.1:80\n");
        assertThat(c.service(TCP80).config()).isEqualTo(ServiceConfig.builder(TCP80).build());
        assertThat(c.service(TCP80).realServers()).hasSize(1);
    }

    @Test
    void deleteServiceAndClear() {
        assertThat(apply(BASE + "-D -t 10.0.0.1:80\n").services()).isEmpty();
        assertThat(apply(BASE + "--delete-service --tcp-service 10.0.0.1:80\n").services()).isEmpty();
        assertThat(apply(BASE + "-A -f 1\n-C\n").services()).isEmpty();
        Configuration c = apply(BASE + "--set 10 20 30\n--clear\n");
        assertThat(c.services()).isEmpty();
        assertThat(c.tcpTimeout()).isEqualTo(10);
    }

    @Test
    void addServerDefaultsAndPorts() {
        // -g is the default and keeps the virtual port; -m may change it; no port means the virtual port
        assertThat(server("-a -t 10.0.0.1:80 -r 192.168.1.10:8080"))
                .isEqualTo(RealServerConfig.builder(ip("192.168.1.10"), 80).build());
        assertThat(server("-a -t 10.0.0.1:80 -r 192.168.1.10:8080 -i").port()).isEqualTo(80);
        assertThat(server("-a -t 10.0.0.1:80 -r 192.168.1.10:8080 -m").port()).isEqualTo(8080);
        assertThat(server("-a -t 10.0.0.1:80 -r 192.168.1.10 -m").port()).isEqualTo(80);
        assertThat(server("-a -f 3 -r 192.168.1.10").port()).isZero();
        assertThat(server("-a -f 3 -r 192.168.1.10:8080 -g").port()).isEqualTo(8080);
        assertThat(server("-a -t 10.0.0.1:80 -r 192.168.1.10").weight()).isEqualTo(1);
    }

    @Test
    void everyServerOptionShortAndLong() {
        RealServerConfig expected = RealServerConfig.builder(ip("192.168.1.10"), 8080).forwardingMethod(ForwardingMethod.MASQUERADE)
                .weight(7).upperThreshold(100).lowerThreshold(50).build();
        assertThat(server("-a -t 10.0.0.1:80 -r 192.168.1.10:8080 -m -w 7 -x 100 -y 50")).isEqualTo(expected);
        assertThat(server("--add-server --tcp-service 10.0.0.1:80 --real-server 192.168.1.10:8080 --masquerading"
                + " --weight 7 --u-threshold 100 --l-threshold 50")).isEqualTo(expected);
        assertThat(server("-a -t 10.0.0.1:80 -r192.168.1.10:8080 -mw7 -x100 -y50")).isEqualTo(expected);
        assertThat(server("-a -t 10.0.0.1:80 -r 192.168.1.10 --gatewaying").forwardingMethod()).isEqualTo(ForwardingMethod.DIRECT_ROUTE);
        assertThat(server("-a -t 10.0.0.1:80 -r 192.168.1.10 --ipip").forwardingMethod()).isEqualTo(ForwardingMethod.TUNNEL);
        assertThat(server("-a -t 10.0.0.1:80 -r 192.168.1.10 -w 0").weight()).isZero();
        assertThat(server("-a -t 10.0.0.1:80 -r 192.168.1.10 -w 65535").weight()).isEqualTo(65535);
    }

    @Test
    void tunnelOptions() {
        RealServerConfig gue = server("-a -t 10.0.0.1:80 -r 192.168.1.10 -i --tun-type gue --tun-port 6080 --tun-remcsum");
        assertThat(gue.tunnelType()).isEqualTo(TunnelType.GUE);
        assertThat(gue.tunnelPort()).isEqualTo(6080);
        assertThat(gue.tunnelChecksum()).isEqualTo(TunnelChecksum.REMOTE);
        assertThat(server("-a -t 10.0.0.1:80 -r 192.168.1.10 -i --tun-type gue --tun-port 1 --tun-csum").tunnelChecksum())
                .isEqualTo(TunnelChecksum.CHECKSUM);
        assertThat(server("-a -t 10.0.0.1:80 -r 192.168.1.10 -i --tun-type gue --tun-port 65535 --tun-nocsum").tunnelChecksum())
                .isEqualTo(TunnelChecksum.NONE);
        RealServerConfig gre = server("-a -t 10.0.0.1:80 -r 192.168.1.10 -i --tun-type=gre --tun-csum");
        assertThat(gre.tunnelType()).isEqualTo(TunnelType.GRE);
        assertThat(gre.tunnelChecksum()).isEqualTo(TunnelChecksum.CHECKSUM);
        assertThat(server("-a -t 10.0.0.1:80 -r 192.168.1.10 -i --tun-type ipip").tunnelType()).isEqualTo(TunnelType.IPIP);
        // tunnels may cross address families
        assertThat(apply("-A -t 10.0.0.1:80\n-a -t 10.0.0.1:80 -r [2001:db8::5] -i\n").service(TCP80).realServers()).hasSize(1);
    }

    @Test
    void editServerReplacesEverySetting() {
        Configuration c = apply(BASE.replace("-m", "-m -w 5 -x 9") + "-e -t 10.0.0.1:80 -r 192.168.1.10:80 -m\n");
        assertThat(c.service(TCP80).realServers()).containsExactly(
                RealServerConfig.builder(ip("192.168.1.10"), 80).forwardingMethod(ForwardingMethod.MASQUERADE).build());
        c = apply(BASE + "--edit-server --tcp-service 10.0.0.1:80 --real-server 192.168.1.10:80 --masquerading --weight 3\n");
        assertThat(c.service(TCP80).realServers().get(0).weight()).isEqualTo(3);
    }

    @Test
    void deleteServer() {
        assertThat(apply(BASE + "-d -t 10.0.0.1:80 -r 192.168.1.10:80\n").service(TCP80).realServers()).isEmpty();
        assertThat(apply(BASE + "--delete-server --tcp-service 10.0.0.1:80 --real-server 192.168.1.10\n")
                .service(TCP80).realServers()).isEmpty();
    }

    @Test
    void setTimeouts() {
        Configuration c = apply("--set 900 120 300\n--set 0 60 0\n");
        assertThat(List.of(c.tcpTimeout(), c.tcpFinTimeout(), c.udpTimeout())).containsExactly(900, 60, 300);
    }

    @Test
    void legacy1998FormAddsServiceAndMasqueradedServer() {
        Configuration c = apply("-A -t 203.1.1.10:8080 -R 10.1.1.1:8080\n-A -t 203.1.1.10:8080 -R 10.1.1.2:8080 -w 2\n");
        ServiceKey k = ServiceKey.of(Protocol.TCP, ip("203.1.1.10"), 8080);
        assertThat(c.service(k).config()).isEqualTo(ServiceConfig.builder(k).build());
        assertThat(c.service(k).realServers()).containsExactly(
                RealServerConfig.builder(ip("10.1.1.1"), 8080).forwardingMethod(ForwardingMethod.MASQUERADE).build(),
                RealServerConfig.builder(ip("10.1.1.2"), 8080).forwardingMethod(ForwardingMethod.MASQUERADE).weight(2).build());
        c = RulesFile.parse("t", "-D -t 203.1.1.10:8080 -R 10.1.1.1:8080").applyTo(c);
        assertThat(c.service(k).realServers()).hasSize(1);
        assertThat(PARSER.parse("-A -t 203.1.1.10:8080 -s rr -R 10.1.1.1:8080 -g").server.forwardingMethod())
                .isEqualTo(ForwardingMethod.DIRECT_ROUTE);
    }

    @Test
    void listOptions() {
        ListOptions o = PARSER.parse("-L -n -c").list;
        assertThat(o.numeric()).isTrue();
        assertThat(o.connections()).isTrue();
        o = PARSER.parse("--list --stats --rate --thresholds --persistent-conn --tun-info --exact --nosort --sort").list;
        assertThat(List.of(o.stats(), o.rate(), o.thresholds(), o.persistentConn(), o.tunInfo(), o.exact(), o.noSort()))
                .containsOnly(true);
        assertThat(PARSER.parse("-l --timeout").list.timeout()).isTrue();
        assertThat(PARSER.parse("-L --daemon").list.daemon()).isTrue();
        assertThat(PARSER.parse("-S -n").list.numeric()).isTrue();
        assertThat(PARSER.parse("-Z").kind).isEqualTo(Command.Kind.ZERO);
        assertThat(PARSER.parse("--zero -t 10.0.0.1:80").key).isEqualTo(TCP80);
        assertThat(PARSER.parse("--restore").kind).isEqualTo(Command.Kind.RESTORE);
    }

    @Test
    void namesResolveOnlyWhenAllowed() {
        HostResolver names = new HostResolver() {
            @Override
            public InetAddress resolve(String host) {
                InetAddress a = Map.of("www.example.com", ip("10.0.0.1"), "db", ip("192.168.1.10")).get(host);
                if (a == null) {
                    throw new IllegalArgumentException("unknown host '" + host + "'");
                }
                return a;
            }
        };
        CommandParser p = new CommandParser(names, Ipvsadm.IPVS_SCHEDULERS::contains);
        assertThat(p.parse("-A -t www.example.com:http").key).isEqualTo(TCP80);
        assertThat(p.parse("-a -t www.example.com:80 -r db:mysql -m").server.port()).isEqualTo(3306);
        assertThatThrownBy(() -> p.parse("-A -t nowhere:80")).hasMessageStartingWith("tcp-service: unknown host 'nowhere'");
        assertThatThrownBy(() -> PARSER.parse("-A -t www.example.com:80"))
                .hasMessageStartingWith("tcp-service: 'www.example.com' is not a numeric IPv4 address (host names are not resolved)");
        assertThatThrownBy(() -> PARSER.parse("-A -t 10.0.0.1:http")).hasMessageStartingWith("tcp-service port:");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                                                    | command: no command given
            -n                                                    | command: no command given
            -A -t 10.0.0.1:80 -L                                  | command: multiple commands specified (-A (--add-service) and -L (--list))
            -L -l                                                 | command: multiple commands specified (-L (--list) given twice)
            -A -t 10.0.0.1:80 -u 10.0.0.1:80                      | service: multiple 'service-address' options specified (-t (--tcp-service) and -u (--udp-service))
            -a -t 10.0.0.1:80 -r 10.0.0.2 -m -g                   | forwarding: multiple 'forwarding-method' options specified (-m (--masquerading) and -g (--gatewaying))
            -a -t 10.0.0.1:80 -r 10.0.0.2 -i -m                   | forwarding: multiple 'forwarding-method' options specified (-i (--ipip) and -m (--masquerading))
            -a -t 10.0.0.1:80 -r 10.0.0.2 --gatewaying --ipip     | forwarding: multiple 'forwarding-method' options specified (-g (--gatewaying) and -i (--ipip))
            -A -t 10.0.0.1:80 -s rr -s wlc                        | scheduler: multiple 'scheduler' options specified (-s (--scheduler) given twice)
            -A -t 10.0.0.1:80 --bogus                             | option: unknown option '--bogus'
            -A -t 10.0.0.1:80 -q                                  | option: unknown option '-q'
            -A -t 10.0.0.1:80 extra                               | command line: unexpected argument 'extra'
            -A -t 10.0.0.1:80 --ops=yes                           | ops: --ops takes no value
            -a -t 10.0.0.1:80 -r 10.0.0.2 -w                      | weight: -w needs a value
            -a -t 10.0.0.1:80 -r 10.0.0.2 --weight                | weight: --weight needs a value
            -A                                                    | service: You need to supply the 'service-address' option for the 'add-service' command (-A (--add-service) needs -t|-u|--sctp-service host:port or -f mark)
            -E                                                    | service: You need to supply the 'service-address' option for the 'edit-service' command (-E (--edit-service) needs -t|-u|--sctp-service host:port or -f mark)
            -D                                                    | service: You need to supply the 'service-address' option for the 'delete-service' command (-D (--delete-service) needs -t|-u|--sctp-service host:port or -f mark)
            -a -r 10.0.0.2                                        | service: You need to supply the 'service-address' option for the 'add-server' command (-a (--add-server) needs -t|-u|--sctp-service host:port or -f mark)
            -e -r 10.0.0.2                                        | service: You need to supply the 'service-address' option for the 'edit-server' command (-e (--edit-server) needs -t|-u|--sctp-service host:port or -f mark)
            -d -r 10.0.0.2                                        | service: You need to supply the 'service-address' option for the 'delete-server' command (-d (--delete-server) needs -t|-u|--sctp-service host:port or -f mark)
            -a -t 10.0.0.1:80                                     | real-server: You need to supply the 'real-server' option for the 'add-server' command (-a (--add-server) needs -r server[:port])
            -e -t 10.0.0.1:80                                     | real-server: You need to supply the 'real-server' option for the 'edit-server' command (-e (--edit-server) needs -r server[:port])
            -d -t 10.0.0.1:80                                     | real-server: You need to supply the 'real-server' option for the 'delete-server' command (-d (--delete-server) needs -r server[:port])
            -D -t 10.0.0.1:80 -s rr                               | scheduler: Illegal 'scheduler' option with the 'delete-service' command (-s (--scheduler) with -D (--delete-service))
            -C -t 10.0.0.1:80                                     | tcp-service: Illegal 'service-address' option with the 'flush' command (-t (--tcp-service) with -C (--clear))
            -R -n                                                 | numeric: Illegal 'numeric' option with the 'restore' command (-n (--numeric) with -R (--restore))
            -S -t 10.0.0.1:80                                     | tcp-service: Illegal 'service-address' option with the 'save' command (-t (--tcp-service) with -S (--save))
            -S --nosort                                           | nosort: Illegal 'nosort' option with the 'save' command (--nosort with -S (--save))
            -Z -n                                                 | numeric: Illegal 'numeric' option with the 'zero' command (-n (--numeric) with -Z (--zero))
            -A -t 10.0.0.1:80 -n                                  | numeric: Illegal 'numeric' option with the 'add-service' command (-n (--numeric) with -A (--add-service))
            -A -t 10.0.0.1:80 -w 2                                | weight: Illegal 'weight' option with the 'add-service' command (-w (--weight) with -A (--add-service))
            -a -t 10.0.0.1:80 -r 10.0.0.2 -s rr                   | scheduler: Illegal 'scheduler' option with the 'add-server' command (-s (--scheduler) with -a (--add-server))
            -d -t 10.0.0.1:80 -r 10.0.0.2 -w 2                    | weight: Illegal 'weight' option with the 'delete-server' command (-w (--weight) with -d (--delete-server))
            -A -t 10.0.0.1:80 --stats                             | stats: Illegal 'stats' option with the 'add-service' command (--stats with -A (--add-service))
            -A -t 10.0.0.1:80 --rate                              | rate: Illegal 'rate' option with the 'add-service' command (--rate with -A (--add-service))
            -A -t 10.0.0.1:80 --thresholds                        | thresholds: Illegal 'thresholds' option with the 'add-service' command (--thresholds with -A (--add-service))
            -A -t 10.0.0.1:80 --persistent-conn                   | persistent-conn: Illegal 'persistent-conn' option with the 'add-service' command (--persistent-conn with -A (--add-service))
            -A -t 10.0.0.1:80 --tun-info                          | tun-info: Illegal 'tun-info' option with the 'add-service' command (--tun-info with -A (--add-service))
            -A -t 10.0.0.1:80 --exact                             | exact: Illegal 'exact' option with the 'add-service' command (--exact with -A (--add-service))
            -A -t 10.0.0.1:80 --timeout                           | timeout: Illegal 'timeout' option with the 'add-service' command (--timeout with -A (--add-service))
            -A -t 10.0.0.1:80 --daemon                            | daemon: Illegal 'daemon' option with the 'add-service' command (--daemon with -A (--add-service))
            -A -t 10.0.0.1:80 -c                                  | connection: Illegal 'connection' option with the 'add-service' command (-c (--connection) with -A (--add-service))
            -A -t 10.0.0.1:80 -R 10.0.0.2 --tun-type gue          | tun-type: --tun-type is not valid with -A ... -R
            -L -c -t 10.0.0.1:80                                  | connection: -c, a service, --timeout and --daemon exclude each other
            -L --timeout --daemon                                 | connection: -c, a service, --timeout and --daemon exclude each other
            -L -R 10.0.0.2                                        | real-server: -R with an address is the 1998 form
            -A -t 10.0.0.1:80 -R 10.0.0.2 -R 10.0.0.3             | real-server: -R given twice
            --set 1 2                                             | set: --set takes three timeouts
            --set 1 2 3 4                                         | set: --set takes three timeouts
            --set 1 x 3                                           | set: 'x' is not a number in 0..2678400
            --set -1 2 3                                          | set: '-1' is not a number
            --set 2678401 0 0                                     | set: '2678401' is not a number
            --set 1 2 3 -n                                        | numeric: Illegal 'numeric' option with the 'set' command (-n (--numeric) with --set)
            -A -t 10.0.0.300:80                                   | tcp-service: '10.0.0.300' is not a numeric IPv4 address
            -A -t 10.0.0:80                                       | tcp-service: '10.0.0' is not a numeric IPv4 address
            -A -t :80                                             | tcp-service: ':80' has no address
            -A -t 10.0.0.1:65536                                  | tcp-service port: '65536' is not a number in 0..65535
            -A -t 10.0.0.1:                                       | tcp-service port: '' is not a number
            -A -t 10.0.0.1:-1                                     | tcp-service port: '-1' is not a number
            -A -t 2001:db8::1:80                                  | tcp-service: '2001:db8::1:80': IPv6 addresses go in brackets
            -A -t [2001:db8::1:80                                 | tcp-service: '[2001:db8::1:80' lacks the closing ]
            -A -t [2001:db8::1]80                                 | tcp-service: '[2001:db8::1]80' has junk after ]
            -A -t [10.0.0.1]:80                                   | tcp-service: '10.0.0.1' is not an IPv6 address
            -A -t [fe80::1%eth0]:80                               | tcp-service: 'fe80::1%eth0' is not an IPv6 address
            -A -u 10.0.0.256:53                                   | udp-service: '10.0.0.256' is not a numeric IPv4 address
            -A --sctp-service x:1                                 | sctp-service: 'x' is not a numeric IPv4 address
            -A -f 0                                               | fwmark-service: '0' is not a number in 1..4294967295
            -A -f 4294967296                                      | fwmark-service: '4294967296' is not a number
            -A -f 0x10                                            | fwmark-service: '0x10' is not a number
            -A -t 10.0.0.1:80 -6                                  | ipv6: -6 goes with -f
            -A -6                                                 | ipv6: -6 goes with -f
            -A -t 10.0.0.1:80 -s foo                              | scheduler: unknown scheduler 'foo'
            -A -t 10.0.0.1:80 -s ''                               | scheduler: unknown scheduler ''
            -A -t 10.0.0.1:80 -p 0                                | persistent: '0' is not a number in 1..2678400
            -A -t 10.0.0.1:80 -p 2678401                          | persistent: '2678401' is not a number
            -A -t 10.0.0.1:80 -p x                                | persistent: 'x' is not a number
            -A -t 10.0.0.1:80 --persistent=                       | persistent: --persistent= has an empty value
            -A -t 10.0.0.1:0                                      | service: Zero port specified for non-persistent service (TCP 10.0.0.1:0: port 0 (every port) needs -p)
            -A -t 10.0.0.1:80 -p -M 24                            | netmask: '24' is not a dotted IPv4 netmask
            -A -t 10.0.0.1:80 -p -M ::1                           | netmask: '::1' is not a dotted IPv4 netmask
            -A -t [2001:db8::1]:80 -p -M 129                      | netmask: '129' is not a number in 1..128
            -A -t [2001:db8::1]:80 -p -M 0                        | netmask: '0' is not a number in 1..128
            -A -t 10.0.0.1:80 -b bogus                            | sched-flags: unknown flag 'bogus'
            -A -t 10.0.0.1:80 -b flag-1,                          | sched-flags: unknown flag ''
            -A -t 10.0.0.1:80 -s rr -b sh-port                    | sched-flags: 'sh-port' is a flag of the sh scheduler, not rr
            -A -t 10.0.0.1:80 -s sh -b mh-fallback                | sched-flags: 'mh-fallback' is a flag of the mh scheduler, not sh
            -A -t 10.0.0.1:80 -b FLAG-1                           | sched-flags: unknown flag 'FLAG-1'
            -A -t 10.0.0.1:80 -o                                  | onePacket:
            -A --sctp-service 10.0.0.1:80 --ops                   | onePacket:
            -a -t 10.0.0.1:80 -r 10.0.0.300                       | real-server: '10.0.0.300' is not a numeric IPv4 address
            -a -t 10.0.0.1:80 -r 10.0.0.2:70000 -m                | real-server port: '70000' is not a number
            -a -t 10.0.0.1:80 -r ''                               | real-server: '' has no address
            -a -t 10.0.0.1:80 -r 10.0.0.2 -w 65536                | weight: '65536' is not a number in 0..65535
            -a -t 10.0.0.1:80 -r 10.0.0.2 -w -1                   | weight: '-1' is not a number
            -a -t 10.0.0.1:80 -r 10.0.0.2 -w 1.5                  | weight: '1.5' is not a number
            -a -t 10.0.0.1:80 -r 10.0.0.2 -x -3                   | u-threshold: '-3' is not a number in 0..2147483647
            -a -t 10.0.0.1:80 -r 10.0.0.2 -x 2147483648           | u-threshold: '2147483648' is not a number
            -a -t 10.0.0.1:80 -r 10.0.0.2 -y abc                  | l-threshold: 'abc' is not a number
            -a -t 10.0.0.1:80 -r 10.0.0.2 -x 10 -y 11             | lowerThreshold: 11 exceeds upperThreshold 10
            -a -t 10.0.0.1:80 -r 10.0.0.2 --tun-type gue          | tun-type: tunnel options need -i (--ipip), not -g
            -a -t 10.0.0.1:80 -r 10.0.0.2 -m --tun-port 1         | tun-port: tunnel options need -i (--ipip), not -m
            -a -t 10.0.0.1:80 -r 10.0.0.2 -g --tun-csum           | tun-csum: tunnel options need -i (--ipip), not -g
            -a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type vxlan     | tun-type: 'vxlan' is not one of ipip, gue, gre
            -a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gue       | tun-port: the gue tunnel type needs --tun-port
            -a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gue --tun-port 0 | tun-port: '0' is not a number in 1..65535
            -a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gue --tun-port 65536 | tun-port: '65536' is not a number
            -a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-port 6080      | tun-port: --tun-port is not valid with the ipip tunnel type
            -a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-nocsum         | tun-nocsum: --tun-nocsum is not valid with the ipip tunnel type
            -a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gre --tun-port 1 | tun-port: --tun-port is not valid with the gre tunnel type
            -a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gre --tun-remcsum | tun-remcsum: --tun-remcsum is not valid with the gre tunnel type
            -a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gue --tun-port 1 --tun-csum --tun-nocsum | tun-csum: conflicts with --tun-nocsum
            -a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gue --tun-port 1 --tun-remcsum --tun-csum | tun-remcsum: conflicts with --tun-csum
            -A -t 10.0.0.1:80 'unterminated                       | command line: unterminated ' quote
            """)
    void errorsNameTheOptionAtFault(String line, String message) {
        assertThatThrownBy(() -> PARSER.parse(line)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            -A -t 10.0.0.1:80                                     | service: Service already exists (TCP 10.0.0.1:80)
            -E -t 10.0.0.9:80                                     | service: No such service (TCP 10.0.0.9:80)
            -D -t 10.0.0.9:80                                     | service: No such service (TCP 10.0.0.9:80)
            -a -t 10.0.0.9:80 -r 10.0.0.2                         | service: Service not defined (TCP 10.0.0.9:80)
            -a -t 10.0.0.1:80 -r 192.168.1.10:80                  | realServer: Destination already exists (192.168.1.10:80 Route w1 in TCP 10.0.0.1:80)
            -a -t 10.0.0.1:80 -r [2001:db8::1] -m                 | realServer:
            -e -t 10.0.0.1:80 -r 192.168.1.11                     | realServer: No such destination (192.168.1.11:80 Route w1 in TCP 10.0.0.1:80)
            -d -t 10.0.0.1:80 -r 192.168.1.11                     | realServer: No such destination (192.168.1.11:80 Route w1 in TCP 10.0.0.1:80)
            -D -t 10.0.0.1:80 -R 192.168.1.11                     | realServer:
            """)
    void errorsAgainstTheConfiguration(String line, String message) {
        Configuration c = apply(BASE);
        Command cmd = PARSER.parse(line);
        assertThatThrownBy(() -> cmd.applyTo(c)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
    }
}
