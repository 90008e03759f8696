package io.ippvs.core.packet;

import io.ippvs.api.Flow;
import io.ippvs.api.Protocol;

/**
 * The reusable description of one parsed packet: what {@link PacketParser} found between the
 * buffer's position and limit. One instance per thread, overwritten for every packet; nothing here
 * allocates.
 *
 * <p>As a {@link Flow} it reads the packet as inbound: the source is the client, the destination
 * the virtual address.
 *
 * <p>Offsets are absolute buffer indexes. {@code -1} marks an offset that does not apply.
 */
public final class PacketInfo implements Flow {

    /** TCP flag bits as they appear in the TCP header's flags byte. */
    public static final int TCP_FIN = 0x01;
    public static final int TCP_SYN = 0x02;
    public static final int TCP_RST = 0x04;
    public static final int TCP_PSH = 0x08;
    public static final int TCP_ACK = 0x10;

    int family;
    int protocol;
    int l3Offset;
    int l4Offset;
    int payloadOffset;
    /** Set by the parser's caller: the TCP / UDP checksum is partial (not verified). */
    boolean checksumPartial;
    int end;
    int ttl;
    int trafficClass;
    long srcHigh;
    long srcLow;
    long dstHigh;
    long dstLow;
    int srcPort;
    int dstPort;
    int tcpFlags;
    long tcpSeq;
    long tcpAck;
    boolean fragment;
    boolean firstFragment;
    boolean moreFragments;
    boolean dontFragment;
    int fragmentOffset;
    long fragmentId;
    int icmpType;
    int icmpCode;
    boolean icmpError;
    int innerL3Offset;
    int innerL4Offset;
    int innerProtocol;
    long innerSrcHigh;
    long innerSrcLow;
    long innerDstHigh;
    long innerDstLow;
    int innerSrcPort;
    int innerDstPort;
    int fwmark;
    int sctpFirstChunk;
    int sctpSecondChunk;

    /** An empty description, for one thread to reuse. */
    public PacketInfo() {
        reset();
    }

    /** Forgets the previous packet: every field back to its "not parsed" value (the fwmark stays). */
    public void reset() {
        clearForParse(-1);
        clearNetwork();
        clearIcmp();
    }

    /**
     * The parser's reset, cheaper than {@link #reset()}: the IP-level fields are left for the parser
     * to overwrite or {@link #clearNetwork() clear} on each path, and the ICMP fields are cleared
     * only when the previous packet set them.
     */
    void clearForParse(int position) {
        family = 0;
        protocol = -1;
        l3Offset = position;
        l4Offset = -1;
        payloadOffset = -1;
        end = -1;
        srcPort = dstPort = 0;
        tcpFlags = 0;
        tcpSeq = tcpAck = 0;
        sctpFirstChunk = sctpSecondChunk = -1;
        // the parser sets the inner fields only after the type, so an unset type means all are clear
        if (icmpType != -1) {
            clearIcmp();
        }
    }

    /** Clears the IP-level fields, for the parser's paths that stop before reading them. */
    void clearNetwork() {
        ttl = 0;
        trafficClass = 0;
        srcHigh = srcLow = dstHigh = dstLow = 0;
        clearFragment();
        dontFragment = false;
    }

    /** Clears the fragment fields except DF. */
    void clearFragment() {
        fragment = firstFragment = moreFragments = false;
        fragmentOffset = 0;
        fragmentId = 0;
    }

    private void clearIcmp() {
        icmpType = icmpCode = -1;
        icmpError = false;
        innerL3Offset = innerL4Offset = -1;
        innerProtocol = -1;
        innerSrcHigh = innerSrcLow = innerDstHigh = innerDstLow = 0;
        innerSrcPort = innerDstPort = 0;
    }

    /** 4 or 6. */
    @Override
    public int addressFamily() {
        return family;
    }

    /** IANA number of the upper-layer protocol (after IPv6 extension headers); -1 when unknown. */
    public int protocolNumber() {
        return protocol;
    }

    /** TCP, UDP or SCTP, or {@code null} for any other protocol (ICMP included). */
    @Override
    public Protocol protocol() {
        return Protocol.ofNumber(protocol);
    }

    /** Offset of the IP header: the buffer's position when parsed. */
    public int l3Offset() {
        return l3Offset;
    }

    /** Offset of the upper-layer header; -1 for a non-first fragment. */
    public int l4Offset() {
        return l4Offset;
    }

    /** Offset of the upper-layer payload (after TCP options, the UDP header, ...); -1 when not parsed. */
    public int payloadOffset() {
        return payloadOffset;
    }

    /** One past the last byte of the IP packet by its own length fields (trailing padding excluded). */
    public int end() {
        return end;
    }

    /** IPv4 TTL or IPv6 hop limit. */
    public int ttl() {
        return ttl;
    }

    /** IPv4 TOS byte or IPv6 traffic class (DSCP and ECN). */
    public int trafficClass() {
        return trafficClass;
    }

    public long srcHigh() {
        return srcHigh;
    }

    public long srcLow() {
        return srcLow;
    }

    public long dstHigh() {
        return dstHigh;
    }

    public long dstLow() {
        return dstLow;
    }

    /** Source port for TCP, UDP and SCTP; the identifier for ICMP echo; 0 otherwise. */
    public int srcPort() {
        return srcPort;
    }

    /** Destination port for TCP, UDP and SCTP; 0 otherwise. */
    public int dstPort() {
        return dstPort;
    }

    /** The TCP flags byte (see {@link #TCP_SYN} and friends); 0 for other protocols. */
    public int tcpFlags() {
        return tcpFlags;
    }

    /** TCP sequence number, unsigned 32-bit. */
    public long tcpSeq() {
        return tcpSeq;
    }

    /** TCP acknowledgement number, unsigned 32-bit. */
    public long tcpAck() {
        return tcpAck;
    }

    /** Whether the packet is a fragment (first or not). */
    public boolean isFragment() {
        return fragment;
    }

    /** Whether the packet is the first fragment of a fragmented datagram. */
    public boolean isFirstFragment() {
        return firstFragment;
    }

    public boolean moreFragments() {
        return moreFragments;
    }

    /** IPv4 DF bit; always true for IPv6, which routers never fragment. */
    public boolean dontFragment() {
        return dontFragment;
    }

    /** Fragment offset in bytes. */
    public int fragmentOffset() {
        return fragmentOffset;
    }

    /** IPv4 identification (16 bits) or IPv6 fragment identification (32 bits). */
    public long fragmentId() {
        return fragmentId;
    }

    /** ICMP / ICMPv6 type; -1 for other protocols. */
    public int icmpType() {
        return icmpType;
    }

    public int icmpCode() {
        return icmpCode;
    }

    /** Whether this is an ICMP error (unreachable, too big, time exceeded, parameter problem) with a parsed quote. */
    public boolean isIcmpError() {
        return icmpError;
    }

    /** Offset of the quoted IP header of an ICMP error; -1 otherwise. */
    public int innerL3Offset() {
        return innerL3Offset;
    }

    /** Offset of the quoted transport header of an ICMP error; -1 otherwise. */
    public int innerL4Offset() {
        return innerL4Offset;
    }

    /** Protocol number of the quoted packet; -1 otherwise. */
    public int innerProtocol() {
        return innerProtocol;
    }

    public long innerSrcHigh() {
        return innerSrcHigh;
    }

    public long innerSrcLow() {
        return innerSrcLow;
    }

    public long innerDstHigh() {
        return innerDstHigh;
    }

    public long innerDstLow() {
        return innerDstLow;
    }

    /** Source port of the quoted packet (its first 8 transport bytes are always quoted). */
    public int innerSrcPort() {
        return innerSrcPort;
    }

    public int innerDstPort() {
        return innerDstPort;
    }

    /** SCTP: the type of the first chunk; -1 when the packet has none (or is not SCTP). */
    public int sctpFirstChunk() {
        return sctpFirstChunk;
    }

    /** SCTP: the type of the second chunk; -1 when there is none or the first's length is invalid. */
    public int sctpSecondChunk() {
        return sctpSecondChunk;
    }

    @Override
    public long clientAddressHigh() {
        return srcHigh;
    }

    @Override
    public long clientAddressLow() {
        return srcLow;
    }

    @Override
    public int clientPort() {
        return srcPort;
    }

    @Override
    public long virtualAddressHigh() {
        return dstHigh;
    }

    @Override
    public long virtualAddressLow() {
        return dstLow;
    }

    @Override
    public int virtualPort() {
        return dstPort;
    }

    @Override
    public int fwmark() {
        return fwmark;
    }

    /** Sets the firewall mark the appliance passed with the packet. */
    public void fwmark(int mark) {
        this.fwmark = mark;
    }
}
