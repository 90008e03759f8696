package io.ippvs.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ChecksumVerifierTest {

    /** The IPv4 header of the Wikipedia "IPv4 header checksum" example, checksum 0xb861 computed by hand. */
    private static final byte[] KNOWN_IPV4_HEADER = hex("450000730000400040110000c0a80001c0a800c7");

    @Test
    void knownIpv4HeaderChecksum() {
        byte[] h = KNOWN_IPV4_HEADER.clone();
        assertThat(~ChecksumVerifier.onesComplementSum(h, 0, 20, 0) & 0xFFFF).isEqualTo(0xb861);
        h[10] = (byte) 0xb8;
        h[11] = 0x61;
        assertThat(ChecksumVerifier.onesComplementSum(h, 0, 20, 0)).isEqualTo(0xFFFF);
    }

    @Test
    void rfc1071Example() {
        // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to dd f2
        assertThat(ChecksumVerifier.onesComplementSum(hex("0001f203f4f5f6f7"), 0, 8, 0)).isEqualTo(0xddf2);
    }

    @Test
    void handComputedUdpOverIpv4() {
        // 10.0.0.1:1000 -> 10.0.0.2:2000, payload "hi". Pseudo-header: 0a00 0001 0a00 0002 0011 000a,
        // UDP: 03e8 07d0 000a 0000 6869. Pseudo-header sum 0x141e, UDP sum 0x742b, total 0x8849,
        // checksum = ~0x8849 = 0x77b6.
        byte[] p = PacketBuilder.ipv4("10.0.0.1", "10.0.0.2").udp(1000, 2000).payload("hi").bytes();
        assertThat(ChecksumVerifier.u16(p, 26)).isEqualTo(0x77b6);
        ChecksumVerifier.assertValid(p);
    }

    @Test
    void sctpCrcOfKnownVector() {
        // CRC32c("123456789") = 0xe3069283 (RFC 3720 B.4 family); build a fake 12-byte+data region
        byte[] p = new byte[21];
        System.arraycopy("12345678".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, p, 0, 8);
        // bytes 8..11 are taken as zero whatever they hold
        p[8] = 1;
        System.arraycopy("9abcdefgh".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, p, 12, 9);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        byte[] zeroed = p.clone();
        zeroed[8] = 0;
        crc.update(zeroed);
        assertThat(ChecksumVerifier.sctpCrc(p, 0, p.length)).isEqualTo(Integer.reverseBytes((int) crc.getValue()));
        java.util.zip.CRC32C check = new java.util.zip.CRC32C();
        check.update("123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(check.getValue()).isEqualTo(0xe3069283L);
    }

    @Test
    void detectsEachCorruption() {
        assertThat(ChecksumVerifier.problems(PacketBuilder.ipv4("10.0.0.1", "10.0.0.2").tcp(1, 2).corruptIpChecksum().bytes()))
                .containsExactly("IPv4 header checksum");
        assertThat(ChecksumVerifier.problems(PacketBuilder.ipv4("10.0.0.1", "10.0.0.2").tcp(1, 2).corruptChecksum().bytes()))
                .containsExactly("TCP checksum");
        assertThat(ChecksumVerifier.problems(PacketBuilder.ipv6("::1", "::2").udp(1, 2).corruptChecksum().bytes()))
                .containsExactly("UDP checksum");
        assertThat(ChecksumVerifier.problems(PacketBuilder.ipv6("::1", "::2").udp(1, 2).zeroUdpChecksum().bytes()))
                .containsExactly("UDP checksum zero over IPv6");
        assertThat(ChecksumVerifier.valid(PacketBuilder.ipv4("10.0.0.1", "10.0.0.2").udp(1, 2).zeroUdpChecksum().bytes()))
                .isTrue();
        assertThat(ChecksumVerifier.problems(PacketBuilder.ipv4("10.0.0.1", "10.0.0.2").sctp(1, 2, 7)
                .chunk(PacketBuilder.SCTP_INIT, 0, PacketBuilder.initChunkValue(1, 2, 3, 4, 5)).corruptChecksum().bytes()))
                .containsExactly("SCTP CRC32c");
        assertThat(ChecksumVerifier.problems(PacketBuilder.ipv6("::1", "::2").icmpEcho(1, 2).corruptChecksum().bytes()))
                .containsExactly("ICMPv6 checksum");
        assertThat(ChecksumVerifier.problems(PacketBuilder.ipv4("10.0.0.1", "10.0.0.2").icmpEcho(1, 2).corruptChecksum().bytes()))
                .containsExactly("ICMP checksum");
    }

    @Test
    void checksQuotedPacketOfIcmpErrors() {
        byte[] inner = PacketBuilder.ipv4("10.0.0.2", "10.0.0.1").udp(53, 4000).payload("answer").corruptIpChecksum().bytes();
        byte[] error = PacketBuilder.ipv4("10.0.0.9", "10.0.0.2")
                .icmpError(PacketBuilder.ICMP_DEST_UNREACHABLE, 3, 0, inner).bytes();
        assertThat(ChecksumVerifier.problems(error)).containsExactly("quoted IPv4 header checksum");
        byte[] good = PacketBuilder.ipv4("10.0.0.2", "10.0.0.1").udp(53, 4000).payload("answer").corruptChecksum().bytes();
        byte[] error2 = PacketBuilder.ipv4("10.0.0.9", "10.0.0.2")
                .icmpError(PacketBuilder.ICMP_DEST_UNREACHABLE, 3, 0, good).bytes();
        assertThat(ChecksumVerifier.problems(error2)).containsExactly("quoted UDP checksum");
        // a quote cut to the IP header + 8 bytes: only the quoted IP header can be checked
        byte[] cut = java.util.Arrays.copyOf(good, 28);
        assertThat(ChecksumVerifier.problems(PacketBuilder.ipv4("10.0.0.9", "10.0.0.2")
                .icmpError(PacketBuilder.ICMP_TIME_EXCEEDED, 0, 0, cut).bytes())).isEmpty();
    }

    @Test
    void assertValidNamesTheProblemAndReadsOnlyTheWindow() {
        ByteBuffer b = PacketBuilder.ipv4("10.0.0.1", "10.0.0.2").tcp(1, 2).corruptChecksum().buffer(true, 64, 16);
        int position = b.position();
        assertThatThrownBy(() -> ChecksumVerifier.assertValid(b)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("TCP checksum");
        assertThat(b.position()).isEqualTo(position);
        ChecksumVerifier.assertValid(PacketBuilder.ipv4("10.0.0.1", "10.0.0.2").tcp(1, 2).buffer(true, 64, 16));
    }

    static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }
}
