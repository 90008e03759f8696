package io.ippvs.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A line-per-command console on standard input: each line's output, then {@link #OK} or
 * {@link #ERROR} and the message, so a person can type commands and a program driving the process
 * through a pipe knows where each answer ends. Ends at {@code quit} or at the end of the input; a
 * driver that dies closes the pipe, so a child it started never outlives it.
 */
public final class CommandLoop {

    /** Printed once the process serves (device open, sockets bound). */
    public static final String READY = "# ready";
    /** Ends a command's output that succeeded. */
    public static final String OK = "# ok";
    /** Starts the line that ends a command's output that failed; the message follows. */
    public static final String ERROR = "# error: ";

    /** Runs one command line; returns what to print (may be empty). */
    @FunctionalInterface
    public interface Handler {
        String handle(String line) throws Exception;
    }

    private CommandLoop() {}

    /** Tells a driver on standard output that the process serves now. */
    public static void ready(String what) {
        System.out.println(READY + " " + what);
        System.out.flush();
    }

    /** Serves commands from standard input to standard output. */
    public static void run(Handler handler) throws IOException {
        run(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), System.out, handler);
    }

    /** Serves commands from {@code in} until {@code quit} or the end of the input. */
    public static void run(BufferedReader in, PrintStream out, Handler handler) throws IOException {
        for (String line; (line = in.readLine()) != null; ) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.equals("quit")) {
                return;
            }
            String result;
            try {
                result = handler.handle(line);
            } catch (Exception e) {
                out.println(ERROR + e.getMessage());
                out.flush();
                continue;
            }
            out.print(result);
            if (!result.isEmpty() && !result.endsWith("\n")) {
                out.println();
            }
            out.println(OK);
            out.flush();
        }
    }
}
