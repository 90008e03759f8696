package io.ippvs.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.ippvs.core.admin.Fakes.FakeTarget;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** save/restore round trips and garbage command lines, over random configurations. */
class IpvsadmPropertiesTest {

    private static final List<String> SCHEDULERS = List.copyOf(Ipvsadm.IPVS_SCHEDULERS);
    private static final String JUNK = "@!$%^&*{}|;<>?~`";

    @Property(tries = 300)
    void restoreOfSaveReproducesTheConfigurationAndSavesIdentically(@ForAll("configurations") Configuration c) {
        FakeTarget source = new FakeTarget();
        source.configuration = c;
        Ipvsadm first = Ipvsadm.builder(source).build();
        // ipvsadm's own -S drops thresholds and timeouts; our --ippvs-full keeps them
        String saved = first.execute("-S -n --ippvs-full");

        FakeTarget restored = new FakeTarget();
        Ipvsadm second = Ipvsadm.builder(restored).build();
        second.execute("-R", saved);
        assertThat(restored.configuration).isEqualTo(c);
        assertThat(restored.configureCalls).isEqualTo(1);
        assertThat(second.execute("-S -n --ippvs-full")).isEqualTo(saved);
        assertThat(second.execute("-S -n")).isEqualTo(first.execute("-S -n"));
        // the same text as a rules file, and line by line through execute
        assertThat(RulesFile.parse("saved", saved).applyTo(Configuration.EMPTY)).isEqualTo(c);
        FakeTarget lineByLine = new FakeTarget();
        Ipvsadm third = Ipvsadm.builder(lineByLine).build();
        for (String line : saved.split("\n")) {
            if (!line.isEmpty()) {
                third.execute(line);
            }
        }
        assertThat(lineByLine.configuration).isEqualTo(c);
    }

    @Property(tries = 60)
    void aRealDirectorTakesEverySavedConfigurationBack(@ForAll("configurations") Configuration c) {
        io.ippvs.core.director.Director first = io.ippvs.core.director.Director.builder().build();
        first.configure(c);
        String saved = Ipvsadm.forDirector(first).execute("-S -n --ippvs-full");
        io.ippvs.core.director.Director second = io.ippvs.core.director.Director.builder().build();
        Ipvsadm.forDirector(second).execute("-R", saved);
        assertThat(second.configuration()).isEqualTo(c);
        assertThat(Ipvsadm.forDirector(second).execute("-S -n --ippvs-full")).isEqualTo(saved);
    }

    @Property(tries = 250)
    void garbageLinesFailAndChangeNothing(@ForAll("configurations") Configuration c, @ForAll("garbage") String line) {
        FakeTarget t = new FakeTarget();
        t.configuration = c;
        Ipvsadm ipvsadm = Ipvsadm.builder(t).build();
        assertThatThrownBy(() -> ipvsadm.execute(line, "")).isInstanceOf(IllegalArgumentException.class);
        assertThat(t.configuration).isSameAs(c);
        assertThat(t.configureCalls).isZero();
        assertThat(t.zeroCalls).isZero();
    }

    @Property(tries = 200)
    void garbageInARulesFileChangesNothing(@ForAll("configurations") Configuration c, @ForAll("garbage") String line) {
        FakeTarget t = new FakeTarget();
        t.configuration = c;
        Ipvsadm ipvsadm = Ipvsadm.builder(t).build();
        String saved = ipvsadm.save();
        String rules = "-C\n" + saved + line.replaceAll("[\r\n]", " ") + "\n-A -f 42\n";
        int expectedLine = 2 + (int) saved.chars().filter(ch -> ch == '\n').count();
        assertThatThrownBy(() -> ipvsadm.execute("-R", rules)).isInstanceOf(RulesFileException.class)
                .satisfies(e -> assertThat(((RulesFileException) e).line()).isEqualTo(expectedLine));
        assertThat(t.configuration).isSameAs(c);
        assertThat(t.configureCalls).isZero();
    }

    @Property(tries = 500)
    void anyWordSequenceSucceedsOrFailsCleanly(@ForAll("configurations") Configuration c, @ForAll("wordSoup") List<String> words) {
        FakeTarget t = new FakeTarget();
        t.configuration = c;
        Ipvsadm ipvsadm = Ipvsadm.builder(t).build();
        try {
            ipvsadm.execute(words);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).matches("[a-zA-Z][a-zA-Z0-9 -]*: .*");
            assertThat(t.configuration).isSameAs(c);
            assertThat(t.configureCalls).isZero();
        }
    }

    @Provide
    Arbitrary<String> garbage() {
        Arbitrary<String> junkWord = Combinators.combine(
                        Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789.:[]-").ofMaxLength(6),
                        Arbitraries.of(JUNK.chars().mapToObj(ch -> String.valueOf((char) ch)).toArray(String[]::new)),
                        Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789.:[]-").ofMaxLength(6))
                .as((a, j, b) -> a + j + b);
        Arbitrary<String> pureJunk = Combinators.combine(
                        Arbitraries.strings().ascii().ofMaxLength(30), junkWord)
                .as((s, j) -> s.length() % 2 == 0 ? j + " " + s : s + " " + j)
                .filter(s -> s.indexOf('#') < 0);
        Arbitrary<String> mutated = Combinators.combine(validLines(), junkWord, Arbitraries.integers().between(0, 100),
                        Arbitraries.of(true, false))
                .as((line, junk, at, replace) -> {
                    List<String> words = new ArrayList<>(Arrays.asList(line.split(" ")));
                    int i = at % (words.size() + (replace ? 0 : 1));
                    if (replace) {
                        words.set(i, junk);
                    } else {
                        words.add(i, junk);
                    }
                    return String.join(" ", words);
                });
        return Arbitraries.oneOf(pureJunk, mutated);
    }

    /** Lines ipvsadm -S writes, plus listing and other commands. */
    private Arbitrary<String> validLines() {
        Arbitrary<String> saved = configurations().filter(c -> !c.services().isEmpty()).map(c -> {
            FakeTarget t = new FakeTarget();
            t.configuration = c;
            return Ipvsadm.builder(t).build().save();
        }).flatMap(text -> Arbitraries.of(text.split("\n")));
        return Arbitraries.oneOf(saved, Arbitraries.of("-L -n", "-L -n --stats --exact", "-C", "-Z", "-S -n", "--set 1 2 3",
                "-A -t 10.0.0.1:80 -R 10.0.0.2:80", "-L -c"));
    }

    @Provide
    Arbitrary<List<String>> wordSoup() {
        Arbitrary<String> word = Arbitraries.of("-A", "-E", "-D", "-C", "-a", "-e", "-d", "-R", "-S", "-L", "-l", "-Z", "--set",
                "-t", "-u", "--sctp-service", "-f", "-6", "-s", "-p", "-M", "-b", "-o", "-r", "-g", "-i", "-m", "-w", "-x", "-y",
                "--tun-type", "--tun-port", "--tun-nocsum", "--tun-csum", "--tun-remcsum", "-n", "-c", "--stats", "--rate",
                "--thresholds", "--persistent-conn", "--tun-info", "--exact", "--nosort", "--timeout", "--daemon",
                "10.0.0.1:80", "10.0.0.2", "[2001:db8::1]:443", "[2001:db8::2]", "0", "1", "80", "65536", "rr", "sh", "wlc",
                "sh-port", "flag-1", "255.255.255.0", "64", "gue", "gre", "ipip", "6080", "-Ln", "-w5", "--weight=3", "ipvsadm");
        return word.list().ofMaxSize(10);
    }

    @Provide
    Arbitrary<Configuration> configurations() {
        Arbitrary<List<ServiceConfig>> services = serviceConfigs().list().ofMaxSize(5);
        Arbitrary<Integer> timeout = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(1, CommandParser.MAX_TIMEOUT));
        return Combinators.combine(services, timeout, timeout, timeout).flatAs((list, tcp, fin, udp) -> {
            List<Arbitrary<List<RealServerConfig>>> per = new ArrayList<>();
            for (ServiceConfig s : list) {
                per.add(realServers(s.key()).list().ofMaxSize(4));
            }
            return Combinators.combine(per).as(all -> {
                Configuration c = Configuration.EMPTY.withTimeouts(tcp, fin, udp);
                for (int i = 0; i < list.size(); i++) {
                    ServiceConfig s = list.get(i);
                    if (c.service(s.key()) != null) {
                        continue;
                    }
                    c = c.withService(s);
                    for (RealServerConfig r : all.get(i)) {
                        if (c.service(s.key()).realServers().stream().noneMatch(r::sameServer)) {
                            c = c.withRealServer(s.key(), r);
                        }
                    }
                }
                return c;
            });
        });
    }

    private static Arbitrary<ServiceKey> keys() {
        Arbitrary<ServiceKey> address = Combinators.combine(Arbitraries.of(Protocol.values()), addresses(),
                        Arbitraries.oneOf(Arbitraries.integers().between(0, 65535), Arbitraries.of(0, 80, 443)))
                .as(ServiceKey::of);
        // any mark 1..2^32-1 (parse_fwmark), held as the int's 32 bits
        Arbitrary<ServiceKey> mark = Combinators.combine(Arbitraries.integers().filter(m -> m != 0),
                Arbitraries.of(Addresses.IPV4, Addresses.IPV6)).as(ServiceKey::fwmark);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, address), net.jqwik.api.Tuple.of(1, mark));
    }

    private static Arbitrary<ServiceConfig> serviceConfigs() {
        return Combinators.combine(keys(), Arbitraries.of(SCHEDULERS), Arbitraries.subsetOf(SchedulerFlag.values()),
                        Arbitraries.of(true, false), Arbitraries.integers().between(1, CommandParser.MAX_TIMEOUT),
                        Arbitraries.integers().between(0, 128), Arbitraries.of(true, false))
                .as((key, sched, flags, persistent, timeout, mask, ops) -> {
                    ServiceConfig.Builder b = ServiceConfig.builder(key).scheduler(sched)
                            .schedulerFlags(flags.isEmpty() ? EnumSet.noneOf(SchedulerFlag.class) : EnumSet.copyOf(flags));
                    if (persistent || !key.isFwmark() && key.port() == 0) {
                        b.persistent(timeout);
                        if (key.addressFamily() == Addresses.IPV6) {
                            b.persistenceNetmask(1 + mask % 128);
                        } else if (mask > 100) {
                            b.persistenceMask(mask * 0x9E3779B9); // not contiguous, as ipvsadm -M allows
                        } else {
                            b.persistenceNetmask(mask % 33);
                        }
                    }
                    if (ops && (key.isFwmark() || key.protocol() == Protocol.UDP)) {
                        b.onePacket(true);
                    }
                    return b.build();
                });
    }

    private static Arbitrary<RealServerConfig> realServers(ServiceKey key) {
        return Combinators.combine(Arbitraries.of(ForwardingMethod.values()), Arbitraries.of(true, false), addresses(),
                        Arbitraries.integers().between(0, 65535), Arbitraries.integers().between(0, 65535),
                        Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(0, Integer.MAX_VALUE)),
                        Arbitraries.integers().between(0, Integer.MAX_VALUE), Arbitraries.of(TunnelType.values()))
                .flatAs((method, otherFamily, address, port, weight, upper, lower, type) ->
                        Combinators.combine(Arbitraries.integers().between(1, 65535), Arbitraries.of(TunnelChecksum.values()))
                                .as((tunnelPort, csum) -> {
                                    InetAddress a = address;
                                    if (a.getAddress().length == 4 != (key.addressFamily() == Addresses.IPV4)
                                            && !(method == ForwardingMethod.TUNNEL && otherFamily)) {
                                        a = flip(a);
                                    }
                                    int p = !key.isFwmark() && method != ForwardingMethod.MASQUERADE ? key.port() : port;
                                    RealServerConfig.Builder b = RealServerConfig.builder(a, p).forwardingMethod(method).weight(weight)
                                            .upperThreshold(upper).lowerThreshold(upper == 0 ? lower : (int) (lower % (upper + 1L)));
                                    if (method == ForwardingMethod.TUNNEL) {
                                        b.tunnelType(type);
                                        if (type == TunnelType.GUE) {
                                            b.tunnelPort(tunnelPort).tunnelChecksum(csum);
                                        } else if (type == TunnelType.GRE) {
                                            b.tunnelChecksum(csum == TunnelChecksum.REMOTE ? TunnelChecksum.CHECKSUM : csum);
                                        }
                                    }
                                    return b.build();
                                }));
    }

    private static InetAddress flip(InetAddress a) {
        byte[] b = a.getAddress();
        byte[] out = b.length == 4 ? new byte[16] : new byte[4];
        System.arraycopy(b, 0, out, 0, Math.min(b.length, out.length));
        out[0] = (byte) 0x20; // never an IPv4-mapped or -compatible address
        try {
            return out.length == 16 ? java.net.Inet6Address.getByAddress(null, out, -1) : InetAddress.getByAddress(out);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static Arbitrary<InetAddress> addresses() {
        Arbitrary<InetAddress> v4 = Arbitraries.integers().map(i -> Addresses.toInetAddress(Addresses.IPV4, 0, i & 0xFFFFFFFFL));
        Arbitrary<InetAddress> v6 = Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), Arbitraries.of(0, 1, 2, 3))
                .as((h, l, shape) -> {
                    // some sparse addresses so that :: compression and glibc's dotted tails are exercised
                    long high = shape == 1 ? h & 0xFFFF000000000000L : shape == 2 ? 0 : h;
                    long low = shape == 1 ? l & 0xFFFFL : shape == 2 ? l & 0xFFFFFFFFL : l;
                    if (high == 0 && (low >>> 32) == 0 && shape == 2 && (l & 1) == 0) {
                        low |= 0xFFFF00000000L;
                    }
                    return Addresses.toInetAddress(Addresses.IPV6, high, low);
                });
        return Arbitraries.oneOf(v4, v6);
    }
}
