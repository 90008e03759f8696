package io.ippvs.core.admin;

import com.google.common.collect.ImmutableBiMap;
import io.ippvs.api.Addresses;
import io.ippvs.api.Protocol;

/**
 * Addresses and ports as ipvsadm writes them: inet_ntop text (IPv6 in brackets, IPv4-mapped and
 * IPv4-compatible IPv6 with a dotted tail), and with names when the resolver allows them.
 */
final class Names {

    /** Well-known TCP/UDP services, the names getservbyport gives on a stock system. */
    private static final ImmutableBiMap<String, Integer> SERVICES = ImmutableBiMap.<String, Integer>builder()
            .put("ftp-data", 20).put("ftp", 21).put("ssh", 22).put("telnet", 23).put("smtp", 25)
            .put("domain", 53).put("http", 80).put("pop3", 110).put("ntp", 123).put("imap2", 143)
            .put("snmp", 161).put("ldap", 389).put("https", 443).put("submission", 587).put("ldaps", 636)
            .put("imaps", 993).put("pop3s", 995).put("mysql", 3306).put("postgresql", 5432)
            .put("http-alt", 8080).build();

    private Names() {}

    /** The port of a service name, or -1. */
    static int portOf(String name) {
        Integer p = SERVICES.get(name);
        return p == null ? -1 : p;
    }

    /** inet_ntop's text of an address, without brackets. */
    static String address(int family, long high, long low) {
        if (family == Addresses.IPV6 && high == 0) {
            long top = low >>> 32;
            int v4 = (int) low;
            // glibc writes ::ffff:a.b.c.d and ::a.b.c.d (when more than the last word is set)
            if (top == 0xFFFFL || (top == 0 && (v4 >>> 16) != 0)) {
                return (top == 0 ? "::" : "::ffff:") + Addresses.format(Addresses.IPV4, 0, v4 & 0xFFFFFFFFL);
            }
        }
        return Addresses.format(family, high, low);
    }

    /** {@code addr:port} or {@code [addr]:port}, with names when {@code numeric} is off and the resolver names. */
    static String addressPort(int family, long high, long low, int port, Protocol protocol, boolean numeric,
            HostResolver resolver) {
        String host = null;
        String portText = null;
        if (!numeric && resolver.resolvesNames()) {
            host = resolver.name(Addresses.toInetAddress(family, high, low));
            if (protocol == Protocol.TCP || protocol == Protocol.UDP) {
                portText = SERVICES.inverse().get(port);
            }
        }
        if (host == null) {
            host = address(family, high, low);
        }
        if (portText == null) {
            portText = Integer.toString(port);
        }
        return family == Addresses.IPV6 ? "[" + host + "]:" + portText : host + ":" + portText;
    }
}
