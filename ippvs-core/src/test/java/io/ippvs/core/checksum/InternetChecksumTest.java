package io.ippvs.core.checksum;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.testkit.ChecksumVerifier;
import io.ippvs.testkit.PacketBuilder;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class InternetChecksumTest {

    @Test
    void rfc1071ExampleAtEveryAlignmentHeapAndDirect() {
        byte[] data = {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7};
        for (int shift = 0; shift < 9; shift++) {
            for (ByteBuffer b : new ByteBuffer[] {ByteBuffer.allocate(32), ByteBuffer.allocateDirect(32)}) {
                b.put(shift, data);
                assertThat(InternetChecksum.sum(b, shift, 8, 0)).isEqualTo(0xddf2);
                assertThat(InternetChecksum.checksum(b, shift, 8, 0)).isEqualTo(0x220d);
            }
        }
    }

    @Test
    void oddLengthPadsOnTheRight() {
        ByteBuffer b = ByteBuffer.wrap(new byte[] {0x12, 0x34, 0x56, 0x78});
        assertThat(InternetChecksum.sum(b, 0, 3, 0)).isEqualTo(0x1234 + 0x5600);
        assertThat(InternetChecksum.sum(b, 1, 1, 0)).isEqualTo(0x3400);
        assertThat(InternetChecksum.sum(b, 0, 0, 0x1234)).isEqualTo(0x1234);
    }

    @Test
    void foldCarriesAround() {
        assertThat(InternetChecksum.fold(0x1FFFEL)).isEqualTo(0xFFFF);
        assertThat(InternetChecksum.fold(0xFFFFFFFFL)).isEqualTo(0xFFFF);
        assertThat(InternetChecksum.fold(-1)).isEqualTo(0xFFFF);
        assertThat(InternetChecksum.fold(0x12345L)).isEqualTo(0x2346);
        // 2^16 = 1 (mod 0xFFFF), so 2^63 - 1 = 2^15 - 1
        assertThat(InternetChecksum.fold(Long.MAX_VALUE)).isEqualTo(0x7FFF);
    }

    @Test
    void pseudoHeadersMatchTheBuilder() {
        byte[] p = PacketBuilder.ipv4("10.1.2.3", "192.168.4.5").tcp(1234, 80).payload("GET /").bytes();
        ByteBuffer b = ByteBuffer.wrap(p);
        int tcpLength = p.length - 20;
        int pseudo = InternetChecksum.pseudoHeaderV4(0x0a010203, 0xc0a80405, 6, tcpLength);
        assertThat(InternetChecksum.pseudoHeaderV4(b, 0, 6, tcpLength)).isEqualTo(pseudo);
        assertThat(InternetChecksum.sum(b, 20, tcpLength, pseudo)).isEqualTo(InternetChecksum.VALID_SUM);

        byte[] q = PacketBuilder.ipv6("2001:db8::1", "fe80::abcd:1").udp(53, 5353).payload("abc").bytes();
        ByteBuffer c = ByteBuffer.wrap(q);
        int pseudo6 = InternetChecksum.pseudoHeaderV6(0x20010db800000000L, 1L, 0xfe80000000000000L, 0xabcd0001L, 17, 11);
        assertThat(InternetChecksum.pseudoHeaderV6(c, 0, 17, 11)).isEqualTo(pseudo6);
        assertThat(InternetChecksum.sum(c, 40, 11, pseudo6)).isEqualTo(InternetChecksum.VALID_SUM);
    }

    @Test
    void incrementalUpdateOfAPortAndAnAddress() {
        byte[] p = PacketBuilder.ipv4("10.0.0.1", "10.0.0.100").tcp(40000, 80).payload("hello").bytes();
        ByteBuffer b = ByteBuffer.wrap(p);
        int checksum = b.getShort(36) & 0xFFFF;
        checksum = InternetChecksum.update16(checksum, 80, 8080);
        checksum = InternetChecksum.update32(checksum, 0x0a000064, 0xc0a8010a);
        b.putShort(22, (short) 8080).putInt(16, 0xc0a8010a).putShort(36, (short) checksum);
        int ipChecksum = InternetChecksum.update32(b.getShort(10) & 0xFFFF, 0x0a000064, 0xc0a8010a);
        b.putShort(10, (short) ipChecksum);
        ChecksumVerifier.assertValid(p);
    }

    @Test
    void udpZeroRules() {
        assertThat(InternetChecksum.udpField(0)).isEqualTo(0xFFFF);
        assertThat(InternetChecksum.udpField(0x1234)).isEqualTo(0x1234);
        assertThat(InternetChecksum.udpChecksumAbsent(4, 0)).isTrue();
        assertThat(InternetChecksum.udpChecksumAbsent(6, 0)).isFalse();
        assertThat(InternetChecksum.updateUdp16(0, 1, 2)).isZero();
        assertThat(InternetChecksum.updateUdp32(0, 1, 2)).isZero();
        assertThat(InternetChecksum.updateUdp128(0, 1, 2, 3, 4)).isZero();
        // a change that brings the checksum to 0 is stored as 0xFFFF: old checksum 0x0001 means the
        // rest sums to 0xFFFE; the word going from 0 to 1 makes the sum 0xFFFF, the checksum 0
        assertThat(InternetChecksum.update16(0x0001, 0, 1)).isZero();
        assertThat(InternetChecksum.updateUdp16(0x0001, 0, 1)).isEqualTo(0xFFFF);
    }
}
