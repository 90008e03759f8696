package io.ippvs.core.admin;

import java.util.Map;

/**
 * What ipvsadm 1.31 prints ({@code fail(2, ...)} in ipvsadm.c) for a bad value of each field, so a
 * parse error worded our way still reports ipvsadm's line.
 */
final class IpvsadmTexts {

    private static final Map<String, String> BY_FIELD = Map.ofEntries(
            Map.entry("tcp-service", "illegal virtual server address[:port] specified"),
            Map.entry("udp-service", "illegal virtual server address[:port] specified"),
            Map.entry("sctp-service", "illegal virtual server address[:port] specified"),
            Map.entry("tcp-service port", "illegal virtual server address[:port] specified"),
            Map.entry("udp-service port", "illegal virtual server address[:port] specified"),
            Map.entry("sctp-service port", "illegal virtual server address[:port] specified"),
            Map.entry("real-server", "illegal real server address[:port] specified"),
            Map.entry("real-server port", "illegal real server address[:port] specified"),
            Map.entry("weight", "illegal weight specified"),
            Map.entry("u-threshold", "illegal u_threshold specified"),
            Map.entry("l-threshold", "illegal l_threshold specified"),
            Map.entry("netmask", "illegal virtual server persistent mask specified"),
            Map.entry("tun-type", "illegal tunnel type specified"),
            Map.entry("tun-port", "illegal tunnel port specified"),
            Map.entry("set", "--set option requires 3 timeout values"),
            Map.entry("onePacket", "One-Packet Scheduling is only for UDP virtual services"),
            Map.entry("ipv6", "-6 used before -f"));

    private IpvsadmTexts() {}

    /**
     * ipvsadm's text for a parse error whose message is {@code "field: ..."}; values quoted in our
     * message fill ipvsadm's {@code `%s'} ("invalid fwmark value `0x10' specified"); our own message
     * where ipvsadm has no text of its own for the field.
     */
    static String forParseError(String message) {
        int colon = message.indexOf(": ");
        String field = colon < 0 ? "" : message.substring(0, colon);
        String value = quoted(message);
        if (value != null && field.equals("fwmark-service")) {
            return "invalid fwmark value `" + value + "' specified";
        }
        if (value != null && (field.equals("persistent") || field.equals("set"))) {
            return "invalid timeout value `" + value + "' specified";
        }
        if (value != null && field.equals("sched-flags")) {
            return (message.contains("is a flag of") ? "incompatible" : "invalid") + " scheduler flag `" + value + "'";
        }
        return BY_FIELD.getOrDefault(field, message);
    }

    /** The first '...' of a message, or null. */
    private static String quoted(String message) {
        int open = message.indexOf('\'');
        int close = open < 0 ? -1 : message.indexOf('\'', open + 1);
        return close < 0 ? null : message.substring(open + 1, close);
    }
}
