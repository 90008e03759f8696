package io.ippvs.examples.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The namespaces of {@code examples/live/setup.sh} under a prefix unique to this JVM
 * ({@code ippvs-live-PID}): a client, the director (with {@code tun0}) and three real servers, with
 * the addresses the script gives them. Every address exists only inside these namespaces.
 */
final class LiveTopology implements AutoCloseable {

    static final String VIP = "10.10.200.200";
    static final String CLIENT_ADDRESS = "10.10.1.2";
    static final int REAL_SERVERS = 3;

    private static final String PREFIX = "ippvs-live-";
    private static final Pattern OURS = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-.*");

    private final String prefix;

    private LiveTopology(String prefix) {
        this.prefix = prefix;
    }

    /** Why live tests cannot run here, or empty when they can. */
    static Optional<String> unavailable() {
        if (!System.getProperty("os.name").equals("Linux")) {
            return Optional.of("network namespaces and TUN devices are Linux only");
        }
        try {
            String status = Files.readString(Path.of("/proc/self/status"));
            Matcher uid = Pattern.compile("(?m)^Uid:\\s+(\\d+)").matcher(status);
            if (!uid.find() || !uid.group(1).equals("0")) {
                return Optional.of("not root: creating namespaces, veth pairs and TUN devices needs it");
            }
        } catch (IOException e) {
            return Optional.of("/proc/self/status unreadable: " + e.getMessage());
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            return Optional.of("/dev/net/tun does not exist (no tun module)");
        }
        String probe = PREFIX + ProcessHandle.current().pid() + "-probe";
        try {
            run("ip", "netns", "add", probe);
            run("ip", "netns", "del", probe);
        } catch (IOException e) {
            return Optional.of("cannot create a network namespace with ip(8): " + e.getMessage());
        }
        return Optional.empty();
    }

    /** Why one of {@code tools} cannot be had, or empty; installs those missing with apt-get (live tests run as root). */
    static Optional<String> tools(String... tools) {
        List<String> missing = new ArrayList<>();
        for (String tool : tools) {
            try {
                run("sh", "-c", "command -v " + tool);
            } catch (IOException e) {
                missing.add(tool);
            }
        }
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        try {
            List<String> install = new ArrayList<>(List.of("apt-get", "install", "-y"));
            install.addAll(missing);
            run("apt-get", "update");
            run(install.toArray(new String[0]));
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(missing + " missing and apt-get could not install them: " + e.getMessage());
        }
    }

    /** Deletes the namespaces of earlier runs whose JVM died before it could (never a live run's). */
    static void removeStale() throws IOException {
        for (String line : run("ip", "netns", "list").split("\n")) {
            Matcher m = OURS.matcher(line.split(" ")[0]);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                script("down", PREFIX + m.group(1));
            }
        }
    }

    /** Builds the topology; on failure removes whatever part of it was made. */
    static LiveTopology up() throws IOException {
        LiveTopology t = new LiveTopology(PREFIX + ProcessHandle.current().pid());
        try {
            script("up", t.prefix);
        } catch (IOException | RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    String client() {
        return prefix + "-client";
    }

    String director() {
        return prefix + "-director";
    }

    /** The namespace of real server {@code n} (1-based). */
    String realServer(int n) {
        return prefix + "-rs" + n;
    }

    /** The address of real server {@code n} (1-based). */
    static String realServerAddress(int n) {
        return "10.10.1" + n + ".2";
    }

    /** Makes real server {@code n} a VS/TUN real server for {@code ippvs tunnel-endpoint} ({@code setup.sh tunnel}). */
    void tunnel(int n) throws IOException {
        run("sh", Path.of(System.getProperty("basedir", ".")).resolve("live/setup.sh").toString(), "tunnel", prefix,
                Integer.toString(n));
    }

    /** The namespaces of this topology that exist now. */
    List<String> existing() throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : run("ip", "netns", "list").split("\n")) {
            String name = line.split(" ")[0];
            if (name.startsWith(prefix + "-")) {
                names.add(name);
            }
        }
        return names;
    }

    @Override
    public void close() throws IOException {
        script("down", prefix);
    }

    /**
     * The teardown every live test ends with: closes the topology and fails the test if any of its
     * namespaces is left behind.
     */
    void closeLeavingNothing() {
        try {
            close();
            assertThat(existing()).as("namespaces left behind").isEmpty();
        } catch (IOException e) {
            throw new AssertionError("teardown: " + e.getMessage(), e);
        }
    }

    private static void script(String action, String prefix) throws IOException {
        Path setup = Path.of(System.getProperty("basedir", ".")).resolve("live/setup.sh");
        run("sh", setup.toString(), action, prefix);
    }

    /** The number after {@code name} in a line of words such as a director's {@code counters}. */
    static long field(String line, String name) {
        String[] w = line.split(" ");
        for (int i = 0; i + 1 < w.length; i++) {
            if (w[i].equals(name)) {
                return Long.parseLong(w[i + 1]);
            }
        }
        throw new AssertionError("no " + name + " in '" + line + "'");
    }

    /** Conns, InPkts, OutPkts, InBytes, OutBytes of one TCP service from the director's {@code -L -n --stats --exact}. */
    static long[] stats(NamespaceProcess director, String service) throws Exception {
        for (String line : director.call("-L -n --stats --exact", java.time.Duration.ofSeconds(20))) {
            String[] w = line.trim().split("\\s+");
            if (w[0].equals("TCP") && w[1].equals(service)) {
                return new long[] {Long.parseLong(w[2]), Long.parseLong(w[3]), Long.parseLong(w[4]), Long.parseLong(w[5]),
                        Long.parseLong(w[6])};
            }
        }
        throw new AssertionError("no " + service + " in the listing of " + director);
    }

    /** Runs a command to completion; its output, or an IOException with its error output. */
    static String run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": timed out");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + ": exit " + p.exitValue() + ": " + out.strip());
            }
            return out;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", command) + ": interrupted", e);
        }
    }
}
