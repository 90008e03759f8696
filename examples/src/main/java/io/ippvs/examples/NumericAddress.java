package io.ippvs.examples;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Addresses given on the command line for the data path: numeric only, never looked up by name. */
final class NumericAddress {

    private static final Pattern NUMERIC = Pattern.compile("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private NumericAddress() {}

    /** {@code text} as an address, or an IllegalArgumentException naming {@code option}. */
    static InetAddress parse(String option, String text) {
        if (!NUMERIC.matcher(text).matches()) {
            throw new IllegalArgumentException(option + ": '" + text + "' is not a numeric IPv4 or IPv6 address");
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(option + ": '" + text + "' is not an address", e);
        }
    }
}
