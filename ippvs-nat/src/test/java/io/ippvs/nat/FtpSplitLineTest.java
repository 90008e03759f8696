package io.ippvs.nat;

import static io.ippvs.testkit.PacketBuilder.ACK;
import static io.ippvs.testkit.PacketBuilder.FIN;
import static io.ippvs.testkit.PacketBuilder.PSH;
import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.Protocol;
import io.ippvs.api.Verdict;
import io.ippvs.core.testing.FakeRewriteContext;
import io.ippvs.core.testing.Guarded;
import io.ippvs.nat.testing.NatFixtures;
import io.ippvs.testkit.PacketBuilder;
import org.junit.jupiter.api.Test;

/**
 * FTP commands and replies that a segment boundary cuts, lines after the first in a segment, and
 * retransmissions around a rewritten reply. Expected packets are built from scratch and compared
 * byte for byte; every output also passes a full checksum recomputation.
 */
class FtpSplitLineTest {

    private static final String CLIENT = "198.51.100.7";
    private static final String VIP = "10.0.0.1";
    private static final String SERVER = "172.16.100.200";
    private static final String REPLY = "227 Entering Passive Mode (172,16,100,200,4,1)\r\n";
    private static final String REWRITTEN = "227 Entering Passive Mode (10,0,0,1,4,1)\r\n";
    private static final int SHRINK = REPLY.length() - REWRITTEN.length();
    private static final Protocol TCP = Protocol.TCP;

    private final NatRewriter rewriter = NatRewriter.builder().build();
    private final FakeRewriteContext c = FakeRewriteContext.masquerade(CLIENT, 41000, VIP, 21, SERVER, 21, 0);

    private byte[] run(PacketBuilder in, boolean reply, int tailroom) {
        return Guarded.forward(c, rewriter, in.bytes(), reply, tailroom);
    }

    private byte[] command(long seq, long ack, String text) {
        return run(NatFixtures.tcp4(CLIENT, VIP, 64, 41000, 21, PSH | ACK, seq, ack, text), false, 0);
    }

    private static byte[] commandAsSent(long seq, long ack, String text) {
        return NatFixtures.tcp4(CLIENT, SERVER, 63, 41000, 21, PSH | ACK, seq, ack, text).bytes();
    }

    private byte[] reply(long seq, String text, int tailroom) {
        return reply(seq, PSH | ACK, text, tailroom);
    }

    private byte[] reply(long seq, int flags, String text, int tailroom) {
        return run(NatFixtures.tcp4(SERVER, CLIENT, 64, 21, 41000, flags, seq, 106, text), true, tailroom);
    }

    private static byte[] replyAsSent(long seq, String text) {
        return replyAsSent(seq, PSH | ACK, text);
    }

    private static byte[] replyAsSent(long seq, int flags, String text) {
        return NatFixtures.tcp4(VIP, CLIENT, 63, 21, 41000, flags, seq, 106, text).bytes();
    }

    private void pasv() {
        assertThat(command(100, 500, "PASV\r\n")).isEqualTo(commandAsSent(100, 500, "PASV\r\n"));
    }

    @Test
    void a227CutByTheSegmentBoundaryIsHeldBackAndRewrittenWhole() {
        pasv();
        String first = "150 x\r\n" + REPLY.substring(0, 20);
        String second = REPLY.substring(20);
        // the cut start of the 227 stays behind; the earlier line goes on
        assertThat(reply(500, first, 64)).isEqualTo(replyAsSent(500, "150 x\r\n"));
        assertThat(c.expectations).isEmpty();
        // the continuation comes back with it, starting where the held bytes started, rewritten
        assertThat(reply(500 + first.length(), second, 64)).isEqualTo(replyAsSent(507, REWRITTEN));
        assertThat(c.expectations).containsExactly(new FakeRewriteContext.Expectation(TCP, 0, 1025, 1025));
        assertThat(rewriter.ftpLinesJoined()).isEqualTo(1);
        // numbering after the joined, shorter line is shifted in both directions
        long after = 507 + REPLY.length();
        assertThat(reply(after, "226 done\r\n", 0)).isEqualTo(replyAsSent(after - SHRINK, "226 done\r\n"));
        assertThat(command(106, after - SHRINK, "")).isEqualTo(commandAsSent(106, after, ""));
    }

    @Test
    void aSegmentHoldingOnlyTheStartOfThe227LeavesAsABareAcknowledgement() {
        pasv();
        assertThat(reply(500, "227 Enter", 64)).isEqualTo(replyAsSent(500, ""));
        // a pure ACK from the server meanwhile keeps the held bytes
        assertThat(reply(509, ACK, "", 0)).isEqualTo(replyAsSent(509, ACK, ""));
        assertThat(reply(509, "ing Passive Mode (172,16", 64)).isEqualTo(replyAsSent(500, ""));
        assertThat(reply(533, ",100,200,4,1)\r\n", 64)).isEqualTo(replyAsSent(500, REWRITTEN));
        assertThat(c.expectations).containsExactly(new FakeRewriteContext.Expectation(TCP, 0, 1025, 1025));
    }

    @Test
    void withoutRoomToJoinTheContinuationGoesOnAndTheServersResendIsRewritten() {
        pasv();
        assertThat(reply(500, REPLY.substring(0, 10), 64)).isEqualTo(replyAsSent(500, ""));
        // no tailroom: the continuation goes on alone and the client sees a gap before it
        assertThat(reply(510, REPLY.substring(10), 0)).isEqualTo(replyAsSent(510, REPLY.substring(10)));
        assertThat(rewriter.ftpRewritesSkipped()).isEqualTo(1);
        // the client acknowledged only up to 500, so the server resends the whole line
        assertThat(reply(500, REPLY, 0)).isEqualTo(replyAsSent(500, REWRITTEN));
        assertThat(c.expectations).hasSize(1);
    }

    @Test
    void aSegmentOutOfOrderReleasesTheHeldBytesWithoutJoining() {
        pasv();
        assertThat(reply(500, "227 Entering", 64)).isEqualTo(replyAsSent(500, ""));
        // a later segment (not the continuation) goes on as it is
        assertThat(reply(600, "200 ok\r\n", 64)).isEqualTo(replyAsSent(600, "200 ok\r\n"));
        // the server's resend from the held point carries the line whole
        assertThat(reply(500, REPLY, 64)).isEqualTo(replyAsSent(500, REWRITTEN));
        assertThat(rewriter.ftpLinesJoined()).isZero();
    }

    @Test
    void aCutReplyWithFinIsNotHeld() {
        pasv();
        assertThat(reply(500, PSH | ACK | FIN, "227 Enter", 64)).isEqualTo(replyAsSent(500, PSH | ACK | FIN, "227 Enter"));
    }

    @Test
    void anOlderRetransmissionIsCutWhereTheRewrittenLineStarts() {
        pasv();
        String first = "150 x\r\n" + REPLY.substring(0, 20);
        reply(500, first, 64);
        reply(500 + first.length(), REPLY.substring(20), 64);
        // the server resends its first segment: the old bytes of the rewritten line must not reach the client
        assertThat(reply(500, first, 64)).isEqualTo(replyAsSent(500, "150 x\r\n"));
        // and its resend from the line's start is rewritten again
        assertThat(reply(507, REPLY + "150 y\r\n", 64)).isEqualTo(replyAsSent(507, REWRITTEN + "150 y\r\n"));
        assertThat(rewriter.ftpRewrites()).isEqualTo(2);
        assertThat(c.expectations).hasSize(1); // the same expectation again is not a second one
    }

    @Test
    void the227OnALaterLineOfASegmentIsRewritten() {
        pasv();
        assertThat(reply(500, "200 ok\r\n" + REPLY + "150 next\r\n", 64))
                .isEqualTo(replyAsSent(500, "200 ok\r\n" + REWRITTEN + "150 next\r\n"));
        long after = 500 + 8 + REPLY.length() + 10;
        assertThat(reply(after, "226 done\r\n", 0)).isEqualTo(replyAsSent(after - SHRINK, "226 done\r\n"));
    }

    @Test
    void a227WithoutParenthesesIsRewritten() {
        pasv();
        assertThat(reply(500, "227 Entering Passive Mode 172,16,100,200,4,1\r\n", 64))
                .isEqualTo(replyAsSent(500, "227 Entering Passive Mode 10,0,0,1,4,1\r\n"));
        assertThat(c.expectations).containsExactly(new FakeRewriteContext.Expectation(TCP, 0, 1025, 1025));
    }

    @Test
    void aSameLengthRewriteIsRepeatedOnItsRetransmission() {
        FakeRewriteContext same = FakeRewriteContext.masquerade(CLIENT, 41000, "10.0.0.1", 21, "10.1.1.2", 21, 0);
        Guarded pasv = new Guarded(NatFixtures.tcp4(CLIENT, "10.0.0.1", 64, 41000, 21, PSH | ACK, 1, 1, "PASV\r\n").bytes(),
                false, 0, 0);
        rewriter.rewrite(same.packet(pasv.buffer, false));
        String original = "227 Entering Passive Mode (10,1,1,2,4,1)\r\n";
        String asSent = "227 Entering Passive Mode (10,0,0,1,4,1)\r\n";
        for (int copy = 0; copy < 2; copy++) {
            Guarded g = new Guarded(NatFixtures.tcp4("10.1.1.2", CLIENT, 64, 21, 41000, PSH | ACK, 1, 7, original).bytes(),
                    false, 0, 0);
            assertThat(rewriter.rewrite(same.packet(g.buffer, true))).isEqualTo(Verdict.FORWARD);
            assertThat(g.packet()).isEqualTo(NatFixtures.tcp4("10.0.0.1", CLIENT, 63, 21, 41000, PSH | ACK, 1, 7, asSent).bytes());
        }
    }

    @Test
    void commandsCutByTheSegmentBoundaryAreReadWholeAndLeftUnchanged() {
        // PASV cut after two letters: the 227 that answers it is still rewritten
        assertThat(command(100, 500, "PA")).isEqualTo(commandAsSent(100, 500, "PA"));
        assertThat(command(102, 500, "SV\r\n")).isEqualTo(commandAsSent(102, 500, "SV\r\n"));
        assertThat(reply(500, REPLY, 64)).isEqualTo(replyAsSent(500, REWRITTEN));
        long ack = 500 + REWRITTEN.length();
        long server = 500 + REPLY.length();
        // PORT cut in three pieces
        assertThat(command(106, ack, "PORT 198,5")).isEqualTo(commandAsSent(106, server, "PORT 198,5"));
        assertThat(command(116, ack, "1,100,7")).isEqualTo(commandAsSent(116, server, "1,100,7"));
        assertThat(command(123, ack, ",157,1\r\nNOOP\r\n")).isEqualTo(commandAsSent(123, server, ",157,1\r\nNOOP\r\n"));
        assertThat(c.expectations).containsExactly(new FakeRewriteContext.Expectation(TCP, 0, 1025, 1025),
                new FakeRewriteContext.Expectation(TCP, 157 * 256 + 1, 20, 20));
        assertThat(rewriter.ftpLinesJoined()).isEqualTo(2);
    }

    @Test
    void aCutCommandWhoseRestArrivesOutOfOrderIsForgotten() {
        command(100, 500, "PORT 198,51,");
        command(200, 500, "100,7,157,1\r\n");
        assertThat(c.expectations).isEmpty();
    }

    @Test
    void aLineLongerThanAnyCommandIsNotCarried() {
        command(100, 500, "PORT " + "1".repeat(300));
        command(405, 500, ",198,51,100,7,157,1\r\n");
        assertThat(c.expectations).isEmpty();
    }

    @Test
    void anIpv6ExtendedPassiveReplyCutInTwoIsReadWhole() {
        FakeRewriteContext six = FakeRewriteContext.masquerade("2001:db8::7", 41000, "2001:db8:1::1", 21, "2001:db8:2::3", 21, 0);
        Guarded.forward(six, rewriter, NatFixtures.tcp6("2001:db8::7", "2001:db8:1::1", 64, 41000, 21, PSH | ACK, 1, 1, "EPSV\r\n")
                .bytes(), false, 0);
        String reply = "229 Entering Extended Passive Mode (|||6446|)\r\n";
        assertThat(Guarded.forward(six, rewriter, NatFixtures.tcp6("2001:db8:2::3", "2001:db8::7", 64, 21, 41000, PSH | ACK, 1, 7,
                reply.substring(0, 30)).bytes(), true, 64))
                .isEqualTo(NatFixtures.tcp6("2001:db8:1::1", "2001:db8::7", 63, 21, 41000, PSH | ACK, 1, 7, "").bytes());
        assertThat(six.expectations).isEmpty();
        assertThat(Guarded.forward(six, rewriter, NatFixtures.tcp6("2001:db8:2::3", "2001:db8::7", 64, 21, 41000, PSH | ACK, 31, 7,
                reply.substring(30)).bytes(), true, 64))
                .isEqualTo(NatFixtures.tcp6("2001:db8:1::1", "2001:db8::7", 63, 21, 41000, PSH | ACK, 1, 7, reply).bytes());
        assertThat(six.expectations).containsExactly(new FakeRewriteContext.Expectation(TCP, 0, 6446, 6446));
    }
}
