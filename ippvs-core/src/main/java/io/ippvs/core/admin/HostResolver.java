package io.ippvs.core.admin;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Turns host names into addresses for commands, and addresses into names for listings without
 * {@code -n}. {@link #NUMERIC_ONLY}, the default, refuses names so that an embedded director never
 * blocks on DNS unless its owner asks for it.
 */
public interface HostResolver {

    /** Refuses every host name; listings print numbers even without {@code -n}. */
    HostResolver NUMERIC_ONLY = new HostResolver() {
        @Override
        public InetAddress resolve(String host) {
            throw new IllegalArgumentException("host names are not resolved here; give a numeric address");
        }

        @Override
        public boolean resolvesNames() {
            return false;
        }
    };

    /** The system resolver ({@link InetAddress#getByName}, reverse lookups by {@link InetAddress#getHostName}). */
    static HostResolver system() {
        return new HostResolver() {
            @Override
            public InetAddress resolve(String host) {
                try {
                    return InetAddress.getByName(host);
                } catch (UnknownHostException e) {
                    throw new IllegalArgumentException("unknown host '" + host + "'", e);
                }
            }

            @Override
            public String name(InetAddress address) {
                String n = address.getHostName();
                return n.equals(address.getHostAddress()) ? null : n;
            }
        };
    }

    /**
     * The address of {@code host}.
     *
     * @throws IllegalArgumentException when the name cannot be resolved or names are refused
     */
    InetAddress resolve(String host);

    /** The name of {@code address} for a listing, or {@code null} to print it as a number. */
    default String name(InetAddress address) {
        return null;
    }

    /** Whether names are used at all (also service names such as {@code http} for ports). */
    default boolean resolvesNames() {
        return true;
    }
}
