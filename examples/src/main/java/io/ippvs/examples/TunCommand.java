package io.ippvs.examples;

import io.ippvs.core.admin.Ipvsadm;
import io.ippvs.core.director.Director;
import io.ippvs.health.HealthConfig;
import io.ippvs.health.HealthMonitor;
import io.ippvs.health.KeepalivedConfig;
import io.ippvs.nat.NatRewriter;
import io.ippvs.tunnel.TunnelRewriter;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ippvs tun}: a NAT director on a Linux TUN device ({@link TunDirector}), with the stdin
 * command interface and an optional Prometheus endpoint.
 *
 * <p>How it is put together, so options added later find their place: {@link #directorBuilder} is
 * where director options go (threads, defences), {@link #startCompanions} where things that run
 * beside the packet loop start (health checks, the metrics server; a sync sender later),
 * each registered with {@link #companion} so it is closed, newest first, after the loop stops and
 * the listing is printed.
 */
@Command(name = "tun", mixinStandardHelpOptions = true,
        description = {"Runs a NAT director on a TUN device (root).",
                "The kernel routes the virtual addresses and the real servers' replies into the device; the director "
                        + "rewrites each packet and writes it back for the kernel to route on.",
                "Standard input takes ipvsadm command lines and 'counters'; 'quit' or the end of the input stops it. "
                        + "On SIGINT/SIGTERM it stops too. Either way it prints the listing and the counters."})
public final class TunCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--dev", paramLabel = "NAME", description = "TUN device (made if missing). Default: ${DEFAULT-VALUE}.")
    String dev = "tun0";

    @Option(names = "--rules", paramLabel = "FILE", description = "ipvsadm rules file (ipvsadm -S format), applied whole or not at all.")
    Path rules;

    @Option(names = "--mtu", paramLabel = "BYTES",
            description = "MTU of the links towards the real servers; bigger DF packets get fragmentation-needed from the VIP. "
                    + "Default: each real server's route MTU, learnt from the kernel (ip route get) and kept up to date.")
    Integer mtu;

    @Option(names = "--threads", paramLabel = "N",
            description = "Packet threads, one TUN queue each (IFF_MULTI_QUEUE; a persistent device must be made with multi_queue). "
                    + "Default: ${DEFAULT-VALUE}.")
    int threads = 1;

    @Option(names = "--no-offload",
            description = "Plain TUN packets (one MTU each, complete checksums) instead of IFF_VNET_HDR with checksum "
                    + "and segmentation offload.")
    boolean noOffload;

    @Option(names = "--tunnel-source", paramLabel = "ADDR",
            description = "Outer source address of tunnelled packets; enables real servers added with -i (VS/TUN).")
    String tunnelSource;

    @Option(names = "--no-commands", description = "Do not read commands from standard input; run until SIGINT/SIGTERM.")
    boolean noCommands;

    @Option(names = "--metrics", paramLabel = "HOST:PORT", converter = HostPort.class,
            description = "Serve the counters as Prometheus text at http://HOST:PORT/metrics (port 0: any free port).")
    InetSocketAddress metrics;

    @Option(names = "--check", paramLabel = "KEEPALIVED_CONF",
            description = "Run the health checks of this keepalived.conf's virtual_server blocks beside the director: "
                    + "they add their services and take failed real servers out and back. The 'health' command "
                    + "prints their Prometheus text (also appended to --metrics).")
    Path check;

    @Option(names = "--control", paramLabel = "FIFO",
            description = "Also read command lines from this named pipe (mkfifo), e.g. from keepalived's notify_master / "
                    + "notify_backup scripts switching the sync daemon's role; each command and its answer go to standard error.")
    Path control;

    private final Deque<AutoCloseable> companions = new ArrayDeque<>();
    private Director director;
    private HealthConfig checks;
    private HealthMonitor health;
    private RouteMtus routeMtus;
    private volatile TunDirector tunDirector;
    /** Open once {@link #tunDirector} serves: the control pipe's commands wait for it. */
    private final CountDownLatch started = new CountDownLatch(1);
    private boolean stopped;

    @Override
    public Integer call() throws Exception {
        NatRewriter nat;
        try {
            nat = NatRewriter.builder().defaultMtu(linkMtu()).build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--mtu: " + e.getMessage());
        }
        try {
            director = directorBuilder(nat).build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (threads < 1 || threads > 64) {
            throw new ParameterException(spec.commandLine(), "--threads: " + threads + " is outside 1..64");
        }
        PrintStream err = System.err;
        if (rules != null) {
            try {
                RulesFiles.restore(Ipvsadm.forDirector(director), rules);
            } catch (IllegalArgumentException | IOException e) {
                err.println("ippvs tun: " + e.getMessage()); // a RulesFileException names file and line
                return 1;
            }
        }
        if (check != null) {
            try {
                checks = KeepalivedConfig.parse(check);
            } catch (IllegalArgumentException | IOException e) {
                // a KeepalivedConfigException names file and line
                spec.commandLine().getErr().println("ippvs tun: " + e.getMessage());
                spec.commandLine().getErr().flush();
                return 1;
            }
        }
        ControlFifo fifo = null;
        if (control != null) {
            try {
                // before the device: keepalived tracking the device's carrier may call its notify script as soon as it opens
                fifo = ControlFifo.start(control, this::command, System.err);
            } catch (IOException e) {
                err.println("ippvs tun: " + e.getMessage());
                return 1;
            }
            companion(fifo);
        }
        TunDevice[] queues;
        try {
            queues = TunDevice.open(dev, threads, offloads(err), err);
        } catch (IOException e) {
            err.println("ippvs tun: " + e.getMessage());
            if (fifo != null) {
                fifo.close();
            }
            return 1;
        }
        if (mtu == null) {
            routeMtus = RouteMtus.forKernel(director, err);
            routeMtus.start(); // before the first packet: the rules' servers have their MTUs
            companion(routeMtus);
        }
        tunDirector = new TunDirector(queues, director, nat, System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "ippvs-tun-stop"));
        tunDirector.start();
        started.countDown();
        try {
            startCompanions(tunDirector);
        } catch (IOException e) {
            err.println("ippvs tun: " + e.getMessage());
            stop();
            return 1;
        }
        CommandLoop.ready(queues[0].name());
        if (noCommands) {
            tunDirector.awaitStopped();
        } else {
            CommandLoop.run(this::command);
            stop();
        }
        return 0;
    }

    /** The director's builder; director options of this command are applied here. */
    Director.Builder directorBuilder(NatRewriter nat) {
        Director.Builder b = Director.builder().rewriter(nat);
        if (tunnelSource != null) {
            b.rewriter(TunnelRewriter.builder().sourceAddress(NumericAddress.parse("--tunnel-source", tunnelSource))
                    .linkMtu(linkMtu()).build());
        }
        return b;
    }

    /** The MTU for real servers whose own is unknown: {@code --mtu}, else 1500 until a route says otherwise. */
    private int linkMtu() {
        return mtu == null ? 1500 : mtu;
    }

    /**
     * The {@code TUN_F_*} offloads to ask for. With {@code --tunnel-source} checksum offload only: a
     * super-packet a tunnel rewriter encapsulates needs {@code SKB_GSO_IPXIP4/6}, which virtio-net's
     * {@code gso_type} cannot say (the kernel's {@code ipip_gso_segment} refuses such a packet without
     * it), so the kernel is not to hand over super-packets at all.
     */
    private int offloads(PrintStream err) {
        if (noOffload) {
            return 0;
        }
        if (tunnelSource != null) {
            err.println("ippvs tun: --tunnel-source: asking for checksum offload only (virtio-net cannot carry "
                    + "tunnelled super-packets)");
            return TunDevice.TUN_F_CSUM;
        }
        return TunDevice.ALL_OFFLOADS;
    }

    /** Starts what runs beside the packet loop. */
    void startCompanions(TunDirector d) throws IOException {
        if (checks != null) {
            health = HealthMonitor.builder(director, checks).build();
            companion(health);
            health.start();
        }
        if (metrics != null) {
            MetricsServer server = MetricsServer.start(metrics,
                    () -> health == null ? d.metrics() : d.metrics() + health.prometheusText());
            companion(server);
            InetSocketAddress a = server.address();
            System.out.println("# metrics http://" + a.getHostString() + ":" + a.getPort() + "/metrics");
        }
    }

    /** One line of the command interface: {@code health}, or the director's own commands. */
    private String command(String line) throws InterruptedException {
        if (!started.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the director did not start");
        }
        if (line.equals("health")) {
            return health == null ? "no health checks (--check)\n" : health.prometheusText();
        }
        String answer = tunDirector.command(line);
        if (routeMtus != null && !line.equals("counters")) {
            routeMtus.refreshSoon(); // a real server may have been added
        }
        return answer;
    }

    /** Registers something to close once the director has stopped. */
    void companion(AutoCloseable c) {
        companions.push(c);
    }

    /** Stops the loop (printing the listing), then the companions; once, from whichever path ends first. */
    private synchronized void stop() {
        if (stopped || tunDirector == null) {
            return;
        }
        stopped = true;
        tunDirector.stop();
        while (!companions.isEmpty()) {
            try {
                companions.pop().close();
            } catch (Exception e) {
                System.err.println("ippvs tun: closing: " + e.getMessage());
            }
        }
    }
}
