package io.ippvs.examples;

import io.ippvs.api.TunnelType;
import io.ippvs.tunnel.Decapsulator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ippvs tunnel-endpoint}: the real server's end of VS/TUN on a TUN device ({@link TunnelEndpoint}). */
@Command(name = "tunnel-endpoint", mixinStandardHelpOptions = true,
        description = {"The real server's end of VS/TUN on a TUN device (root), for kernels without ipip, fou or gre.",
                "Route the director's tunnel packets into the device; the client's packets come back out of it "
                        + "for the kernel to deliver to the virtual address (on lo). Standard input takes 'counters' "
                        + "and 'quit'; on the way out it prints the counters."})
public final class TunnelEndpointCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--dev", paramLabel = "NAME", description = "TUN device (made if missing). Default: ${DEFAULT-VALUE}.")
    String dev = "vstun0";

    @Option(names = "--local", required = true, paramLabel = "ADDR",
            description = "This real server's address, the tunnel packets' outer destination (repeatable).")
    List<String> local = new ArrayList<>();

    @Option(names = "--type", paramLabel = "TYPE", description = "Tunnel type: ipip, gue or gre (repeatable). Default: ipip.")
    List<String> types = new ArrayList<>();

    @Option(names = "--gue-port", paramLabel = "PORT", description = "UDP port of GUE, the servers' --tun-port (needed with --type gue).")
    Integer guePort;

    @Option(names = "--no-commands", description = "Do not read commands from standard input; run until SIGINT/SIGTERM.")
    boolean noCommands;

    private TunnelEndpoint endpoint;

    @Override
    public Integer call() throws Exception {
        Decapsulator.Builder b = Decapsulator.builder();
        try {
            for (String a : local) {
                b.localAddress(NumericAddress.parse("--local", a));
            }
            List<TunnelType> accepted = new ArrayList<>();
            for (String t : types.isEmpty() ? List.of("ipip") : types) {
                accepted.add(type(t));
            }
            b.accept(accepted.toArray(TunnelType[]::new));
            if (accepted.contains(TunnelType.GUE)) {
                if (guePort == null) {
                    throw new IllegalArgumentException("--gue-port: --type gue needs the GUE port (the servers' --tun-port)");
                }
                b.guePort(guePort);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Decapsulator decapsulator = b.build();
        TunDevice tun;
        try {
            tun = TunDevice.open(dev);
        } catch (IOException e) {
            System.err.println("ippvs tunnel-endpoint: " + e.getMessage());
            return 1;
        }
        endpoint = new TunnelEndpoint(tun, decapsulator, System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(endpoint::stop, "ippvs-tunnel-endpoint-stop"));
        endpoint.start();
        CommandLoop.ready(tun.name());
        if (noCommands) {
            endpoint.awaitStopped();
        } else {
            CommandLoop.run(endpoint::command);
            endpoint.stop();
        }
        return 0;
    }

    private static TunnelType type(String name) {
        for (TunnelType t : TunnelType.values()) {
            if (t.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("--type: '" + name + "' is not one of ipip, gue, gre");
    }
}
