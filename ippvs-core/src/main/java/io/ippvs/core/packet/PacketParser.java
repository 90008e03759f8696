package io.ippvs.core.packet;

import static io.ippvs.core.header.IpProtocol.ICMP;
import static io.ippvs.core.header.IpProtocol.ICMPV6;
import static io.ippvs.core.header.IpProtocol.SCTP;
import static io.ippvs.core.header.IpProtocol.TCP;
import static io.ippvs.core.header.IpProtocol.UDP;

import io.ippvs.core.checksum.Crc32c;
import io.ippvs.core.checksum.InternetChecksum;
import io.ippvs.core.header.Icmpv4Header;
import io.ippvs.core.header.Icmpv6Header;
import io.ippvs.core.header.Ipv4Header;
import io.ippvs.core.header.Ipv6ExtensionHeaders;
import io.ippvs.core.header.Ipv6Header;
import io.ippvs.core.header.SctpHeader;
import io.ippvs.core.header.TcpHeader;
import io.ippvs.core.header.UdpHeader;
import java.nio.ByteBuffer;

/**
 * Validates one IP packet in a buffer's {@code [position, limit)} and fills a {@link PacketInfo}.
 *
 * <p>Never throws on packet content, never reads outside {@code [position, limit)}, never moves the
 * buffer's position or limit, never allocates (verifying SCTP uses a per-thread CRC32C made on
 * the thread's first SCTP packet, see {@link Crc32c}). Stateless and thread-safe.
 *
 * <p>What is checked, in order: the IP version; the fixed header fits; IPv4 IHL &gt;= 5; the IP
 * length fits the buffer and covers the header; the IPv4 header checksum (when verifying); the
 * IPv6 extension chain ({@link Ipv6ExtensionHeaders#MAX_HEADERS} at most, each inside the
 * packet); a non-first fragment stops there; then the transport header of TCP, UDP, SCTP, ICMP
 * (over IPv4) or ICMPv6 (over IPv6) must fit, with its checksum when verifying; an ICMP error's
 * quote is parsed into the {@code inner*} fields. Other protocols are accepted with only
 * {@link PacketInfo#l4Offset()} set. Everything after the IP length (link padding) is ignored.
 *
 * <p>Checksums are verified only when the packet holds the whole transport segment: a first
 * fragment's checksum covers bytes it does not carry. A UDP checksum of 0 passes over IPv4 and
 * fails over IPv6. The IPv6 pseudo-header uses the header's destination, so a packet whose routing
 * header still has segments left is verified against the wrong address (the director is the final
 * destination of what it balances).
 *
 * <p>An ICMP error whose quote is too short for the quoted IP header plus 8 transport bytes is
 * {@link ParseStatus#L4_TRUNCATED}; a quote that is not an IP packet of the outer family, or is a
 * non-first fragment, leaves {@link PacketInfo#isIcmpError()} false and the status {@code OK}.
 */
public final class PacketParser {


    private final boolean verifyChecksums;

    /** @param verifyChecksums whether transport and IPv4 header checksums are verified */
    public PacketParser(boolean verifyChecksums) {
        this.verifyChecksums = verifyChecksums;
    }

    public boolean verifiesChecksums() {
        return verifyChecksums;
    }

    /** Parses the packet in {@code [position, limit)} of {@code buffer} into {@code info}. */
    public ParseStatus parse(ByteBuffer buffer, PacketInfo info) {
        return parse(buffer, info, false);
    }

    /**
     * {@link #parse(ByteBuffer, PacketInfo)} of a packet whose TCP / UDP checksum is partial when
     * {@code checksumPartial} (an offload's {@code CHECKSUM_PARTIAL}): that checksum is not verified,
     * since it holds only the pseudo-header sum until the packet is sent.
     */
    public ParseStatus parse(ByteBuffer buffer, PacketInfo info, boolean checksumPartial) {
        int position = buffer.position();
        int limit = buffer.limit();
        // every path below either writes each IP-level field or clears them all
        info.clearForParse(position);
        info.checksumPartial = checksumPartial;
        if (limit - position < 1) {
            info.clearNetwork();
            return ParseStatus.TRUNCATED;
        }
        int version = (buffer.get(position) & 0xFF) >>> 4;
        if (version == 4) {
            return ipv4(buffer, position, limit, info);
        }
        if (version == 6) {
            return ipv6(buffer, position, limit, info);
        }
        info.clearNetwork();
        return ParseStatus.BAD_VERSION;
    }

    private ParseStatus ipv4(ByteBuffer b, int at, int limit, PacketInfo info) {
        if (limit - at < Ipv4Header.MIN_LENGTH) {
            info.clearNetwork();
            return ParseStatus.TRUNCATED;
        }
        info.family = 4;
        // three aligned words cover everything up to the addresses: fewer bounds checks than bytes
        int word0 = b.getInt(at);
        int word1 = b.getInt(at + Ipv4Header.IDENTIFICATION_OFFSET);
        int word2 = b.getInt(at + Ipv4Header.TTL_OFFSET);
        int headerLength = (word0 >>> 22) & 0x3C;
        if (headerLength < Ipv4Header.MIN_LENGTH) {
            info.clearNetwork();
            return ParseStatus.BAD_HEADER_LENGTH;
        }
        int total = word0 & 0xFFFF;
        if (total > limit - at || total < Ipv4Header.MIN_LENGTH) {
            info.clearNetwork();
            return ParseStatus.BAD_TOTAL_LENGTH;
        }
        if (headerLength > total) {
            info.clearNetwork();
            return ParseStatus.BAD_HEADER_LENGTH;
        }
        int end = at + total;
        int protocol = (word2 >>> 16) & 0xFF;
        int fragmentWord = word1 & 0xFFFF;
        int fragmentOffset = (fragmentWord & Ipv4Header.FRAGMENT_OFFSET_MASK) << 3;
        boolean more = (fragmentWord & Ipv4Header.MORE_FRAGMENTS) != 0;
        info.end = end;
        info.protocol = protocol;
        info.trafficClass = (word0 >>> 16) & 0xFF;
        info.ttl = word2 >>> 24;
        info.srcHigh = 0;
        info.srcLow = Ipv4Header.sourceAddress(b, at) & 0xFFFFFFFFL;
        info.dstHigh = 0;
        info.dstLow = Ipv4Header.destinationAddress(b, at) & 0xFFFFFFFFL;
        info.fragmentId = word1 >>> 16;
        info.dontFragment = (fragmentWord & Ipv4Header.DONT_FRAGMENT) != 0;
        info.moreFragments = more;
        info.fragmentOffset = fragmentOffset;
        info.fragment = more || fragmentOffset != 0;
        info.firstFragment = more && fragmentOffset == 0;
        if (verifyChecksums && InternetChecksum.sum(b, at, headerLength, 0) != InternetChecksum.VALID_SUM) {
            return ParseStatus.BAD_CHECKSUM;
        }
        if (fragmentOffset != 0) {
            return ParseStatus.NON_FIRST_FRAGMENT;
        }
        return transport(b, at + headerLength, end, protocol, !more, info);
    }

    private ParseStatus ipv6(ByteBuffer b, int at, int limit, PacketInfo info) {
        if (limit - at < Ipv6Header.LENGTH) {
            info.clearNetwork();
            return ParseStatus.TRUNCATED;
        }
        info.family = 6;
        int payloadLength = Ipv6Header.payloadLength(b, at);
        if (payloadLength > limit - at - Ipv6Header.LENGTH) {
            info.clearNetwork();
            return ParseStatus.BAD_TOTAL_LENGTH;
        }
        int end = at + Ipv6Header.LENGTH + payloadLength;
        info.end = end;
        info.trafficClass = (b.getInt(at) >>> 20) & 0xFF;
        info.ttl = Ipv6Header.hopLimit(b, at);
        info.srcHigh = Ipv6Header.sourceAddressHigh(b, at);
        info.srcLow = Ipv6Header.sourceAddressLow(b, at);
        info.dstHigh = Ipv6Header.destinationAddressHigh(b, at);
        info.dstLow = Ipv6Header.destinationAddressLow(b, at);
        info.dontFragment = true;
        info.clearFragment();
        int start = at + Ipv6Header.LENGTH;
        long chain = Ipv6ExtensionHeaders.walk(b, start, Ipv6Header.nextHeader(b, at), end);
        if (chain < 0) {
            return ParseStatus.EXTENSION_CHAIN_TOO_LONG;
        }
        int protocol = Ipv6ExtensionHeaders.upperLayerProtocol(chain);
        info.protocol = protocol;
        boolean whole = true;
        int fragmentAt = Ipv6ExtensionHeaders.fragmentHeaderOffset(chain, start);
        if (fragmentAt >= 0) {
            int fragmentOffset = Ipv6ExtensionHeaders.fragmentOffset(b, fragmentAt);
            boolean more = Ipv6ExtensionHeaders.moreFragments(b, fragmentAt);
            info.fragmentId = Ipv6ExtensionHeaders.fragmentIdentification(b, fragmentAt);
            info.fragmentOffset = fragmentOffset;
            info.moreFragments = more;
            // an atomic fragment (offset 0, M clear) is a whole packet (RFC 6946)
            info.fragment = more || fragmentOffset != 0;
            info.firstFragment = more && fragmentOffset == 0;
            if (fragmentOffset != 0) {
                return ParseStatus.NON_FIRST_FRAGMENT;
            }
            whole = !more;
        }
        return transport(b, Ipv6ExtensionHeaders.upperLayerOffset(chain), end, protocol, whole, info);
    }

    /**
     * The transport header at {@code at}; {@code whole} when the packet carries the whole segment
     * (not a first fragment), so that its checksum and length fields can be checked.
     */
    private ParseStatus transport(ByteBuffer b, int at, int end, int protocol, boolean whole, PacketInfo info) {
        info.l4Offset = at;
        int available = end - at;
        boolean verify = verifyChecksums && whole;
        boolean verifyTransport = verify && !info.checksumPartial;
        switch (protocol) {
            case TCP: {
                if (available < TcpHeader.MIN_LENGTH) {
                    return ParseStatus.L4_TRUNCATED;
                }
                int offsetAndFlags = b.getShort(at + TcpHeader.DATA_OFFSET_OFFSET);
                int headerLength = (offsetAndFlags >>> 10) & 0x3C;
                if (headerLength < TcpHeader.MIN_LENGTH) {
                    return ParseStatus.BAD_HEADER_LENGTH;
                }
                if (headerLength > available) {
                    return ParseStatus.L4_TRUNCATED;
                }
                int ports = b.getInt(at + TcpHeader.SOURCE_PORT_OFFSET);
                info.srcPort = ports >>> 16;
                info.dstPort = ports & 0xFFFF;
                info.tcpSeq = TcpHeader.sequenceNumber(b, at);
                info.tcpAck = TcpHeader.acknowledgmentNumber(b, at);
                info.tcpFlags = offsetAndFlags & 0xFF;
                info.payloadOffset = at + headerLength;
                if (verifyTransport && InternetChecksum.sum(b, at, available, pseudoHeader(info, TCP, available))
                        != InternetChecksum.VALID_SUM) {
                    return ParseStatus.BAD_CHECKSUM;
                }
                return ParseStatus.OK;
            }
            case UDP: {
                if (available < UdpHeader.LENGTH) {
                    return ParseStatus.L4_TRUNCATED;
                }
                info.srcPort = UdpHeader.sourcePort(b, at);
                info.dstPort = UdpHeader.destinationPort(b, at);
                info.payloadOffset = at + UdpHeader.LENGTH;
                if (!whole) {
                    return ParseStatus.OK; // the length field counts the whole datagram
                }
                int length = UdpHeader.length(b, at);
                if (length < UdpHeader.LENGTH) {
                    return ParseStatus.BAD_TOTAL_LENGTH;
                }
                if (length > available) {
                    return ParseStatus.L4_TRUNCATED;
                }
                if (verifyTransport) {
                    int field = UdpHeader.checksum(b, at);
                    if (field == 0 ? info.family == 6
                            : InternetChecksum.sum(b, at, length, pseudoHeader(info, UDP, length))
                                    != InternetChecksum.VALID_SUM) {
                        return ParseStatus.BAD_CHECKSUM;
                    }
                }
                return ParseStatus.OK;
            }
            case SCTP: {
                if (available < SctpHeader.LENGTH) {
                    return ParseStatus.L4_TRUNCATED;
                }
                info.srcPort = SctpHeader.sourcePort(b, at);
                info.dstPort = SctpHeader.destinationPort(b, at);
                info.payloadOffset = at + SctpHeader.LENGTH;
                sctpChunks(b, at + SctpHeader.LENGTH, end, info);
                if (verify && Crc32c.sctpChecksum(b, at, available) != SctpHeader.checksum(b, at)) {
                    return ParseStatus.BAD_CHECKSUM;
                }
                return ParseStatus.OK;
            }
            case ICMP:
            case ICMPV6:
                if ((protocol == ICMPV6) != (info.family == 6)) {
                    return ParseStatus.OK; // ICMP over IPv6 or ICMPv6 over IPv4: opaque
                }
                return icmp(b, at, end, verify, info);
            default:
                return ParseStatus.OK;
        }
    }

    private static ParseStatus icmp(ByteBuffer b, int at, int end, boolean verify, PacketInfo info) {
        int available = end - at;
        if (available < Icmpv4Header.LENGTH) {
            return ParseStatus.L4_TRUNCATED;
        }
        boolean v6 = info.family == 6;
        int type = Icmpv4Header.type(b, at);
        info.icmpType = type;
        info.icmpCode = Icmpv4Header.code(b, at);
        info.payloadOffset = at + Icmpv4Header.LENGTH;
        if (isEcho(type, v6)) {
            info.srcPort = Icmpv4Header.identifier(b, at);
        }
        if (verify) {
            int initial = v6 ? pseudoHeader(info, ICMPV6, available) : 0;
            if (InternetChecksum.sum(b, at, available, initial) != InternetChecksum.VALID_SUM) {
                return ParseStatus.BAD_CHECKSUM;
            }
        }
        boolean error = v6 ? Icmpv6Header.isError(type) : Icmpv4Header.isError(type);
        return error ? quote(b, at + Icmpv4Header.LENGTH, end, info) : ParseStatus.OK;
    }

    /** The packet an ICMP error quotes, at {@code at}: IP header and at least 8 transport bytes. */
    private static ParseStatus quote(ByteBuffer b, int at, int end, PacketInfo info) {
        int available = end - at;
        if (available < 1) {
            return ParseStatus.L4_TRUNCATED;
        }
        int family = info.family;
        if ((b.get(at) & 0xFF) >>> 4 != family) {
            return ParseStatus.OK;
        }
        int protocol;
        int l4;
        long srcHigh = 0;
        long srcLow;
        long dstHigh = 0;
        long dstLow;
        if (family == 4) {
            if (available < Ipv4Header.MIN_LENGTH) {
                return ParseStatus.L4_TRUNCATED;
            }
            int headerLength = (b.get(at) & 0x0F) << 2;
            if (headerLength < Ipv4Header.MIN_LENGTH) {
                return ParseStatus.OK;
            }
            if ((b.getShort(at + Ipv4Header.FLAGS_FRAGMENT_OFFSET) & Ipv4Header.FRAGMENT_OFFSET_MASK) != 0) {
                return ParseStatus.OK; // a later fragment has no ports to match
            }
            protocol = Ipv4Header.protocol(b, at);
            l4 = at + headerLength;
            srcLow = Ipv4Header.sourceAddress(b, at) & 0xFFFFFFFFL;
            dstLow = Ipv4Header.destinationAddress(b, at) & 0xFFFFFFFFL;
        } else {
            if (available < Ipv6Header.LENGTH) {
                return ParseStatus.L4_TRUNCATED;
            }
            int start = at + Ipv6Header.LENGTH;
            // the quote is cut short by design: walk to the end of the ICMP message, not the quoted length
            long chain = Ipv6ExtensionHeaders.walk(b, start, Ipv6Header.nextHeader(b, at), end);
            if (chain == Ipv6ExtensionHeaders.TRUNCATED) {
                return ParseStatus.L4_TRUNCATED;
            }
            if (chain < 0) {
                return ParseStatus.OK;
            }
            int fragmentAt = Ipv6ExtensionHeaders.fragmentHeaderOffset(chain, start);
            if (fragmentAt >= 0 && Ipv6ExtensionHeaders.fragmentOffset(b, fragmentAt) != 0) {
                return ParseStatus.OK;
            }
            protocol = Ipv6ExtensionHeaders.upperLayerProtocol(chain);
            l4 = Ipv6ExtensionHeaders.upperLayerOffset(chain);
            srcHigh = Ipv6Header.sourceAddressHigh(b, at);
            srcLow = Ipv6Header.sourceAddressLow(b, at);
            dstHigh = Ipv6Header.destinationAddressHigh(b, at);
            dstLow = Ipv6Header.destinationAddressLow(b, at);
        }
        if (end - l4 < 8) {
            return ParseStatus.L4_TRUNCATED;
        }
        int srcPort = 0;
        int dstPort = 0;
        if (protocol == TCP || protocol == UDP || protocol == SCTP) {
            srcPort = b.getShort(l4) & 0xFFFF;
            dstPort = b.getShort(l4 + 2) & 0xFFFF;
        } else if ((protocol == ICMP && family == 4) || (protocol == ICMPV6 && family == 6)) {
            if (isEcho(b.get(l4) & 0xFF, family == 6)) {
                srcPort = Icmpv4Header.identifier(b, l4);
            }
        }
        info.icmpError = true;
        info.innerL3Offset = at;
        info.innerL4Offset = l4;
        info.innerProtocol = protocol;
        info.innerSrcHigh = srcHigh;
        info.innerSrcLow = srcLow;
        info.innerDstHigh = dstHigh;
        info.innerDstLow = dstLow;
        info.innerSrcPort = srcPort;
        info.innerDstPort = dstPort;
        return ParseStatus.OK;
    }

    private static boolean isEcho(int type, boolean v6) {
        return v6 ? type == Icmpv6Header.TYPE_ECHO_REQUEST || type == Icmpv6Header.TYPE_ECHO_REPLY
                : type == Icmpv4Header.TYPE_ECHO_REQUEST || type == Icmpv4Header.TYPE_ECHO_REPLY;
    }

    private static int pseudoHeader(PacketInfo info, int protocol, int length) {
        if (info.family == 4) {
            return InternetChecksum.pseudoHeaderV4((int) info.srcLow, (int) info.dstLow, protocol, length);
        }
        return InternetChecksum.pseudoHeaderV6(info.srcHigh, info.srcLow, info.dstHigh, info.dstLow, protocol, length);
    }

    /**
     * The types of the first two chunks from {@code first}, which are what the SCTP state machine
     * reads (ip_vs_proto_sctp.c {@code set_sctp_state}: the first chunk, and an ABORT bundled after a
     * COOKIE ECHO / COOKIE ACK). A chunk is read only when its 4-byte header lies before {@code end};
     * the second one only when the first's length is valid.
     */
    private static void sctpChunks(ByteBuffer b, int first, int end, PacketInfo info) {
        if (first + SctpHeader.CHUNK_HEADER_LENGTH > end) {
            return;
        }
        info.sctpFirstChunk = SctpHeader.chunkType(b, first);
        int length = SctpHeader.chunkLength(b, first);
        int next = first + ((length + 3) & ~3);
        if (length >= SctpHeader.CHUNK_HEADER_LENGTH && next + SctpHeader.CHUNK_HEADER_LENGTH <= end) {
            info.sctpSecondChunk = SctpHeader.chunkType(b, next);
        }
    }
}
