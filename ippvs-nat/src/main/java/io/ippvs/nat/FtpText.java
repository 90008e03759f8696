package io.ippvs.nat;

import java.nio.ByteBuffer;

/**
 * The text of FTP commands and replies, read and written in place in a packet buffer: ASCII
 * matching without case, the decimal numbers of {@code PORT}, {@code 227}, {@code EPRT} and
 * {@code 229}, and the address of a rewritten 227. It knows nothing of connections or TCP.
 *
 * <p>Every reader is bounded by the {@code end} it is given and answers -1 (or false) on text that
 * does not parse: the bytes come from the network. Numbers come back packed with the offset after
 * them ({@code value << 32 | next}) so a parse allocates nothing.
 */
final class FtpText {

    private FtpText() {}

    /** Whether an unterminated line could grow into a command the helper reads. */
    static boolean mayBeCommand(ByteBuffer b, int at, int end) {
        return startsAsPrefix(b, at, end, "PORT ") || startsAsPrefix(b, at, end, "EPRT ")
                || startsAsPrefix(b, at, end, "PASV") || startsAsPrefix(b, at, end, "EPSV");
    }

    /** Whether an unterminated line could grow into a passive-mode reply. */
    static boolean mayBeReply(ByteBuffer b, int at, int end) {
        return startsAsPrefix(b, at, end, "227 ") || startsAsPrefix(b, at, end, "229 ");
    }

    /** Whether {@code [at, end)} starts with {@code word} or is a non-empty start of it. */
    private static boolean startsAsPrefix(ByteBuffer b, int at, int end, String word) {
        int n = Math.min(end - at, word.length());
        return n > 0 && matches(b, at, word, n);
    }

    static boolean isDigit(byte ch) {
        return ch >= '0' && ch <= '9';
    }

    /** Parses {@code h1,h2,h3,h4,p1,p2}: {@code address << 16 | port}, or -1. */
    static long parseHostPort(ByteBuffer b, int at, int end) {
        return parseByteList(b, at, end, 6, ',', false);
    }

    /** Parses {@code a.b.c.d} filling exactly {@code [at, end)}: the address as an unsigned int, or -1. */
    static long parseDotted(ByteBuffer b, int at, int end) {
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
    static long parseNumber(ByteBuffer b, int at, int end, int max) {
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
    static boolean startsWith(ByteBuffer b, int at, int end, String word) {
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

    static int indexOf(ByteBuffer b, int from, int end, byte value) {
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

    /**
     * The end of the address part {@code h1,h2,h3,h4} of a host-port list that
     * {@link #parseHostPort} accepted at {@code start}: the offset of its fourth comma.
     */
    static int addressEnd(ByteBuffer b, int start) {
        int at = start;
        for (int commas = 0; commas < 4; at++) {
            if (b.get(at) == ',') {
                commas++;
            }
        }
        return at - 1;
    }

    /** The length of {@code addr} written as {@code h1,h2,h3,h4}. */
    static int addressLength(int addr) {
        return digits(addr >>> 24) + digits((addr >>> 16) & 0xFF) + digits((addr >>> 8) & 0xFF) + digits(addr & 0xFF) + 3;
    }

    /** Writes {@code addr} as {@code h1,h2,h3,h4} from {@code at}: {@link #addressLength} bytes. */
    static void writeAddress(ByteBuffer b, int at, int addr) {
        int p = at;
        p = writeDecimal(b, p, addr >>> 24);
        b.put(p++, (byte) ',');
        p = writeDecimal(b, p, (addr >>> 16) & 0xFF);
        b.put(p++, (byte) ',');
        p = writeDecimal(b, p, (addr >>> 8) & 0xFF);
        b.put(p++, (byte) ',');
        writeDecimal(b, p, addr & 0xFF);
    }
}
