package io.ippvs.tunnel;

import io.ippvs.api.Addresses;
import io.ippvs.core.checksum.InternetChecksum;
import io.ippvs.core.header.IpProtocol;
import io.ippvs.core.header.Ipv4Header;
import io.ippvs.core.header.Ipv6Header;
import io.ippvs.core.header.UdpHeader;
import java.nio.ByteBuffer;

/**
 * Writes the headers {@link TunnelRewriter} puts in front of an inner packet: the outer IPv4 or IPv6
 * header and the UDP + GUE or GRE header after it. The rewriter decides every field (source, TTL,
 * DF, identification, flow hash); these write them, a word at a time where the fields share one,
 * and compute the checksums the encapsulation asks for. Static methods on a final class: a call
 * site per encapsulation, inlined by the JIT, no dispatch per packet.
 */
final class OuterHeaders {

    private OuterHeaders() {}

    /** An IPv4 header without options at {@code start}; its checksum from the words, not read back. */
    static void ipv4(ByteBuffer buffer, int start, int tos, int totalLength, int id, boolean df, int ttl,
            int protocol, int source, int destination) {
        int word0 = 0x45000000 | tos << 16 | totalLength;
        int word1 = id << 16 | (df ? Ipv4Header.DONT_FRAGMENT : 0);
        int word2 = ttl << 24 | protocol << 16;
        long sum = (word0 >>> 16) + (word0 & 0xFFFF) + (word1 >>> 16) + (word1 & 0xFFFF) + (word2 >>> 16)
                + (source >>> 16) + (source & 0xFFFF) + (destination >>> 16) + (destination & 0xFFFF);
        // five words: version..total length, identification..fragment, TTL..checksum, addresses
        buffer.putInt(start + Ipv4Header.VERSION_IHL_OFFSET, word0);
        buffer.putInt(start + Ipv4Header.IDENTIFICATION_OFFSET, word1);
        buffer.putInt(start + Ipv4Header.TTL_OFFSET, word2 | (~InternetChecksum.fold(sum) & 0xFFFF));
        Ipv4Header.sourceAddress(buffer, start, source);
        Ipv4Header.destinationAddress(buffer, start, destination);
    }

    /** An IPv6 header at {@code start} carrying the low 20 bits of {@code flowHash} as flow label (RFC 6438). */
    static void ipv6(ByteBuffer buffer, int start, int trafficClass, int flowHash, int payloadLength, int nextHeader,
            int hopLimit, long sourceHigh, long sourceLow, long destinationHigh, long destinationLow) {
        // version..flow label, then payload length..hop limit, each as one word
        buffer.putInt(start, 0x60000000 | trafficClass << 20 | (flowHash & 0xFFFFF));
        buffer.putInt(start + Ipv6Header.PAYLOAD_LENGTH_OFFSET, payloadLength << 16 | nextHeader << 8 | hopLimit);
        Ipv6Header.sourceAddress(buffer, start, sourceHigh, sourceLow);
        Ipv6Header.destinationAddress(buffer, start, destinationHigh, destinationLow);
    }

    /**
     * UDP and a GUE variant 0 header at {@code l4}, {@code udpLength} bytes with the inner packet,
     * with a zero UDP checksum; {@link #udpChecksum} fills it in where one is sent.
     */
    static void gue(ByteBuffer buffer, int l4, int sourcePort, int destinationPort, int udpLength, int innerFamily) {
        // ports as one word, then length and a zero checksum as another
        buffer.putInt(l4 + UdpHeader.SOURCE_PORT_OFFSET, sourcePort << 16 | destinationPort);
        buffer.putInt(l4 + UdpHeader.LENGTH_OFFSET, udpLength << 16);
        GueHeader.write(buffer, l4 + UdpHeader.LENGTH, innerFamily == Addresses.IPV4 ? IpProtocol.IPIP : IpProtocol.IPV6);
    }

    /** The outer UDP checksum over the whole datagram, with the outer addresses' pseudo-header. */
    static void udpChecksum(ByteBuffer buffer, int l4, int udpLength, int outerFamily, long sourceHigh, long sourceLow,
            long destinationHigh, long destinationLow) {
        int pseudo = outerFamily == Addresses.IPV4
                ? InternetChecksum.pseudoHeaderV4((int) sourceLow, (int) destinationLow, IpProtocol.UDP, udpLength)
                : InternetChecksum.pseudoHeaderV6(sourceHigh, sourceLow, destinationHigh, destinationLow,
                        IpProtocol.UDP, udpLength);
        int sum = InternetChecksum.checksum(buffer, l4, udpLength, pseudo);
        UdpHeader.checksum(buffer, l4, InternetChecksum.udpField(sum));
    }

    /**
     * A GRE header at {@code l4} naming the inner family; with {@code checksum} its checksum over the
     * {@code greLength} bytes of header and inner packet.
     */
    static void gre(ByteBuffer buffer, int l4, boolean checksum, int innerFamily, int greLength) {
        GreHeader.write(buffer, l4, checksum, innerFamily == Addresses.IPV4 ? GreHeader.ETHERTYPE_IPV4 : GreHeader.ETHERTYPE_IPV6);
        if (checksum) {
            GreHeader.checksum(buffer, l4, InternetChecksum.checksum(buffer, l4, greLength, 0));
        }
    }
}
