package io.ippvs.nat;

import static io.ippvs.testkit.PacketBuilder.ACK;
import static io.ippvs.testkit.PacketBuilder.PSH;
import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.Protocol;
import io.ippvs.api.Verdict;
import io.ippvs.core.testing.FakeRewriteContext;
import io.ippvs.core.testing.Guarded;
import io.ippvs.nat.testing.NatFixtures;
import io.ippvs.testkit.PacketBuilder;
import org.junit.jupiter.api.Test;

class FtpHelperTest {

    private static final String CLIENT = "198.51.100.7";
    private static final String VIP = "10.0.0.1";
    private static final String SERVER = "172.16.100.200";

    private final NatRewriter rewriter = NatRewriter.builder().build();
    private final FakeRewriteContext c = FakeRewriteContext.masquerade(CLIENT, 41000, VIP, 21, SERVER, 21, 0);

    private byte[] run(PacketBuilder in, boolean reply, int tailroom) {
        return Guarded.forward(c, rewriter, in.bytes(), reply, tailroom);
    }

    private static PacketBuilder seg(String src, String dst, int sport, int dport, long seq, long ack, String text, int ttl) {
        return NatFixtures.tcp4(src, dst, ttl, sport, dport, PSH | ACK, seq, ack, text);
    }

    @Test
    void shorterAddressShrinksThe227AndShiftsBothDirections() {
        run(seg(CLIENT, VIP, 41000, 21, 100, 500, "pasv\r\n", 64), false, 0);
        String reply = "227 Entering Passive Mode (172,16,100,200,4,1)\r\n";
        String rewritten = "227 Entering Passive Mode (10,0,0,1,4,1)\r\n";
        assertThat(run(seg(SERVER, CLIENT, 21, 41000, 500, 106, reply, 64), true, 0))
                .isEqualTo(seg(VIP, CLIENT, 21, 41000, 500, 106, rewritten, 63).bytes());
        assertThat(c.expectations).containsExactly(new FakeRewriteContext.Expectation(Protocol.TCP, 0, 1025, 1025));
        int shrink = reply.length() - rewritten.length();
        // the client acknowledges the shorter reply; the server must see its own numbering
        assertThat(run(seg(CLIENT, VIP, 41000, 21, 106, 500 + rewritten.length(), "", 64), false, 0))
                .isEqualTo(seg(CLIENT, SERVER, 41000, 21, 106, 500 + reply.length(), "", 63).bytes());
        assertThat(run(seg(SERVER, CLIENT, 21, 41000, 500 + reply.length(), 106, "226 done\r\n", 64), true, 0))
                .isEqualTo(seg(VIP, CLIENT, 21, 41000, 500 + reply.length() - shrink, 106, "226 done\r\n", 63).bytes());
        // an ACK for data before the rewritten segment uses the previous (zero) offset
        assertThat(run(seg(CLIENT, VIP, 41000, 21, 106, 500, "", 64), false, 0))
                .isEqualTo(seg(CLIENT, SERVER, 41000, 21, 106, 500, "", 63).bytes());
    }

    @Test
    void growthWithoutRoomLeavesTheReplyAndCountsIt() {
        FakeRewriteContext grow = FakeRewriteContext.masquerade(CLIENT, 41000, "203.0.113.200", 21, "10.1.1.2", 21, 0);
        Guarded pasv = new Guarded(seg(CLIENT, "203.0.113.200", 41000, 21, 1, 1, "PASV\r\n", 64).bytes(), false, 0, 0);
        rewriter.rewrite(grow.packet(pasv.buffer, false));
        String reply = "227 Entering Passive Mode (10,1,1,2,4,1)\r\n";
        Guarded g = new Guarded(seg("10.1.1.2", CLIENT, 21, 41000, 1, 7, reply, 64).bytes(), true, 0, 0);
        assertThat(rewriter.rewrite(grow.packet(g.buffer, true))).isEqualTo(Verdict.FORWARD);
        assertThat(g.packet()).isEqualTo(seg("203.0.113.200", CLIENT, 21, 41000, 1, 7, reply, 63).bytes());
        assertThat(rewriter.ftpRewritesSkipped()).isEqualTo(1);
        assertThat(grow.expectations).hasSize(1);
        assertThat(g.guardsIntact()).isTrue();
    }

    @Test
    void extendedPassiveAndActiveModes() {
        run(seg(CLIENT, VIP, 41000, 21, 100, 500, "EPSV\r\n", 64), false, 0);
        String reply = "229 Entering Extended Passive Mode (|||6446|)\r\n";
        assertThat(run(seg(SERVER, CLIENT, 21, 41000, 500, 106, reply, 64), true, 0))
                .isEqualTo(seg(VIP, CLIENT, 21, 41000, 500, 106, reply, 63).bytes());
        String eprt = "EPRT |1|198.51.100.7|6275|\r\n";
        assertThat(run(seg(CLIENT, VIP, 41000, 21, 106, 548, eprt, 64), false, 0))
                .isEqualTo(seg(CLIENT, SERVER, 41000, 21, 106, 548, eprt, 63).bytes());
        // someone else's address (FXP) creates nothing
        run(seg(CLIENT, VIP, 41000, 21, 134, 548, "PORT 198,51,100,8,4,1\r\n", 64), false, 0);
        run(seg(CLIENT, VIP, 41000, 21, 157, 548, "EPRT |1|198.51.100.9|6275|\r\n", 64), false, 0);
        assertThat(c.expectations).containsExactly(
                new FakeRewriteContext.Expectation(Protocol.TCP, 0, 6446, 6446),
                new FakeRewriteContext.Expectation(Protocol.TCP, 6275, 20, 20));
    }

    @Test
    void a227WithoutPasvIsLeftAlone() {
        String reply = "227 Entering Passive Mode (172,16,100,200,4,1)\r\n";
        assertThat(run(seg(SERVER, CLIENT, 21, 41000, 500, 106, reply, 64), true, 64))
                .isEqualTo(seg(VIP, CLIENT, 21, 41000, 500, 106, reply, 63).bytes());
        assertThat(c.expectations).isEmpty();
    }

    @Test
    void ipv6ExtendedActiveMode() {
        FakeRewriteContext six = FakeRewriteContext.masquerade("2001:db8::7", 41000, "2001:db8:1::1", 21, "2001:db8:2::3", 21, 0);
        String eprt = "EPRT |2|2001:db8::7|6275|\r\n";
        Guarded g = new Guarded(NatFixtures.tcp6("2001:db8::7", "2001:db8:1::1", 64, 41000, 21, PSH | ACK, 1, 1, eprt).bytes(),
                true, 0, 0);
        assertThat(rewriter.rewrite(six.packet(g.buffer, false))).isEqualTo(Verdict.FORWARD);
        assertThat(six.expectations).containsExactly(new FakeRewriteContext.Expectation(Protocol.TCP, 6275, 20, 20));
    }
}
