package io.ippvs.nat.testing;

import static io.ippvs.testkit.PacketBuilder.ACK;
import static io.ippvs.testkit.PacketBuilder.FIN;
import static io.ippvs.testkit.PacketBuilder.PSH;
import static io.ippvs.testkit.PacketBuilder.RST;
import static io.ippvs.testkit.PacketBuilder.SYN;

import io.ippvs.api.DropReason;
import io.ippvs.api.PacketRewriter;
import io.ippvs.api.Protocol;
import io.ippvs.api.Verdict;
import io.ippvs.core.testing.Fixture.Flow;
import io.ippvs.core.testing.Fixture;
import io.ippvs.core.testing.FixtureRunner;
import io.ippvs.nat.NatRewriter;
import io.ippvs.testkit.PacketBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Golden NAT fixtures in the style of Katran's {@code *Fixtures.h}: an ordered list of data-only
 * {@link Fixture}s (description, input packet and its placement, connection and direction, expected
 * verdict, expected output packet), meant to run in this order through one director ({@link
 * FixtureRunner.Order#SEQUENCE}) whose services are those of the fixtures' connections. Every expected
 * packet is built independently with {@link PacketBuilder} from the addresses it should carry, never
 * by running the code under test.
 *
 * <p>Each fixture names its connection, so the same list drives the rewriter alone; fixtures whose
 * outcome is the director's alone (no connection, echo, unknown fragment) are {@link
 * Fixture.Scope#DIRECTOR}. The connections leave the client port 0: a NAT context's client port plays
 * no part in the rewriting, and one context per connection name keeps the FTP state of "ftp" whole.
 * Placement alternates heap and direct buffers with 16 bytes of headroom and 64 of tailroom.
 * {@code FixtureReplayBenchmark} replays the list.
 *
 * <p>The class sits in {@code io.ippvs.nat.testing}, a package of the tests that the module does not
 * export: its public signatures carry the test kit's types ({@link Fixture}, {@link PacketBuilder}),
 * which live on the class path, and {@code -Xlint:exports} objects to that only in exported packages.
 */
public final class NatFixtures {

    public static final String CLIENT = "198.51.100.7";
    public static final String ROUTER = "203.0.113.9";
    public static final String SERVER_SIDE_ROUTER = "10.1.1.254";
    public static final String VIP = "192.0.2.1";
    public static final String WEB = "10.1.1.2";
    public static final String FTP = "10.1.1.3";
    public static final String DNS = "10.1.1.4";
    public static final String SCTP_SERVER = "10.1.1.5";
    public static final String CLIENT6 = "2001:db8:c::7";
    public static final String ROUTER6 = "2001:db8:9::9";
    public static final String VIP6 = "2001:db8:1::1";
    public static final String WEB6 = "2001:db8:2::2";
    public static final String DNS6 = "2001:db8:2::4";
    public static final int WEB_MTU = 1400;
    public static final int WEB6_MTU = 1280;

    /** The connection a fixture belongs to, by name (FTP data connections are the helper's, not services). */
    public static Flow flow(String name) {
        switch (name) {
            case "web": return service(Protocol.TCP, CLIENT, VIP, 80, WEB, 8080, WEB_MTU);
            case "dns": return service(Protocol.UDP, CLIENT, VIP, 53, DNS, 5353, 0);
            case "sctp": return service(Protocol.SCTP, CLIENT, VIP, 3868, SCTP_SERVER, 3869, 0);
            case "ftp": return service(Protocol.TCP, CLIENT, VIP, 21, FTP, 21, 0);
            case "ftp-pasv-data": return expected(CLIENT, VIP, 50000, FTP, 50000);
            case "ftp-active-data": return expected(CLIENT, VIP, 20, FTP, 20);
            case "ftp-pasv-data-2": return expected(CLIENT, VIP, 50001, FTP, 50001);
            case "web6": return service(Protocol.TCP, CLIENT6, VIP6, 443, WEB6, 8443, WEB6_MTU);
            case "dns6": return service(Protocol.UDP, CLIENT6, VIP6, 53, DNS6, 5353, 0);
            default: throw new IllegalArgumentException("connection: " + name);
        }
    }

    private static Flow service(Protocol p, String client, String virtual, int port, String server, int serverPort, int mtu) {
        return Flow.of(p, client, 0, virtual, port, Fixture.Server.masquerade(server, serverPort, mtu));
    }

    private static Flow expected(String client, String virtual, int port, String server, int serverPort) {
        return new Flow(Protocol.TCP, client, 0, virtual, port, Fixture.Server.masquerade(server, serverPort, 0), false);
    }

    /** The rewriters of the list: the default NAT rewriter. */
    public static PacketRewriter rewriter(String variant, int packetsBefore) {
        if (!variant.equals(Fixture.DEFAULT_REWRITER)) {
            throw new IllegalArgumentException(variant);
        }
        return NatRewriter.builder().build();
    }

    private final List<Fixture> list = new ArrayList<>();

    public static List<Fixture> all() {
        NatFixtures f = new NatFixtures();
        f.tcp();
        f.udpAndSctp();
        f.ipv6();
        f.icmpErrors();
        f.ttlAndMtu();
        f.fragments();
        f.ftp();
        return List.copyOf(f.list);
    }

    // ---------------------------------------------------------------- builders

    private void add(String description, byte[] in, String connection, boolean reply, Verdict verdict, byte[] out) {
        Fixture.Placement placement = list.size() % 2 == 1 ? Fixture.Placement.direct(16, 64) : Fixture.Placement.heap(16, 64);
        list.add(new Fixture(description, in, placement, connection == null ? null : flow(connection), reply,
                Fixture.DEFAULT_REWRITER, connection == null ? Fixture.Scope.DIRECTOR : Fixture.Scope.BOTH, verdict, out,
                List.of()));
    }

    private void forward(String description, String connection, boolean reply, PacketBuilder in, PacketBuilder out) {
        add(description, in.bytes(), connection, reply, Verdict.FORWARD, out.bytes());
    }

    private void reply(String description, String connection, boolean reply, byte[] in, PacketBuilder out) {
        add(description, in, connection, reply, Verdict.REPLY, out.bytes());
    }

    /** A drop leaves the packet as it came. */
    private void drop(String description, String connection, boolean reply, byte[] in, DropReason reason) {
        add(description, in, connection, reply, Verdict.drop(reason), in);
    }

    private void pass(String description, byte[] in) {
        add(description, in, null, false, Verdict.PASS, in);
    }

    public static PacketBuilder tcp4(String src, String dst, int ttl, int sport, int dport, int flags, long seq, long ack, String data) {
        return PacketBuilder.ipv4(src, dst).ttl(ttl).tcp(sport, dport).flags(flags).seq(seq).ack(ack).payload(data);
    }

    public static PacketBuilder tcp6(String src, String dst, int ttl, int sport, int dport, int flags, long seq, long ack, String data) {
        return PacketBuilder.ipv6(src, dst).ttl(ttl).tcp(sport, dport).flags(flags).seq(seq).ack(ack).payload(data);
    }

    /** Client to the virtual service and its translation to the real server (TTL one less). */
    private void in4(String d, String conn, int cport, int vport, String server, int dport, int flags, long seq, long ack, String data) {
        forward(d, conn, false, tcp4(CLIENT, VIP, 64, cport, vport, flags, seq, ack, data),
                tcp4(CLIENT, server, 63, cport, dport, flags, seq, ack, data));
    }

    /** Real server to the client and its translation to come from the virtual service. */
    private void out4(String d, String conn, String server, int dport, int vport, int cport, int flags, long seq, long ack,
            String data) {
        forward(d, conn, true, tcp4(server, CLIENT, 64, dport, cport, flags, seq, ack, data),
                tcp4(VIP, CLIENT, 63, vport, cport, flags, seq, ack, data));
    }

    // ---------------------------------------------------------------- groups

    private void tcp() {
        in4("tcp: client SYN to VIP:80 goes to 10.1.1.2:8080", "web", 40000, 80, WEB, 8080, SYN, 1000, 0, "");
        out4("tcp: server SYN-ACK leaves as VIP:80", "web", WEB, 8080, 80, 40000, SYN | ACK, 7000, 1001, "");
        in4("tcp: client ACK completes the handshake", "web", 40000, 80, WEB, 8080, ACK, 1001, 7001, "");
        in4("tcp: client request", "web", 40000, 80, WEB, 8080, PSH | ACK, 1001, 7001, "GET / HTTP/1.0\r\n\r\n");
        out4("tcp: server response", "web", WEB, 8080, 80, 40000, PSH | ACK, 7001, 1019, "HTTP/1.0 200 OK\r\n\r\nhello");
        in4("tcp: client ACKs the response", "web", 40000, 80, WEB, 8080, ACK, 1019, 7025, "");
        out4("tcp: server FIN", "web", WEB, 8080, 80, 40000, FIN | ACK, 7025, 1019, "");
        in4("tcp: client FIN-ACK", "web", 40000, 80, WEB, 8080, FIN | ACK, 1019, 7026, "");
        out4("tcp: server last ACK", "web", WEB, 8080, 80, 40000, ACK, 7026, 1020, "");
        forward("tcp: client request with IP options (l4 after 24 bytes)", "web", false,
                PacketBuilder.ipv4(CLIENT, VIP).ipOptions((byte) 1, (byte) 1, (byte) 1, (byte) 0).tcp(40000, 80)
                        .flags(ACK).seq(1020).ack(7027),
                PacketBuilder.ipv4(CLIENT, WEB).ttl(63).ipOptions((byte) 1, (byte) 1, (byte) 1, (byte) 0).tcp(40000, 8080)
                        .flags(ACK).seq(1020).ack(7027));

        in4("tcp rst-in: client SYN", "web", 40001, 80, WEB, 8080, SYN, 2000, 0, "");
        out4("tcp rst-in: server SYN-ACK", "web", WEB, 8080, 80, 40001, SYN | ACK, 8000, 2001, "");
        in4("tcp rst-in: client RST", "web", 40001, 80, WEB, 8080, RST | ACK, 2001, 8001, "");

        in4("tcp rst-out: client SYN", "web", 40002, 80, WEB, 8080, SYN, 3000, 0, "");
        out4("tcp rst-out: server refuses with RST", "web", WEB, 8080, 80, 40002, RST | ACK, 0, 3001, "");
    }

    private void udpAndSctp() {
        forward("udp: query to VIP:53 goes to 10.1.1.4:5353", "dns", false,
                PacketBuilder.ipv4(CLIENT, VIP).udp(5000, 53).payload("query"),
                PacketBuilder.ipv4(CLIENT, DNS).ttl(63).udp(5000, 5353).payload("query"));
        forward("udp: answer leaves as VIP:53", "dns", true,
                PacketBuilder.ipv4(DNS, CLIENT).udp(5353, 5000).payload("answer!"),
                PacketBuilder.ipv4(VIP, CLIENT).ttl(63).udp(53, 5000).payload("answer!"));
        forward("udp: zero checksum over IPv4 stays zero", "dns", false,
                PacketBuilder.ipv4(CLIENT, VIP).udp(5000, 53).zeroUdpChecksum().payload("no checksum"),
                PacketBuilder.ipv4(CLIENT, DNS).ttl(63).udp(5000, 5353).zeroUdpChecksum().payload("no checksum"));
        byte[] init = PacketBuilder.initChunkValue(0x11223344, 65535, 10, 10, 1);
        forward("sctp: INIT to VIP:3868 goes to 10.1.1.5:3869 with a new CRC32c", "sctp", false,
                PacketBuilder.ipv4(CLIENT, VIP).sctp(6000, 3868, 0).chunk(PacketBuilder.SCTP_INIT, 0, init),
                PacketBuilder.ipv4(CLIENT, SCTP_SERVER).ttl(63).sctp(6000, 3869, 0).chunk(PacketBuilder.SCTP_INIT, 0, init));
        byte[] initAck = PacketBuilder.initChunkValue(0x55667788, 65535, 10, 10, 100);
        forward("sctp: INIT-ACK leaves as VIP:3868", "sctp", true,
                PacketBuilder.ipv4(SCTP_SERVER, CLIENT).sctp(3869, 6000, 0x11223344L).chunk(PacketBuilder.SCTP_INIT_ACK, 0, initAck),
                PacketBuilder.ipv4(VIP, CLIENT).ttl(63).sctp(3868, 6000, 0x11223344L).chunk(PacketBuilder.SCTP_INIT_ACK, 0, initAck));
    }

    private void ipv6() {
        forward("ipv6 tcp: SYN to [VIP6]:443 goes to [2001:db8:2::2]:8443", "web6", false,
                tcp6(CLIENT6, VIP6, 64, 50000, 443, SYN, 100, 0, ""), tcp6(CLIENT6, WEB6, 63, 50000, 8443, SYN, 100, 0, ""));
        forward("ipv6 tcp: SYN-ACK leaves as [VIP6]:443", "web6", true,
                tcp6(WEB6, CLIENT6, 64, 8443, 50000, SYN | ACK, 900, 101, ""),
                tcp6(VIP6, CLIENT6, 63, 443, 50000, SYN | ACK, 900, 101, ""));
        forward("ipv6 tcp: client ACK with data", "web6", false,
                tcp6(CLIENT6, VIP6, 64, 50000, 443, PSH | ACK, 101, 901, "hello six"),
                tcp6(CLIENT6, WEB6, 63, 50000, 8443, PSH | ACK, 101, 901, "hello six"));
        forward("ipv6 tcp: server data", "web6", true,
                tcp6(WEB6, CLIENT6, 64, 8443, 50000, PSH | ACK, 901, 110, "six back"),
                tcp6(VIP6, CLIENT6, 63, 443, 50000, PSH | ACK, 901, 110, "six back"));
        forward("ipv6 tcp: client FIN", "web6", false,
                tcp6(CLIENT6, VIP6, 64, 50000, 443, FIN | ACK, 110, 909, ""),
                tcp6(CLIENT6, WEB6, 63, 50000, 8443, FIN | ACK, 110, 909, ""));
        forward("ipv6 udp: query goes to [2001:db8:2::4]:5353", "dns6", false,
                PacketBuilder.ipv6(CLIENT6, VIP6).udp(5001, 53).payload("q6"),
                PacketBuilder.ipv6(CLIENT6, DNS6).ttl(63).udp(5001, 5353).payload("q6"));
        forward("ipv6 udp: answer leaves as [VIP6]:53", "dns6", true,
                PacketBuilder.ipv6(DNS6, CLIENT6).udp(5353, 5001).payload("a6"),
                PacketBuilder.ipv6(VIP6, CLIENT6).ttl(63).udp(53, 5001).payload("a6"));
        forward("ipv6 tcp: hop-by-hop header before TCP", "web6", false,
                PacketBuilder.ipv6(CLIENT6, VIP6).hopByHop().tcp(50000, 443).flags(ACK).seq(111).ack(909),
                PacketBuilder.ipv6(CLIENT6, WEB6).ttl(63).hopByHop().tcp(50000, 8443).flags(ACK).seq(111).ack(909));
    }

    private void icmpErrors() {
        // the server's side reports on a translated query client -> 10.1.1.4:5353
        byte[] query = PacketBuilder.ipv4(CLIENT, DNS).ttl(63).udp(5000, 5353).payload("query").bytes();
        byte[] queryAsSent = PacketBuilder.ipv4(CLIENT, VIP).ttl(63).udp(5000, 53).payload("query").bytes();
        forward("icmp out: port unreachable from the real server reaches the client from VIP", "dns", true,
                PacketBuilder.ipv4(DNS, CLIENT).icmpError(PacketBuilder.ICMP_DEST_UNREACHABLE, 3, 0, query),
                PacketBuilder.ipv4(VIP, CLIENT).ttl(63).icmpError(PacketBuilder.ICMP_DEST_UNREACHABLE, 3, 0, queryAsSent));

        // a router between the director and the real servers reports on a translated request: the
        // client hears it from the VIP (as Linux does, whatever the router's own address)
        byte[] request = tcp4(CLIENT, WEB, 60, 40000, 8080, ACK, 1019, 7025, "").bytes();
        byte[] requestAsSent = tcp4(CLIENT, VIP, 60, 40000, 80, ACK, 1019, 7025, "").bytes();
        forward("icmp out: time exceeded from a router on the server side reaches the client from VIP", "web", true,
                PacketBuilder.ipv4(SERVER_SIDE_ROUTER, CLIENT).icmpError(PacketBuilder.ICMP_TIME_EXCEEDED, 0, 0, request),
                PacketBuilder.ipv4(VIP, CLIENT).ttl(63).icmpError(PacketBuilder.ICMP_TIME_EXCEEDED, 0, 0, requestAsSent));

        // a router on the client's path reports on a reply VIP:80 -> client
        byte[] reply = tcp4(VIP, CLIENT, 62, 80, 40000, PSH | ACK, 7001, 1019, "HTTP/1.0 200 OK\r\n\r\nhello").bytes();
        byte[] replyAsSent = tcp4(WEB, CLIENT, 62, 8080, 40000, PSH | ACK, 7001, 1019, "HTTP/1.0 200 OK\r\n\r\nhello").bytes();
        forward("icmp in: fragmentation needed about a reply reaches the real server", "web", false,
                PacketBuilder.ipv4(ROUTER, VIP).icmpError(PacketBuilder.ICMP_DEST_UNREACHABLE, PacketBuilder.ICMP_FRAG_NEEDED, 576, reply),
                PacketBuilder.ipv4(ROUTER, WEB).ttl(63).icmpError(PacketBuilder.ICMP_DEST_UNREACHABLE, PacketBuilder.ICMP_FRAG_NEEDED,
                        576, replyAsSent));
        forward("icmp in: time exceeded quoting only header + 8 bytes", "web", false,
                PacketBuilder.ipv4(ROUTER, VIP).icmpError(PacketBuilder.ICMP_TIME_EXCEEDED, 0, 0, Arrays.copyOf(reply, 28)),
                PacketBuilder.ipv4(ROUTER, WEB).ttl(63).icmpError(PacketBuilder.ICMP_TIME_EXCEEDED, 0, 0,
                        Arrays.copyOf(replyAsSent, 28)));

        byte[] reply6 = tcp6(VIP6, CLIENT6, 60, 443, 50000, PSH | ACK, 901, 110, "six back").bytes();
        byte[] reply6AsSent = tcp6(WEB6, CLIENT6, 60, 8443, 50000, PSH | ACK, 901, 110, "six back").bytes();
        forward("icmpv6 in: packet too big about a reply reaches the real server", "web6", false,
                PacketBuilder.ipv6(ROUTER6, VIP6).icmpError(PacketBuilder.ICMPV6_PACKET_TOO_BIG, 0, 1280, reply6),
                PacketBuilder.ipv6(ROUTER6, WEB6).ttl(63).icmpError(PacketBuilder.ICMPV6_PACKET_TOO_BIG, 0, 1280, reply6AsSent));
        byte[] query6 = PacketBuilder.ipv6(CLIENT6, DNS6).ttl(63).udp(5001, 5353).payload("q6").bytes();
        byte[] query6AsSent = PacketBuilder.ipv6(CLIENT6, VIP6).ttl(63).udp(5001, 53).payload("q6").bytes();
        forward("icmpv6 out: port unreachable from the real server reaches the client from VIP6", "dns6", true,
                PacketBuilder.ipv6(DNS6, CLIENT6).icmpError(PacketBuilder.ICMPV6_DEST_UNREACHABLE, 4, 0, query6),
                PacketBuilder.ipv6(VIP6, CLIENT6).ttl(63).icmpError(PacketBuilder.ICMPV6_DEST_UNREACHABLE, 4, 0, query6AsSent));

        byte[] stranger = tcp4(VIP, CLIENT, 60, 80, 45555, ACK, 1, 1, "").bytes();
        drop("icmp: an error quoting no connection is dropped", null, false,
                PacketBuilder.ipv4(ROUTER, VIP).icmpError(PacketBuilder.ICMP_DEST_UNREACHABLE, 1, 0, stranger).bytes(),
                DropReason.UNMATCHED_ICMP);
        pass("icmp: echo request to the VIP is passed to the host", PacketBuilder.ipv4(CLIENT, VIP).icmpEcho(7, 1).bytes());
    }

    private void ttlAndMtu() {
        byte[] dying = tcp4(CLIENT, VIP, 1, 40000, 80, ACK, 1020, 7027, "late").bytes();
        reply("ttl: client packet with TTL 1 gets time exceeded from VIP", "web", false, dying,
                PacketBuilder.ipv4(VIP, CLIENT).ttl(64).tos(0xC0).id(0).icmpError(PacketBuilder.ICMP_TIME_EXCEEDED, 0, 0, dying));
        byte[] dyingReply = tcp4(WEB, CLIENT, 1, 8080, 40000, ACK, 7027, 1020, "").bytes();
        reply("ttl: server packet with TTL 1 gets time exceeded from VIP", "web", true, dyingReply,
                PacketBuilder.ipv4(VIP, WEB).ttl(64).tos(0xC0).id(0).icmpError(PacketBuilder.ICMP_TIME_EXCEEDED, 0, 0, dyingReply));
        byte[] dying6 = tcp6(CLIENT6, VIP6, 1, 50000, 443, ACK, 111, 909, "").bytes();
        reply("ttl: IPv6 hop limit 1 gets time exceeded from VIP6", "web6", false, dying6,
                PacketBuilder.ipv6(VIP6, CLIENT6).ttl(64).icmpError(PacketBuilder.ICMPV6_TIME_EXCEEDED, 0, 0, dying6));

        String big = "x".repeat(1450 - 40);
        byte[] tooBig = tcp4(CLIENT, VIP, 64, 40000, 80, ACK, 1020, 7027, big).dontFragment(true).bytes();
        reply("mtu: 1450 bytes with DF over the server's MTU 1400 gets fragmentation needed", "web", false, tooBig,
                PacketBuilder.ipv4(VIP, CLIENT).ttl(64).tos(0xC0).id(0).icmpError(PacketBuilder.ICMP_DEST_UNREACHABLE,
                        PacketBuilder.ICMP_FRAG_NEEDED, WEB_MTU, Arrays.copyOf(tooBig, 548)));
        forward("mtu: the same without DF is forwarded for the host to fragment", "web", false,
                tcp4(CLIENT, VIP, 64, 40000, 80, ACK, 1020, 7027, big),
                tcp4(CLIENT, WEB, 63, 40000, 8080, ACK, 1020, 7027, big));
        String big6 = "y".repeat(1300 - 60);
        byte[] tooBig6 = tcp6(CLIENT6, VIP6, 64, 50000, 443, ACK, 111, 909, big6).bytes();
        reply("mtu: IPv6 1300 bytes over the server's MTU 1280 gets packet too big", "web6", false, tooBig6,
                PacketBuilder.ipv6(VIP6, CLIENT6).ttl(64).icmpError(PacketBuilder.ICMPV6_PACKET_TOO_BIG, 0, WEB6_MTU,
                        Arrays.copyOf(tooBig6, 1232)));
    }

    private void fragments() {
        byte[] data = new byte[100];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        byte[] whole = PacketBuilder.ipv4(CLIENT, VIP).udp(5000, 53).payload(data).bytes();
        byte[] wholeAsSent = PacketBuilder.ipv4(CLIENT, DNS).udp(5000, 5353).payload(data).bytes();
        byte[] l4 = Arrays.copyOfRange(whole, 20, whole.length);
        byte[] l4AsSent = Arrays.copyOfRange(wholeAsSent, 20, wholeAsSent.length);
        forward("fragments: the first fragment of a UDP datagram is translated", "dns", false,
                PacketBuilder.ipv4(CLIENT, VIP).id(0x4242).fragment(0, true).raw(17, Arrays.copyOf(l4, 80)),
                PacketBuilder.ipv4(CLIENT, DNS).ttl(63).id(0x4242).fragment(0, true).raw(17, Arrays.copyOf(l4AsSent, 80)));
        forward("fragments: the second fragment follows the first to 10.1.1.4", "dns", false,
                PacketBuilder.ipv4(CLIENT, VIP).id(0x4242).fragment(80, false).raw(17, Arrays.copyOfRange(l4, 80, l4.length)),
                PacketBuilder.ipv4(CLIENT, DNS).ttl(63).id(0x4242).fragment(80, false)
                        .raw(17, Arrays.copyOfRange(l4AsSent, 80, l4AsSent.length)));
        byte[] answer = PacketBuilder.ipv4(DNS, CLIENT).udp(5353, 5000).payload(data).bytes();
        byte[] answerAsSent = PacketBuilder.ipv4(VIP, CLIENT).udp(53, 5000).payload(data).bytes();
        byte[] a4 = Arrays.copyOfRange(answer, 20, answer.length);
        byte[] a4AsSent = Arrays.copyOfRange(answerAsSent, 20, answerAsSent.length);
        forward("fragments: the first fragment of a fragmented answer leaves as VIP:53", "dns", true,
                PacketBuilder.ipv4(DNS, CLIENT).id(0x5151).fragment(0, true).raw(17, Arrays.copyOf(a4, 56)),
                PacketBuilder.ipv4(VIP, CLIENT).ttl(63).id(0x5151).fragment(0, true).raw(17, Arrays.copyOf(a4AsSent, 56)));
        forward("fragments: the answer's last fragment follows it from the VIP", "dns", true,
                PacketBuilder.ipv4(DNS, CLIENT).id(0x5151).fragment(56, false).raw(17, Arrays.copyOfRange(a4, 56, a4.length)),
                PacketBuilder.ipv4(VIP, CLIENT).ttl(63).id(0x5151).fragment(56, false)
                        .raw(17, Arrays.copyOfRange(a4AsSent, 56, a4AsSent.length)));
        drop("fragments: a non-first fragment of an unknown datagram is dropped", null, false,
                PacketBuilder.ipv4(CLIENT, VIP).id(0x4343).fragment(80, false).raw(17, new byte[28]).bytes(),
                DropReason.FRAGMENT);
        byte[] answer6 = PacketBuilder.ipv6(DNS6, CLIENT6).udp(5353, 5001).payload(data).bytes();
        byte[] answer6AsSent = PacketBuilder.ipv6(VIP6, CLIENT6).udp(53, 5001).payload(data).bytes();
        byte[] a6 = Arrays.copyOfRange(answer6, 40, answer6.length);
        byte[] a6AsSent = Arrays.copyOfRange(answer6AsSent, 40, answer6AsSent.length);
        forward("fragments v6: the first fragment of an IPv6 answer leaves as [VIP6]:53", "dns6", true,
                PacketBuilder.ipv6(DNS6, CLIENT6).fragmentHeader(0, true, 0x0A0B0C0D).raw(17, Arrays.copyOf(a6, 64)),
                PacketBuilder.ipv6(VIP6, CLIENT6).ttl(63).fragmentHeader(0, true, 0x0A0B0C0D).raw(17, Arrays.copyOf(a6AsSent, 64)));
        forward("fragments v6: its last fragment follows it from VIP6", "dns6", true,
                PacketBuilder.ipv6(DNS6, CLIENT6).fragmentHeader(64, false, 0x0A0B0C0D).raw(17, Arrays.copyOfRange(a6, 64, a6.length)),
                PacketBuilder.ipv6(VIP6, CLIENT6).ttl(63).fragmentHeader(64, false, 0x0A0B0C0D)
                        .raw(17, Arrays.copyOfRange(a6AsSent, 64, a6AsSent.length)));
        drop("fragments v6: a later fragment of an unknown IPv6 datagram is dropped", null, false,
                PacketBuilder.ipv6(CLIENT6, VIP6).fragmentHeader(64, false, 0x0A0B0C0E).raw(17, new byte[16]).bytes(),
                DropReason.FRAGMENT);
    }

    private void ftp() {
        String pasv227 = "227 Entering Passive Mode (10,1,1,3,195,80).\r\n";
        String pasv227AsSent = "227 Entering Passive Mode (192,0,2,1,195,80).\r\n";
        int grow = pasv227AsSent.length() - pasv227.length(); // one byte longer
        long s227 = 9012;
        long afterReply = s227 + pasv227.length();

        in4("ftp: client SYN to VIP:21", "ftp", 41000, 21, FTP, 21, SYN, 5000, 0, "");
        out4("ftp: server SYN-ACK", "ftp", FTP, 21, 21, 41000, SYN | ACK, 9000, 5001, "");
        in4("ftp: client ACK", "ftp", 41000, 21, FTP, 21, ACK, 5001, 9001, "");
        out4("ftp: server greeting", "ftp", FTP, 21, 21, 41000, PSH | ACK, 9001, 5001, "220 ready\r\n");
        in4("ftp: client PASV", "ftp", 41000, 21, FTP, 21, PSH | ACK, 5001, 9012, "PASV\r\n");
        forward("ftp: 227 names the VIP instead of 10.1.1.3 and grows by one byte", "ftp", true,
                tcp4(FTP, CLIENT, 64, 21, 41000, PSH | ACK, s227, 5007, pasv227),
                tcp4(VIP, CLIENT, 63, 21, 41000, PSH | ACK, s227, 5007, pasv227AsSent));
        forward("ftp: the client's ACK of the longer reply is shifted back by one", "ftp", false,
                tcp4(CLIENT, VIP, 64, 41000, 21, ACK, 5007, afterReply + grow, ""),
                tcp4(CLIENT, FTP, 63, 41000, 21, ACK, 5007, afterReply, ""));
        forward("ftp: a retransmitted 227 is rewritten again with its original sequence number", "ftp", true,
                tcp4(FTP, CLIENT, 64, 21, 41000, PSH | ACK, s227, 5007, pasv227),
                tcp4(VIP, CLIENT, 63, 21, 41000, PSH | ACK, s227, 5007, pasv227AsSent));
        forward("ftp: later server data is shifted forward by one", "ftp", true,
                tcp4(FTP, CLIENT, 64, 21, 41000, PSH | ACK, afterReply, 5007, "150 ok\r\n"),
                tcp4(VIP, CLIENT, 63, 21, 41000, PSH | ACK, afterReply + grow, 5007, "150 ok\r\n"));
        in4("ftp passive data: client SYN to VIP:50000 reaches the same server", "ftp-pasv-data", 41001, 50000, FTP, 50000,
                SYN, 20000, 0, "");
        out4("ftp passive data: server SYN-ACK", "ftp-pasv-data", FTP, 50000, 50000, 41001, SYN | ACK, 30000, 20001, "");

        long afterOk = afterReply + "150 ok\r\n".length();
        String port = "PORT 198,51,100,7,157,1\r\n";
        forward("ftp active: client PORT (ACK shifted back, text unchanged)", "ftp", false,
                tcp4(CLIENT, VIP, 64, 41000, 21, PSH | ACK, 5007, afterOk + grow, port),
                tcp4(CLIENT, FTP, 63, 41000, 21, PSH | ACK, 5007, afterOk, port));
        forward("ftp active: server 200 (sequence shifted forward)", "ftp", true,
                tcp4(FTP, CLIENT, 64, 21, 41000, PSH | ACK, afterOk, 5007 + port.length(), "200 ok\r\n"),
                tcp4(VIP, CLIENT, 63, 21, 41000, PSH | ACK, afterOk + grow, 5007 + port.length(), "200 ok\r\n"));
        out4("ftp active data: server SYN from port 20 reaches the client as VIP:20", "ftp-active-data", FTP, 20, 20,
                157 * 256 + 1, SYN, 40000, 0, "");
        in4("ftp active data: client SYN-ACK reaches the server", "ftp-active-data", 157 * 256 + 1, 20, FTP, 20,
                SYN | ACK, 60000, 40001, "");

        // a second PASV whose command and 227 answer are both cut by segment boundaries
        long c2 = 5007 + port.length();
        long s2 = afterOk + "200 ok\r\n".length();
        forward("ftp split: client sends PA", "ftp", false,
                tcp4(CLIENT, VIP, 64, 41000, 21, PSH | ACK, c2, s2 + grow, "PA"),
                tcp4(CLIENT, FTP, 63, 41000, 21, PSH | ACK, c2, s2, "PA"));
        forward("ftp split: client sends SV (PASV read whole across the two)", "ftp", false,
                tcp4(CLIENT, VIP, 64, 41000, 21, PSH | ACK, c2 + 2, s2 + grow, "SV\r\n"),
                tcp4(CLIENT, FTP, 63, 41000, 21, PSH | ACK, c2 + 2, s2, "SV\r\n"));
        String head = "227 Entering Passive Mode (10,1,1";
        String rest = ",3,195,81).\r\n";
        String whole = "227 Entering Passive Mode (192,0,2,1,195,81).\r\n";
        forward("ftp split: the 227 cut after its address's third number is held back (bare ACK goes on)", "ftp", true,
                tcp4(FTP, CLIENT, 64, 21, 41000, PSH | ACK, s2, c2 + 6, head),
                tcp4(VIP, CLIENT, 63, 21, 41000, PSH | ACK, s2 + grow, c2 + 6, ""));
        forward("ftp split: its continuation leaves with the held start, rewritten to the VIP", "ftp", true,
                tcp4(FTP, CLIENT, 64, 21, 41000, PSH | ACK, s2 + head.length(), c2 + 6, rest),
                tcp4(VIP, CLIENT, 63, 21, 41000, PSH | ACK, s2 + grow, c2 + 6, whole));
        long afterSecond = s2 + head.length() + rest.length();
        forward("ftp split: the client's ACK is shifted back by both rewrites", "ftp", false,
                tcp4(CLIENT, VIP, 64, 41000, 21, ACK, c2 + 6, afterSecond + 2 * grow, ""),
                tcp4(CLIENT, FTP, 63, 41000, 21, ACK, c2 + 6, afterSecond, ""));
        in4("ftp split: the passive data connection to VIP:50001 reaches the same server", "ftp-pasv-data-2", 41002, 50001,
                FTP, 50001, SYN, 21000, 0, "");
    }

    public static String ascii(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    private NatFixtures() {}
}
