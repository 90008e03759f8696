package io.ippvs.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.InetAddresses;
import io.ippvs.api.Protocol;
import io.ippvs.api.ServiceKey;
import io.ippvs.core.admin.Fakes.FakeStats;
import io.ippvs.core.admin.Fakes.FakeTarget;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every listing format against texts written from ipvsadm 1.31's printf formats (see DESIGN.md), with
 * the trailing blanks ipvsadm's left-justified last columns leave.
 */
class ListingGoldenTest {

    static final String RULES = String.join("\n",
            "-A -t 10.0.0.1:80 -s wlc -p 300 -M 255.255.255.0",
            "-a -t 10.0.0.1:80 -r 192.168.1.10:80 -m -w 1",
            "-a -t 10.0.0.1:80 -r 192.168.1.9:8080 -m -w 3",
            "-A -u 10.0.0.1:53 -s rr -o",
            "-a -u 10.0.0.1:53 -r 192.168.1.20:53 -g -w 0",
            "-A -f 7 -s sh -b sh-fallback,sh-port",
            "-a -f 7 -r 192.168.1.30 -i -w 65535 --tun-type gue --tun-port 6080 --tun-csum",
            "-A -t [2001:db8::1]:443 -s mh -b mh-port",
            "-a -t [2001:db8::1]:443 -r [2001:db8::10]:443 -g -w 5 -x 100 -y 50",
            "-a -t [2001:db8::1]:443 -r [2001:db8::2]:443 -i --tun-type gre --tun-nocsum",
            "-A --sctp-service 10.0.0.2:3868 -s wrr");

    static final ServiceKey TCP80 = ServiceKey.of(Protocol.TCP, InetAddresses.forString("10.0.0.1"), 80);
    static final ServiceKey SCTP = ServiceKey.of(Protocol.SCTP, InetAddresses.forString("10.0.0.2"), 3868);

    static final String LIST =
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
            "TCP  10.0.0.1:80 wlc persistent 300 mask 255.255.255.0\n" +
            "  -> 192.168.1.9:8080             Masq    3      0          1         \n" +
            "  -> 192.168.1.10:80              Masq    1      3          12        \n" +
            "UDP  10.0.0.1:53 rr ops\n" +
            "  -> 192.168.1.20:53              Route   0      0          0         \n" +
            "SCTP 10.0.0.2:3868 wrr\n" +
            "TCP  [2001:db8::1]:443 mh (mh-port)\n" +
            "  -> [2001:db8::2]:443            Tunnel  1      0          0         \n" +
            "  -> [2001:db8::10]:443           Route   5      0          0         \n" +
            "FWM  7 sh (sh-fallback,sh-port)\n" +
            "  -> 192.168.1.30:0               Tunnel  65535  0          0         \n";

    static final String NOSORT =
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
            "TCP  10.0.0.1:80 wlc persistent 300 mask 255.255.255.0\n" +
            "  -> 192.168.1.10:80              Masq    1      3          12        \n" +
            "  -> 192.168.1.9:8080             Masq    3      0          1         \n" +
            "UDP  10.0.0.1:53 rr ops\n" +
            "  -> 192.168.1.20:53              Route   0      0          0         \n" +
            "FWM  7 sh (sh-fallback,sh-port)\n" +
            "  -> 192.168.1.30:0               Tunnel  65535  0          0         \n" +
            "TCP  [2001:db8::1]:443 mh (mh-port)\n" +
            "  -> [2001:db8::10]:443           Route   5      0          0         \n" +
            "  -> [2001:db8::2]:443            Tunnel  1      0          0         \n" +
            "SCTP 10.0.0.2:3868 wrr\n";

    static final String STATS =
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n" +
            "  -> RemoteAddress:Port\n" +
            "TCP  10.0.0.1:80                        15     1234     1100  123456K   98765M\n" +
            "  -> 192.168.1.9:8080                    5      434      400 23456789   99999G\n" +
            "  -> 192.168.1.10:80                    10      800      700  100000K        5\n" +
            "UDP  10.0.0.1:53                         0        0        0        0        0\n" +
            "  -> 192.168.1.20:53                     0        0        0        0        0\n" +
            "SCTP 10.0.0.2:3868                       0        0        0        0  123456T\n" +
            "TCP  [2001:db8::1]:443                   0        0        0        0        0\n" +
            "  -> [2001:db8::2]:443                   0        0        0        0        0\n" +
            "  -> [2001:db8::10]:443                  0        0        0        0        0\n" +
            "FWM  7                                   0        0        0        0        0\n" +
            "  -> 192.168.1.30:0                      0        0        0        0        0\n";

    static final String STATS_EXACT =
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n" +
            "  -> RemoteAddress:Port\n" +
            "TCP  10.0.0.1:80                        15     1234     1100 123456789 98765432100\n" +
            "  -> 192.168.1.9:8080                    5      434      400 23456789 99999999999999\n" +
            "  -> 192.168.1.10:80                    10      800      700 100000000        5\n" +
            "UDP  10.0.0.1:53                         0        0        0        0        0\n" +
            "  -> 192.168.1.20:53                     0        0        0        0        0\n" +
            "SCTP 10.0.0.2:3868                       0        0        0        0 123456789012345678\n" +
            "TCP  [2001:db8::1]:443                   0        0        0        0        0\n" +
            "  -> [2001:db8::2]:443                   0        0        0        0        0\n" +
            "  -> [2001:db8::10]:443                  0        0        0        0        0\n" +
            "FWM  7                                   0        0        0        0        0\n" +
            "  -> 192.168.1.30:0                      0        0        0        0        0\n";

    static final String RATE =
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n" +
            "  -> RemoteAddress:Port\n" +
            "TCP  10.0.0.1:80                        15     1234     1100  123456K   98765M\n" +
            "  -> 192.168.1.9:8080                    5      434      400 23456789   99999G\n" +
            "  -> 192.168.1.10:80                    10      800      700  100000K        5\n" +
            "UDP  10.0.0.1:53                         0        0        0        0        0\n" +
            "  -> 192.168.1.20:53                     0        0        0        0        0\n" +
            "SCTP 10.0.0.2:3868                       0        0        0        0  123456T\n" +
            "TCP  [2001:db8::1]:443                   0        0        0        0        0\n" +
            "  -> [2001:db8::2]:443                   0        0        0        0        0\n" +
            "  -> [2001:db8::10]:443                  0        0        0        0        0\n" +
            "FWM  7                                   0        0        0        0        0\n" +
            "  -> 192.168.1.30:0                      0        0        0        0        0\n";

    static final String RATE_EXACT =
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n" +
            "  -> RemoteAddress:Port\n" +
            "TCP  10.0.0.1:80                        15     1234     1100 123456789 98765432100\n" +
            "  -> 192.168.1.9:8080                    5      434      400 23456789 99999999999999\n" +
            "  -> 192.168.1.10:80                    10      800      700 100000000        5\n" +
            "UDP  10.0.0.1:53                         0        0        0        0        0\n" +
            "  -> 192.168.1.20:53                     0        0        0        0        0\n" +
            "SCTP 10.0.0.2:3868                       0        0        0        0 123456789012345678\n" +
            "TCP  [2001:db8::1]:443                   0        0        0        0        0\n" +
            "  -> [2001:db8::2]:443                   0        0        0        0        0\n" +
            "  -> [2001:db8::10]:443                  0        0        0        0        0\n" +
            "FWM  7                                   0        0        0        0        0\n" +
            "  -> 192.168.1.30:0                      0        0        0        0        0\n";

    static final String THRESHOLDS =
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n" +
            "  -> RemoteAddress:Port\n" +
            "TCP  10.0.0.1:80 wlc persistent 300 mask 255.255.255.0\n" +
            "  -> 192.168.1.9:8080             0          0          0          1         \n" +
            "  -> 192.168.1.10:80              0          0          3          12        \n" +
            "UDP  10.0.0.1:53 rr ops\n" +
            "  -> 192.168.1.20:53              0          0          0          0         \n" +
            "SCTP 10.0.0.2:3868 wrr\n" +
            "TCP  [2001:db8::1]:443 mh (mh-port)\n" +
            "  -> [2001:db8::2]:443            0          0          0          0         \n" +
            "  -> [2001:db8::10]:443           100        50         0          0         \n" +
            "FWM  7 sh (sh-fallback,sh-port)\n" +
            "  -> 192.168.1.30:0               0          0          0          0         \n";

    static final String PERSISTENT_CONN =
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn \n" +
            "  -> RemoteAddress:Port\n" +
            "TCP  10.0.0.1:80 wlc persistent 300 mask 255.255.255.0\n" +
            "  -> 192.168.1.9:8080             3         0           0          1         \n" +
            "  -> 192.168.1.10:80              1         2           3          12        \n" +
            "UDP  10.0.0.1:53 rr ops\n" +
            "  -> 192.168.1.20:53              0         0           0          0         \n" +
            "SCTP 10.0.0.2:3868 wrr\n" +
            "TCP  [2001:db8::1]:443 mh (mh-port)\n" +
            "  -> [2001:db8::2]:443            1         0           0          0         \n" +
            "  -> [2001:db8::10]:443           5         0           0          0         \n" +
            "FWM  7 sh (sh-fallback,sh-port)\n" +
            "  -> 192.168.1.30:0               65535     0           0          0         \n";

    static final String TUN_INFO =
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n" +
            "TCP  10.0.0.1:80 wlc persistent 300 mask 255.255.255.0\n" +
            "  -> 192.168.1.9:8080             Masq    n/a           3      0          1         \n" +
            "  -> 192.168.1.10:80              Masq    n/a           1      3          12        \n" +
            "UDP  10.0.0.1:53 rr ops\n" +
            "  -> 192.168.1.20:53              Route   n/a           0      0          0         \n" +
            "SCTP 10.0.0.2:3868 wrr\n" +
            "TCP  [2001:db8::1]:443 mh (mh-port)\n" +
            "  -> [2001:db8::2]:443            Tunnel  gre:-c        1      0          0         \n" +
            "  -> [2001:db8::10]:443           Route   n/a           5      0          0         \n" +
            "FWM  7 sh (sh-fallback,sh-port)\n" +
            "  -> 192.168.1.30:0               Tunnel  gue:6080:+c   65535  0          0         \n";

    static final String ONE =
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
            "TCP  10.0.0.1:80 wlc persistent 300 mask 255.255.255.0\n" +
            "  -> 192.168.1.9:8080             Masq    3      0          1         \n" +
            "  -> 192.168.1.10:80              Masq    1      3          12        \n";

    static final String CONN =
            "IPVS connection entries\n" +
            "pro expire state       source             virtual            destination\n" +
            "TCP 14:59  ESTABLISHED 172.16.0.5:40000   10.0.0.1:80        192.168.1.10:80\n" +
            "UDP 04:00  UDP         172.16.0.6:5353    10.0.0.1:53        192.168.1.20:53\n" +
            "TCP 05:59  NONE        172.16.0.0:0       10.0.0.1:80        192.168.1.10:80\n" +
            "TCP 01:00  SYN_RECV    [2001:db8::99]:5555 [2001:db8::1]:443  [2001:db8::10]:443\n" +
            "IP  100:00 NONE        172.16.0.5:0       0.0.0.0:0          192.168.1.30:0\n" +
            "SCTP 00:00  ESTABLISHED 172.16.0.7:9999    10.0.0.2:3868      192.168.1.40:3868\n";


    static final String SAVE =
            "-A -t 10.0.0.1:80 -s wlc -p 300 -M 255.255.255.0\n"
            + "-a -t 10.0.0.1:80 -r 192.168.1.10:80 -m -w 1\n"
            + "-a -t 10.0.0.1:80 -r 192.168.1.9:8080 -m -w 3\n"
            + "-A -u 10.0.0.1:53 -s rr -o\n"
            + "-a -u 10.0.0.1:53 -r 192.168.1.20:53 -g -w 0\n"
            + "-A -f 7 -s sh -b sh-fallback,sh-port\n"
            + "-a -f 7 -r 192.168.1.30:0 -i -w 65535 --tun-type gue --tun-port 6080 --tun-csum\n"
            + "-A -t [2001:db8::1]:443 -s mh -b mh-port\n"
            + "-a -t [2001:db8::1]:443 -r [2001:db8::10]:443 -g -w 5\n"
            + "-a -t [2001:db8::1]:443 -r [2001:db8::2]:443 -i -w 1 --tun-type gre --tun-nocsum\n"
            + "-A --sctp-service 10.0.0.2:3868 -s wrr\n";

    private FakeTarget target;
    private Ipvsadm ipvsadm;

    @BeforeEach
    void setUp() {
        target = new FakeTarget();
        ipvsadm = Ipvsadm.builder(target).build();
        ipvsadm.execute("-R", RULES);
        traffic(FakeStats::counters);
    }

    /** The same numbers as counters (--stats) or as rates (--rate). */
    private void traffic(Numbers n) {
        target.live(TCP80, "192.168.1.10:80", 3, 12, 2, n.of(10, 800, 700, 100_000_000L, 5));
        target.live(TCP80, "192.168.1.9:8080", 0, 1, 0, n.of(5, 434, 400, 23_456_789L, 99_999_999_999_999L));
        target.serviceStats.put(TCP80, n.of(15, 1234, 1100, 123_456_789L, 98_765_432_100L));
        target.serviceStats.put(SCTP, n.of(0, 0, 0, 0, 123_456_789_012_345_678L));
    }

    private interface Numbers {
        FakeStats of(long conns, long inPackets, long outPackets, long inBytes, long outBytes);
    }

    private void useRates() {
        traffic(FakeStats::rates);
    }

    @Test
    void listNumericIsSortedLikeIpvsadm() {
        assertThat(ipvsadm.execute("-L -n")).isEqualTo(LIST);
        assertThat(ipvsadm.execute("-ln")).isEqualTo(LIST);
        assertThat(ipvsadm.execute("--list --numeric --sort")).isEqualTo(LIST);
    }

    @Test
    void withoutNamesAListingWithoutDashNIsNumeric() {
        assertThat(ipvsadm.execute("-L")).isEqualTo(LIST);
    }

    @Test
    void nosortKeepsConfigurationOrder() {
        assertThat(ipvsadm.execute("-L -n --nosort")).isEqualTo(NOSORT);
    }

    @Test
    void stats() {
        assertThat(ipvsadm.execute("-L -n --stats")).isEqualTo(STATS);
        assertThat(ipvsadm.execute("-L -n --stats --exact")).isEqualTo(STATS_EXACT);
        // stats wins over the formats after it, as in ipvsadm
        assertThat(ipvsadm.execute("-L -n --thresholds --stats --rate")).isEqualTo(STATS);
    }

    @Test
    void rate() {
        useRates();
        assertThat(ipvsadm.execute("-L -n --rate")).isEqualTo(RATE);
        assertThat(ipvsadm.execute("-L -n --rate --exact")).isEqualTo(RATE_EXACT);
    }

    @Test
    void thresholds() {
        assertThat(ipvsadm.execute("-L -n --thresholds")).isEqualTo(THRESHOLDS);
    }

    @Test
    void persistentConn() {
        assertThat(ipvsadm.execute("-L -n --persistent-conn")).isEqualTo(PERSISTENT_CONN);
    }

    @Test
    void tunInfo() {
        assertThat(ipvsadm.execute("-L -n --tun-info")).isEqualTo(TUN_INFO);
    }

    @Test
    void oneServiceHasNoVersionLine() {
        assertThat(ipvsadm.execute("-L -n -t 10.0.0.1:80")).isEqualTo(ONE);
    }

    @Test
    void connections() {
        target.connections.add(row("TCP", 899_999, "ESTABLISHED", "172.16.0.5", 40000, "10.0.0.1", 80, "192.168.1.10", 80));
        target.connections.add(row("UDP", 240_000, "UDP", "172.16.0.6", 5353, "10.0.0.1", 53, "192.168.1.20", 53));
        target.connections.add(row("TCP", 359_001, "NONE", "172.16.0.0", 0, "10.0.0.1", 80, "192.168.1.10", 80));
        target.connections.add(row("TCP", 60_000, "SYN_RECV", "2001:db8::99", 5555, "2001:db8::1", 443, "2001:db8::10", 443));
        target.connections.add(row("IP", 6_000_000, "NONE", "172.16.0.5", 0, "0.0.0.0", 0, "192.168.1.30", 0));
        target.connections.add(row("SCTP", -5, "ESTABLISHED", "172.16.0.7", 9999, "10.0.0.2", 3868, "192.168.1.40", 3868));
        assertThat(ipvsadm.execute("-L -n -c")).isEqualTo(CONN);
        assertThat(ipvsadm.execute("-lcn")).isEqualTo(CONN);
        assertThat(ipvsadm.execute("--list --connection --numeric")).isEqualTo(CONN);
    }

    @Test
    void connectionsWithPersistenceEngineColumns() {
        target.connections.add(row("TCP", 899_999, "ESTABLISHED", "172.16.0.5", 40000, "10.0.0.1", 80, "192.168.1.10", 80));
        assertThat(ipvsadm.execute("-L -n -c --persistent-conn")).isEqualTo("IPVS connection entries\n"
                + "pro expire state       source             virtual            destination        pe name          pe_data\n"
                + "TCP 14:59  ESTABLISHED 172.16.0.5:40000   10.0.0.1:80        192.168.1.10:80\n");
    }

    /** print_service_entry (ipvsadm.c, FMT_RULE): "-a %s -r %s %s -w %d", no -x/-y. */
    @Test
    void save() {
        assertThat(ipvsadm.execute("-S -n")).isEqualTo(SAVE);
        assertThat(ipvsadm.execute("--save --numeric")).isEqualTo(SAVE);
        assertThat(ipvsadm.save()).isEqualTo(SAVE);
    }

    /** Our own --ippvs-full keeps what ipvsadm's -S drops: thresholds and the --set timeouts. */
    @Test
    void saveFull() {
        String full = SAVE.replace("-g -w 5\n", "-g -w 5 -x 100 -y 50\n");
        assertThat(ipvsadm.execute("-S -n --ippvs-full")).isEqualTo(full);
        ipvsadm.execute("--set 3600 0 60");
        assertThat(ipvsadm.execute("-S -n --ippvs-full")).isEqualTo("--set 3600 0 60\n" + full);
        assertThatThrownBy(() -> ipvsadm.execute("-L -n --ippvs-full")).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * print_service_entry (FMT_RULE) prints "-A %s -s %s", then " -p %u", " -M %s", " --pe %s",
     * " -o", " -b " in that order.
     */
    @Test
    void saveWritesServiceOptionsInIpvsadmsOrder() {
        FakeTarget t = new FakeTarget();
        Ipvsadm a = Ipvsadm.builder(t).build();
        a.execute("-A -u 10.0.0.3:53 -b sh-port -o -M 255.255.0.0 -p 60 -s sh");
        assertThat(a.execute("-S -n")).isEqualTo("-A -u 10.0.0.3:53 -s sh -p 60 -M 255.255.0.0 -o -b sh-port\n");
    }

    /** print_service_entry: " mask %s" / " -M %s" of inet_ntoa(mask), whatever bits the mask has. */
    @Test
    void nonContiguousMaskListsAndSavesAsGiven() {
        FakeTarget t = new FakeTarget();
        Ipvsadm a = Ipvsadm.builder(t).build();
        a.execute("-A -t 10.0.0.4:80 -s rr -p 60 -M 255.0.255.0");
        a.execute("-A -t 10.0.0.5:80 -s rr -M 255.255.0.0"); // kept, shown only with -p as ipvsadm does
        assertThat(a.execute("-L -n")).contains("TCP  10.0.0.4:80 rr persistent 60 mask 255.0.255.0\n")
                .contains("TCP  10.0.0.5:80 rr\n");
        assertThat(a.execute("-S -n")).contains("-A -t 10.0.0.4:80 -s rr -p 60 -M 255.0.255.0\n")
                .contains("-A -t 10.0.0.5:80 -s rr\n");
    }

    /** list_all with FMT_RULE writes services only: no --set line (ipvsadm has no way to save timeouts). */
    @Test
    void timeouts() {
        assertThat(ipvsadm.execute("-L --timeout")).isEqualTo("Timeout (tcp tcpfin udp): 900 120 300\n");
        ipvsadm.execute("--set 3600 0 60");
        assertThat(ipvsadm.execute("-L --timeout")).isEqualTo("Timeout (tcp tcpfin udp): 3600 120 60\n");
        assertThat(ipvsadm.execute("-S -n")).isEqualTo(SAVE);
    }

    /**
     * print_service_entry, FMT_RATE: real servers print CPS, InPPS and OutPPS with a plain
     * "%8llu" (no K/M suffix, with or without --exact); only InBPS/OutBPS go through print_largenum.
     */
    @Test
    void rateRealServerRowsPrintPacketRatesPlain() {
        target.live(TCP80, "192.168.1.10:80", 3, 12, 2, FakeStats.rates(123_456_789L, 1_000_000_000L, 12_345_678_901L,
                123_456_789L, 5));
        String expected = "  -> 192.168.1.10:80              123456789 1000000000 12345678901  123456K        5\n";
        assertThat(ipvsadm.execute("-L -n --rate")).contains(expected);
        assertThat(ipvsadm.execute("-L -n --rate --exact"))
                .contains("  -> 192.168.1.10:80              123456789 1000000000 12345678901 123456789        5\n");
        // the service row scales all five through print_largenum
        target.serviceStats.put(TCP80, FakeStats.rates(123_456_789L, 0, 0, 0, 0));
        assertThat(ipvsadm.execute("-L -n --rate")).contains("TCP  10.0.0.1:80                   123456K        0");
    }

    /** print_largenum with --exact: printf("%*llu", len <= 8 ? 9 : len + 1, i). */
    @Test
    void exactWidthsFollowIpvsadm() {
        target.serviceStats.put(TCP80, FakeStats.counters(12_345_678L, 123_456_789L, 0, 1L << 40, -1L));
        assertThat(ipvsadm.execute("-L -n --stats --exact"))
                .contains("TCP  10.0.0.1:80                  12345678 123456789        0 1099511627776 18446744073709551615\n");
    }

    /**
     * parse_fwmark takes 1..UINT_MAX; print_service_entry prints it with "FWM  %d", so a mark above
     * 2^31-1 lists negative exactly as ipvsadm shows it.
     */
    @Test
    void fwmarkUpToTwoToTheThirtyTwoMinusOne() {
        FakeTarget t = new FakeTarget();
        Ipvsadm a = Ipvsadm.builder(t).build();
        a.execute("-A -f 4294967295 -s rr");
        a.execute("-A -f 2147483648 -s rr");
        assertThat(a.execute("-L -n")).contains("FWM  -1 rr\n").contains("FWM  -2147483648 rr\n");
        assertThat(a.execute("-S -n")).contains("-A -f 4294967295 -s rr\n");
        assertThatThrownBy(() -> a.execute("-A -f 4294967296")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("fwmark-service: ");
        FakeTarget back = new FakeTarget();
        Ipvsadm.builder(back).build().execute("-R", a.execute("-S -n"));
        assertThat(back.configuration).isEqualTo(t.configuration);
    }

    @Test
    void ipv6FirewallMarkAndIpv6Netmask() {
        FakeTarget t = new FakeTarget();
        Ipvsadm a = Ipvsadm.builder(t).build();
        a.execute("-A -f 9 -6 -s rr -p 60 -M 64");
        a.execute("-a -f 9 -6 -r [2001:db8::5]:8080 -m");
        a.execute("-A -t 10.0.0.9:0 -s lc -p -M 0.0.0.0");
        assertThat(a.execute("-L -n")).isEqualTo(
                "IP Virtual Server version 1.2.1 (size=4096)\n"
                + "Prot LocalAddress:Port Scheduler Flags\n"
                + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
                + "TCP  10.0.0.9:0 lc persistent 360 mask 0.0.0.0\n"
                + "FWM  9 IPv6 rr persistent 60 mask 64\n"
                + "  -> [2001:db8::5]:8080           Masq    1      0          0         \n");
        assertThat(a.execute("-S -n")).isEqualTo(
                "-A -f 9 -6 -s rr -p 60 -M 64\n"
                + "-a -f 9 -6 -r [2001:db8::5]:8080 -m -w 1\n"
                + "-A -t 10.0.0.9:0 -s lc -p 360 -M 0.0.0.0\n");
    }

    @Test
    void tableSizeAndVersionLine() {
        Ipvsadm a = Ipvsadm.builder(new FakeTarget()).tableSize(1 << 20).build();
        assertThat(a.execute("-L -n")).isEqualTo("IP Virtual Server version 1.2.1 (size=1048576)\n"
                + "Prot LocalAddress:Port Scheduler Flags\n"
                + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
    }

    @Test
    void namesWhenTheResolverAllowsThem() {
        HostResolver names = new HostResolver() {
            @Override
            public java.net.InetAddress resolve(String host) {
                throw new IllegalArgumentException("unused");
            }

            @Override
            public String name(java.net.InetAddress address) {
                return address.getHostAddress().equals("10.0.0.1") ? "www.example.com" : null;
            }
        };
        FakeTarget t = new FakeTarget();
        Ipvsadm a = Ipvsadm.builder(t).hostResolver(names).build();
        a.execute("-A -t 10.0.0.1:80");
        a.execute("-a -t 10.0.0.1:80 -r 192.168.1.10:8081 -m");
        assertThat(a.execute("-L")).isEqualTo("IP Virtual Server version 1.2.1 (size=4096)\n"
                + "Prot LocalAddress:Port Scheduler Flags\n"
                + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
                + "TCP  www.example.com:http wlc\n"
                + "  -> 192.168.1.10:8081            Masq    1      0          0         \n");
        // -n stays numeric
        assertThat(a.execute("-L -n")).contains("TCP  10.0.0.1:80 wlc\n");
    }

    @Test
    void longIpv4NamesAreCutAt33And28ColumnsAsIpvsadmDoes() {
        HostResolver names = new HostResolver() {
            @Override
            public java.net.InetAddress resolve(String host) {
                throw new IllegalArgumentException("unused");
            }

            @Override
            public String name(java.net.InetAddress address) {
                return address.getHostAddress().equals("10.0.0.1") ? "a-very-long-host-name.example.com"
                        : "backend-number-ten.example.com";
            }
        };
        FakeTarget t = new FakeTarget();
        Ipvsadm a = Ipvsadm.builder(t).hostResolver(names).build();
        a.execute("-A -t 10.0.0.1:80");
        a.execute("-a -t 10.0.0.1:80 -r 192.168.1.10:8081 -m");
        assertThat(a.execute("-L -t 10.0.0.1:80")).isEqualTo("Prot LocalAddress:Port Scheduler Flags\n"
                + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
                + "TCP  a-very-long-host-name.exampl wlc\n"
                + "  -> backend-number-ten.example.c Masq    1      0          0         \n");
        assertThat(a.execute("-L --stats")).contains("TCP  a-very-long-host-name.exampl        0        0        0        0        0\n");
        // -S keeps whole names: they must resolve back
        assertThat(a.execute("-S")).isEqualTo("-A -t a-very-long-host-name.example.com:http -s wlc\n"
                + "-a -t a-very-long-host-name.example.com:http -r backend-number-ten.example.com:8081 -m -w 1\n");
    }

    private static ConnectionRow row(String p, long millis, String state, String c, int cp, String v, int vp, String d, int dp) {
        return new ConnectionRow(p, state, millis, InetAddresses.forString(c), cp, InetAddresses.forString(v), vp,
                InetAddresses.forString(d), dp);
    }
}
