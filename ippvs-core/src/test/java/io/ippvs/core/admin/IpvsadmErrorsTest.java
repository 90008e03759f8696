package io.ippvs.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ippvs.core.admin.Fakes.FakeTarget;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What ipvsadm 1.31 prints and exits with for a bad command, from ipvsadm.c (process_options,
 * generic_opt_check, set_option, parse_options, list_service) and libipvs's ipvs_strerror table:
 * fail(2, ...) for parse errors, libipvs's -1 (exit status 255) for a change the kernel refuses, and
 * list_service's exit(1).
 */
class IpvsadmErrorsTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            -A -t 10.0.0.9:0                       | 2   | Zero port specified for non-persistent service                 | service: Zero port specified for non-persistent service (TCP 10.0.0.9:0
            -A -t 10.0.0.9:80 -w 3                 | 2   | Illegal 'weight' option with the 'add-service' command         | weight: Illegal 'weight' option with the 'add-service' command
            -D -t 10.0.0.1:80 -s rr                | 2   | Illegal 'scheduler' option with the 'delete-service' command   | scheduler: Illegal
            -C -t 10.0.0.1:80                      | 2   | Illegal 'service-address' option with the 'flush' command      | tcp-service: Illegal
            -a -t 10.0.0.1:80 -r 10.0.0.2 -m -g    | 2   | multiple 'forwarding-method' options specified                 | forwarding: multiple 'forwarding-method' options specified
            -A -t 10.0.0.9:80 -s rr -s wlc         | 2   | multiple 'scheduler' options specified                         | scheduler: multiple
            -A                                     | 2   | You need to supply the 'service-address' option for the 'add-service' command | service: You need to supply
            -a -t 10.0.0.1:80                      | 2   | You need to supply the 'real-server' option for the 'add-server' command | real-server: You need to supply
            -A -t 10.0.0.9:80 -L                   | 2   | invalid option `-L'                                            | command: multiple commands specified
            -a -t 10.0.0.1:80 -r 10.0.0.2 -w 70000 | 2   | illegal weight specified                                       | weight: '70000'
            -A -f 0x10                             | 2   | invalid fwmark value `0x10' specified                          | fwmark-service: '0x10'
            -A -t 10.0.0.9:80 -p x                 | 2   | invalid timeout value `x' specified                            | persistent: 'x'
            -A -t 10.0.0.300:80                    | 2   | illegal virtual server address[:port] specified                | tcp-service: '10.0.0.300'
            -a -t 10.0.0.1:80 -r 10.0.0.2:99999    | 2   | illegal real server address[:port] specified                   | real-server port: '99999'
            -A -t 10.0.0.9:80 -b bogus             | 2   | invalid scheduler flag `bogus'                                 | sched-flags: unknown flag 'bogus'
            -A -t 10.0.0.9:80 -s rr -b sh-port     | 2   | incompatible scheduler flag `sh-port'                          | sched-flags: 'sh-port'
            -A -t 10.0.0.9:80 -o                   | 2   | One-Packet Scheduling is only for UDP virtual services         | onePacket:
            -A -t 10.0.0.1:80                      | 255 | Service already exists                                         | service: Service already exists (TCP 10.0.0.1:80)
            -E -t 10.0.0.9:80                      | 255 | No such service                                                | service: No such service (TCP 10.0.0.9:80)
            -D -t 10.0.0.9:80                      | 255 | No such service                                                | service: No such service (TCP 10.0.0.9:80)
            -Z -t 10.0.0.9:80                      | 255 | No such service                                                | service: No such service (TCP 10.0.0.9:80)
            -a -t 10.0.0.9:80 -r 10.0.0.2          | 255 | Service not defined                                            | service: Service not defined (TCP 10.0.0.9:80)
            -d -t 10.0.0.9:80 -r 10.0.0.2          | 255 | Service not defined                                            | service: Service not defined (TCP 10.0.0.9:80)
            -a -t 10.0.0.1:80 -r 192.168.1.10 -m   | 255 | Destination already exists                                     | realServer: Destination already exists (192.168.1.10:80
            -e -t 10.0.0.1:80 -r 192.168.1.11      | 255 | No such destination                                            | realServer: No such destination (192.168.1.11:80
            -d -t 10.0.0.1:80 -r 192.168.1.11      | 255 | No such destination                                            | realServer: No such destination (192.168.1.11:80
            -L -n -t 10.0.0.9:80                   | 1   | No such service                                                | service: No such service (TCP 10.0.0.9:80)
            """)
    void ipvsadmsTextAndExitStatus(String line, int status, String ipvsadmText, String message) {
        FakeTarget t = new FakeTarget();
        Ipvsadm ipvsadm = Ipvsadm.builder(t).build();
        ipvsadm.execute("-A -t 10.0.0.1:80");
        ipvsadm.execute("-a -t 10.0.0.1:80 -r 192.168.1.10 -m");
        int calls = t.configureCalls;
        IpvsadmException e = catchThrowableOfType(IpvsadmException.class, () -> ipvsadm.execute(line));
        assertThat(e).as(line).isNotNull();
        assertThat(e.exitStatus()).isEqualTo(status);
        assertThat(e.ipvsadmMessage()).isEqualTo(ipvsadmText);
        assertThat(e.getMessage()).startsWith(message);
        assertThat(t.configureCalls).isEqualTo(calls);
    }
}
