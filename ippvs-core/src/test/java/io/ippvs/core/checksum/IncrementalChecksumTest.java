package io.ippvs.core.checksum;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.testkit.ChecksumVerifier;
import io.ippvs.testkit.PacketBuilder;
import io.ippvs.core.testing.RandomPackets;
import java.nio.ByteBuffer;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * RFC 1624 incremental updates equal a full recomputation, for random TCP and UDP packets over
 * IPv4 and IPv6 and random changes of 16-bit fields (ports, payload words), 32-bit fields (IPv4
 * addresses, sequence numbers) and 128-bit fields (IPv6 addresses); the full sum equals the
 * test's naive sum at every alignment.
 */
class IncrementalChecksumTest {

    /** A random TCP or UDP packet and where its transport checksum lives. */
    private static final class Sample {
        final byte[] bytes;
        final ByteBuffer buffer;
        final boolean v6;
        final boolean udp;
        final int l4;
        final int checksumAt;

        Sample(Random r, boolean v6) {
            this.v6 = v6;
            this.udp = r.nextBoolean();
            int payloadLength = r.nextInt(4) == 0 ? r.nextInt(1500) : r.nextInt(40);
            byte[] payload = new byte[payloadLength];
            r.nextBytes(payload);
            PacketBuilder b = v6 ? PacketBuilder.ipv6(RandomPackets.address6(r), RandomPackets.address6(r)) : PacketBuilder.ipv4(RandomPackets.address4(r), RandomPackets.address4(r));
            if (udp) {
                b.udp(r.nextInt(65536), r.nextInt(65536));
            } else {
                b.tcp(r.nextInt(65536), r.nextInt(65536)).seq(r.nextInt() & 0xFFFFFFFFL).ack(r.nextInt() & 0xFFFFFFFFL)
                        .flags(r.nextInt(256)).window(r.nextInt(65536));
            }
            this.bytes = b.payload(payload).bytes();
            this.buffer = ByteBuffer.wrap(bytes);
            this.l4 = v6 ? 40 : 20;
            this.checksumAt = l4 + (udp ? 6 : 16);
        }

        int checksum() {
            return buffer.getShort(checksumAt) & 0xFFFF;
        }

        void checksum(int value) {
            buffer.putShort(checksumAt, (short) value);
        }

        /** What the checksum field should hold, computed from scratch by production code. */
        int full() {
            int saved = checksum();
            checksum(0);
            int length = bytes.length - l4;
            int protocol = udp ? 17 : 6;
            int pseudo = v6 ? InternetChecksum.pseudoHeaderV6(buffer, 0, protocol, length)
                    : InternetChecksum.pseudoHeaderV4(buffer, 0, protocol, length);
            int c = InternetChecksum.checksum(buffer, l4, length, pseudo);
            checksum(saved);
            return udp ? InternetChecksum.udpField(c) : c;
        }

        int update16(int old, int oldValue, int newValue) {
            return udp ? InternetChecksum.updateUdp16(old, oldValue, newValue) : InternetChecksum.update16(old, oldValue, newValue);
        }

        int update32(int old, int oldValue, int newValue) {
            return udp ? InternetChecksum.updateUdp32(old, oldValue, newValue) : InternetChecksum.update32(old, oldValue, newValue);
        }

        int update128(int old, long oh, long ol, long nh, long nl) {
            return udp ? InternetChecksum.updateUdp128(old, oh, ol, nh, nl) : InternetChecksum.update128(old, oh, ol, nh, nl);
        }
    }

    @Property(tries = 10_000)
    void update16EqualsFullRecomputation(@ForAll long seed, @ForAll int newValue) {
        Random r = new Random(seed);
        Sample s = new Sample(r, r.nextBoolean());
        int value = newValue & 0xFFFF;
        // a port, or any aligned 16-bit word of the transport header or payload except the checksum
        int at;
        do {
            at = s.l4 + 2 * r.nextInt((s.bytes.length - s.l4) / 2);
        } while (at == s.checksumAt || (s.udp && at == s.l4 + 4));
        int old = s.buffer.getShort(at) & 0xFFFF;
        s.buffer.putShort(at, (short) value);
        s.checksum(s.update16(s.checksum(), old, value));
        assertThat(s.checksum()).isEqualTo(s.full());
        ChecksumVerifier.assertValid(s.bytes);
    }

    @Property(tries = 10_000)
    void update32EqualsFullRecomputation(@ForAll long seed, @ForAll int newValue) {
        Random r = new Random(seed);
        Sample s = new Sample(r, false);
        // the source or destination IPv4 address (in the pseudo-header and the IP header),
        // or a TCP sequence / acknowledgement number
        int choice = r.nextInt(s.udp ? 2 : 4);
        int at = choice == 0 ? 12 : choice == 1 ? 16 : s.l4 + 4 * (choice - 1);
        int old = s.buffer.getInt(at);
        s.buffer.putInt(at, newValue);
        s.checksum(s.update32(s.checksum(), old, newValue));
        if (choice < 2) {
            int ip = s.buffer.getShort(10) & 0xFFFF;
            s.buffer.putShort(10, (short) InternetChecksum.update32(ip, old, newValue));
        }
        assertThat(s.checksum()).isEqualTo(s.full());
        ChecksumVerifier.assertValid(s.bytes);
    }

    @Property(tries = 10_000)
    void update128EqualsFullRecomputation(@ForAll long seed, @ForAll long newHigh, @ForAll long newLow) {
        Random r = new Random(seed);
        Sample s = new Sample(r, true);
        int at = r.nextBoolean() ? 8 : 24;
        long oldHigh = s.buffer.getLong(at);
        long oldLow = s.buffer.getLong(at + 8);
        s.buffer.putLong(at, newHigh).putLong(at + 8, newLow);
        s.checksum(s.update128(s.checksum(), oldHigh, oldLow, newHigh, newLow));
        assertThat(s.checksum()).isEqualTo(s.full());
        ChecksumVerifier.assertValid(s.bytes);
    }

    @Property(tries = 10_000)
    void sumEqualsTheNaiveSumAtAnyAlignment(@ForAll @Size(max = 200) byte[] data, @ForAll @IntRange(max = 15) int shift,
                                            @ForAll boolean direct, @ForAll int initial) {
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(data.length + 16) : ByteBuffer.allocate(data.length + 16);
        b.put(shift, data);
        int init = initial & 0xFFFF;
        // the naive sum lives in the verifier and shares nothing with InternetChecksum
        byte[] padded = new byte[data.length + shift];
        System.arraycopy(data, 0, padded, shift, data.length);
        int naive = NaiveSum.of(padded, shift, padded.length, init);
        int fast = InternetChecksum.sum(b, shift, data.length, init);
        // 0x0000 and 0xFFFF are the same number in one's complement (both zero)
        assertThat(fast % 0xFFFF).isEqualTo(naive % 0xFFFF);
    }

    /** The RFC 1071 definition, one word at a time. */
    private static final class NaiveSum {
        static int of(byte[] p, int from, int to, int initial) {
            long sum = initial;
            for (int i = from; i < to; i += 2) {
                sum += ((p[i] & 0xFF) << 8) | (i + 1 < to ? p[i + 1] & 0xFF : 0);
            }
            while ((sum >> 16) != 0) {
                sum = (sum & 0xFFFF) + (sum >> 16);
            }
            return (int) sum;
        }
    }
}
