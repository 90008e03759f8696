package io.ippvs.examples;

import static io.ippvs.examples.Ipv4Packets.ACK;
import static io.ippvs.examples.Ipv4Packets.FIN;
import static io.ippvs.examples.Ipv4Packets.PSH;
import static io.ippvs.examples.Ipv4Packets.SYN;
import static io.ippvs.examples.Ipv4Packets.address;
import static io.ippvs.examples.Ipv4Packets.text;

import io.ippvs.api.DropReason;
import io.ippvs.api.NextHop;
import io.ippvs.api.Verdict;
import io.ippvs.core.admin.Ipvsadm;
import io.ippvs.core.director.Director;
import io.ippvs.nat.NatRewriter;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The 1998 guide's cluster, in-process: two NAT directors, 203.1.1.10 (real servers 10.1.1.1-3) and
 * 203.1.1.11 (10.1.1.4-6), web on port 8080 and, on the first, a UDP name service on 53. Simulated
 * clients and real servers exchange real IPv4 packets through the directors: TCP handshake, an HTTP
 * request and response, FIN close; UDP query and answer. One regular client visits the second
 * director's persistent service three times. Half-way 10.1.1.2 dies; the clients it leaves without
 * an answer say so, and the operator takes it out with {@code -e ... -w 0}.
 *
 * <p>Every packet a client or server receives came out of {@link Director#process} as FORWARD, has
 * the addresses NAT must give it, and passes a full checksum recomputation; anything else stops the
 * demo with the reason. What the clients saw is tallied per real server, beside the directors' own
 * counters (the test compares the two). Time is simulated, so a run is the same for the same seed.
 */
final class Demo {

    static final int WEB_PORT = 8080;
    static final int DNS_PORT = 53;
    static final String DEAD_SERVER = "10.1.1.2";
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1000 * MS;

    /** The options of {@code ippvs demo}. */
    record Options(int clients, String scheduler, long seed, boolean quiet) {}

    /** One director of the guide with its real servers. */
    static final class Site {
        final String name;
        final int vip;
        final List<Integer> servers;
        final Director director;
        final Ipvsadm ipvsadm;
        final NextHop hop = new NextHop();

        Site(String name, String vip, List<Integer> servers, Demo demo) {
            this.name = name;
            this.vip = address(vip);
            this.servers = servers;
            this.director = Director.builder().rewriter(NatRewriter.builder().build())
                    .nanoClock(() -> demo.now).build();
            this.ipvsadm = Ipvsadm.forDirector(director);
        }
    }

    /** What the clients saw of one real server, counted by them, not by the director. */
    static final class Tally {
        long connections;
        long inPackets;
        long outPackets;
        long inBytes;
        long outBytes;
    }

    private final Options options;
    private final PrintWriter out;
    private final Random random;
    private final Site a;
    private final Site b;
    /** Per "service -> real server", in the order first seen. */
    private final Map<String, Tally> tallies = new LinkedHashMap<>();
    private final Set<Integer> dead = new HashSet<>();
    private long now;
    private long lastSweep;
    private int served;
    private int failed;
    private boolean takenOut;
    /** The real server of the last connection a client made. */
    private String lastServer = "";

    Demo(Options options, PrintWriter out) {
        this.options = options;
        this.out = out;
        this.random = new Random(options.seed());
        this.a = new Site("director 1", "203.1.1.10", List.of(address("10.1.1.1"), address("10.1.1.2"), address("10.1.1.3")), this);
        this.b = new Site("director 2", "203.1.1.11", List.of(address("10.1.1.4"), address("10.1.1.5"), address("10.1.1.6")), this);
    }

    Site first() {
        return a;
    }

    Site second() {
        return b;
    }

    Map<String, Tally> tallies() {
        return tallies;
    }

    void run() {
        say("Two NAT directors, as in the 1998 guide. Clients see only the virtual addresses;");
        say("each director picks a real server, rewrites the packets both ways, and counts them.");
        say("");
        String s = options.scheduler();
        configure(a, "-A -t 203.1.1.10:8080 -s " + s);
        for (int server : a.servers) {
            configure(a, "-a -t 203.1.1.10:8080 -r " + text(server) + ":8080 -m -w 1");
        }
        configure(a, "-A -u 203.1.1.10:53 -s " + s);
        for (int server : a.servers) {
            configure(a, "-a -u 203.1.1.10:53 -r " + text(server) + ":53 -m -w 1");
        }
        configure(b, "-A -t 203.1.1.11:8080 -s " + s + " -p 360");
        for (int server : b.servers) {
            configure(b, "-a -t 203.1.1.11:8080 -r " + text(server) + ":8080 -m -w 1");
        }
        say("");
        int regular = address("198.51.100.200");
        int clients = options.clients();
        int half = clients / 2;
        List<String> regularServers = new ArrayList<>();
        int firstSiteClientsSinceDeath = 0;
        for (int i = 0; i < clients; i++) {
            advance(250 * MS);
            if (i == half) {
                dead.add(address(DEAD_SERVER));
                say(time() + "  " + DEAD_SERVER + " crashes: from now on it answers nothing.");
            }
            int client = address("198.51.100.10") + i;
            Site site = i % 2 == 0 ? a : b;
            if (i % 3 == 0) {
                dnsQuery(client);
            }
            boolean ok = httpGet(client, site);
            if (site == a && i >= half) {
                firstSiteClientsSinceDeath++;
            }
            if (!takenOut && dead.contains(address(DEAD_SERVER)) && (!ok || firstSiteClientsSinceDeath >= 3)) {
                say(time() + "  The operator takes " + DEAD_SERVER + " out (weight 0: no new connections; "
                        + "its open entries stay until they expire):");
                configure(a, "-e -t 203.1.1.10:8080 -r " + DEAD_SERVER + ":8080 -m -w 0");
                configure(a, "-e -u 203.1.1.10:53 -r " + DEAD_SERVER + ":53 -m -w 0");
                takenOut = true;
            }
            if (i == 1 || i == half + 1 || i == clients - 1) {
                advance(100 * MS);
                httpGet(regular, b);
                regularServers.add(lastServer);
            }
        }
        advance(SECOND);
        say("");
        say("The regular client " + text(regular) + " came " + regularServers.size() + " times and was served by "
                + String.join(", ", regularServers) + (new HashSet<>(regularServers).size() == 1
                        ? ": the same server each time, as persistence (-p 360) promises." : "."));
        say(served + " requests answered, " + failed + " left without an answer.");
        say("");
        say("What the clients counted, by real server (the directors' own counters follow):");
        say(String.format("  %-32s %6s %7s %7s %8s %8s", "service -> real server", "Conns", "InPkts", "OutPkts", "InBytes", "OutBytes"));
        for (Map.Entry<String, Tally> e : tallies.entrySet()) {
            Tally t = e.getValue();
            say(String.format("  %-32s %6d %7d %7d %8d %8d", e.getKey(), t.connections, t.inPackets, t.outPackets,
                    t.inBytes, t.outBytes));
        }
        for (Site site : List.of(a, b)) {
            out.println();
            out.println("# " + site.name + " (" + text(site.vip) + ")");
            list(site, "-L -n --stats");
            list(site, "-L -n -c");
        }
        out.flush();
    }

    /** One HTTP/1.0 GET: handshake, request, response, FIN close. Returns whether it was answered. */
    private boolean httpGet(int client, Site site) {
        int port = 32768 + random.nextInt(28000);
        long isn = random.nextInt() & 0xFFFFFFFFL;
        String vip = text(site.vip) + ":" + WEB_PORT;
        Exchange x = new Exchange(site, client, port, WEB_PORT);
        // the client's SYN, retransmitted after 1 s and 2 s more as a kernel does, then it gives up
        ByteBuffer atServer = null;
        for (int attempt = 0; attempt < 3 && atServer == null; attempt++) {
            if (attempt > 0) {
                advance((1L << (attempt - 1)) * SECOND);
            }
            atServer = x.toServer(Ipv4Packets.tcp(client, port, site.vip, WEB_PORT, SYN, isn, 0, ""));
        }
        lastServer = x.server;
        if (x.dropped != null) {
            failed++;
            say(time() + "  " + text(client) + ":" + port + " -> " + vip + "  dropped by the director: "
                    + x.dropped + ", the client gives up (" + x.summary() + ")");
            return false;
        }
        if (atServer == null) {
            failed++;
            say(time() + "  " + text(client) + ":" + port + " -> " + vip + "  sent to " + x.server
                    + ": no answer to 3 SYNs, the client gives up (" + x.summary() + ")");
            return false;
        }
        // the real server answers what it received
        long serverIsn = random.nextInt() & 0xFFFFFFFFL;
        ByteBuffer synAck = x.toClient(Ipv4Packets.tcp(x.serverAddress, WEB_PORT, client, port, SYN | ACK, serverIsn,
                Ipv4Packets.seq(atServer) + 1, ""));
        expect(Ipv4Packets.flags(synAck) == (SYN | ACK) && Ipv4Packets.ack(synAck) == isn + 1, "SYN-ACK", synAck);
        x.toServer(Ipv4Packets.tcp(client, port, site.vip, WEB_PORT, ACK, isn + 1, serverIsn + 1, ""));
        String request = "GET / HTTP/1.0\r\nHost: " + vip + "\r\n\r\n";
        ByteBuffer get = x.toServer(Ipv4Packets.tcp(client, port, site.vip, WEB_PORT, PSH | ACK, isn + 1, serverIsn + 1, request));
        String body = "Hello from " + x.server + "\n";
        String response = "HTTP/1.0 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
        long clientNext = Ipv4Packets.seq(get) + Ipv4Packets.payload(get).length();
        ByteBuffer answer = x.toClient(Ipv4Packets.tcp(x.serverAddress, WEB_PORT, client, port, PSH | ACK, serverIsn + 1,
                clientNext, response));
        long serverFin = serverIsn + 1 + response.length();
        x.toClient(Ipv4Packets.tcp(x.serverAddress, WEB_PORT, client, port, FIN | ACK, serverFin, clientNext, ""));
        x.toServer(Ipv4Packets.tcp(client, port, site.vip, WEB_PORT, ACK, clientNext, serverFin + 1, ""));
        x.toServer(Ipv4Packets.tcp(client, port, site.vip, WEB_PORT, FIN | ACK, clientNext, serverFin + 1, ""));
        x.toClient(Ipv4Packets.tcp(x.serverAddress, WEB_PORT, client, port, ACK, serverFin + 1, clientNext + 1, ""));
        String text = Ipv4Packets.payload(answer);
        expect(text.endsWith(body), "the response body", answer);
        served++;
        say(time() + "  " + text(client) + ":" + port + " -> " + vip + "  " + text.substring(0, text.indexOf('\r'))
                + ", \"" + body.strip() + "\" (" + x.summary() + ")");
        return true;
    }

    /** One UDP query to the first director's name service and its answer. */
    private void dnsQuery(int client) {
        int port = 32768 + random.nextInt(28000);
        Exchange x = new Exchange(a, client, port, DNS_PORT);
        ByteBuffer query = x.toServer(Ipv4Packets.udp(client, port, a.vip, DNS_PORT, "A? www.example.com"));
        String vip = text(a.vip) + ":" + DNS_PORT + "/udp";
        if (x.dropped != null) {
            failed++;
            say(time() + "  " + text(client) + ":" + port + " -> " + vip + "  dropped by the director: "
                    + x.dropped + " (" + x.summary() + ")");
            return;
        }
        if (query == null) {
            failed++;
            say(time() + "  " + text(client) + ":" + port + " -> " + vip + "  sent to " + x.server
                    + ": no answer (" + x.summary() + ")");
            return;
        }
        ByteBuffer answer = x.toClient(Ipv4Packets.udp(x.serverAddress, DNS_PORT, client, port,
                "www.example.com A 203.1.1.10 (from " + x.server + ")"));
        served++;
        say(time() + "  " + text(client) + ":" + port + " -> " + vip + "  answer \"" + Ipv4Packets.payload(answer)
                + "\" (" + x.summary() + ")");
    }

    /**
     * The packets of one connection through one director: what goes in, what comes out, checked,
     * and counted for the real server it reached.
     */
    private final class Exchange {
        final Site site;
        final int client;
        final int clientPort;
        final int servicePort;
        int serverAddress;
        String server = "?";
        Tally tally;
        int in;
        int out;
        /** Why the director dropped the client's packets, in plain words; null while it forwards them. */
        String dropped;

        Exchange(Site site, int client, int clientPort, int servicePort) {
            this.site = site;
            this.client = client;
            this.clientPort = clientPort;
            this.servicePort = servicePort;
        }

        /** Client to the virtual address; the packet as the real server gets it, or null if it is dead. */
        ByteBuffer toServer(ByteBuffer p) {
            advance(MS);
            int length = p.remaining();
            Verdict v = site.director.process(p, 0, site.hop);
            if (v.isDrop() && tally == null) {
                // e.g. sh or mh hashing this client to the server taken out: IPVS drops, it does not fall back
                in++;
                dropped = v.dropReason() == DropReason.NO_REAL_SERVER
                        ? "no real server available for this client (" + options.scheduler() + ")"
                        : v.dropReason().toString();
                return null;
            }
            expect(v.isForward(), "the director's verdict " + v + " on a client packet", p);
            int to = Ipv4Packets.destination(p);
            expect(to == (int) site.hop.addressLow() && Ipv4Packets.destinationPort(p) == servicePort
                    && Ipv4Packets.source(p) == client && Ipv4Packets.checksumsValid(p),
                    "the packet NAT sent to the real server", p);
            if (tally == null) {
                serverAddress = to;
                server = text(to);
                tally = tallies.computeIfAbsent((Ipv4Packets.protocol(p) == Ipv4Packets.TCP ? "TCP " : "UDP ")
                        + text(site.vip) + ":" + servicePort + " -> " + server, k -> new Tally());
                tally.connections++;
            }
            expect(to == serverAddress, "the same real server for the whole connection", p);
            in++;
            tally.inPackets++;
            tally.inBytes += length;
            return dead.contains(to) ? null : p;
        }

        /** Real server to the client; the packet as the client gets it. */
        ByteBuffer toClient(ByteBuffer p) {
            advance(MS);
            int length = p.remaining();
            Verdict v = site.director.process(p, 0, site.hop);
            expect(v.isForward(), "the director's verdict " + v + " on a reply", p);
            expect(Ipv4Packets.source(p) == site.vip && Ipv4Packets.sourcePort(p) == servicePort
                    && Ipv4Packets.destination(p) == client && Ipv4Packets.destinationPort(p) == clientPort
                    && Ipv4Packets.checksumsValid(p), "the reply as the client got it (from the virtual address)", p);
            out++;
            tally.outPackets++;
            tally.outBytes += length;
            return p;
        }

        String summary() {
            return in + (in == 1 ? " packet" : " packets") + " in, " + out + " out"
                    + (out > 0 ? ", every checksum right" : "");
        }
    }

    private void expect(boolean ok, String what, ByteBuffer p) {
        if (!ok) {
            throw new IllegalStateException("demo: wrong " + what + ": " + text(Ipv4Packets.source(p)) + ":"
                    + Ipv4Packets.sourcePort(p) + " -> " + text(Ipv4Packets.destination(p)) + ":"
                    + Ipv4Packets.destinationPort(p));
        }
    }

    private void configure(Site site, String command) {
        say("$ ipvsadm " + command + "        # " + site.name);
        site.ipvsadm.execute(command);
    }

    private void list(Site site, String command) {
        out.println("$ ipvsadm " + command);
        out.print(site.ipvsadm.execute(command));
    }

    /** Moves the simulated clock; the directors' once-a-second sweep runs as an appliance's would. */
    private void advance(long nanos) {
        now += nanos;
        if (now - lastSweep >= SECOND) {
            a.director.sweep();
            b.director.sweep();
            lastSweep = now;
        }
    }

    private String time() {
        return String.format("%7.3fs", now / 1e9);
    }

    private void say(String line) {
        if (!options.quiet()) {
            out.println(line);
        }
    }
}
