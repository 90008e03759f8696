package io.ippvs.nat;

import static io.ippvs.testkit.PacketBuilder.ACK;
import static io.ippvs.testkit.PacketBuilder.PSH;
import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.Protocol;
import io.ippvs.core.testing.FakeRewriteContext;
import io.ippvs.core.testing.Guarded;
import io.ippvs.nat.testing.NatFixtures;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * An FTP control connection as TCP streams: the client's PASV and the server's replies are cut into
 * segments at random points, some segments are lost, some resent, and the server finally resends
 * whatever the client has not acknowledged, as a TCP sender would. Whatever the cuts, the client
 * receives exactly the server's text with the 227 naming the virtual address, never two different
 * bytes for one sequence number, and the expected data connection exists.
 */
class FtpStreamProperties {

    private static final String CLIENT = "198.51.100.7";
    private static final String[] VIRTUALS = {"10.0.0.1", "192.0.2.100", "203.110.120.130"};
    private static final String[] SERVERS = {"10.1.1.2", "172.16.100.200", "9.9.9.9"};
    private static final String[] LINES = {"220 Service ready\r\n", "200 ok\r\n", "150 Opening\r\n", "226 Done\r\n",
        "211-Features:\r\n", " EPSV\r\n", "211 End\r\n", "227 is not this one\r\n"};
    private static final long SERVER_ISS = 0xFFFF_FF00L; // sequence numbers wrap during the transfer
    private static final long CLIENT_ISS = 1000;

    @Property(tries = 1000)
    void everyCutLossAndResendDeliversTheRewrittenText(@ForAll Random random, @ForAll @IntRange(max = 2) int vipIndex,
            @ForAll @IntRange(max = 2) int serverIndex, @ForAll @IntRange(min = 1024, max = 65535) int dataPort) {
        String vip = VIRTUALS[vipIndex];
        String server = SERVERS[serverIndex];
        NatRewriter rewriter = NatRewriter.builder().build();
        FakeRewriteContext c = FakeRewriteContext.masquerade(CLIENT, 41000, vip, 21, server, 21, 0);
        Path p = new Path(rewriter, c, vip, server);

        // the client's PASV, cut at a random point
        String pasv = random.nextBoolean() ? "PASV\r\n" : "pasv\r\n";
        int cut = 1 + random.nextInt(pasv.length() - 1);
        send(p, false, CLIENT_ISS, SERVER_ISS, pasv.substring(0, cut));
        send(p, false, CLIENT_ISS + cut, SERVER_ISS, pasv.substring(cut));
        long clientNext = CLIENT_ISS + pasv.length();

        String p1p2 = (dataPort >>> 8) + "," + (dataPort & 0xFF);
        String reply = "227 Entering Passive Mode (" + server.replace('.', ',') + "," + p1p2 + ").\r\n";
        String rewritten = "227 Entering Passive Mode (" + vip.replace('.', ',') + "," + p1p2 + ").\r\n";
        StringBuilder before = new StringBuilder();
        StringBuilder after = new StringBuilder();
        for (int i = random.nextInt(4); i > 0; i--) {
            before.append(LINES[random.nextInt(LINES.length)]);
        }
        for (int i = random.nextInt(4); i > 0; i--) {
            after.append(LINES[random.nextInt(LINES.length)]);
        }
        byte[] stream = (before + reply + after).getBytes(StandardCharsets.US_ASCII);
        byte[] expected = (before + rewritten + after).getBytes(StandardCharsets.US_ASCII);

        Receiver client = new Receiver();
        long acked = 0; // stream offset the server knows the client has
        List<int[]> sent = new ArrayList<>();
        int offset = 0;
        while (offset < stream.length) {
            int length = 1 + random.nextInt(Math.min(stream.length - offset, 40));
            sent.add(new int[] {offset, length});
            int[] segment = random.nextInt(6) == 0 && sent.size() > 1 ? sent.get(random.nextInt(sent.size())) : sent.get(sent.size() - 1);
            byte[] out = send(p, true, SERVER_ISS + segment[0], clientNext,
                    new String(stream, segment[0], segment[1], StandardCharsets.US_ASCII));
            if (random.nextInt(5) != 0) {
                client.receive(out);
                acked = Math.max(acked, ackAsServerSees(p, clientNext, client.next));
            }
            offset += segment == sent.get(sent.size() - 1) ? length : 0;
        }
        // after a timeout the server resends, in pieces again, everything from the first byte the client
        // has not acknowledged, until the client has acknowledged everything
        for (int round = 0; acked < stream.length; round++) {
            assertThat(round).as("resend rounds").isLessThan(stream.length);
            for (int from = (int) acked; from < stream.length; ) {
                int length = 1 + random.nextInt(Math.min(stream.length - from, 40));
                client.receive(send(p, true, SERVER_ISS + from, clientNext,
                        new String(stream, from, length, StandardCharsets.US_ASCII)));
                from += length;
            }
            acked = Math.max(acked, ackAsServerSees(p, clientNext, client.next));
        }
        assertThat(new String(client.bytes(), StandardCharsets.US_ASCII))
                .isEqualTo(new String(expected, StandardCharsets.US_ASCII));
        assertThat(c.expectations).contains(new FakeRewriteContext.Expectation(Protocol.TCP, 0, dataPort, dataPort));
    }

    /** The rewriter, its connection, and the addresses packets carry before translation. */
    private record Path(NatRewriter rewriter, FakeRewriteContext context, String vip, String server) {}

    /** One segment through the rewriter; the packet as forwarded, checked. */
    private static byte[] send(Path p, boolean fromServer, long seq, long ack, String text) {
        NatRewriter rewriter = p.rewriter();
        FakeRewriteContext c = p.context();
        String src = fromServer ? p.server() : CLIENT;
        String dst = fromServer ? CLIENT : p.vip();
        int sport = fromServer ? 21 : 41000;
        int dport = fromServer ? 41000 : 21;
        return Guarded.forward(c, rewriter, NatFixtures.tcp4(src, dst, 64, sport, dport, PSH | ACK, seq, ack, text).bytes(), fromServer,
                300);
    }

    /** The client's ACK of everything it has, as the server sees it: a stream offset. */
    private static long ackAsServerSees(Path p, long clientNext, long clientView) {
        byte[] out = send(p, false, clientNext, SERVER_ISS + clientView, "");
        return (ByteBuffer.wrap(out).getInt(28) - SERVER_ISS) & 0xFFFF_FFFFL;
    }

    /** The client's in-order receive side: keeps bytes from its next expected sequence number on. */
    private static final class Receiver {
        private final ByteArrayOutputStream data = new ByteArrayOutputStream();
        long next; // stream offset of the next byte the client expects (its numbering)

        void receive(byte[] packet) {
            ByteBuffer b = ByteBuffer.wrap(packet);
            int l4 = (b.get(0) & 0x0F) * 4;
            int payload = l4 + ((b.get(l4 + 12) & 0xF0) >>> 2);
            long seq = (b.getInt(l4 + 4) - SERVER_ISS) & 0xFFFF_FFFFL;
            int length = packet.length - payload;
            byte[] have = data.toByteArray();
            // bytes the client already has must be the same bytes again
            for (long i = seq; i < Math.min(next, seq + length); i++) {
                assertThat(packet[payload + (int) (i - seq)]).as("byte %d seen twice, differently", i).isEqualTo(have[(int) i]);
            }
            if (seq <= next && next < seq + length) {
                data.write(packet, payload + (int) (next - seq), (int) (seq + length - next));
                next = seq + length;
            }
        }

        byte[] bytes() {
            return Arrays.copyOf(data.toByteArray(), (int) next);
        }
    }
}
