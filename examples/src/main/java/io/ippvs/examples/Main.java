package io.ippvs.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code ippvs} command, the main class of {@code ippvs.jar}: one subcommand per way of running a
 * director. Usage errors exit with 2 (as ipvsadm's do), failures at run time with 1.
 *
 * <p>A subcommand is a {@code Callable<Integer>} listed below; options that later work adds to a
 * subcommand (threads, connection sync, health checks) go on that subcommand's class.
 */
@Command(name = "ippvs", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "The Linux Virtual Server director as a Java library, run from the command line.",
        subcommands = {HelpCommand.class, DemoCommand.class, PcapCommand.class, TunCommand.class,
                TunnelEndpointCommand.class, IpvsadmCommand.class, AutoComplete.GenerateCompletion.class})
public final class Main implements Runnable {

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a subcommand is needed (try 'ippvs help')");
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8));
        System.exit(execute(out, err, args));
    }

    /** Runs {@code ippvs args} with the given output and error streams; returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine();
        cl.setOut(out).setErr(err);
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The command with its subcommands, ready to execute. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        // ipvsadm's own options (-A, -t, -L, --stats, ...) are the subcommand's words, not picocli's
        cl.getSubcommands().get(IpvsadmCommand.NAME).setUnmatchedOptionsArePositionalParams(true);
        // the completion generator is a normal subcommand here, shown in the help
        cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
        return cl;
    }

    /** The project version, from {@code version.properties} (filled in by the build). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new String[] {"ippvs " + p.getProperty("version", "(unknown version)"),
                    "Java " + System.getProperty("java.version") + " " + System.getProperty("java.vm.name")};
        }
    }
}
