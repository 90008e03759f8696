package io.ippvs.examples;

import static io.ippvs.examples.TestCapture.ethernet;
import static io.ippvs.examples.TestCapture.packet;
import static io.ippvs.examples.TestCapture.pcap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ippvs.examples.TestCapture.Frame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code ippvs pcap}: captures built here (with the test's own writer and packet builder) replay
 * byte for byte to the expected output, which the test's own reader and, where installed, tshark
 * open cleanly; damaged inputs exit with 2 and say what is wrong.
 */
class PcapCommandTest {

    private static final byte[] MAC_CLIENT_SIDE = {2, 0, 0, 0, 0, 1};
    private static final byte[] MAC_DIRECTOR = {2, 0, 0, 0, 0, 2};
    private static final long T0 = 1_700_000_000_000_000_000L + 123_000; // whole microseconds: same in both resolutions
    private static final long MS = 1_000_000L;
    private static final byte[] NONE = {};
    private static final String RULES = """
            -A -t 203.1.1.10:80 -s rr
            -a -t 203.1.1.10:80 -r 10.1.1.1:8080 -m
            -A -t [2001:db8::10]:80 -s rr
            -a -t [2001:db8::10]:80 -r [2001:db8:1::1]:8080 -m
            """;

    @TempDir
    Path dir;

    /** A NAT conversation: input packets, then the packets the director must write, TTL one lower. */
    private record Conversation(List<byte[]> in, List<byte[]> out, int[] outIndex) {}

    private static Conversation conversation(boolean v6) {
        String client = v6 ? "2001:db8:c::7" : "198.51.100.7";
        String vip = v6 ? "2001:db8::10" : "203.1.1.10";
        String rs = v6 ? "2001:db8:1::1" : "10.1.1.1";
        String other = v6 ? "2001:db8::99" : "203.1.1.99";
        byte[] get = "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] truncated = Arrays.copyOf(packet(6, client, 40001, vip, 80, 64, 0x02, NONE), v6 ? 50 : 30);
        List<byte[]> in = List.of(
                packet(6, client, 40000, vip, 80, 64, 0x02, NONE),          // SYN
                packet(6, rs, 8080, client, 40000, 64, 0x12, NONE),         // SYN-ACK
                packet(6, client, 40000, vip, 80, 64, 0x18, get),           // ACK + request
                packet(17, client, 5353, other, 53, 64, 0, NONE),           // not a service: PASS
                truncated);                                                  // DROP
        List<byte[]> out = List.of(
                packet(6, client, 40000, rs, 8080, 63, 0x02, NONE),
                packet(6, vip, 80, client, 40000, 63, 0x12, NONE),
                packet(6, client, 40000, rs, 8080, 63, 0x18, get));
        return new Conversation(in, out, new int[] {0, 1, 2});
    }

    static Stream<Arguments> formats() {
        List<Arguments> a = new ArrayList<>();
        for (ByteOrder order : List.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN)) {
            for (boolean nanos : List.of(false, true)) {
                a.add(Arguments.of(1, false, order, nanos));
                a.add(Arguments.of(1, true, order, nanos));
                a.add(Arguments.of(101, false, order, nanos));
                a.add(Arguments.of(101, true, order, nanos));
                a.add(Arguments.of(228, false, order, nanos));
                a.add(Arguments.of(229, true, order, nanos));
            }
        }
        return a.stream();
    }

    @ParameterizedTest(name = "link type {0}, IPv6 {1}, {2}, nanoseconds {3}")
    @MethodSource("formats")
    void aCaptureReplaysByteForByte(int linkType, boolean v6, ByteOrder order, boolean nanos) throws Exception {
        Conversation c = conversation(v6);
        List<Frame> in = new ArrayList<>();
        for (int i = 0; i < c.in.size(); i++) {
            in.add(new Frame(T0 + i * MS, frame(linkType, v6, c.in.get(i))));
        }
        if (linkType == 1) {
            byte[] arp = new byte[28];
            in.add(new Frame(T0 + 9 * MS, ethernet(new byte[] {-1, -1, -1, -1, -1, -1}, MAC_CLIENT_SIDE, 0x0806, arp)));
        }
        List<Frame> expected = new ArrayList<>();
        for (int i = 0; i < c.out.size(); i++) {
            expected.add(new Frame(T0 + c.outIndex[i] * MS, frame(linkType, v6, c.out.get(i))));
        }
        Path input = Files.write(dir.resolve("in.pcap"), pcap(order, nanos, linkType, in));
        Path output = dir.resolve("out.pcap");

        Cli r = replay(input, output);

        assertThat(r.exit()).as(r.err()).isZero();
        byte[] written = Files.readAllBytes(output);
        assertThat(written).isEqualTo(pcap(order, nanos, linkType, expected));
        TestCapture.Parsed parsed = TestCapture.read(written);
        assertThat(parsed.linkType()).isEqualTo(linkType);
        assertThat(parsed.frames()).hasSize(3);
        assertThat(r.out()).contains("#1 0.000000 TCP ").contains(": FORWARD ")
                .containsPattern("#4 0\\.003000 UDP .*: PASS")
                .containsPattern("#5 0\\.004000 .*: DROP (truncated|malformed)")
                .contains("3 packets written");
        if (linkType == 1) {
            assertThat(r.out()).contains("#6 0.009000 Ethernet type 0x0806: not IP, skipped");
        }
        String service = v6 ? "[2001:db8::10]:80" : "203.1.1.10:80";
        assertThat(r.out()).containsPattern("TCP  " + java.util.regex.Pattern.quote(service) + " +1 +2 +1 ");
        tsharkDecodes(output, v6, List.of(v6 ? "2001:db8:1::1" : "10.1.1.1", v6 ? "2001:db8:c::7" : "198.51.100.7",
                v6 ? "2001:db8:1::1" : "10.1.1.1"));
    }

    /** The link layer for the link type: Ethernet with the client side's addresses, else the bare packet. */
    private static byte[] frame(int linkType, boolean v6, byte[] ip) {
        return linkType == 1 ? ethernet(MAC_DIRECTOR, MAC_CLIENT_SIDE, v6 ? 0x86DD : 0x0800, ip) : ip;
    }

    @Test
    void theRecordsTimeIsTheClockAndSweepsExpireConnections() throws Exception {
        Path rules = Files.writeString(dir.resolve("rules"), """
                -A -u 203.1.1.10:53 -s rr
                -a -u 203.1.1.10:53 -r 10.1.1.1:53 -m
                -a -u 203.1.1.10:53 -r 10.1.1.2:53 -m
                """);
        List<Frame> in = List.of(
                new Frame(T0, packet(17, "198.51.100.7", 5000, "203.1.1.10", 53, 64, 0, NONE)),
                new Frame(T0 + 400_000 * MS, packet(17, "198.51.100.7", 5000, "203.1.1.10", 53, 64, 0, NONE)));
        Path input = Files.write(dir.resolve("udp.pcap"), pcap(ByteOrder.BIG_ENDIAN, false, 101, in));
        Path output = dir.resolve("udp-out.pcap");
        Cli r = Cli.run("pcap", "--rules", rules.toString(), "--in", input.toString(), "--out", output.toString(),
                "--list-at", "100,350");
        assertThat(r.exit()).as(r.err()).isZero();
        List<Frame> out = TestCapture.read(Files.readAllBytes(output)).frames();
        assertThat(out).hasSize(2);
        String first = destination(out.get(0).bytes());
        String second = destination(out.get(1).bytes());
        // the UDP entry (300 s) expired in between, so the second datagram was scheduled afresh: rr moved on
        assertThat(first).isNotEqualTo(second);
        assertThat(List.of(first, second)).containsExactlyInAnyOrder("10.1.1.1", "10.1.1.2");
        String at100 = r.out().substring(r.out().indexOf("# at 100.000000s"), r.out().indexOf("# at 350.000000s"));
        assertThat(at100).containsPattern("UDP 03:20  UDP +198\\.51\\.100\\.7:5000 +203\\.1\\.1\\.10:53 +" + first);
        String at350 = r.out().substring(r.out().indexOf("# at 350.000000s"), r.out().indexOf("#2 400"));
        assertThat(at350).doesNotContain("198.51.100.7:5000");
        assertThat(r.out()).containsPattern("UDP  203\\.1\\.1\\.10:53 +2 +2 +0 ");
    }

    @Test
    void fwmarkAndChecksumOptions() throws Exception {
        Path rules = Files.writeString(dir.resolve("fw"), "-A -f 7 -s rr\n-a -f 7 -r 10.1.1.1:80 -m\n");
        byte[] syn = packet(6, "198.51.100.7", 40000, "203.1.1.10", 80, 64, 0x02, NONE);
        Path input = Files.write(dir.resolve("fw.pcap"), pcap(ByteOrder.BIG_ENDIAN, false, 101, List.of(new Frame(T0, syn))));
        Path output = dir.resolve("fw-out.pcap");
        assertThat(Cli.run("pcap", "--rules", rules.toString(), "--in", input.toString(), "--out", output.toString())
                .out()).contains(": PASS");
        assertThat(Cli.run("pcap", "--rules", rules.toString(), "--in", input.toString(), "--out", output.toString(),
                "--fwmark", "7").out()).contains(": FORWARD ");

        byte[] bad = syn.clone();
        bad[36] ^= 0x55; // the TCP checksum
        Path badInput = Files.write(dir.resolve("bad.pcap"), pcap(ByteOrder.BIG_ENDIAN, false, 101, List.of(new Frame(T0, bad))));
        Path rules2 = Files.writeString(dir.resolve("rules2"), RULES);
        assertThat(Cli.run("pcap", "--rules", rules2.toString(), "--in", badInput.toString(), "--out", output.toString())
                .out()).contains(": FORWARD ");
        assertThat(Cli.run("pcap", "--rules", rules2.toString(), "--in", badInput.toString(), "--out", output.toString(),
                "--verify-checksums").out()).contains(": DROP bad_checksum");
    }

    /**
     * A REPLY: a DF segment too big for the 1500-byte link towards the real server is answered with
     * ICMP fragmentation-needed from the virtual address, written as a frame back to the sender.
     */
    @Test
    void aReplyGoesBackToTheSenderWithTheEthernetAddressesSwapped() throws Exception {
        byte[] big = packet(6, "198.51.100.7", 40000, "203.1.1.10", 80, 64, 0x18, new byte[1600 - 40]);
        byte[] syn = packet(6, "198.51.100.7", 40000, "203.1.1.10", 80, 64, 0x02, NONE);
        List<Frame> in = List.of(new Frame(T0, frame(1, false, syn)), new Frame(T0 + MS, frame(1, false, big)));
        Path input = Files.write(dir.resolve("big.pcap"), pcap(ByteOrder.LITTLE_ENDIAN, true, 1, in));
        Path output = dir.resolve("big-out.pcap");
        Cli r = replay(input, output);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("#2 0\\.001000 TCP .*: REPLY ICMP 203\\.1\\.1\\.10 > 198\\.51\\.100\\.7 type 3 code 4");
        List<Frame> out = TestCapture.read(Files.readAllBytes(output)).frames();
        assertThat(out).hasSize(2);
        byte[] reply = out.get(1).bytes();
        assertThat(Arrays.copyOfRange(reply, 0, 6)).as("to the sender").isEqualTo(MAC_CLIENT_SIDE);
        assertThat(Arrays.copyOfRange(reply, 6, 12)).as("from the director").isEqualTo(MAC_DIRECTOR);
        ByteBuffer ip = ByteBuffer.wrap(reply, 14, reply.length - 14).slice();
        assertThat(ip.get(9)).as("ICMP").isEqualTo((byte) 1);
        assertThat(ip.get(20)).as("destination unreachable").isEqualTo((byte) 3);
        assertThat(ip.get(21)).as("fragmentation needed").isEqualTo((byte) 4);
        assertThat(ip.getShort(26) & 0xFFFF).as("next-hop MTU").isEqualTo(1500);
        assertThat(sum(ip, 0, 20)).as("IP header checksum").isEqualTo(0xFFFF);
        assertThat(sum(ip, 20, (ip.getShort(2) & 0xFFFF) - 20)).as("ICMP checksum").isEqualTo(0xFFFF);
        // tshark also decodes the quoted packet: the client's own, to the VIP, so the client can match it
        tsharkDecodes(output, false, List.of("10.1.1.1", "198.51.100.7,203.1.1.10"));
    }

    /** The one's-complement sum, folded: 0xFFFF over data that includes its right checksum. */
    private static int sum(ByteBuffer b, int off, int len) {
        long s = 0;
        for (int i = 0; i < len; i += 2) {
            s += (b.get(off + i) & 0xFF) << 8 | (i + 1 < len ? b.get(off + i + 1) & 0xFF : 0);
        }
        while (s > 0xFFFF) {
            s = (s & 0xFFFF) + (s >> 16);
        }
        return (int) s;
    }

    static Stream<Arguments> damaged() {
        byte[] good = pcap(ByteOrder.BIG_ENDIAN, false, 101,
                List.of(new Frame(T0, packet(6, "198.51.100.7", 40000, "203.1.1.10", 80, 64, 0x02, NONE))));
        byte[] pcapng = {0x0A, 0x0D, 0x0D, 0x0A, 0, 0, 0, 28, 0x1A, 0x2B, 0x3C, 0x4D, 0, 1, 0, 0};
        byte[] version = good.clone();
        version[5] = 1; // major version 1
        byte[] link = good.clone();
        link[23] = 113; // Linux cooked capture
        byte[] snap = good.clone();
        ByteBuffer.wrap(snap).putInt(24 + 8, 300_000).putInt(24 + 12, 300_000);
        byte[] longerThanOriginal = good.clone();
        ByteBuffer.wrap(longerThanOriginal).putInt(24 + 12, 10);
        byte[] fraction = good.clone();
        ByteBuffer.wrap(fraction).putInt(24 + 4, 1_000_000);
        return Stream.of(
                Arguments.of("pcapng", pcapng, "a pcapng file"),
                Arguments.of("empty", new byte[0], "shorter than the 4-byte magic number"),
                Arguments.of("not pcap", "GET / HTTP/1.0\r\n\r\n........".getBytes(StandardCharsets.US_ASCII), "not a pcap file: magic number 0x47455420"),
                Arguments.of("header cut", Arrays.copyOf(good, 20), "truncated file header: 20 of 24 bytes"),
                Arguments.of("record header cut", Arrays.copyOf(good, 30), "record 1 at byte 24: truncated record header (6 of 16 bytes)"),
                Arguments.of("record data cut", Arrays.copyOf(good, good.length - 5), "record 1 at byte 24: truncated data (35 of 40 bytes)"),
                Arguments.of("version", version, "pcap version 1.4"),
                Arguments.of("link type", link, "link type 113 is not read"),
                Arguments.of("snaplen", snap, "captured length 300000 exceeds the snapshot length 262144"),
                Arguments.of("original", longerThanOriginal, "captured length 40 exceeds the original length 10"),
                Arguments.of("fraction", fraction, "timestamp fraction 1000000 is not below 1000000"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damaged")
    void aDamagedCaptureExitsWithTwoAndSaysWhy(String name, byte[] file, String message) throws IOException {
        Path input = Files.write(dir.resolve("damaged.pcap"), file);
        Path output = dir.resolve("never.pcap");
        Cli r = replay(input, output);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("ippvs pcap: " + input + ": ").contains(message);
        assertThat(output).as("nothing written for a damaged capture").doesNotExist();
    }

    @Test
    void aMissingCaptureExitsWithTwo() throws IOException {
        Cli r = replay(dir.resolve("nope.pcap"), dir.resolve("out.pcap"));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("nope.pcap: no such file");
        Cli missingOption = Cli.run("pcap", "--in", "x");
        assertThat(missingOption.exit()).isEqualTo(2);
        assertThat(missingOption.err()).contains("Missing required options");
    }

    private Cli replay(Path input, Path output) throws IOException {
        Path rules = Files.writeString(dir.resolve("rules.txt"), RULES);
        return Cli.run("pcap", "--rules", rules.toString(), "--in", input.toString(), "--out", output.toString());
    }

    /**
     * --sync-out / --sync-in: director A replays a connection's first packets and writes its master's
     * sync datagrams; director B, whose rr would pick the other server, loads them and carries the
     * connection on to A's server (without them its ACK would be dropped: no connection).
     */
    @Test
    void aBackupLoadedFromTheMastersSyncCaptureCarriesTheConnectionOn() throws Exception {
        String rulesA = """
                -A -t 203.1.1.10:80 -s rr
                -a -t 203.1.1.10:80 -r 10.1.1.1:8080 -m
                -a -t 203.1.1.10:80 -r 10.1.1.2:8080 -m
                """;
        Path a = Files.writeString(dir.resolve("a.rules"), rulesA);
        Path b = Files.writeString(dir.resolve("b.rules"), """
                -A -t 203.1.1.10:80 -s rr
                -a -t 203.1.1.10:80 -r 10.1.1.2:8080 -m
                -a -t 203.1.1.10:80 -r 10.1.1.1:8080 -m
                """);
        String client = "198.51.100.7";
        List<Frame> first = List.of(
                new Frame(T0, packet(6, client, 40000, "203.1.1.10", 80, 64, 0x02, NONE)),
                new Frame(T0 + MS, packet(6, client, 40000, "203.1.1.10", 80, 64, 0x10, NONE)),
                new Frame(T0 + 2 * MS, packet(6, client, 40000, "203.1.1.10", 80, 64, 0x18, "GET /".getBytes())));
        List<Frame> later = List.of(
                new Frame(T0 + 3000 * MS, packet(6, client, 40000, "203.1.1.10", 80, 64, 0x10, NONE)));
        Path in1 = Files.write(dir.resolve("first.pcap"), pcap(ByteOrder.LITTLE_ENDIAN, false, 101, first));
        Path in2 = Files.write(dir.resolve("later.pcap"), pcap(ByteOrder.LITTLE_ENDIAN, false, 101, later));
        Path sync = dir.resolve("sync.pcap");
        Cli ra = Cli.run("pcap", "--rules", a.toString(), "--in", in1.toString(), "--out", dir.resolve("a.pcap").toString(),
                "--sync-out", sync.toString(), "--syncid", "9", "--quiet");
        assertThat(ra.exit()).as(ra.err()).isZero();
        assertThat(ra.out()).contains("sync out: 1 datagrams, 1 entries written to " + sync);
        String server = destination(TestCapture.read(Files.readAllBytes(dir.resolve("a.pcap"))).frames().get(0).bytes());

        Cli without = Cli.run("pcap", "--rules", b.toString(), "--in", in2.toString(), "--out",
                dir.resolve("b0.pcap").toString());
        assertThat(without.out()).contains("DROP no_connection");
        Cli rb = Cli.run("pcap", "--rules", b.toString(), "--in", in2.toString(), "--out", dir.resolve("b.pcap").toString(),
                "--sync-in", sync.toString());
        assertThat(rb.exit()).as(rb.err()).isZero();
        assertThat(rb.out()).contains("sync in: 1 datagrams, 1 entries installed, 0 dropped");
        List<Frame> out = TestCapture.read(Files.readAllBytes(dir.resolve("b.pcap"))).frames();
        assertThat(out).hasSize(1);
        assertThat(destination(out.get(0).bytes())).isEqualTo(server);
        syncDecodesInTshark(sync);
    }

    /** Wireshark's ipvs dissector reads the --sync-out capture: sync id 9, one TCP entry to port 80. */
    private static void syncDecodesInTshark(Path file) throws Exception {
        assumeTrue(Stream.of(System.getenv("PATH").split(":")).anyMatch(p -> Files.isExecutable(Path.of(p, "tshark"))),
                "tshark is not installed (apt-get install -y tshark); the replay itself read the file back");
        Process p = new ProcessBuilder("tshark", "-n", "-r", file.toString(), "-d", "udp.port==8848,ipvs", "-T", "fields",
                "-E", "separator=|", "-e", "ipvs.syncid", "-e", "ipvs.conncount", "-e", "ipvs.cport", "-e", "ipvs.vport",
                "-e", "ipvs.caddr").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).isEqualTo("9|1|40000|80|198.51.100.7\n");
    }

    private static String destination(byte[] ip) {
        return (ip[16] & 0xFF) + "." + (ip[17] & 0xFF) + "." + (ip[18] & 0xFF) + "." + (ip[19] & 0xFF);
    }

    /** tshark opens the output without complaint and decodes the destinations we wrote; skipped where it is not installed. */
    private static void tsharkDecodes(Path file, boolean v6, List<String> destinations) throws Exception {
        assumeTrue(Stream.of(System.getenv("PATH").split(":")).anyMatch(p -> Files.isExecutable(Path.of(p, "tshark"))),
                "tshark is not installed (apt-get install -y tshark); the test's own reader checked the file");
        Process p = new ProcessBuilder("tshark", "-n", "-r", file.toString(), "-T", "fields", "-e", v6 ? "ipv6.dst" : "ip.dst")
                .redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("tshark: %s", err).isZero();
        assertThat(err).doesNotContainIgnoringCase("damaged").doesNotContainIgnoringCase("cut short")
                .doesNotContainIgnoringCase("malformed");
        assertThat(out.lines().toList()).isEqualTo(destinations);
    }
}
