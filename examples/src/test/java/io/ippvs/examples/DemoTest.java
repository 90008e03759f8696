package io.ippvs.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.RealServer;
import io.ippvs.api.Stats;
import io.ippvs.api.VirtualService;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ippvs demo}: what it prints is what happened. The clients' own tally, the per-connection
 * lines and the printed listings are each compared with the directors' counters.
 */
class DemoTest {

    private static final Pattern LINE = Pattern.compile(
            "^ +[0-9.]+s  ([0-9.]+):\\d+ -> ([0-9.]+):(\\d+)(/udp)?  (.*) \\((\\d+) packets? in, (\\d+) out.*\\)$");
    private static final Pattern SERVER = Pattern.compile("(?:Hello from |sent to |\\(from )(10\\.1\\.1\\.\\d)");
    private static final Pattern TALLY = Pattern.compile(
            "^  ((?:TCP|UDP) [0-9.:]+ -> [0-9.]+) +(\\d+) +(\\d+) +(\\d+) +(\\d+) +(\\d+)$");

    private record Run(Demo demo, String out) {}

    private static Run run(String scheduler, int clients, long seed) {
        StringWriter text = new StringWriter();
        Demo demo = new Demo(new Demo.Options(clients, scheduler, seed, false), new PrintWriter(text));
        demo.run();
        return new Run(demo, text.toString());
    }

    /** Every real server's counters, keyed as the demo's tally: "TCP 203.1.1.10:8080 -> 10.1.1.1". */
    private static Map<String, Stats> directorCounters(Demo demo) {
        Map<String, Stats> m = new HashMap<>();
        for (Demo.Site site : List.of(demo.first(), demo.second())) {
            for (VirtualService s : site.director.services()) {
                for (RealServer r : s.realServers()) {
                    m.put(s.key().protocol().name() + " " + s.key().address().getHostAddress() + ":" + s.key().port()
                            + " -> " + r.address().getHostAddress(), r.stats());
                }
            }
        }
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"rr", "wlc", "sh", "mh", "lc"})
    void whatItPrintsMatchesTheDirectorsCounters(String scheduler) {
        Run r = run(scheduler, 16, 7);
        Map<String, Stats> counters = directorCounters(r.demo);

        // 1. the clients' tally table
        Map<String, long[]> tally = new HashMap<>();
        for (String line : r.out.split("\n")) {
            Matcher m = TALLY.matcher(line);
            if (m.matches()) {
                tally.put(m.group(1), new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                        Long.parseLong(m.group(4)), Long.parseLong(m.group(5)), Long.parseLong(m.group(6))});
            }
        }
        assertThat(tally).isNotEmpty();
        for (Map.Entry<String, Stats> e : counters.entrySet()) {
            Stats s = e.getValue();
            long[] t = tally.getOrDefault(e.getKey(), new long[5]);
            assertThat(t).as("%s: Conns InPkts OutPkts InBytes OutBytes", e.getKey())
                    .containsExactly(s.connections(), s.inPackets(), s.outPackets(), s.inBytes(), s.outBytes());
        }

        // 2. the per-connection lines add up to the same counters
        Map<String, long[]> lines = new HashMap<>();
        int answered = 0;
        int unanswered = 0;
        long dropped = 0;
        for (String line : r.out.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            if (m.group(5).startsWith("dropped by the director")) {
                unanswered++; // no real server: counted as a drop, not for a server
                dropped += Long.parseLong(m.group(6));
                continue;
            }
            Matcher server = SERVER.matcher(m.group(5));
            assertThat(server.find()).as("a real server named in '%s'", line).isTrue();
            String key = (m.group(4) == null ? "TCP " : "UDP ") + m.group(2) + ":" + m.group(3) + " -> " + server.group(1);
            long[] c = lines.computeIfAbsent(key, k -> new long[3]);
            c[0]++;
            c[1] += Long.parseLong(m.group(6));
            c[2] += Long.parseLong(m.group(7));
            if (m.group(5).startsWith("HTTP/1.0 200 OK") || m.group(5).startsWith("answer")) {
                answered++;
            } else {
                unanswered++;
            }
        }
        for (Map.Entry<String, Stats> e : counters.entrySet()) {
            Stats s = e.getValue();
            long[] c = lines.getOrDefault(e.getKey(), new long[3]);
            assertThat(c).as("%s from the lines: Conns InPkts OutPkts", e.getKey())
                    .containsExactly(s.connections(), s.inPackets(), s.outPackets());
        }
        assertThat(r.out).contains(answered + " requests answered, " + unanswered + " left without an answer");
        assertThat(r.demo.first().director.dropped() + r.demo.second().director.dropped())
                .as("packets the directors dropped").isEqualTo(dropped);

        // 3. the printed --stats listings are the directors' own
        for (Demo.Site site : List.of(r.demo.first(), r.demo.second())) {
            assertThat(r.out).contains("$ ipvsadm -L -n --stats\n" + site.ipvsadm.execute("-L -n --stats"));
            assertThat(r.out).contains("$ ipvsadm -L -n -c\n" + site.ipvsadm.execute("-L -n -c"));
        }
    }

    @Test
    void theDeadServerIsTakenOutAndTheRegularClientKeepsItsServer() {
        Run r = run("rr", 12, 1998);
        String[] parts = r.out.split("The operator takes " + Demo.DEAD_SERVER + " out", 2);
        assertThat(parts).as("the operator acted").hasSize(2);
        assertThat(parts[0]).contains(Demo.DEAD_SERVER + " crashes").contains("sent to 10.1.1.2: no answer to 3 SYNs");
        // after it is out, no client is sent to it any more
        assertThat(parts[1].split("\n# director 1")[0]).doesNotContain("from 10.1.1.2").doesNotContain("sent to 10.1.1.2");
        for (VirtualService s : r.demo.first().director.services()) {
            for (RealServer rs : s.realServers()) {
                assertThat(rs.weight()).isEqualTo(rs.address().getHostAddress().equals(Demo.DEAD_SERVER) ? 0 : 1);
            }
        }

        // the regular client's three visits: one server, one persistence template in the table
        Matcher m = Pattern.compile("The regular client 198\\.51\\.100\\.200 came 3 times and was served by "
                + "(10\\.1\\.1\\.\\d), \\1, \\1: the same server each time").matcher(r.out);
        assertThat(m.find()).as("persistence line in\n%s", r.out).isTrue();
        // ipvsadm -c shows a template with the client's port 0 and state NONE (ip_vs_conn.c, templates)
        List<String> templates = r.demo.second().ipvsadm.execute("-L -n -c").lines()
                .filter(l -> l.matches("TCP \\d\\d:\\d\\d  NONE +198\\.51\\.100\\.200:0 .*")).toList();
        assertThat(templates).hasSize(1);
        assertThat(templates.get(0)).endsWith(" " + m.group(1) + ":8080");
        assertThat(r.out).contains("HTTP/1.0 200 OK, \"Hello from " + m.group(1) + "\"");
    }

    @Test
    void theCommandRunsInUnderFiveSecondsAndRefusesBadOptions() {
        long start = System.nanoTime();
        Cli c = Cli.run("demo");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(c.exit()).isZero();
        assertThat(c.out()).startsWith("Two NAT directors").contains("# director 2 (203.1.1.11)");
        assertThat(millis).as("demo time").isLessThan(5000);

        Cli quiet = Cli.run("demo", "--quiet");
        assertThat(quiet.out()).startsWith("\n# director 1").doesNotContain("crashes");

        assertThat(Cli.run("demo", "--seed", "5").out()).isEqualTo(Cli.run("demo", "--seed", "5").out());

        Cli badScheduler = Cli.run("demo", "--scheduler", "fastest");
        assertThat(badScheduler.exit()).isEqualTo(2);
        assertThat(badScheduler.err()).contains("unknown scheduler 'fastest'");
        assertThat(Cli.run("demo", "--clients", "0").exit()).isEqualTo(2);
    }
}
