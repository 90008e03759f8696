package io.ippvs.core.testing;

import com.google.common.net.InetAddresses;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.TunnelChecksum;
import io.ippvs.api.TunnelType;
import io.ippvs.api.Verdict;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * A golden fixture in Katran's style ({@code lib/testing/fixtures/*Fixtures.h}), data only: a
 * description, the input packet and where it sits in its buffer, the connection it belongs to (the
 * real server as data), its direction, the rewriter variant it meets, the expected verdict and the
 * expected bytes in {@code [position, limit)} afterwards. Expected bytes are built independently of
 * the code under test. {@link FixtureRunner} runs lists of them through a director or a rewriter
 * alone, and the benchmarks replay the same lists.
 *
 * @param flow the connection, or null for an outcome that is the director's alone (no connection)
 * @param reply true for a packet from the real server's side
 * @param rewriter the rewriter variant, a name the caller's {@link FixtureRunner.Rewriters} knows
 *     ({@link #DEFAULT_REWRITER} for the default)
 * @param output the expected packet; for a drop, the untouched input; for PASS, the input
 * @param checksumProblems what {@code ChecksumVerifier.problems} must say of a forwarded or replied
 *     output: empty, unless the fixture asks for what the verifier rightly objects to
 */
public record Fixture(String description, byte[] input, Placement placement, Flow flow, boolean reply, String rewriter,
                      Scope scope, Verdict verdict, byte[] output, List<String> checksumProblems) {

    public static final String DEFAULT_REWRITER = "default";

    public Fixture {
        Objects.requireNonNull(description);
        Objects.requireNonNull(input);
        Objects.requireNonNull(placement);
        Objects.requireNonNull(rewriter);
        Objects.requireNonNull(scope);
        Objects.requireNonNull(verdict);
        Objects.requireNonNull(output);
        checksumProblems = List.copyOf(checksumProblems);
        if (flow == null && scope != Scope.DIRECTOR) {
            throw new IllegalArgumentException(description + ": only a director-only fixture has no connection");
        }
    }

    /** Which runners the fixture is for. */
    public enum Scope {
        /** Through a director and through the rewriter alone. */
        BOTH,
        /** The director's own outcome (no connection, a fragment it does not know, an echo). */
        DIRECTOR,
        /** The rewriter's share only (the director answers it by other means). */
        REWRITER
    }

    /**
     * How the packet is handed over: a heap or direct buffer with {@code headroom} bytes before its
     * position and {@code tailroom} bytes of capacity after its limit.
     */
    public record Placement(boolean direct, int headroom, int tailroom) {

        public static Placement heap(int headroom, int tailroom) {
            return new Placement(false, headroom, tailroom);
        }

        public static Placement direct(int headroom, int tailroom) {
            return new Placement(true, headroom, tailroom);
        }

        /** The packet in a fresh {@link Guarded} buffer placed this way. */
        public Guarded place(byte[] packet) {
            return new Guarded(packet, direct, headroom, tailroom);
        }
    }

    /**
     * A real server as data: forwarding method, address (IPv4 or IPv6 text), port (0 = the virtual
     * port), MTU (0 = the rewriter's default) and, for a tunnel, its type, checksum option and UDP port.
     */
    public record Server(ForwardingMethod method, String address, int port, int mtu, TunnelType tunnelType,
                         TunnelChecksum tunnelChecksum, int tunnelPort) {

        public static Server masquerade(String address, int port, int mtu) {
            return new Server(ForwardingMethod.MASQUERADE, address, port, mtu, TunnelType.IPIP, TunnelChecksum.NONE, 0);
        }

        public static Server direct(String address, int mtu) {
            return new Server(ForwardingMethod.DIRECT_ROUTE, address, 0, mtu, TunnelType.IPIP, TunnelChecksum.NONE, 0);
        }

        public static Server tunnel(String address, TunnelType type, int tunnelPort, TunnelChecksum checksum, int mtu) {
            return new Server(ForwardingMethod.TUNNEL, address, 0, mtu, type, checksum, tunnelPort);
        }

        public static Server ipip(String address) {
            return tunnel(address, TunnelType.IPIP, 0, TunnelChecksum.NONE, 0);
        }

        public InetAddress inetAddress() {
            return InetAddresses.forString(address);
        }

        /** The configuration a director is given for this server. */
        public RealServerConfig config() {
            RealServerConfig.Builder b = RealServerConfig.builder(inetAddress(), port, method).mtu(mtu);
            if (method == ForwardingMethod.TUNNEL) {
                b.tunnelType(tunnelType).tunnelPort(tunnelPort).tunnelChecksum(tunnelChecksum);
            }
            return b.build();
        }

        /** The server as a rewriter sees it without a director. */
        public FakeRealServer fake() {
            return new FakeRealServer(config());
        }
    }

    /**
     * A connection: protocol, client address and port, virtual address and port, real server.
     * {@code service} says whether the virtual address and port are a configured service (false for a
     * connection an application helper expects, such as an FTP data connection).
     */
    public record Flow(Protocol protocol, String client, int clientPort, String virtual, int virtualPort, Server server,
                       boolean service) {

        /** A connection to a configured service. */
        public static Flow of(Protocol protocol, String client, int clientPort, String virtual, int virtualPort, Server server) {
            return new Flow(protocol, client, clientPort, virtual, virtualPort, server, true);
        }

        /**
         * The connection of a client's packet: protocol, source and destination (and, for TCP, UDP and
         * SCTP, their ports) read from its IP header; the protocol of anything else is TCP's.
         */
        public static Flow ofClientPacket(byte[] p, Server server) {
            boolean v6 = (p[0] & 0xF0) == 0x60;
            int l4 = v6 ? 40 : (p[0] & 0x0F) * 4;
            int number = p[v6 ? 6 : 9] & 0xFF;
            Protocol protocol = number == 17 ? Protocol.UDP : number == 132 ? Protocol.SCTP : Protocol.TCP;
            boolean ports = number == 6 || number == 17 || number == 132;
            int sport = ports ? ((p[l4] & 0xFF) << 8) | (p[l4 + 1] & 0xFF) : 0;
            int dport = ports ? ((p[l4 + 2] & 0xFF) << 8) | (p[l4 + 3] & 0xFF) : 0;
            int src = v6 ? 8 : 12;
            int length = v6 ? 16 : 4;
            return of(protocol, address(p, src, length), sport, address(p, src + length, length), dport, server);
        }

        private static String address(byte[] p, int at, int length) {
            byte[] a = java.util.Arrays.copyOfRange(p, at, at + length);
            try {
                return InetAddress.getByAddress(a).getHostAddress();
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException(e);
            }
        }

        /** A fresh context for this connection (its packets described one by one). */
        public FakeRewriteContext context() {
            return FakeRewriteContext.of(InetAddresses.forString(client), clientPort, InetAddresses.forString(virtual),
                    virtualPort, server.fake());
        }
    }

    /** The input in a fresh buffer placed as the fixture says. */
    public Guarded place() {
        return placement.place(input);
    }

    @Override
    public String toString() {
        return description;
    }
}
