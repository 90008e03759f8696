package io.ippvs.tunnel;

import static io.ippvs.tunnel.testing.TunnelFixtures.tcp4;
import static io.ippvs.tunnel.testing.TunnelFixtures.tcp6;
import static io.ippvs.tunnel.testing.Wire.GUE_PORT;
import static io.ippvs.tunnel.testing.Wire.gre;
import static io.ippvs.tunnel.testing.Wire.greWithChecksum;
import static io.ippvs.tunnel.testing.Wire.gue;
import static io.ippvs.tunnel.testing.Wire.outerV4;
import static io.ippvs.tunnel.testing.Wire.outerV6;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.InetAddresses;
import com.google.common.primitives.Bytes;
import io.ippvs.api.TunnelType;
import io.ippvs.testkit.ChecksumVerifier;
import io.ippvs.testkit.PacketBuilder;
import io.ippvs.tunnel.testing.TunnelFixtures;
import io.ippvs.tunnel.testing.Wire;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Golden fixtures of the real-server end: hand-built tunnel packets in, inner packet or a reason out. */
class DecapsulatorTest {

    record Case(String description, Decapsulator decapsulator, byte[] input, DecapStatus status, byte[] output) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Decapsulator.Builder all() {
        return Decapsulator.builder()
                .localAddress(InetAddresses.forString(Wire.SERVER_V4))
                .localAddress(InetAddresses.forString(Wire.SERVER_V6))
                .accept(TunnelType.IPIP, TunnelType.GUE, TunnelType.GRE)
                .guePort(GUE_PORT);
    }

    static List<Case> cases() {
        Decapsulator d = all().build();
        Decapsulator keyed = all().greKey(0x01020304).build();
        Decapsulator ipipOnly = Decapsulator.builder().localAddress(InetAddresses.forString(Wire.SERVER_V4)).build();
        byte[] in4 = tcp4(63).bytes();
        byte[] in6 = tcp6(63).bytes();
        List<Case> c = new ArrayList<>();
        c.add(new Case("IPIP 4in4", d, outerV4(0, true, 63).raw(4, in4).bytes(), DecapStatus.OK, in4));
        c.add(new Case("IPIP 6in4", d, outerV4(0, true, 63).raw(41, in6).bytes(), DecapStatus.OK, in6));
        c.add(new Case("IPIP 4in6", d, outerV6(0, 63).raw(4, in4).bytes(), DecapStatus.OK, in4));
        c.add(new Case("IPIP 6in6", d, outerV6(0, 63).raw(41, in6).bytes(), DecapStatus.OK, in6));
        c.add(new Case("IPIP 4in6 behind a destination options header", d,
                outerV6(0, 63).destinationOptions(new byte[] {1, 4, 0, 0, 0, 0}).raw(4, in4).bytes(), DecapStatus.OK, in4));
        c.add(new Case("IPIP 4in4 with 4 bytes of link padding", d,
                Bytes.concat(outerV4(0, true, 63).raw(4, in4).bytes(), new byte[4]), DecapStatus.OK, in4));
        c.add(new Case("GUE 4in4 with checksum", d, outerV4(0, true, 63).udp(50000, GUE_PORT)
                .payload(Bytes.concat(gue(4), in4)).bytes(), DecapStatus.OK, in4));
        c.add(new Case("GUE 4in4 without checksum", d, outerV4(0, true, 63).udp(50000, GUE_PORT).zeroUdpChecksum()
                .payload(Bytes.concat(gue(4), in4)).bytes(), DecapStatus.OK, in4));
        c.add(new Case("GUE 6in6 with checksum", d, outerV6(0, 63).udp(50000, GUE_PORT)
                .payload(Bytes.concat(gue(41), in6)).bytes(), DecapStatus.OK, in6));
        c.add(new Case("GUE variant 1 (direct IPv4)", d, outerV4(0, true, 63).udp(50000, GUE_PORT)
                .payload(in4).bytes(), DecapStatus.OK, in4));
        c.add(new Case("GUE with one word of extension fields", d, outerV4(0, true, 63).udp(50000, GUE_PORT)
                .payload(Bytes.concat(new byte[] {0x01, 4, 0, 0, 9, 9, 9, 9}, in4)).bytes(), DecapStatus.OK, in4));
        c.add(new Case("GRE 4in4", d, outerV4(0, true, 63).raw(47, Bytes.concat(gre(0x0800), in4)).bytes(), DecapStatus.OK, in4));
        c.add(new Case("GRE 6in6 with checksum", d, outerV6(0, 63).raw(47, greWithChecksum(0x86DD, in6)).bytes(),
                DecapStatus.OK, in6));
        c.add(new Case("GRE with the configured key and a sequence number", keyed, outerV4(0, true, 63).raw(47, Bytes.concat(
                new byte[] {0x30, 0, 0x08, 0x00, 1, 2, 3, 4, 0, 0, 0, 7}, in4)).bytes(), DecapStatus.OK, in4));
        byte[] ect0 = tcp4(63).tos(0x02).bytes();
        c.add(new Case("ECN: outer CE, inner ECT(0) -> inner CE, checksum fixed", d,
                outerV4(0x03, true, 63).raw(4, ect0).bytes(), DecapStatus.OK, tcp4(63).tos(0x03).bytes()));
        c.add(new Case("ECN: outer ECT(1), inner ECT(0) -> inner ECT(1) (IPv6)", d,
                outerV6(0x01, 63).raw(41, tcp6(63).tos(0x02).bytes()).bytes(), DecapStatus.OK, tcp6(63).tos(0x01).bytes()));
        c.add(new Case("ECN: outer CE, inner Not-ECT -> drop", d, outerV4(0x03, true, 63).raw(4, in4).bytes(),
                DecapStatus.ECN_NOT_ECT, null));

        c.add(new Case("not our address", d, PacketBuilder.ipv4(Wire.DIRECTOR_V4, "10.0.0.99").raw(4, in4).bytes(),
                DecapStatus.NOT_OUR_ADDRESS, null));
        c.add(new Case("IPv6 not our address", d, PacketBuilder.ipv6(Wire.DIRECTOR_V6, "fd00::99").raw(4, in4).bytes(),
                DecapStatus.NOT_OUR_ADDRESS, null));
        c.add(new Case("plain TCP to us", d, PacketBuilder.ipv4(Wire.CLIENT_V4, Wire.SERVER_V4).tcp(1, 2).bytes(),
                DecapStatus.NOT_TUNNEL, null));
        c.add(new Case("UDP to another port", d, outerV4(0, true, 63).udp(50000, 53).payload(Bytes.concat(gue(4), in4)).bytes(),
                DecapStatus.NOT_TUNNEL, null));
        c.add(new Case("GUE with a bad UDP checksum", d, outerV4(0, true, 63).udp(50000, GUE_PORT).corruptChecksum()
                .payload(Bytes.concat(gue(4), in4)).bytes(), DecapStatus.BAD_UDP_CHECKSUM, null));
        c.add(new Case("GUE over IPv6 with a zero UDP checksum", d, outerV6(0, 63).udp(50000, GUE_PORT).zeroUdpChecksum()
                .payload(Bytes.concat(gue(4), in4)).bytes(), DecapStatus.BAD_UDP_CHECKSUM, null));
        c.add(new Case("GUE over IPv6 with a zero UDP checksum, allowed", all().allowZeroUdpChecksumIpv6(true).build(),
                outerV6(0, 63).udp(50000, GUE_PORT).zeroUdpChecksum().payload(Bytes.concat(gue(4), in4)).bytes(),
                DecapStatus.OK, in4));
        c.add(new Case("GUE UDP length longer than the packet", d, outerV4(0, true, 63).udp(50000, GUE_PORT).zeroUdpChecksum()
                .udpLengthOverride(8 + 4 + in4.length + 1).payload(Bytes.concat(gue(4), in4)).bytes(), DecapStatus.BAD_UDP_LENGTH, null));
        c.add(new Case("GUE control message", d, outerV4(0, true, 63).udp(50000, GUE_PORT)
                .payload(Bytes.concat(new byte[] {0x20, 0, 0, 0}, in4)).bytes(), DecapStatus.BAD_GUE_HEADER, null));
        c.add(new Case("GUE variant 2", d, outerV4(0, true, 63).udp(50000, GUE_PORT)
                .payload(Bytes.concat(new byte[] {(byte) 0x80, 4, 0, 0}, in4)).bytes(), DecapStatus.BAD_GUE_HEADER, null));
        c.add(new Case("GUE carrying protocol 17", d, outerV4(0, true, 63).udp(50000, GUE_PORT)
                .payload(Bytes.concat(gue(17), in4)).bytes(), DecapStatus.BAD_GUE_PROTOCOL, null));
        c.add(new Case("GUE extension fields past the end", d, outerV4(0, true, 63).udp(50000, GUE_PORT)
                .payload(new byte[] {0x1F, 4, 0, 0}).bytes(), DecapStatus.TRUNCATED, null));
        byte[] badGre = greWithChecksum(0x0800, in4);
        badGre[5] ^= 0x01;
        c.add(new Case("GRE with a bad checksum", d, outerV4(0, true, 63).raw(47, badGre).bytes(), DecapStatus.BAD_GRE_CHECKSUM, null));
        c.add(new Case("GRE with the routing bit", d, outerV4(0, true, 63).raw(47, Bytes.concat(
                new byte[] {0x40, 0, 0x08, 0}, in4)).bytes(), DecapStatus.BAD_GRE_HEADER, null));
        c.add(new Case("GRE version 1", d, outerV4(0, true, 63).raw(47, Bytes.concat(
                new byte[] {0, 1, 0x08, 0}, in4)).bytes(), DecapStatus.BAD_GRE_HEADER, null));
        c.add(new Case("GRE carrying Ethernet (0x6558)", d, outerV4(0, true, 63).raw(47, Bytes.concat(
                gre(0x6558), in4)).bytes(), DecapStatus.BAD_GRE_PROTOCOL, null));
        c.add(new Case("GRE without the configured key", keyed, outerV4(0, true, 63).raw(47, Bytes.concat(gre(0x0800), in4)).bytes(),
                DecapStatus.GRE_KEY_MISMATCH, null));
        c.add(new Case("GRE with another key", keyed, outerV4(0, true, 63).raw(47, Bytes.concat(
                new byte[] {0x20, 0, 0x08, 0x00, 1, 2, 3, 5}, in4)).bytes(), DecapStatus.GRE_KEY_MISMATCH, null));
        c.add(new Case("GRE with a key when none is configured", d, outerV4(0, true, 63).raw(47, Bytes.concat(
                new byte[] {0x20, 0, 0x08, 0x00, 1, 2, 3, 4}, in4)).bytes(), DecapStatus.GRE_KEY_MISMATCH, null));
        c.add(new Case("GRE to an IPIP-only endpoint", ipipOnly, outerV4(0, true, 63).raw(47, Bytes.concat(gre(0x0800), in4)).bytes(),
                DecapStatus.TUNNEL_TYPE_DISABLED, null));
        c.add(new Case("outer IPv4 header checksum wrong", d, outerV4(0, true, 63).corruptIpChecksum().raw(4, in4).bytes(),
                DecapStatus.BAD_IP_CHECKSUM, null));
        c.add(new Case("outer fragment", d, outerV4(0, false, 63).fragment(0, true).raw(4, in4).bytes(),
                DecapStatus.FRAGMENT, null));
        c.add(new Case("outer IPv6 fragment header", d, outerV6(0, 63).fragmentHeader(0, true, 9).raw(4, in4).bytes(),
                DecapStatus.FRAGMENT, null));
        c.add(new Case("outer cut short", d, Arrays.copyOf(outerV4(0, true, 63).raw(4, in4).bytes(), 40),
                DecapStatus.TRUNCATED, null));
        c.add(new Case("IP version 5", d, new byte[] {0x55, 0, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                DecapStatus.BAD_VERSION, null));
        c.add(new Case("empty buffer", d, new byte[0], DecapStatus.TRUNCATED, null));
        c.add(new Case("IPIP announcing IPv4 but carrying IPv6", d, outerV4(0, true, 63).raw(4, in6).bytes(),
                DecapStatus.INNER_MALFORMED, null));
        c.add(new Case("inner total length shorter than the tunnel payload", d,
                outerV4(0, true, 63).raw(4, Bytes.concat(in4, new byte[3])).bytes(), DecapStatus.INNER_MALFORMED, null));
        c.add(new Case("inner cut to 12 bytes", d, outerV4(0, true, 63).raw(4, Arrays.copyOf(in4, 12)).bytes(),
                DecapStatus.INNER_MALFORMED, null));
        return c;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fixture(Case c) {
        ByteBuffer b = ByteBuffer.allocate(c.input().length + 16);
        b.position(8);
        b.put(c.input());
        b.position(8).limit(8 + c.input().length);
        DecapStatus status = c.decapsulator().decapsulate(b);
        assertThat(status).isEqualTo(c.status());
        assertThat(c.decapsulator().count(status)).isPositive();
        if (status == DecapStatus.OK) {
            assertThat(ChecksumVerifier.toBytes(b)).isEqualTo(c.output());
            ChecksumVerifier.assertValid(b);
        } else {
            assertThat(b.position()).isEqualTo(8);
            assertThat(ChecksumVerifier.toBytes(b)).isEqualTo(c.input());
        }
    }

    @Test
    void countsEachOutcome() {
        Decapsulator d = all().build();
        byte[] ok = outerV4(0, true, 63).raw(4, tcp4(63).bytes()).bytes();
        for (int i = 0; i < 3; i++) {
            d.decapsulate(ByteBuffer.wrap(ok.clone()));
        }
        d.decapsulate(ByteBuffer.wrap(new byte[0]));
        assertThat(d.count(DecapStatus.OK)).isEqualTo(3);
        assertThat(d.count(DecapStatus.TRUNCATED)).isEqualTo(1);
        assertThat(d.count(DecapStatus.NOT_TUNNEL)).isZero();
    }

    @Test
    void readOnlyBuffersAreStrippedUnlessEcnMustChange() {
        Decapsulator d = all().build();
        byte[] inner = tcp4(63).tos(0x02).bytes();
        ByteBuffer plain = ByteBuffer.wrap(outerV4(0x02, true, 63).raw(4, inner).bytes()).asReadOnlyBuffer();
        assertThat(d.decapsulate(plain)).isEqualTo(DecapStatus.OK);
        assertThat(ChecksumVerifier.toBytes(plain)).isEqualTo(inner);
        ByteBuffer marked = ByteBuffer.wrap(outerV4(0x03, true, 63).raw(4, inner).bytes()).asReadOnlyBuffer();
        assertThat(d.decapsulate(marked)).isEqualTo(DecapStatus.READ_ONLY);
        assertThat(marked.position()).isZero();
    }

    @Test
    void configurationErrorsNameTheField() {
        assertThatThrownBy(() -> Decapsulator.builder().build()).hasMessageStartingWith("localAddress:");
        assertThatThrownBy(() -> Decapsulator.builder().localAddress(InetAddresses.forString("10.0.0.1"))
                .accept(TunnelType.GUE).build()).hasMessageStartingWith("guePort:");
        assertThatThrownBy(() -> Decapsulator.builder().guePort(0)).hasMessageStartingWith("guePort:");
        assertThatThrownBy(() -> Decapsulator.builder().accept()).hasMessageStartingWith("accept:");
    }
}
