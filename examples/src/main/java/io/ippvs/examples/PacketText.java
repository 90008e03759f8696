package io.ippvs.examples;

import io.ippvs.api.Addresses;
import java.nio.ByteBuffer;

/**
 * One IP packet as a line of text ({@code TCP 198.51.100.7:40000 > 203.1.1.10:80 [S]}), for the
 * replay's verdict lines. Reads only inside {@code [position, limit)}: a truncated or malformed packet
 * is described as far as it goes, never with an exception.
 */
final class PacketText {

    private PacketText() {}

    static String describe(ByteBuffer p) {
        int at = p.position();
        int length = p.remaining();
        if (length < 1) {
            return "empty";
        }
        int version = (p.get(at) & 0xFF) >>> 4;
        int protocol;
        int l4;
        String src;
        String dst;
        if (version == 4 && length >= 20) {
            protocol = p.get(at + 9) & 0xFF;
            l4 = at + (p.get(at) & 0x0F) * 4;
            src = Addresses.format(Addresses.IPV4, 0, p.getInt(at + 12) & 0xFFFFFFFFL);
            dst = Addresses.format(Addresses.IPV4, 0, p.getInt(at + 16) & 0xFFFFFFFFL);
            if ((p.getShort(at + 6) & 0x1FFF) != 0) {
                return "IPv4 " + src + " > " + dst + " fragment, protocol " + protocol + ", " + length + " bytes";
            }
        } else if (version == 6 && length >= 40) {
            protocol = p.get(at + 6) & 0xFF; // the first next header; extension headers are named by number
            l4 = at + 40;
            src = Addresses.format(Addresses.IPV6, p.getLong(at + 8), p.getLong(at + 16));
            dst = Addresses.format(Addresses.IPV6, p.getLong(at + 24), p.getLong(at + 32));
        } else {
            return "not an IP packet (version " + version + ", " + length + " bytes)";
        }
        int end = p.limit();
        String v6 = version == 6 ? "[" : "";
        String v6End = version == 6 ? "]" : "";
        switch (protocol) {
            case 6, 17, 132 -> {
                if (end - l4 < 4) {
                    return name(protocol) + " " + src + " > " + dst + " truncated";
                }
                String s = name(protocol) + " " + v6 + src + v6End + ":" + (p.getShort(l4) & 0xFFFF) + " > " + v6 + dst
                        + v6End + ":" + (p.getShort(l4 + 2) & 0xFFFF);
                if (protocol == 6 && end - l4 >= 14) {
                    s += " [" + tcpFlags(p.get(l4 + 13) & 0xFF) + "]";
                }
                return s;
            }
            case 1, 58 -> {
                String type = end - l4 >= 2 ? " type " + (p.get(l4) & 0xFF) + " code " + (p.get(l4 + 1) & 0xFF) : " truncated";
                return (protocol == 1 ? "ICMP " : "ICMPv6 ") + src + " > " + dst + type;
            }
            default -> {
                return name(protocol) + " " + src + " > " + dst + ", " + length + " bytes";
            }
        }
    }

    private static String name(int protocol) {
        return switch (protocol) {
            case 4 -> "IPIP";
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 41 -> "IPv6-in-IP";
            case 47 -> "GRE";
            case 132 -> "SCTP";
            default -> "protocol " + protocol;
        };
    }

    private static String tcpFlags(int flags) {
        StringBuilder s = new StringBuilder();
        String letters = "FSRPAUEC";
        for (int i = 0; i < 8; i++) {
            if ((flags & 1 << i) != 0) {
                s.append(letters.charAt(i));
            }
        }
        return s.length() == 0 ? "none" : s.toString();
    }
}
