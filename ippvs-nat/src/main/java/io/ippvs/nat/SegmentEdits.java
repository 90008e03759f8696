package io.ippvs.nat;

import static io.ippvs.core.header.IpProtocol.TCP;

import io.ippvs.core.checksum.InternetChecksum;
import io.ippvs.core.header.Ipv4Header;
import io.ippvs.core.header.Ipv6Header;
import io.ippvs.core.header.TcpHeader;
import java.nio.ByteBuffer;

/**
 * Edits of a TCP segment whose payload an application helper changes: new sequence and
 * acknowledgement numbers, bytes moved to make or close room, and the lengths and checksum after the
 * payload changed. The FTP helper decides what to change; this class keeps the headers consistent
 * with it, incrementally where only numbers change, in full where payload bytes did (RFC 1624).
 */
final class SegmentEdits {

    private SegmentEdits() {}

    /**
     * Writes sequence and acknowledgement numbers, updating the TCP checksum when {@code incremental}
     * (not for a partial checksum, whose field holds only the pseudo-header sum).
     */
    static void renumber(ByteBuffer b, int l4, int newSeq, int newAck, boolean incremental) {
        int seq = (int) TcpHeader.sequenceNumber(b, l4);
        int ack = (int) TcpHeader.acknowledgmentNumber(b, l4);
        if (seq == newSeq && ack == newAck) {
            return;
        }
        if (incremental) {
            int sum = TcpHeader.checksum(b, l4);
            sum = InternetChecksum.update32(sum, seq, newSeq);
            sum = InternetChecksum.update32(sum, ack, newAck);
            TcpHeader.checksum(b, l4, sum);
        }
        TcpHeader.sequenceNumber(b, l4, newSeq);
        TcpHeader.acknowledgmentNumber(b, l4, newAck);
    }

    /** Moves {@code length} bytes from {@code from} to {@code to} within the buffer; overlap-safe. */
    static void move(ByteBuffer b, int from, int to, int length) {
        if (to > from) {
            for (int i = length - 1; i >= 0; i--) {
                b.put(to + i, b.get(from + i));
            }
        } else {
            for (int i = 0; i < length; i++) {
                b.put(to + i, b.get(from + i));
            }
        }
    }

    /**
     * Finishes a segment whose payload a helper changed, ending now at {@code end}: the IP length when
     * {@code resized}, the buffer's limit, and the TCP checksum, recomputed in full over the new
     * payload, or, when {@code partial}, left partial as the pseudo-header sum for the new length
     * (the payload is summed when the packet, or each of a super-packet's segments, is sent).
     */
    static void payloadChanged(ByteBuffer b, int l3, int l4, int end, boolean resized, boolean v6, boolean partial) {
        if (resized) {
            if (v6) {
                Ipv6Header.payloadLength(b, l3, end - l3 - Ipv6Header.LENGTH);
            } else {
                int oldTotal = Ipv4Header.totalLength(b, l3);
                int newTotal = end - l3;
                Ipv4Header.totalLength(b, l3, newTotal);
                Ipv4Header.checksum(b, l3, InternetChecksum.update16(Ipv4Header.checksum(b, l3), oldTotal, newTotal));
            }
        }
        b.limit(end);
        int tcpLength = end - l4;
        int pseudo = v6 ? InternetChecksum.pseudoHeaderV6(b, l3, TCP, tcpLength)
                : InternetChecksum.pseudoHeaderV4(b, l3, TCP, tcpLength);
        if (partial) {
            // still partial: the field holds the pseudo-header sum, now for the new length
            TcpHeader.checksum(b, l4, pseudo);
            return;
        }
        // the payload changed: recompute the TCP checksum in full
        TcpHeader.checksum(b, l4, 0);
        TcpHeader.checksum(b, l4, InternetChecksum.checksum(b, l4, tcpLength, pseudo));
    }
}
