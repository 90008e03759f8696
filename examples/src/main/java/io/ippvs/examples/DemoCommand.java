package io.ippvs.examples;

import io.ippvs.core.admin.Ipvsadm;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ippvs demo}: the 1998 cluster in-process ({@link Demo}); no root, no network. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The 1998 guide's cluster in-process: no root, no network.",
                "Two NAT directors (203.1.1.10 and 203.1.1.11, port 8080), six real servers, simulated clients "
                        + "exchanging real TCP and UDP packets through them; a real server dies half-way."})
public final class DemoCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--clients", paramLabel = "N", description = "Clients that come, one after another (1..500). Default: ${DEFAULT-VALUE}.")
    int clients = 12;

    @Option(names = "--scheduler", paramLabel = "NAME", description = "Scheduler of every service (rr, wrr, wlc, sh, mh, ...). Default: ${DEFAULT-VALUE}.")
    String scheduler = "rr";

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the clients' ports and sequence numbers. Default: ${DEFAULT-VALUE}.")
    long seed = 1998;

    @Option(names = "--quiet", description = "Print only the directors' listings at the end.")
    boolean quiet;

    @Override
    public Integer call() {
        if (clients < 1 || clients > 500) {
            throw new ParameterException(spec.commandLine(), "--clients: " + clients + " is not in 1..500");
        }
        if (!Ipvsadm.IPVS_SCHEDULERS.contains(scheduler)) {
            throw new ParameterException(spec.commandLine(), "--scheduler: unknown scheduler '" + scheduler
                    + "'; one of " + String.join(", ", new TreeSet<>(Ipvsadm.IPVS_SCHEDULERS)));
        }
        new Demo(new Demo.Options(clients, scheduler, seed, quiet), spec.commandLine().getOut()).run();
        return 0;
    }
}
