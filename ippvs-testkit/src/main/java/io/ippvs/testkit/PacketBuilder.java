package io.ippvs.testkit;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds valid IP packets byte by byte for tests, with correct checksums unless told to corrupt
 * them. Independent of the production header and checksum code (it shares only
 * {@link ChecksumVerifier}'s naive arithmetic).
 *
 * <pre>{@code
 * byte[] syn = PacketBuilder.ipv4("10.0.0.1", "10.0.0.100").ttl(64)
 *         .tcp(40000, 80).flags(PacketBuilder.SYN).seq(1000).tcpOptions(PacketBuilder.mss(1460))
 *         .bytes();
 * ByteBuffer quoted = PacketBuilder.ipv6("2001:db8::1", "2001:db8::2").hopByHop()
 *         .icmpError(PacketBuilder.ICMPV6_PACKET_TOO_BIG, 0, 1280, innerPacket).buffer(true, 64);
 * }</pre>
 *
 * <p>ICMP methods build ICMPv4 in an IPv4 packet and ICMPv6 in an IPv6 packet. Builders are
 * mutable and reusable: {@link #bytes()} can be called again after changing a field.
 */
public final class PacketBuilder {

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;

    public static final int ICMP_ECHO_REPLY = 0;
    public static final int ICMP_DEST_UNREACHABLE = 3;
    public static final int ICMP_ECHO_REQUEST = 8;
    public static final int ICMP_TIME_EXCEEDED = 11;
    public static final int ICMP_PARAMETER_PROBLEM = 12;
    /** Code of ICMP_DEST_UNREACHABLE meaning "fragmentation needed and DF set". */
    public static final int ICMP_FRAG_NEEDED = 4;

    public static final int ICMPV6_DEST_UNREACHABLE = 1;
    public static final int ICMPV6_PACKET_TOO_BIG = 2;
    public static final int ICMPV6_TIME_EXCEEDED = 3;
    public static final int ICMPV6_PARAMETER_PROBLEM = 4;
    public static final int ICMPV6_ECHO_REQUEST = 128;
    public static final int ICMPV6_ECHO_REPLY = 129;

    public static final int SCTP_DATA = 0;
    public static final int SCTP_INIT = 1;
    public static final int SCTP_INIT_ACK = 2;
    public static final int SCTP_ABORT = 6;
    public static final int SCTP_COOKIE_ECHO = 10;

    private enum L4 { NONE, TCP, UDP, SCTP, ICMP, RAW }

    private final int family;
    private byte[] source;
    private byte[] destination;
    private int ttl = 64;
    private int tos;
    private int flowLabel;
    private int id = 0x1c46;
    private boolean dontFragment;
    private boolean moreFragments;
    private int fragmentOffset;
    private byte[] ipOptions = new byte[0];
    private final List<byte[]> extensions = new ArrayList<>();
    private final List<Integer> extensionTypes = new ArrayList<>();
    private Integer totalLengthOverride;
    private Integer ihlOverride;

    private L4 l4 = L4.NONE;
    private int rawProtocol = 59;
    private byte[] raw = new byte[0];
    private int sourcePort;
    private int destinationPort;
    private int tcpFlags = ACK;
    private long seq;
    private long ack;
    private int window = 65535;
    private int urgent;
    private byte[] tcpOptions = new byte[0];
    private Integer dataOffsetOverride;
    private boolean udpZeroChecksum;
    private Integer udpLengthOverride;
    private long verificationTag;
    private final ByteArrayOutputStream chunks = new ByteArrayOutputStream();
    private int icmpType;
    private int icmpCode;
    private int icmpRest;
    private byte[] payload = new byte[0];
    private boolean corruptIpChecksum;
    private boolean corruptChecksum;

    private PacketBuilder(int family, String source, String destination) {
        this.family = family;
        this.source = address(family, source);
        this.destination = address(family, destination);
    }

    /** An IPv4 packet (no L4 until one is chosen: protocol 59 with no bytes). */
    public static PacketBuilder ipv4(String source, String destination) {
        return new PacketBuilder(4, source, destination);
    }

    /** An IPv6 packet. */
    public static PacketBuilder ipv6(String source, String destination) {
        return new PacketBuilder(6, source, destination);
    }

    private static byte[] address(int family, String text) {
        InetAddress a = literal(text);
        if ((a instanceof Inet4Address) != (family == 4)) {
            throw new IllegalArgumentException("address: " + text + " is not IPv" + family);
        }
        return a.getAddress();
    }

    /** An address literal; never a name lookup (IPv4 digits and dots, or IPv6 with its colons). */
    private static InetAddress literal(String text) {
        boolean v4 = text != null && !text.isEmpty() && text.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
        boolean v6 = text != null && text.indexOf(':') >= 0
                && text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':');
        if (!v4 && !v6) {
            throw new IllegalArgumentException("address: " + text + " is not an IP address literal");
        }
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("address: " + text + " is not an IP address literal", e);
        }
    }

    // ---- IP ----

    public PacketBuilder source(String address) {
        this.source = address(family, address);
        return this;
    }

    public PacketBuilder destination(String address) {
        this.destination = address(family, address);
        return this;
    }

    /** TTL (IPv4) or hop limit (IPv6). */
    public PacketBuilder ttl(int ttl) {
        this.ttl = ttl;
        return this;
    }

    /** TOS (IPv4) or traffic class (IPv6). */
    public PacketBuilder tos(int tos) {
        this.tos = tos;
        return this;
    }

    /** IPv6 flow label (20 bits). */
    public PacketBuilder flowLabel(int flowLabel) {
        this.flowLabel = flowLabel;
        return this;
    }

    /** IPv4 identification. */
    public PacketBuilder id(int id) {
        this.id = id;
        return this;
    }

    /** IPv4 DF bit. */
    public PacketBuilder dontFragment(boolean df) {
        this.dontFragment = df;
        return this;
    }

    /** IPv4 fragment: offset in bytes (a multiple of 8) and the MF bit. */
    public PacketBuilder fragment(int offsetBytes, boolean more) {
        this.fragmentOffset = offsetBytes;
        this.moreFragments = more;
        return this;
    }

    /** IPv4 options, padded with zero (end of option list) bytes to a multiple of 4. */
    public PacketBuilder ipOptions(byte... options) {
        this.ipOptions = Arrays.copyOf(options, (options.length + 3) & ~3);
        return this;
    }

    /** Writes this value into the IPv4 total length / IPv6 payload length instead of the true one. */
    public PacketBuilder totalLengthOverride(int value) {
        this.totalLengthOverride = value;
        return this;
    }

    /** Writes this IHL (in 4-byte words) instead of the true one. */
    public PacketBuilder ihlOverride(int words) {
        this.ihlOverride = words;
        return this;
    }

    /** IPv6 hop-by-hop options header holding only padding (8 bytes). */
    public PacketBuilder hopByHop() {
        return hopByHop(new byte[0]);
    }

    /** IPv6 hop-by-hop options header with these options (TLVs), padded with PadN / Pad1. */
    public PacketBuilder hopByHop(byte... options) {
        return extension(0, optionsHeader(options));
    }

    /** IPv6 destination options header with these options, padded. */
    public PacketBuilder destinationOptions(byte... options) {
        return extension(60, optionsHeader(options));
    }

    /** IPv6 routing header of {@code type} with {@code data} after the first 4 bytes (padded with zeros). */
    public PacketBuilder routing(int type, int segmentsLeft, byte... data) {
        int length = Math.max(8, (4 + data.length + 7) & ~7);
        byte[] h = new byte[length];
        h[1] = (byte) (length / 8 - 1);
        h[2] = (byte) type;
        h[3] = (byte) segmentsLeft;
        System.arraycopy(data, 0, h, 4, data.length);
        return extension(43, h);
    }

    /** IPv6 fragment header: offset in bytes (a multiple of 8), M flag, identification. */
    public PacketBuilder fragmentHeader(int offsetBytes, boolean more, int identification) {
        byte[] h = new byte[8];
        int field = (offsetBytes & ~7) | (more ? 1 : 0);
        h[2] = (byte) (field >>> 8);
        h[3] = (byte) field;
        h[4] = (byte) (identification >>> 24);
        h[5] = (byte) (identification >>> 16);
        h[6] = (byte) (identification >>> 8);
        h[7] = (byte) identification;
        return extension(44, h);
    }

    /** IPv6 authentication header (RFC 4302) with SPI, sequence and an ICV of {@code icv} bytes (a multiple of 4). */
    public PacketBuilder authenticationHeader(int spi, int sequence, int icvLength) {
        byte[] h = new byte[12 + icvLength];
        h[1] = (byte) (h.length / 4 - 2);
        putInt(h, 4, spi);
        putInt(h, 8, sequence);
        return extension(51, h);
    }

    /** Any extension header: {@code header} is the whole header, its first (next header) byte filled in later. */
    public PacketBuilder extension(int type, byte[] header) {
        if (family != 6) {
            throw new IllegalStateException("extension headers are IPv6");
        }
        extensionTypes.add(type);
        extensions.add(header.clone());
        return this;
    }

    private static byte[] optionsHeader(byte[] options) {
        int length = (2 + options.length + 7) & ~7;
        byte[] h = new byte[length];
        h[1] = (byte) (length / 8 - 1);
        System.arraycopy(options, 0, h, 2, options.length);
        int pad = length - 2 - options.length;
        if (pad == 1) {
            h[2 + options.length] = 0; // Pad1
        } else if (pad > 1) {
            h[2 + options.length] = 1; // PadN
            h[3 + options.length] = (byte) (pad - 2);
        }
        return h;
    }

    // ---- transport ----

    public PacketBuilder tcp(int sourcePort, int destinationPort) {
        this.l4 = L4.TCP;
        this.sourcePort = sourcePort;
        this.destinationPort = destinationPort;
        return this;
    }

    /** TCP flags byte ({@link #SYN} | {@link #ACK} ...); ACK by default. */
    public PacketBuilder flags(int flags) {
        this.tcpFlags = flags;
        return this;
    }

    public PacketBuilder seq(long seq) {
        this.seq = seq;
        return this;
    }

    public PacketBuilder ack(long ack) {
        this.ack = ack;
        return this;
    }

    public PacketBuilder window(int window) {
        this.window = window;
        return this;
    }

    public PacketBuilder urgentPointer(int urgent) {
        this.urgent = urgent;
        return this;
    }

    /** TCP options, padded with zero (end of option list) bytes to a multiple of 4. */
    public PacketBuilder tcpOptions(byte... options) {
        this.tcpOptions = Arrays.copyOf(options, (options.length + 3) & ~3);
        return this;
    }

    /** Writes this TCP data offset (in 4-byte words) instead of the true one. */
    public PacketBuilder dataOffsetOverride(int words) {
        this.dataOffsetOverride = words;
        return this;
    }

    /** The MSS option bytes. */
    public static byte[] mss(int mss) {
        return new byte[] {2, 4, (byte) (mss >>> 8), (byte) mss};
    }

    public PacketBuilder udp(int sourcePort, int destinationPort) {
        this.l4 = L4.UDP;
        this.sourcePort = sourcePort;
        this.destinationPort = destinationPort;
        return this;
    }

    /** Sends UDP without a checksum (field 0: valid over IPv4 only). */
    public PacketBuilder zeroUdpChecksum() {
        this.udpZeroChecksum = true;
        return this;
    }

    /** Writes this UDP length instead of the true one. */
    public PacketBuilder udpLengthOverride(int length) {
        this.udpLengthOverride = length;
        return this;
    }

    public PacketBuilder sctp(int sourcePort, int destinationPort, long verificationTag) {
        this.l4 = L4.SCTP;
        this.sourcePort = sourcePort;
        this.destinationPort = destinationPort;
        this.verificationTag = verificationTag;
        return this;
    }

    /** Appends an SCTP chunk (its value padded to 4 bytes; the length field excludes the padding). */
    public PacketBuilder chunk(int type, int flags, byte... value) {
        int length = 4 + value.length;
        chunks.write(type);
        chunks.write(flags);
        chunks.write(length >>> 8);
        chunks.write(length);
        chunks.writeBytes(value);
        for (int i = length; (i & 3) != 0; i++) {
            chunks.write(0);
        }
        return this;
    }

    /** An SCTP INIT chunk value: initiate tag, a_rwnd, outbound and inbound streams, initial TSN. */
    public static byte[] initChunkValue(int initiateTag, int window, int outStreams, int inStreams, int initialTsn) {
        byte[] v = new byte[16];
        putInt(v, 0, initiateTag);
        putInt(v, 4, window);
        v[8] = (byte) (outStreams >>> 8);
        v[9] = (byte) outStreams;
        v[10] = (byte) (inStreams >>> 8);
        v[11] = (byte) inStreams;
        putInt(v, 12, initialTsn);
        return v;
    }

    /** An ICMP (IPv4) or ICMPv6 (IPv6) message; the 4 bytes after the checksum are {@link #icmpRest}. */
    public PacketBuilder icmp(int type, int code) {
        this.l4 = L4.ICMP;
        this.icmpType = type;
        this.icmpCode = code;
        return this;
    }

    /** The 32 bits after the ICMP checksum: identifier and sequence, MTU, pointer, unused. */
    public PacketBuilder icmpRest(int rest) {
        this.icmpRest = rest;
        return this;
    }

    /** Echo request with identifier and sequence number. */
    public PacketBuilder icmpEcho(int identifier, int sequence) {
        return icmp(family == 4 ? ICMP_ECHO_REQUEST : ICMPV6_ECHO_REQUEST, 0)
                .icmpRest((identifier << 16) | (sequence & 0xFFFF));
    }

    /** Echo reply with identifier and sequence number. */
    public PacketBuilder icmpEchoReply(int identifier, int sequence) {
        return icmp(family == 4 ? ICMP_ECHO_REPLY : ICMPV6_ECHO_REPLY, 0)
                .icmpRest((identifier << 16) | (sequence & 0xFFFF));
    }

    /** An ICMP error quoting {@code quoted} (as much of an offending packet as the sender kept). */
    public PacketBuilder icmpError(int type, int code, int rest, byte[] quoted) {
        return icmp(type, code).icmpRest(rest).payload(quoted);
    }

    /** Any upper-layer protocol with these bytes, checksummed by nobody (also for non-first fragments). */
    public PacketBuilder raw(int protocol, byte... bytes) {
        this.l4 = L4.RAW;
        this.rawProtocol = protocol;
        this.raw = bytes.clone();
        return this;
    }

    /** Transport payload (after the TCP / UDP / ICMP header, after the SCTP chunks). */
    public PacketBuilder payload(byte... payload) {
        this.payload = payload.clone();
        return this;
    }

    /** ASCII payload. */
    public PacketBuilder payload(String text) {
        return payload(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** Stores a wrong IPv4 header checksum. */
    public PacketBuilder corruptIpChecksum() {
        this.corruptIpChecksum = true;
        return this;
    }

    /** Stores a wrong transport checksum (TCP, UDP, ICMP, SCTP). */
    public PacketBuilder corruptChecksum() {
        this.corruptChecksum = true;
        return this;
    }

    // ---- output ----

    /** The packet. */
    public byte[] bytes() {
        byte[] l4Bytes = transport();
        int protocol = protocolNumber();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int ipHeaderLength;
        if (family == 4) {
            ipHeaderLength = 20 + ipOptions.length;
            byte[] h = new byte[ipHeaderLength];
            int ihl = ihlOverride != null ? ihlOverride : ipHeaderLength / 4;
            h[0] = (byte) (0x40 | (ihl & 0x0F));
            h[1] = (byte) tos;
            putShort(h, 2, totalLengthOverride != null ? totalLengthOverride : ipHeaderLength + l4Bytes.length);
            putShort(h, 4, id);
            putShort(h, 6, (dontFragment ? 0x4000 : 0) | (moreFragments ? 0x2000 : 0) | ((fragmentOffset >>> 3) & 0x1FFF));
            h[8] = (byte) ttl;
            h[9] = (byte) protocol;
            System.arraycopy(source, 0, h, 12, 4);
            System.arraycopy(destination, 0, h, 16, 4);
            System.arraycopy(ipOptions, 0, h, 20, ipOptions.length);
            int checksum = ~ChecksumVerifier.onesComplementSum(h, 0, h.length, 0) & 0xFFFF;
            putShort(h, 10, corruptIpChecksum ? checksum ^ 0x0101 : checksum);
            out.writeBytes(h);
        } else {
            int extLength = 0;
            for (byte[] e : extensions) {
                extLength += e.length;
            }
            ipHeaderLength = 40 + extLength;
            byte[] h = new byte[40];
            h[0] = (byte) (0x60 | ((tos >>> 4) & 0x0F));
            h[1] = (byte) (((tos & 0x0F) << 4) | ((flowLabel >>> 16) & 0x0F));
            h[2] = (byte) (flowLabel >>> 8);
            h[3] = (byte) flowLabel;
            putShort(h, 4, totalLengthOverride != null ? totalLengthOverride : extLength + l4Bytes.length);
            h[6] = (byte) (extensions.isEmpty() ? protocol : extensionTypes.get(0));
            h[7] = (byte) ttl;
            System.arraycopy(source, 0, h, 8, 16);
            System.arraycopy(destination, 0, h, 24, 16);
            out.writeBytes(h);
            for (int i = 0; i < extensions.size(); i++) {
                byte[] e = extensions.get(i).clone();
                e[0] = (byte) (i + 1 < extensions.size() ? extensionTypes.get(i + 1) : protocol);
                out.writeBytes(e);
            }
        }
        out.writeBytes(l4Bytes);
        byte[] p = out.toByteArray();
        fillTransportChecksum(p, ipHeaderLength, protocol);
        return p;
    }

    /** The packet in a heap buffer with position 0 and limit = length. */
    public ByteBuffer buffer() {
        return ByteBuffer.wrap(bytes());
    }

    /** The packet in a heap or direct buffer with {@code headroom} bytes before position. */
    public ByteBuffer buffer(boolean direct, int headroom) {
        return buffer(direct, headroom, 0);
    }

    /**
     * The packet in a heap or direct buffer with {@code headroom} bytes before position and
     * {@code tailroom} bytes of capacity after limit.
     */
    public ByteBuffer buffer(boolean direct, int headroom, int tailroom) {
        return inBuffer(bytes(), direct, headroom, tailroom);
    }

    /**
     * {@code packet} in a heap or direct buffer with {@code headroom} bytes before position and
     * {@code tailroom} bytes of capacity after limit, as an appliance would hand it over.
     */
    public static ByteBuffer inBuffer(byte[] p, boolean direct, int headroom, int tailroom) {
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(headroom + p.length + tailroom)
                : ByteBuffer.allocate(headroom + p.length + tailroom);
        b.position(headroom);
        b.put(p);
        b.position(headroom).limit(headroom + p.length);
        return b;
    }

    private int protocolNumber() {
        switch (l4) {
            case TCP: return 6;
            case UDP: return 17;
            case SCTP: return 132;
            case ICMP: return family == 4 ? 1 : 58;
            case RAW: return rawProtocol;
            default: return 59;
        }
    }

    private byte[] transport() {
        switch (l4) {
            case TCP: {
                byte[] t = new byte[20 + tcpOptions.length + payload.length];
                putShort(t, 0, sourcePort);
                putShort(t, 2, destinationPort);
                putInt(t, 4, (int) seq);
                putInt(t, 8, (int) ack);
                int doff = dataOffsetOverride != null ? dataOffsetOverride : (20 + tcpOptions.length) / 4;
                t[12] = (byte) (doff << 4);
                t[13] = (byte) tcpFlags;
                putShort(t, 14, window);
                putShort(t, 18, urgent);
                System.arraycopy(tcpOptions, 0, t, 20, tcpOptions.length);
                System.arraycopy(payload, 0, t, 20 + tcpOptions.length, payload.length);
                return t;
            }
            case UDP: {
                byte[] t = new byte[8 + payload.length];
                putShort(t, 0, sourcePort);
                putShort(t, 2, destinationPort);
                putShort(t, 4, udpLengthOverride != null ? udpLengthOverride : t.length);
                System.arraycopy(payload, 0, t, 8, payload.length);
                return t;
            }
            case SCTP: {
                byte[] c = chunks.toByteArray();
                byte[] t = new byte[12 + c.length + payload.length];
                putShort(t, 0, sourcePort);
                putShort(t, 2, destinationPort);
                putInt(t, 4, (int) verificationTag);
                System.arraycopy(c, 0, t, 12, c.length);
                System.arraycopy(payload, 0, t, 12 + c.length, payload.length);
                return t;
            }
            case ICMP: {
                byte[] t = new byte[8 + payload.length];
                t[0] = (byte) icmpType;
                t[1] = (byte) icmpCode;
                putInt(t, 4, icmpRest);
                System.arraycopy(payload, 0, t, 8, payload.length);
                return t;
            }
            case RAW:
                return raw.clone();
            default:
                return new byte[0];
        }
    }

    private void fillTransportChecksum(byte[] p, int l4, int protocol) {
        int length = p.length - l4;
        int checksum;
        int at;
        switch (this.l4) {
            case TCP:
                at = l4 + 16;
                checksum = ~ChecksumVerifier.onesComplementSum(p, l4, p.length,
                        ChecksumVerifier.pseudoHeaderSum(p, 0, protocol, length)) & 0xFFFF;
                break;
            case UDP: {
                at = l4 + 6;
                if (udpZeroChecksum) {
                    checksum = 0;
                } else {
                    checksum = ~ChecksumVerifier.onesComplementSum(p, l4, p.length,
                            ChecksumVerifier.pseudoHeaderSum(p, 0, protocol, length)) & 0xFFFF;
                    checksum = checksum == 0 ? 0xFFFF : checksum;
                }
                break;
            }
            case ICMP:
                at = l4 + 2;
                checksum = ~ChecksumVerifier.onesComplementSum(p, l4, p.length,
                        family == 6 ? ChecksumVerifier.pseudoHeaderSum(p, 0, protocol, length) : 0) & 0xFFFF;
                break;
            case SCTP: {
                int crc = ChecksumVerifier.sctpCrc(p, l4, p.length);
                putInt(p, l4 + 8, corruptChecksum ? crc ^ 0x01010101 : crc);
                return;
            }
            default:
                return;
        }
        putShort(p, at, corruptChecksum ? corrupted(checksum) : checksum);
    }

    /** A wrong checksum; never 0, which for IPv4 UDP means "no checksum" and would verify. */
    private static int corrupted(int checksum) {
        int bad = (checksum ^ 0x0101) & 0xFFFF;
        return bad != 0 ? bad : checksum ^ 0x0202;
    }

    private static void putShort(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
