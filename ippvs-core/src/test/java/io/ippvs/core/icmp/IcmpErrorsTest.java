package io.ippvs.core.icmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.testkit.ChecksumVerifier;
import io.ippvs.testkit.PacketBuilder;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class IcmpErrorsTest {

    private static final long VIP4 = 0xC0000201L; // 192.0.2.1
    private static final long VIP6_HIGH = 0x20010db800000000L;
    private static final long VIP6_LOW = 0x100L; // 2001:db8::100

    private static byte[] run(ByteBuffer b) {
        byte[] out = new byte[b.limit() - b.position()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void ipv4TimeExceededQuotesTheWholeSmallPacket() {
        byte[] original = PacketBuilder.ipv4("10.0.0.1", "192.0.2.1").ttl(1).tos(0x10)
                .tcp(40000, 80).flags(PacketBuilder.SYN).seq(7).payload("hello").bytes();
        ByteBuffer b = PacketBuilder.ipv4("10.0.0.1", "192.0.2.1").ttl(1).tos(0x10)
                .tcp(40000, 80).flags(PacketBuilder.SYN).seq(7).payload("hello").buffer(false, 16, 64);

        assertThat(IcmpErrors.timeExceeded(b, 16, 0, VIP4)).isTrue();

        byte[] expected = PacketBuilder.ipv4("192.0.2.1", "10.0.0.1").ttl(64).tos(0xD0).id(0)
                .icmpError(PacketBuilder.ICMP_TIME_EXCEEDED, 0, 0, original).bytes();
        assertThat(b.position()).isEqualTo(16);
        assertThat(run(b)).isEqualTo(expected);
        ChecksumVerifier.assertValid(b);
    }

    @Test
    void ipv4FragmentationNeededTruncatesTheQuoteTo576Bytes() {
        PacketBuilder big = PacketBuilder.ipv4("10.0.0.1", "192.0.2.1").dontFragment(true)
                .udp(5000, 53).payload(new byte[1472]);
        byte[] original = big.bytes();
        ByteBuffer b = big.buffer(true, 0);

        assertThat(IcmpErrors.tooBig(b, 0, 1400, 0, VIP4)).isTrue();

        byte[] expected = PacketBuilder.ipv4("192.0.2.1", "10.0.0.1").ttl(64).tos(0xC0).id(0)
                .icmpError(PacketBuilder.ICMP_DEST_UNREACHABLE, PacketBuilder.ICMP_FRAG_NEEDED, 1400,
                        Arrays.copyOf(original, 548)).bytes();
        assertThat(run(b)).isEqualTo(expected);
        assertThat(b.limit()).isEqualTo(576);
    }

    @Test
    void ipv6PacketTooBigQuotesUpTo1280Bytes() {
        PacketBuilder big = PacketBuilder.ipv6("2001:db8::1", "2001:db8::100").tcp(40000, 443)
                .payload(new byte[1400]);
        byte[] original = big.bytes();
        ByteBuffer b = big.buffer(false, 8);

        assertThat(IcmpErrors.tooBig(b, 8, 1280, VIP6_HIGH, VIP6_LOW)).isTrue();

        byte[] expected = PacketBuilder.ipv6("2001:db8::100", "2001:db8::1").ttl(64)
                .icmpError(PacketBuilder.ICMPV6_PACKET_TOO_BIG, 0, 1280, Arrays.copyOf(original, 1232)).bytes();
        assertThat(run(b)).isEqualTo(expected);
        ChecksumVerifier.assertValid(b);
    }

    @Test
    void ipv6TimeExceeded() {
        PacketBuilder p = PacketBuilder.ipv6("2001:db8::1", "2001:db8::100").ttl(1).udp(1000, 53).payload("q");
        byte[] original = p.bytes();
        ByteBuffer b = p.buffer(false, 0, 48);

        assertThat(IcmpErrors.timeExceeded(b, 0, VIP6_HIGH, VIP6_LOW)).isTrue();

        byte[] expected = PacketBuilder.ipv6("2001:db8::100", "2001:db8::1").ttl(64)
                .icmpError(PacketBuilder.ICMPV6_TIME_EXCEEDED, 0, 0, original).bytes();
        assertThat(run(b)).isEqualTo(expected);
    }

    @Test
    void shortCapacityShrinksTheQuoteButKeepsHeaderPlusEightBytes() {
        PacketBuilder p = PacketBuilder.ipv4("10.0.0.1", "192.0.2.1").ttl(1).tcp(1, 2).payload(new byte[100]);
        byte[] original = p.bytes();
        ByteBuffer b = p.buffer(false, 0, 0); // capacity = 140: room for a 112-byte quote
        assertThat(IcmpErrors.timeExceeded(b, 0, 0, VIP4)).isTrue();
        byte[] expected = PacketBuilder.ipv4("192.0.2.1", "10.0.0.1").ttl(64).tos(0xC0).id(0)
                .icmpError(PacketBuilder.ICMP_TIME_EXCEEDED, 0, 0, Arrays.copyOf(original, 112)).bytes();
        assertThat(run(b)).isEqualTo(expected);

        ByteBuffer tiny = PacketBuilder.ipv4("10.0.0.1", "192.0.2.1").ttl(1).tcp(1, 2).buffer(false, 0, 0);
        byte[] before = run(tiny);
        assertThat(IcmpErrors.timeExceeded(tiny, 0, 0, VIP4)).isFalse();
        assertThat(run(tiny)).isEqualTo(before);
    }

    @Test
    void neverAnswersErrorsFragmentsOrMulticast() {
        byte[] quoted = PacketBuilder.ipv4("192.0.2.1", "10.0.0.1").tcp(80, 40000).bytes();
        ByteBuffer error = PacketBuilder.ipv4("10.9.9.9", "192.0.2.1").ttl(1)
                .icmpError(PacketBuilder.ICMP_DEST_UNREACHABLE, 3, 0, quoted).buffer(false, 0, 100);
        assertThat(IcmpErrors.timeExceeded(error, 0, 0, VIP4)).isFalse();

        ByteBuffer fragment = PacketBuilder.ipv4("10.0.0.1", "192.0.2.1").ttl(1).fragment(1480, false)
                .raw(6, new byte[40]).buffer(false, 0, 100);
        assertThat(IcmpErrors.timeExceeded(fragment, 0, 0, VIP4)).isFalse();

        ByteBuffer multicast = PacketBuilder.ipv4("224.0.0.5", "192.0.2.1").ttl(1).udp(1, 2).buffer(false, 0, 100);
        assertThat(IcmpErrors.timeExceeded(multicast, 0, 0, VIP4)).isFalse();

        byte[] quoted6 = PacketBuilder.ipv6("2001:db8::100", "2001:db8::1").tcp(80, 40000).bytes();
        ByteBuffer error6 = PacketBuilder.ipv6("2001:db8::9", "2001:db8::100").ttl(1)
                .icmpError(PacketBuilder.ICMPV6_DEST_UNREACHABLE, 4, 0, quoted6).buffer(false, 0, 100);
        assertThat(IcmpErrors.timeExceeded(error6, 0, VIP6_HIGH, VIP6_LOW)).isFalse();

        ByteBuffer garbage = ByteBuffer.wrap(new byte[] {0x45, 0, 0, 10});
        assertThat(IcmpErrors.tooBig(garbage, 0, 1280, 0, VIP4)).isFalse();
    }
}
