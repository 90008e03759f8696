package io.ippvs.examples.live;

import io.ippvs.examples.CommandLoop;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started inside a network namespace ({@code ip netns exec NS java ...}) and driven through a
 * {@link CommandLoop} on its standard input. Its standard output is read line by line on a thread of
 * its own; standard error goes to a log file the failure messages point to. Closing it closes the
 * pipe (the child quits at the end of its input), then terminates it if it does not go in time.
 */
final class NamespaceProcess implements AutoCloseable {

    private static final String END_OF_OUTPUT = "\u0000eof";

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final Path errorLog;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer transcript = new StringBuffer();

    private NamespaceProcess(String name, Process process, Path errorLog) {
        this.name = name;
        this.process = process;
        this.errorLog = errorLog;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readOutput, name + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code main} with {@code args} in {@code namespace}, on this JVM's class path. */
    static NamespaceProcess start(String namespace, String name, Path logDir, Class<?> main, String... args)
            throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // small, quick-starting children: several share two cores with the build
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx64m", "-XX:-UsePerfData",
                "-cp", classPath, main.getName()));
        command.addAll(List.of(args));
        Files.createDirectories(logDir);
        Path errorLog = logDir.resolve(name + ".err");
        Process p = new ProcessBuilder(command).redirectError(errorLog.toFile()).start();
        return new NamespaceProcess(name, p, errorLog);
    }

    private void readOutput() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                transcript.append(line).append('\n');
                lines.add(line);
            }
        } catch (IOException e) {
            transcript.append("(output lost: ").append(e).append(")\n");
        } finally {
            lines.add(END_OF_OUTPUT);
        }
    }

    /** Waits for the child's {@link CommandLoop#READY} line. */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String line; (line = next(deadline)) != null; ) {
            if (line.startsWith(CommandLoop.READY)) {
                return;
            }
        }
        throw failure("not ready within " + timeout);
    }

    /** Sends one command; returns its output lines, or fails with the child's error message. */
    List<String> call(String command, Duration timeout) throws IOException, InterruptedException {
        stdin.write(command + "\n");
        stdin.flush();
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> out = new ArrayList<>();
        for (String line; (line = next(deadline)) != null; ) {
            if (line.equals(CommandLoop.OK)) {
                return out;
            }
            if (line.startsWith(CommandLoop.ERROR)) {
                throw failure("'" + command + "' failed: " + line.substring(CommandLoop.ERROR.length()));
            }
            out.add(line);
        }
        throw failure("no answer to '" + command + "' within " + timeout);
    }

    /** Ends the input and waits for the child to exit; returns what it printed on the way out. */
    List<String> quit(Duration timeout) throws IOException, InterruptedException {
        stdin.close();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw failure("still running " + timeout + " after the end of its input");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> out = new ArrayList<>();
        for (String line; (line = next(deadline)) != null; ) {
            out.add(line);
        }
        return out;
    }

    /**
     * Sends SIG{@code name} ({@code ip netns exec} execs the JVM, so the process's pid is the JVM's) and
     * waits; returns what it printed. kill(1), since Process.destroy would also close our end of its output.
     */
    List<String> signal(String name, Duration timeout) throws IOException, InterruptedException {
        LiveTopology.run("kill", "-s", name, Long.toString(process.pid()));
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw failure("still running " + timeout + " after SIG" + name);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> out = new ArrayList<>();
        for (String line; (line = next(deadline)) != null; ) {
            out.add(line);
        }
        return out;
    }

    int exitValue() {
        return process.exitValue();
    }

    /** The next output line, or null at the end of the output or the deadline. */
    private String next(long deadline) throws InterruptedException {
        String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        return line == null || line.equals(END_OF_OUTPUT) ? null : line;
    }

    /** An error naming the child, with its output so far and the tail of its standard error. */
    AssertionError failure(String what) {
        String err;
        try {
            List<String> all = Files.readAllLines(errorLog);
            err = String.join("\n", all.subList(Math.max(0, all.size() - 20), all.size()));
        } catch (IOException e) {
            err = "(" + errorLog + " unreadable: " + e + ")";
        }
        return new AssertionError(name + ": " + what + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")")
                + "\n--- stdout\n" + transcript + "--- stderr (" + errorLog + ")\n" + err);
    }

    /** Quits the child if it still runs: end of input, then SIGTERM, then SIGKILL. */
    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // the child already went away
        }
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
