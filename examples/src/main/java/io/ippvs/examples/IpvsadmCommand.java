package io.ippvs.examples;

import io.ippvs.core.admin.Ipvsadm;
import io.ippvs.core.director.Director;
import io.ippvs.nat.NatRewriter;
import io.ippvs.tunnel.DirectRouteRewriter;
import io.ippvs.tunnel.TunnelRewriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ippvs ipvsadm}: the in-process ipvsadm on a director of its own, to check a rules file
 * offline. {@code ippvs ipvsadm -R < rules} applies the rules (all or nothing) and, since the
 * director ends with the process, lists them with {@code -L -n}; {@code ippvs ipvsadm --rules FILE
 * -L -n --stats} runs any one ipvsadm command on the rules' result; no command lists, as ipvsadm does.
 *
 * <p>Exit codes are ipvsadm's: 0, 2 for a command ipvsadm's parser refuses ({@code fail(2, ...)} in
 * ipvsadm.c), 255 for one the kernel would refuse ({@code process_options} returns -1 after
 * printing {@code ipvs_strerror}), with ipvsadm's message ("Service already exists", "No such
 * service", "Destination already exists", "No such destination") before ours.
 */
@Command(name = IpvsadmCommand.NAME,
        description = {"Checks a rules file offline: ipvsadm on an in-process director.",
                "  ippvs ipvsadm -R < rules             apply the rules on standard input, then list them (-L -n)",
                "  ippvs ipvsadm --rules FILE -L -n -c  apply FILE, then run one ipvsadm command",
                "Every ipvsadm option is passed through; ippvs ipvsadm -h prints ipvsadm's own usage."})
public final class IpvsadmCommand implements Callable<Integer> {

    static final String NAME = "ipvsadm";
    /** ipvsadm's exit status when the kernel refuses a command: process_options returns -1. */
    static final int KERNEL_ERROR = 255;
    static final int USAGE_ERROR = 2;

    /** The library's messages for what the kernel refuses, and ipvsadm's text for each (libipvs ipvs_strerror). */
    private static final List<KernelError> KERNEL_ERRORS = List.of(
            new KernelError("service: .* already exists", "Service already exists"),
            new KernelError("service: .* does not exist", "No such service"),
            new KernelError("realServer: .* is already in ", "Destination already exists"),
            new KernelError("realServer: .* is not in ", "No such destination"));

    private record KernelError(Pattern library, String ipvsadm) {
        KernelError(String library, String ipvsadm) {
            this(Pattern.compile(library), ipvsadm);
        }
    }

    @Spec
    private CommandSpec spec;

    @Option(names = "--rules", paramLabel = "FILE", description = "ipvsadm rules file applied first (repeatable).")
    List<Path> rules = new ArrayList<>();

    @Parameters(paramLabel = "IPVSADM-ARGS", arity = "0..*", description = "One ipvsadm command; none: -L -n.")
    List<String> words = new ArrayList<>();

    private final InputStream stdin;

    public IpvsadmCommand() {
        this(System.in);
    }

    IpvsadmCommand(InputStream stdin) {
        this.stdin = stdin;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // every forwarding method has its rewriter, so -m, -i and -g servers are accepted as a kernel would
        Director director = Director.builder()
                .rewriter(NatRewriter.builder().build())
                .rewriter(TunnelRewriter.builder().sourceAddress(InetAddress.getByName("192.0.2.1")).build())
                .rewriter(DirectRouteRewriter.builder().build())
                .build();
        Ipvsadm ipvsadm = Ipvsadm.forDirector(director);
        try {
            for (Path file : rules) {
                RulesFiles.restore(ipvsadm, file);
            }
            if (words.isEmpty()) {
                out.print(ipvsadm.execute("-L -n"));
            } else if (words.size() == 1 && (words.get(0).equals("-R") || words.get(0).equals("--restore"))) {
                ipvsadm.restore("<stdin>", new String(stdin.readAllBytes(), StandardCharsets.UTF_8));
                out.print(ipvsadm.execute("-L -n"));
            } else {
                out.print(ipvsadm.execute(words));
            }
            return 0;
        } catch (IllegalArgumentException e) {
            return fail(err, e.getMessage());
        } catch (IOException e) {
            err.println("ippvs ipvsadm: " + e.getMessage());
            return 1;
        }
    }

    /** Prints ipvsadm's message (and ours, which names the file, line and field) and returns its exit code. */
    static int fail(PrintWriter err, String message) {
        for (KernelError k : KERNEL_ERRORS) {
            if (k.library.matcher(message).find()) {
                err.println(k.ipvsadm + " (" + message + ")");
                return KERNEL_ERROR;
            }
        }
        err.println(message);
        return USAGE_ERROR;
    }
}
