package io.ippvs.examples;

import io.ippvs.core.admin.Ipvsadm;
import io.ippvs.core.admin.IpvsadmException;
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
 * <p>Errors are ipvsadm's ({@link IpvsadmException}): its line on stderr ("Service already exists",
 * "No such service", ...), then ours naming the file, line and field, and its exit status: 2 for
 * what its parser refuses, 255 for what the kernel would refuse, 1 for listing a service that does
 * not exist.
 */
@Command(name = IpvsadmCommand.NAME,
        description = {"Checks a rules file offline: ipvsadm on an in-process director.",
                "  ippvs ipvsadm -R < rules             apply the rules on standard input, then list them (-L -n)",
                "  ippvs ipvsadm --rules FILE -L -n -c  apply FILE, then run one ipvsadm command",
                "Every ipvsadm option is passed through; ippvs ipvsadm -h prints ipvsadm's own usage."})
public final class IpvsadmCommand implements Callable<Integer> {

    static final String NAME = "ipvsadm";

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
            return fail(err, e);
        } catch (IOException e) {
            err.println("ippvs ipvsadm: " + e.getMessage());
            return 1;
        }
    }

    /**
     * Prints ipvsadm's line for the error, then ours (which names the file, line and field), and
     * returns ipvsadm's exit status; an error ipvsadm has no text for is a usage error, as its
     * parser's are.
     */
    static int fail(PrintWriter err, IllegalArgumentException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IpvsadmException ipvsadm) {
                err.println(ipvsadm.ipvsadmMessage());
                err.println("ippvs ipvsadm: " + e.getMessage());
                return ipvsadm.exitStatus();
            }
        }
        err.println("ippvs ipvsadm: " + e.getMessage());
        return IpvsadmException.USAGE;
    }
}
