package io.ippvs.testkit;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Recomputes every checksum of a packet from scratch, byte by byte, the slow obvious way, and
 * shares no code with io.ippvs.core.checksum: a test that compares production output against this
 * catches a bug in either.
 *
 * <p>Checked: the IPv4 header checksum; the TCP, UDP, SCTP (CRC32c), ICMP and ICMPv6 checksums
 * (with the pseudo-header where the protocol has one); and inside an ICMP error, the quoted IPv4
 * header checksum and, when the quote is the whole packet, the quoted transport checksum.
 * Fragments' transport checksums cover bytes not in the packet, so they are not checked. A UDP
 * checksum of zero is valid over IPv4 and invalid over IPv6.
 */
public final class ChecksumVerifier {

    private ChecksumVerifier() {}

    /** Throws an AssertionError naming each checksum of the packet in {@code [position, limit)} that is wrong. */
    public static void assertValid(ByteBuffer packet) {
        List<String> problems = problems(packet);
        if (!problems.isEmpty()) {
            throw new AssertionError("bad checksums: " + problems + " in " + hex(toBytes(packet)));
        }
    }

    /** {@link #assertValid(ByteBuffer)} for a packet in an array. */
    public static void assertValid(byte[] packet) {
        assertValid(ByteBuffer.wrap(packet));
    }

    /** Whether every checksum of the packet in {@code [position, limit)} is right. */
    public static boolean valid(ByteBuffer packet) {
        return problems(packet).isEmpty();
    }

    /** Whether every checksum of the packet is right. */
    public static boolean valid(byte[] packet) {
        return problems(packet).isEmpty();
    }

    /** What is wrong with the packet in {@code [position, limit)}; empty when all is well. */
    public static List<String> problems(ByteBuffer packet) {
        return problems(toBytes(packet));
    }

    /** What is wrong with the packet; empty when all is well. */
    public static List<String> problems(byte[] p) {
        List<String> problems = new ArrayList<>();
        check(p, 0, p.length, false, "", problems);
        return problems;
    }

    /** The bytes in {@code [position, limit)}, without moving the buffer. */
    public static byte[] toBytes(ByteBuffer packet) {
        byte[] b = new byte[packet.remaining()];
        for (int i = 0; i < b.length; i++) {
            b[i] = packet.get(packet.position() + i);
        }
        return b;
    }

    /** The RFC 1071 sum, one 16-bit word at a time, folded, not complemented. */
    static int onesComplementSum(byte[] p, int from, int to, int initial) {
        long sum = initial;
        for (int i = from; i < to; i += 2) {
            int hi = p[i] & 0xFF;
            int lo = i + 1 < to ? p[i + 1] & 0xFF : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) sum;
    }

    /** The pseudo-header sum: addresses as they are in the IP header at {@code ip}, then protocol and length. */
    static int pseudoHeaderSum(byte[] p, int ip, int protocol, int length) {
        boolean v6 = (p[ip] & 0xF0) == 0x60;
        int sum = v6 ? onesComplementSum(p, ip + 8, ip + 40, 0) : onesComplementSum(p, ip + 12, ip + 20, 0);
        sum += protocol;
        sum += length >>> 16;
        sum += length & 0xFFFF;
        return onesComplementSum(new byte[0], 0, 0, sum);
    }

    /** The CRC32c of an SCTP packet with its checksum field as zero, in the stored (big-endian read) form. */
    static int sctpCrc(byte[] p, int from, int to) {
        byte[] copy = java.util.Arrays.copyOfRange(p, from, to);
        copy[8] = copy[9] = copy[10] = copy[11] = 0;
        CRC32C crc = new CRC32C();
        crc.update(copy);
        return Integer.reverseBytes((int) crc.getValue());
    }

    static int u16(byte[] p, int i) {
        return ((p[i] & 0xFF) << 8) | (p[i + 1] & 0xFF);
    }

    static int u32(byte[] p, int i) {
        return (u16(p, i) << 16) | u16(p, i + 2);
    }

    static String hex(byte[] p) {
        StringBuilder sb = new StringBuilder();
        for (byte b : p) {
            sb.append(String.format("%02x", b & 0xFF));
        }
        return sb.toString();
    }

    /** Checks the IP packet at {@code ip}; {@code quoted} when it is inside an ICMP error (may be cut short). */
    private static void check(byte[] p, int ip, int available, boolean quoted, String where, List<String> problems) {
        if (available - ip < 1) {
            problems.add(where + "empty packet");
            return;
        }
        int version = (p[ip] & 0xFF) >>> 4;
        int l4;
        int end;
        int protocol;
        boolean fragment;
        if (version == 4) {
            int ihl = (p[ip] & 0x0F) * 4;
            if (ihl < 20 || ip + ihl > available) {
                problems.add(where + "IPv4 header cut short or IHL invalid");
                return;
            }
            if (onesComplementSum(p, ip, ip + ihl, 0) != 0xFFFF) {
                problems.add(where + "IPv4 header checksum");
            }
            int total = u16(p, ip + 2);
            end = ip + total;
            protocol = p[ip + 9] & 0xFF;
            int fragField = u16(p, ip + 6);
            fragment = (fragField & 0x3FFF) != 0;
            l4 = ip + ihl;
        } else if (version == 6) {
            if (ip + 40 > available) {
                problems.add(where + "IPv6 header cut short");
                return;
            }
            end = ip + 40 + u16(p, ip + 4);
            protocol = p[ip + 6] & 0xFF;
            l4 = ip + 40;
            fragment = false;
            while (protocol == 0 || protocol == 43 || protocol == 60 || protocol == 44 || protocol == 51) {
                if (l4 + 8 > Math.min(end, available)) {
                    if (!quoted) {
                        problems.add(where + "IPv6 extension header cut short");
                    }
                    return;
                }
                int next = p[l4] & 0xFF;
                if (protocol == 44) {
                    fragment |= (u16(p, l4 + 2) & 0xFFF9) != 0;
                    l4 += 8;
                } else if (protocol == 51) {
                    l4 += ((p[l4 + 1] & 0xFF) + 2) * 4;
                } else {
                    l4 += ((p[l4 + 1] & 0xFF) + 1) * 8;
                }
                protocol = next;
            }
        } else {
            problems.add(where + "IP version " + version);
            return;
        }
        if (end > available) {
            if (!quoted) {
                problems.add(where + "IP length beyond the packet");
            }
            return; // a quote cut short: its transport checksum cannot be checked
        }
        if (fragment || l4 > end) {
            return;
        }
        int length = end - l4;
        switch (protocol) {
            case 6:
                if (length >= 20 && onesComplementSum(p, l4, end, pseudoHeaderSum(p, ip, 6, length)) != 0xFFFF) {
                    problems.add(where + "TCP checksum");
                }
                break;
            case 17:
                if (length >= 8) {
                    int udpLength = u16(p, l4 + 4);
                    int field = u16(p, l4 + 6);
                    if (field == 0) {
                        if (version == 6) {
                            problems.add(where + "UDP checksum zero over IPv6");
                        }
                    } else if (udpLength < 8 || udpLength > length
                            || onesComplementSum(p, l4, l4 + udpLength, pseudoHeaderSum(p, ip, 17, udpLength)) != 0xFFFF) {
                        problems.add(where + "UDP checksum");
                    }
                }
                break;
            case 132:
                if (length >= 12 && sctpCrc(p, l4, end) != u32(p, l4 + 8)) {
                    problems.add(where + "SCTP CRC32c");
                }
                break;
            case 1:
            case 58:
                if (length < 8) {
                    break;
                }
                boolean v6 = protocol == 58;
                if (v6 != (version == 6)) {
                    break;
                }
                int initial = v6 ? pseudoHeaderSum(p, ip, 58, length) : 0;
                if (onesComplementSum(p, l4, end, initial) != 0xFFFF) {
                    problems.add(where + (v6 ? "ICMPv6 checksum" : "ICMP checksum"));
                }
                int type = p[l4] & 0xFF;
                boolean error = v6 ? type >= 1 && type <= 4 : type == 3 || type == 4 || type == 11 || type == 12;
                if (error && !quoted && end - (l4 + 8) > 0) {
                    check(p, l4 + 8, end, true, where + "quoted ", problems);
                }
                break;
            default:
                break;
        }
    }
}
