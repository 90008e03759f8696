package io.ippvs.examples;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/** Runs {@code ippvs ...} in this JVM and keeps its exit code, output and error output. */
record Cli(int exit, String out, String err) {

    static Cli run(String... args) {
        return runWithInput("", args);
    }

    /** With {@code input} as standard input (what {@code ipvsadm -R} reads). */
    static synchronized Cli runWithInput(String input, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        InputStream stdin = System.in;
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        try {
            int exit = Main.execute(new PrintWriter(out), new PrintWriter(err), args);
            return new Cli(exit, out.toString(), err.toString());
        } finally {
            System.setIn(stdin);
        }
    }
}
