package io.ippvs.core.packet;

/** Test helpers over PacketInfo's package-private fields. */
final class PacketInfos {

    private PacketInfos() {}

    /** Every field, offsets made relative to {@code base} (the packet's start), in one comparable line. */
    static String describe(PacketInfo i, int base) {
        return "family=" + i.family + " protocol=" + i.protocol
                + " l3=" + rel(i.l3Offset, base) + " l4=" + rel(i.l4Offset, base)
                + " payload=" + rel(i.payloadOffset, base) + " end=" + rel(i.end, base)
                + " ttl=" + i.ttl + " tc=" + i.trafficClass
                + " src=" + Long.toHexString(i.srcHigh) + ":" + Long.toHexString(i.srcLow)
                + " dst=" + Long.toHexString(i.dstHigh) + ":" + Long.toHexString(i.dstLow)
                + " ports=" + i.srcPort + ">" + i.dstPort
                + " flags=" + i.tcpFlags + " seq=" + i.tcpSeq + " ack=" + i.tcpAck
                + " fragment=" + i.fragment + "/" + i.firstFragment + "/" + i.moreFragments + "/" + i.dontFragment
                + "/" + i.fragmentOffset + "/" + i.fragmentId
                + " icmp=" + i.icmpType + "/" + i.icmpCode + " error=" + i.icmpError
                + " inner=" + rel(i.innerL3Offset, base) + "/" + rel(i.innerL4Offset, base) + "/" + i.innerProtocol
                + " " + Long.toHexString(i.innerSrcHigh) + ":" + Long.toHexString(i.innerSrcLow)
                + " > " + Long.toHexString(i.innerDstHigh) + ":" + Long.toHexString(i.innerDstLow)
                + " " + i.innerSrcPort + ">" + i.innerDstPort;
    }

    private static int rel(int offset, int base) {
        return offset < 0 ? offset : offset - base;
    }
}
