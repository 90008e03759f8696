package io.ippvs.tunnel.testing;

import com.google.common.primitives.Bytes;
import io.ippvs.testkit.PacketBuilder;

/**
 * Outer headers written out by hand for expected packets: GUE and GRE bytes literally, outer IP and
 * UDP through {@link PacketBuilder}, and a naive RFC 1071 checksum. Shares no code with the tunnel.
 */
public final class Wire {

    public static final String DIRECTOR_V4 = "10.0.0.2";
    public static final String DIRECTOR_V6 = "fd00::2";
    public static final String SERVER_V4 = "10.0.0.21";
    public static final String SERVER_V6 = "fd00::21";
    public static final String CLIENT_V4 = "192.0.2.10";
    public static final String VIP_V4 = "198.51.100.1";
    public static final String CLIENT_V6 = "2001:db8::10";
    public static final String VIP_V6 = "2001:db8:100::1";

    /** The flow hash the fixtures' rewriters use, and what it gives. */
    public static final int HASH = 0xABCD1234;
    /** 49152 + (HASH * 16384 >> 32): the GUE source port of the default range for {@link #HASH}. */
    public static final int GUE_SOURCE_PORT = 60147;
    /** The low 20 bits of {@link #HASH}. */
    public static final int FLOW_LABEL = 0xD1234;
    /** The first IPv4 identification the fixtures' rewriters give. */
    public static final int ID = 0x1234;
    public static final int GUE_PORT = 6080;

    private Wire() {}

    /** GUE variant 0, no options, carrying {@code protocol}. */
    public static byte[] gue(int protocol) {
        return new byte[] {0x00, (byte) protocol, 0x00, 0x00};
    }

    /** GRE without options. */
    public static byte[] gre(int etherType) {
        return new byte[] {0x00, 0x00, (byte) (etherType >>> 8), (byte) etherType};
    }

    /** GRE with the checksum option, checksum over the header and {@code payload}, followed by the payload. */
    public static byte[] greWithChecksum(int etherType, byte[] payload) {
        byte[] header = {(byte) 0x80, 0x00, (byte) (etherType >>> 8), (byte) etherType, 0, 0, 0, 0};
        byte[] all = Bytes.concat(header, payload);
        int checksum = checksum(all);
        all[4] = (byte) (checksum >>> 8);
        all[5] = (byte) checksum;
        return all;
    }

    /** The Internet checksum, one 16-bit word at a time. */
    public static int checksum(byte[] b) {
        long sum = 0;
        for (int i = 0; i < b.length; i += 2) {
            sum += ((b[i] & 0xFF) << 8) | (i + 1 < b.length ? b[i + 1] & 0xFF : 0);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    public static PacketBuilder outerV4(int tos, boolean df, int ttl) {
        return PacketBuilder.ipv4(DIRECTOR_V4, SERVER_V4).tos(tos).id(ID).dontFragment(df).ttl(ttl);
    }

    public static PacketBuilder outerV6(int trafficClass, int hopLimit) {
        return PacketBuilder.ipv6(DIRECTOR_V6, SERVER_V6).tos(trafficClass).flowLabel(FLOW_LABEL).ttl(hopLimit);
    }
}
