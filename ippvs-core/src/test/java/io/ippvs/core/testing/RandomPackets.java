package io.ippvs.core.testing;

import io.ippvs.testkit.PacketBuilder;
import java.util.Arrays;
import java.util.Random;

/**
 * Random well-formed packets for property tests and fuzzing: IPv4 (with options, DF, first and
 * later fragments) and IPv6 (with extension headers and fragment headers) carrying TCP (options,
 * payload), UDP, SCTP, ICMP / ICMPv6 echo, or ICMP errors quoting another random packet cut to a
 * random length. Deterministic for a given {@link Random} seed. All checksums are correct.
 */
public final class RandomPackets {

    private RandomPackets() {}

    /** A random valid packet. */
    public static byte[] any(Random r) {
        return builder(r, true).bytes();
    }

    /** A random packet builder (so a test can still corrupt or change it); {@code errors}: may be an ICMP error. */
    public static PacketBuilder builder(Random r, boolean errors) {
        boolean v6 = r.nextBoolean();
        PacketBuilder b = v6 ? PacketBuilder.ipv6(address6(r), address6(r)) : PacketBuilder.ipv4(address4(r), address4(r));
        b.ttl(r.nextInt(256)).tos(r.nextInt(256));
        if (v6) {
            b.flowLabel(r.nextInt(1 << 20));
            int extensions = r.nextInt(4) == 0 ? r.nextInt(4) : 0;
            if (extensions > 0 && r.nextBoolean()) {
                b.hopByHop(bytes(r, r.nextInt(12)));
                extensions--;
            }
            for (int i = 0; i < extensions; i++) {
                switch (r.nextInt(3)) {
                    case 0: b.destinationOptions(bytes(r, r.nextInt(20))); break;
                    case 1: b.routing(4, 0, bytes(r, r.nextInt(40))); break;
                    default: b.authenticationHeader(r.nextInt(), r.nextInt(), 4 * r.nextInt(4)); break;
                }
            }
        } else {
            b.id(r.nextInt(65536)).dontFragment(r.nextBoolean());
            if (r.nextInt(5) == 0) {
                b.ipOptions(bytes(r, r.nextInt(41)));
            }
        }
        int kind = r.nextInt(errors ? 7 : 6);
        int payload = r.nextInt(8) == 0 ? r.nextInt(1400) : r.nextInt(64);
        switch (kind) {
            case 0:
            case 1:
                b.tcp(r.nextInt(65536), r.nextInt(65536)).flags(r.nextInt(256)).seq(r.nextInt() & 0xFFFFFFFFL)
                        .ack(r.nextInt() & 0xFFFFFFFFL).window(r.nextInt(65536)).urgentPointer(r.nextInt(65536))
                        .tcpOptions(tcpOptions(r)).payload(bytes(r, payload));
                break;
            case 2:
                b.udp(r.nextInt(65536), r.nextInt(65536)).payload(bytes(r, payload));
                if (!v6 && r.nextInt(4) == 0) {
                    b.zeroUdpChecksum();
                }
                break;
            case 3:
                b.sctp(r.nextInt(65536), r.nextInt(65536), r.nextInt() & 0xFFFFFFFFL)
                        .chunk(r.nextInt(15), r.nextInt(256), bytes(r, r.nextInt(40)));
                break;
            case 4:
                if (r.nextBoolean()) {
                    b.icmpEcho(r.nextInt(65536), r.nextInt(65536)).payload(bytes(r, payload));
                } else {
                    b.icmpEchoReply(r.nextInt(65536), r.nextInt(65536)).payload(bytes(r, payload));
                }
                break;
            case 5:
                b.raw(opaqueProtocol(r), bytes(r, r.nextInt(30)));
                break;
            default: {
                // an inner packet of the outer family with at least 8 transport bytes, quoted
                // from its IP header to somewhere between those 8 bytes and its end
                byte[] quoted = builder(r, false).bytes();
                while (((quoted[0] & 0xF0) == 0x60) != v6 || quoted.length < upperLayerOffset(quoted) + 8) {
                    quoted = builder(r, false).bytes();
                }
                int minimum = upperLayerOffset(quoted) + 8;
                int cut = r.nextBoolean() ? quoted.length : minimum + r.nextInt(quoted.length - minimum + 1);
                int type = v6 ? 1 + r.nextInt(4) : new int[] {3, 4, 11, 12}[r.nextInt(4)];
                b.icmpError(type, r.nextInt(16), r.nextInt(), Arrays.copyOf(quoted, cut));
                break;
            }
        }
        if (r.nextInt(10) == 0) {
            int offset = r.nextBoolean() ? 0 : 8 * (1 + r.nextInt(400));
            boolean more = offset == 0 || r.nextBoolean();
            if (v6) {
                b.fragmentHeader(offset, more, r.nextInt());
            } else {
                b.fragment(offset, more);
            }
        }
        return b;
    }

    /** Where the transport header of a packet starts, by a naive walk of the IPv6 extension headers. */
    static int upperLayerOffset(byte[] p) {
        if ((p[0] & 0xF0) == 0x40) {
            return (p[0] & 0x0F) * 4;
        }
        int next = p[6] & 0xFF;
        int at = 40;
        while (next == 0 || next == 43 || next == 60 || next == 51 || next == 44) {
            int length = next == 44 ? 8 : next == 51 ? ((p[at + 1] & 0xFF) + 2) * 4 : ((p[at + 1] & 0xFF) + 1) * 8;
            next = p[at] & 0xFF;
            at += length;
        }
        return at;
    }

    /** A protocol number nobody checksums or walks: not TCP, UDP, SCTP, ICMP(v6) nor an IPv6 extension. */
    private static int opaqueProtocol(Random r) {
        int p = r.nextInt(256);
        switch (p) {
            case 0: case 1: case 6: case 17: case 43: case 44: case 51: case 58: case 60: case 132:
                return 47;
            default:
                return p;
        }
    }

    /** A random IPv4 address in dotted-quad form. */
    public static String address4(Random r) {
        int a = r.nextInt();
        return (a >>> 24) + "." + ((a >>> 16) & 0xFF) + "." + ((a >>> 8) & 0xFF) + "." + (a & 0xFF);
    }

    /** A random IPv6 address in full text form. */
    public static String address6(Random r) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            sb.append(i == 0 ? "" : ":").append(Integer.toHexString(r.nextInt(65536)));
        }
        return sb.toString();
    }

    private static byte[] tcpOptions(Random r) {
        switch (r.nextInt(4)) {
            case 0: return new byte[0];
            case 1: return PacketBuilder.mss(r.nextInt(65536));
            case 2: return new byte[] {2, 4, 5, (byte) 0xb4, 1, 3, 3, 7, 4, 2, 1, 1};
            default: return bytes(r, r.nextInt(41));
        }
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}
