package io.ippvs.nat;

import static io.ippvs.core.header.IpProtocol.TCP;

import com.google.common.net.InetAddresses;
import io.ippvs.api.Addresses;
import io.ippvs.api.Protocol;
import io.ippvs.api.RewriteContext;
import io.ippvs.core.checksum.InternetChecksum;
import io.ippvs.core.header.Ipv4Header;
import io.ippvs.core.header.Ipv6Header;
import io.ippvs.core.header.TcpHeader;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The FTP application helper of masquerading (Linux {@code ip_vs_ftp.c}), run on the segments of a
 * control connection after their addresses and ports were translated.
 *
 * <ul>
 *   <li>Client {@code PASV} / {@code EPSV}: the next server {@code 227 Entering Passive Mode
 *       (h1,h2,h3,h4,p1,p2)} has its address (the real server's) rewritten to the virtual address, and
 *       a {@code 227} or {@code 229 Entering Extended Passive Mode (|||port|)} makes an expected
 *       connection client:any -> virtual:port bound to the same real server.
 *   <li>Client {@code PORT h1,...,p2} / {@code EPRT |af|addr|port|} naming the client's own address:
 *       an expected connection real server:(control port - 1) -> client:port, so the server's active
 *       data connection is translated like a reply. The client's address is not translated by NAT,
 *       so the command text stays as it is.
 * </ul>
 *
 * <p>Every line of a segment is looked at, not only its first. A rewritten 227 may be shorter or
 * longer than the original; the offset is kept per direction in {@link SequenceDelta}s attached to
 * the connection, and every later segment has its sequence number (server to client) or
 * acknowledgement (client to server) shifted. A retransmission of the rewritten segment is
 * recognised by its sequence number and rewritten again; an older retransmission that runs into it
 * is cut where it starts, so the client never receives the old text in the new numbering. A longer
 * text needs room after the packet's end: when the buffer's capacity has none, the reply is left as
 * it is and counted ({@link #skippedNoRoom()}).
 *
 * <p>Lines split across segments (Linux does not handle them): the start of a command is copied and
 * read together with the rest from the next segment, which both go on unchanged. The start of a reply
 * that may need rewriting is cut off its segment (the segment still carries its acknowledgement) and
 * put back in front of the next segment, which then holds the whole line. Nothing is lost when that
 * next segment does not come in order or has no room: the client never acknowledged the cut bytes,
 * so the server sends them again.
 */
final class FtpHelper {

    private static final int NOT_REWRITTEN = Integer.MIN_VALUE;
    private static final int FIN_SYN_RST = 0x07;
    private static final int MAX_LINE = FtpControl.MAX_LINE;

    private final AtomicLong skippedNoRoom = new AtomicLong();
    private final AtomicLong rewrites = new AtomicLong();
    private final AtomicLong joinedLines = new AtomicLong();

    long skippedNoRoom() {
        return skippedNoRoom.get();
    }

    long rewrites() {
        return rewrites.get();
    }

    long joinedLines() {
        return joinedLines.get();
    }

    /**
     * Handles one segment of a control connection whose addresses and ports are already translated
     * (the TCP checksum is valid for the bytes as they are).
     */
    void segment(RewriteContext c, ByteBuffer b, int l3, int l4, int end, boolean v6) {
        // the parser's payload offset; a hand-made context may not know it
        int dataOff = c.payloadOffset() >= 0 ? c.payloadOffset() : l4 + TcpHeader.headerLength(b, l4);
        if (dataOff < l4 + TcpHeader.MIN_LENGTH || dataOff > end) {
            return;
        }
        Object attached = c.attachment();
        FtpControl s = attached instanceof FtpControl ? (FtpControl) attached : null;
        if (s == null) {
            if (dataOff == end) {
                return; // handshake and bare ACKs before the first command need no state
            }
            s = new FtpControl();
            c.attach(s);
        }
        synchronized (s) {
            if (c.reply()) {
                serverSegment(c, b, l3, l4, dataOff, end, s, v6);
            } else {
                clientSegment(c, b, l4, dataOff, end, s, v6);
            }
        }
    }

    // ---------------------------------------------------------------- client to server

    private void clientSegment(RewriteContext c, ByteBuffer b, int l4, int dataOff, int end, FtpControl s, boolean v6) {
        int seq = (int) TcpHeader.sequenceNumber(b, l4);
        renumber(b, l4, s.in.fixSeq(seq), s.out.fixAck((int) TcpHeader.acknowledgmentNumber(b, l4)),
                !NatRewriter.partial(c));
        if (dataOff == end) {
            return;
        }
        int at = dataOff;
        int carried = s.commandLength;
        if (carried > 0) {
            s.commandLength = 0;
            if (seq == s.commandNextSeq) {
                int newline = indexOf(b, dataOff, end, (byte) '\n');
                int lineEnd = newline < 0 ? end : newline + 1;
                int more = lineEnd - dataOff;
                if (carried + more <= MAX_LINE) {
                    ByteBuffer line = s.command();
                    for (int i = 0; i < more; i++) {
                        line.put(carried + i, b.get(dataOff + i));
                    }
                    if (newline < 0) {
                        s.commandLength = carried + more;
                        s.commandNextSeq = seq + more;
                        return;
                    }
                    joinedLines.incrementAndGet();
                    clientCommand(c, line, 0, carried + more, s, v6);
                }
                at = lineEnd; // the rest of a line too long to be a command is skipped
            }
        }
        while (at < end) {
            int newline = indexOf(b, at, end, (byte) '\n');
            if (newline < 0) {
                if (end - at < MAX_LINE && mayBeCommand(b, at, end)) {
                    ByteBuffer line = s.command();
                    for (int i = at; i < end; i++) {
                        line.put(i - at, b.get(i));
                    }
                    s.commandLength = end - at;
                    s.commandNextSeq = seq + (end - dataOff);
                }
                return;
            }
            clientCommand(c, b, at, newline + 1, s, v6);
            at = newline + 1;
        }
    }

    private static void clientCommand(RewriteContext c, ByteBuffer b, int at, int end, FtpControl s, boolean v6) {
        if (startsWith(b, at, end, "PASV") || startsWith(b, at, end, "EPSV")) {
            s.passivePending = true;
            return;
        }
        int port;
        if (startsWith(b, at, end, "PORT ")) {
            if (v6) {
                return;
            }
            long addr = parseHostPort(b, at + 5, end);
            if (addr < 0 || (int) (addr >>> 16) != (int) c.clientAddressLow()) {
                return; // a third-party address (FXP) is not the client's: no expectation
            }
            port = (int) addr & 0xFFFF;
        } else if (startsWith(b, at, end, "EPRT ")) {
            port = extendedPort(c, b, at + 5, end);
            if (port < 0) {
                return;
            }
        } else {
            return;
        }
        // active mode: the server connects from its control port - 1 (ftp-data) to the client's port
        c.expectConnection(Protocol.TCP, port, c.virtualPort() - 1, c.destinationPort() - 1);
    }

    // ---------------------------------------------------------------- server to client

    private void serverSegment(RewriteContext c, ByteBuffer b, int l3, int l4, int dataOff, int end, FtpControl s,
            boolean v6) {
        SequenceDelta mine = s.out;
        int originalEnd = end;
        int seq = (int) TcpHeader.sequenceNumber(b, l4);
        boolean payloadChanged = false;
        if (dataOff < end && s.heldLength > 0) {
            int held = s.heldLength;
            s.heldLength = 0;
            if (seq == s.heldSeq + held) {
                if (end + held <= b.capacity() && end + held - l3 <= 0xFFFF) {
                    // put the held start of the line back in front of its continuation
                    if (end + held > b.limit()) {
                        b.limit(end + held);
                    }
                    move(b, dataOff, dataOff + held, end - dataOff);
                    byte[] bytes = s.held();
                    for (int i = 0; i < held; i++) {
                        b.put(dataOff + i, bytes[i]);
                    }
                    end += held;
                    seq = s.heldSeq;
                    payloadChanged = true;
                    joinedLines.incrementAndGet();
                } else {
                    skippedNoRoom.incrementAndGet(); // the client sees a gap and the server resends
                }
            }
        }
        if (dataOff < end && mine.inside(seq)) {
            // a resend starting inside the rewritten line: its old bytes have no place in the new
            // numbering, so only what follows the line goes on
            int skip = Math.min(mine.lineEnd() - seq, end - dataOff);
            move(b, dataOff + skip, dataOff, end - dataOff - skip);
            end -= skip;
            seq = mine.lineEnd();
            payloadChanged = true;
        }
        int newSeq = mine.fixSeq(seq);
        int newAck = s.in.fixAck((int) TcpHeader.acknowledgmentNumber(b, l4));
        boolean noMoreData = (TcpHeader.flags(b, l4) & FIN_SYN_RST) != 0;
        if (dataOff < end && mine.covers(seq, end - dataOff)) {
            // a resend of the rewritten line: rewrite it again, or hold it back until it is whole
            int at = dataOff + (mine.lineStart() - seq);
            int lineEnd = at + (mine.lineEnd() - mine.lineStart());
            int diff = lineEnd <= end ? serverReply(c, b, l3, at, lineEnd, end, s) : NOT_REWRITTEN;
            if (diff != NOT_REWRITTEN) {
                rewrites.incrementAndGet();
                end += diff;
            } else {
                hold(b, at, end, mine.lineStart(), s, noMoreData);
                end = at;
            }
            payloadChanged = true;
        } else if (dataOff < end && s.passivePending) {
            int shift = 0;
            int at = dataOff;
            while (at < end) {
                int newline = indexOf(b, at, end, (byte) '\n');
                int lineSeq = seq + (at - dataOff) - shift;
                if (newline < 0) {
                    if (mayBeReply(b, at, end) && hold(b, at, end, lineSeq, s, noMoreData)) {
                        end = at;
                        payloadChanged = true;
                    }
                    break;
                }
                int diff = serverReply(c, b, l3, at, newline + 1, end, s);
                if (diff != NOT_REWRITTEN) {
                    mine.rewritten(lineSeq, lineSeq + (newline + 1 - at), diff);
                    rewrites.incrementAndGet();
                    shift += diff;
                    end += diff;
                    newline += diff;
                    payloadChanged = true;
                }
                at = newline + 1;
            }
        }
        boolean partial = NatRewriter.partial(c);
        if (!payloadChanged) {
            renumber(b, l4, newSeq, newAck, !partial);
            return;
        }
        renumber(b, l4, newSeq, newAck, false);
        if (end != originalEnd) {
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
            // still partial: the field holds the pseudo-header sum, now for the new length; the
            // payload is summed when the packet (or each of a super-packet's segments) is sent
            TcpHeader.checksum(b, l4, pseudo);
            return;
        }
        // the payload changed: recompute the TCP checksum in full
        TcpHeader.checksum(b, l4, 0);
        TcpHeader.checksum(b, l4, InternetChecksum.checksum(b, l4, tcpLength, pseudo));
    }

    /**
     * Keeps {@code [at, end)}, the start of a line beginning at sequence number {@code lineSeq}, to be
     * put in front of the segment that continues it; the caller cuts it off this segment either way.
     * Not kept (false) when the sender said it has nothing more to send or the line is too long.
     */
    private static boolean hold(ByteBuffer b, int at, int end, int lineSeq, FtpControl s, boolean noMoreData) {
        if (noMoreData || end - at >= MAX_LINE) {
            return false;
        }
        byte[] bytes = s.held();
        for (int i = at; i < end; i++) {
            bytes[i - at] = b.get(i);
        }
        s.heldLength = end - at;
        s.heldSeq = lineSeq;
        return true;
    }

    /**
     * Writes sequence and acknowledgement numbers, updating the TCP checksum when {@code incremental}
     * (not for a partial checksum, whose field holds only the pseudo-header sum).
     */
    private static void renumber(ByteBuffer b, int l4, int newSeq, int newAck, boolean incremental) {
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

    /** {@code EPRT |1|a.b.c.d|port|} or {@code |2|v6|port|} naming the client; the port, or -1. */
    private static int extendedPort(RewriteContext c, ByteBuffer b, int at, int end) {
        if (at + 1 > end) {
            return -1;
        }
        byte d = b.get(at);
        if (d < 33 || d > 126 || at + 3 > end || b.get(at + 2) != d) {
            return -1;
        }
        int af = b.get(at + 1) - '0';
        int addrStart = at + 3;
        int addrEnd = indexOf(b, addrStart, end, d);
        if (addrEnd < 0) {
            return -1;
        }
        long port = parseNumber(b, addrEnd + 1, end, 0xFFFF);
        if (port < 0 || (int) port >= end || b.get((int) port) != d) {
            return -1;
        }
        int portValue = (int) (port >>> 32);
        if (af == 1 && c.addressFamily() == Addresses.IPV4) {
            long addr = parseDotted(b, addrStart, addrEnd);
            return addr >= 0 && (int) addr == (int) c.clientAddressLow() ? portValue : -1;
        }
        if (af == 2 && c.addressFamily() == Addresses.IPV6) {
            // rare control command: parsing the text form may allocate
            int length = addrEnd - addrStart;
            if (length < 2 || length > 45) {
                return -1;
            }
            char[] text = new char[length];
            for (int i = 0; i < length; i++) {
                text[i] = (char) (b.get(addrStart + i) & 0xFF);
            }
            String s = new String(text);
            if (!InetAddresses.isInetAddress(s)) {
                return -1;
            }
            InetAddress a = InetAddresses.forString(s);
            return a instanceof Inet6Address && Addresses.high(a) == c.clientAddressHigh()
                    && Addresses.low(a) == c.clientAddressLow() ? portValue : -1;
        }
        return -1;
    }

    /**
     * Looks at one reply line {@code [at, lineEnd)} of a segment ending at {@code end}: rewrites a 227
     * naming the real server, recognises a 229. The segment's length change, or {@link #NOT_REWRITTEN}.
     */
    private int serverReply(RewriteContext c, ByteBuffer b, int l3, int at, int lineEnd, int end, FtpControl s) {
        if (startsWith(b, at, lineEnd, "229 ")) {
            int open = indexOf(b, at + 4, lineEnd, (byte) '(');
            if (open < 0 || open + 4 > lineEnd) {
                return NOT_REWRITTEN;
            }
            byte d = b.get(open + 1);
            if (b.get(open + 2) != d || b.get(open + 3) != d) {
                return NOT_REWRITTEN;
            }
            long port = parseNumber(b, open + 4, lineEnd, 0xFFFF);
            if (port < 0 || (int) port >= lineEnd || b.get((int) port) != d) {
                return NOT_REWRITTEN;
            }
            s.passivePending = false;
            int p = (int) (port >>> 32);
            c.expectConnection(Protocol.TCP, 0, p, p);
            return NOT_REWRITTEN; // only a port: the text stays as it is
        }
        if (c.addressFamily() != Addresses.IPV4 || !startsWith(b, at, lineEnd, "227 ")) {
            return NOT_REWRITTEN;
        }
        // RFC 1123 4.1.2.6: the numbers may come with or without parentheses; take the first run
        // of six that parses
        int start = -1;
        long hostPort = -1;
        for (int i = at + 4; i < lineEnd && hostPort < 0; i++) {
            if (isDigit(b.get(i)) && !isDigit(b.get(i - 1))) {
                hostPort = parseHostPort(b, i, lineEnd);
                start = i;
            }
        }
        if (hostPort < 0 || (int) (hostPort >>> 16) != (int) c.destinationAddressLow()) {
            return NOT_REWRITTEN; // not the real server's own address: leave it (as Linux does)
        }
        s.passivePending = false;
        int port = (int) hostPort & 0xFFFF;
        c.expectConnection(Protocol.TCP, 0, port, port);

        // the address part "h1,h2,h3,h4" ends at the fourth comma
        int addrEnd = start;
        for (int commas = 0; commas < 4; addrEnd++) {
            if (b.get(addrEnd) == ',') {
                commas++;
            }
        }
        addrEnd--;
        int vip = (int) c.virtualAddressLow();
        int newLength = digits(vip >>> 24) + digits((vip >>> 16) & 0xFF) + digits((vip >>> 8) & 0xFF)
                + digits(vip & 0xFF) + 3;
        int diff = newLength - (addrEnd - start);
        if (diff > 0 && (end + diff > b.capacity() || end + diff - l3 > 0xFFFF)) {
            skippedNoRoom.incrementAndGet();
            return NOT_REWRITTEN;
        }
        // absolute puts are bounded by the limit: grow it before moving (the caller sets the final one)
        if (end + diff > b.limit()) {
            b.limit(end + diff);
        }
        move(b, addrEnd, addrEnd + diff, end - addrEnd);
        int p = start;
        p = writeDecimal(b, p, vip >>> 24);
        b.put(p++, (byte) ',');
        p = writeDecimal(b, p, (vip >>> 16) & 0xFF);
        b.put(p++, (byte) ',');
        p = writeDecimal(b, p, (vip >>> 8) & 0xFF);
        b.put(p++, (byte) ',');
        writeDecimal(b, p, vip & 0xFF);
        return diff;
    }

    /** Whether an unterminated line could grow into a command the helper reads. */
    private static boolean mayBeCommand(ByteBuffer b, int at, int end) {
        return startsAsPrefix(b, at, end, "PORT ") || startsAsPrefix(b, at, end, "EPRT ")
                || startsAsPrefix(b, at, end, "PASV") || startsAsPrefix(b, at, end, "EPSV");
    }

    /** Whether an unterminated line could grow into a passive-mode reply. */
    private static boolean mayBeReply(ByteBuffer b, int at, int end) {
        return startsAsPrefix(b, at, end, "227 ") || startsAsPrefix(b, at, end, "229 ");
    }

    /** Whether {@code [at, end)} starts with {@code word} or is a non-empty start of it. */
    private static boolean startsAsPrefix(ByteBuffer b, int at, int end, String word) {
        int n = Math.min(end - at, word.length());
        return n > 0 && matches(b, at, word, n);
    }

    private static boolean isDigit(byte ch) {
        return ch >= '0' && ch <= '9';
    }

    /** Parses {@code h1,h2,h3,h4,p1,p2}: {@code address << 16 | port}, or -1. */
    private static long parseHostPort(ByteBuffer b, int at, int end) {
        return parseByteList(b, at, end, 6, ',', false);
    }

    /** Parses {@code a.b.c.d} filling exactly {@code [at, end)}: the address as an unsigned int, or -1. */
    private static long parseDotted(ByteBuffer b, int at, int end) {
        return parseByteList(b, at, end, 4, '.', true);
    }

    /**
     * Parses {@code count} decimal numbers of 0..255 separated by {@code separator}, big-endian into
     * one value; -1 when malformed or, with {@code exact}, when text remains before {@code end}.
     */
    private static long parseByteList(ByteBuffer b, int at, int end, int count, char separator, boolean exact) {
        long result = 0;
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                if (at >= end || b.get(at) != separator) {
                    return -1;
                }
                at++;
            }
            long n = parseNumber(b, at, end, 255);
            if (n < 0) {
                return -1;
            }
            result = (result << 8) | (n >>> 32);
            at = (int) n;
        }
        return !exact || at == end ? result : -1;
    }

    /** A decimal number of 1..5 digits not above {@code max}: {@code value << 32 | next offset}, or -1. */
    private static long parseNumber(ByteBuffer b, int at, int end, int max) {
        int value = 0;
        int i = at;
        while (i < end && i - at < 5) {
            int ch = b.get(i);
            if (ch < '0' || ch > '9') {
                break;
            }
            value = value * 10 + (ch - '0');
            i++;
        }
        if (i == at || value > max || (i < end && i - at == 5 && b.get(i) >= '0' && b.get(i) <= '9')) {
            return -1;
        }
        return ((long) value << 32) | i;
    }

    /** Case-insensitive match of an ASCII {@code word} at {@code at}. */
    private static boolean startsWith(ByteBuffer b, int at, int end, String word) {
        return end - at >= word.length() && matches(b, at, word, word.length());
    }

    /** Case-insensitive match of the first {@code n} characters of an upper-case ASCII {@code word}. */
    private static boolean matches(ByteBuffer b, int at, String word, int n) {
        for (int i = 0; i < n; i++) {
            int ch = b.get(at + i);
            if (ch >= 'a' && ch <= 'z') {
                ch -= 'a' - 'A';
            }
            if (ch != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(ByteBuffer b, int from, int end, byte value) {
        for (int i = from; i < end; i++) {
            if (b.get(i) == value) {
                return i;
            }
        }
        return -1;
    }

    private static int digits(int v) {
        return v >= 100 ? 3 : v >= 10 ? 2 : 1;
    }

    private static int writeDecimal(ByteBuffer b, int at, int v) {
        if (v >= 100) {
            b.put(at++, (byte) ('0' + v / 100));
        }
        if (v >= 10) {
            b.put(at++, (byte) ('0' + (v / 10) % 10));
        }
        b.put(at++, (byte) ('0' + v % 10));
        return at;
    }

    /** Moves {@code length} bytes from {@code from} to {@code to} within the buffer; overlap-safe. */
    private static void move(ByteBuffer b, int from, int to, int length) {
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
}
