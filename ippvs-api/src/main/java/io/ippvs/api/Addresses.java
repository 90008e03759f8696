package io.ippvs.api;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Conversions between {@link InetAddress} and the two-{@code long} form the packet path uses.
 *
 * <p>An IPv6 address is {@code high} (bytes 0..7) and {@code low} (bytes 8..15), big-endian. An IPv4
 * address is {@code high = 0}, {@code low} = the address as an unsigned 32-bit number. The family
 * ({@link #IPV4} or {@link #IPV6}) always travels beside the two words.
 */
public final class Addresses {

    /** Address family value for IPv4. */
    public static final int IPV4 = 4;
    /** Address family value for IPv6. */
    public static final int IPV6 = 6;

    private Addresses() {}

    /** {@link #IPV4} or {@link #IPV6}. */
    public static int family(InetAddress address) {
        return address instanceof Inet4Address ? IPV4 : IPV6;
    }

    /** The high word: 0 for IPv4, bytes 0..7 for IPv6. */
    public static long high(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 4 ? 0 : word(b, 0);
    }

    /** The low word: the unsigned IPv4 address, or bytes 8..15 for IPv6. */
    public static long low(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
        }
        return word(b, 8);
    }

    /** The address as an {@link InetAddress}; allocates, so for configuration and display only. */
    public static InetAddress toInetAddress(int family, long high, long low) {
        try {
            if (family == IPV4) {
                int v = (int) low;
                return InetAddress.getByAddress(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
            }
            byte[] b = new byte[16];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (high >>> (56 - 8 * i));
                b[8 + i] = (byte) (low >>> (56 - 8 * i));
            }
            return Inet6Address.getByAddress(null, b, -1);
        } catch (UnknownHostException e) {
            throw new AssertionError("a 4- or 16-byte address is always valid", e);
        }
    }

    /**
     * The address folded to 32 bits: the IPv4 address itself, or the XOR of an IPv6 address's four
     * 32-bit words (as the IPVS hashing schedulers fold IPv6 addresses).
     */
    public static int fold32(int family, long high, long low) {
        if (family == IPV4) {
            return (int) low;
        }
        return (int) (high >>> 32) ^ (int) high ^ (int) (low >>> 32) ^ (int) low;
    }

    /** Address and port as text: {@code 10.0.0.1:80}, or {@code [2001:db8::1]:80} for IPv6. */
    public static String format(int family, long high, long low, int port) {
        String a = format(family, high, low);
        return (family == IPV6 ? "[" + a + "]" : a) + ":" + port;
    }

    /** Text form: dotted quad, or IPv6 compressed as RFC 5952 says (the form ipvsadm prints). */
    public static String format(int family, long high, long low) {
        if (family == IPV4) {
            int v = (int) low;
            return (v >>> 24) + "." + ((v >>> 16) & 0xFF) + "." + ((v >>> 8) & 0xFF) + "." + (v & 0xFF);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) (high >>> (48 - 16 * i)) & 0xFFFF;
            groups[4 + i] = (int) (low >>> (48 - 16 * i)) & 0xFFFF;
        }
        // the longest run of two or more zero groups becomes "::" (the first such run on a tie)
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    private static long word(byte[] b, int from) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[from + i] & 0xFFL);
        }
        return v;
    }
}
