package io.ippvs.core.sched;

import io.ippvs.api.Scheduler;
import io.ippvs.api.SchedulerConfig;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Stream;

/**
 * The schedulers IPVS offers, by their ipvsadm names, and a registry where an application adds its
 * own.
 *
 * <p>Every built-in scheduler chooses exactly as the Linux kernel's {@code ip_vs_<name>.c} does:
 * {@code rr}, {@code wrr}, {@code lc}, {@code wlc} (the default), {@code sed}, {@code nq}, {@code fo},
 * {@code ovf}, {@code twos}, {@code sh}, {@code dh}, {@code mh}, {@code lblc} and {@code lblcr}. Each
 * {@link Scheduler.Factory} makes one scheduler per virtual service; a scheduler's {@code schedule}
 * allocates nothing and may run on many threads at once, concurrently with {@code update}.
 *
 * <p>This class is thread-safe.
 */
public final class Schedulers {

    /** The name of the scheduler a service gets when none is given, as in ipvsadm. */
    public static final String DEFAULT = "wlc";

    private static final List<String> BUILT_IN =
            List.of("rr", "wrr", "lc", "wlc", "sed", "nq", "fo", "ovf", "twos", "sh", "dh", "mh", "lblc", "lblcr");

    private static final ConcurrentMap<String, Scheduler.Factory> REGISTRY = new ConcurrentHashMap<>();

    static {
        REGISTRY.put("rr", roundRobin());
        REGISTRY.put("wrr", weightedRoundRobin());
        REGISTRY.put("lc", leastConnection());
        REGISTRY.put("wlc", weightedLeastConnection());
        REGISTRY.put("sed", shortestExpectedDelay());
        REGISTRY.put("nq", neverQueue());
        REGISTRY.put("fo", weightedFailover());
        REGISTRY.put("ovf", weightedOverflow());
        REGISTRY.put("twos", powerOfTwoChoices());
        REGISTRY.put("sh", sourceHashing());
        REGISTRY.put("dh", destinationHashing());
        REGISTRY.put("mh", maglevHashing());
        REGISTRY.put("lblc", localityBasedLeastConnection());
        REGISTRY.put("lblcr", localityBasedLeastConnectionWithReplication());
    }

    private Schedulers() {}

    /**
     * The factory registered under {@code name} (ipvsadm's {@code -s} word, case-insensitive).
     *
     * @throws IllegalArgumentException starting with {@code "scheduler: "} when no scheduler has that name
     */
    public static Scheduler.Factory byName(String name) {
        Scheduler.Factory f = name == null ? null : REGISTRY.get(name.toLowerCase(Locale.ROOT));
        if (f == null) {
            throw new IllegalArgumentException("scheduler: unknown scheduler '" + name + "'");
        }
        return f;
    }

    /** Whether a scheduler is registered under {@code name} (case-insensitive). */
    public static boolean exists(String name) {
        return name != null && REGISTRY.containsKey(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Registers an application scheduler under a new name, usable from then on wherever a scheduler
     * name is accepted (services, ipvsadm commands). The factory is called once per service.
     *
     * @param name lower-case letters, digits, '-' or '_', 1 to 15 characters (IPVS's limit)
     * @throws IllegalArgumentException starting with {@code "scheduler: "} when the name is malformed
     *     or taken, or the factory is null
     */
    public static void register(String name, Scheduler.Factory factory) {
        if (name == null || !name.matches("[a-z0-9_-]{1,15}")) {
            throw new IllegalArgumentException("scheduler: name '" + name
                    + "' must be 1 to 15 lower-case letters, digits, '-' or '_'");
        }
        if (factory == null) {
            throw new IllegalArgumentException("scheduler: factory for '" + name + "' must not be null");
        }
        if (REGISTRY.putIfAbsent(name, factory) != null) {
            throw new IllegalArgumentException("scheduler: '" + name + "' is already registered");
        }
    }

    /** Every registered name: the built-in ones in ipvsadm's order, then the application's, sorted. */
    public static List<String> names() {
        List<String> extra = REGISTRY.keySet().stream().filter(n -> !BUILT_IN.contains(n)).sorted().toList();
        return Stream.concat(BUILT_IN.stream(), extra.stream()).toList();
    }

    /** Round robin ({@code rr}): servers in turn, skipping quiesced and overloaded ones. */
    public static Scheduler.Factory roundRobin() {
        return config -> new RoundRobin();
    }

    /** Weighted round robin ({@code wrr}): servers in turn, each in proportion to its weight. */
    public static Scheduler.Factory weightedRoundRobin() {
        return config -> new WeightedRoundRobin();
    }

    /** Least connection ({@code lc}): the server with the fewest connections, active ones weighing 256. */
    public static Scheduler.Factory leastConnection() {
        return config -> new LeastConnection();
    }

    /** Weighted least connection ({@code wlc}), the default: least connections per unit of weight. */
    public static Scheduler.Factory weightedLeastConnection() {
        return config -> new WeightedLeastConnection();
    }

    /** Shortest expected delay ({@code sed}): least (active connections + 1) per unit of weight. */
    public static Scheduler.Factory shortestExpectedDelay() {
        return config -> new ShortestExpectedDelay();
    }

    /** Never queue ({@code nq}): an idle server if there is one, otherwise shortest expected delay. */
    public static Scheduler.Factory neverQueue() {
        return config -> new NeverQueue();
    }

    /** Weighted failover ({@code fo}): always the usable server with the highest weight. */
    public static Scheduler.Factory weightedFailover() {
        return config -> new WeightedFailover();
    }

    /**
     * Weighted overflow ({@code ovf}): the usable server with the highest weight whose active
     * connections do not exceed its weight.
     */
    public static Scheduler.Factory weightedOverflow() {
        return config -> new WeightedOverflow();
    }

    /**
     * Power of two choices ({@code twos}): the less loaded of two weighted random picks, drawn from
     * {@link SchedulerConfig#random()} (a thread-local source when null).
     */
    public static Scheduler.Factory powerOfTwoChoices() {
        return config -> new PowerOfTwoChoices(orDefault(config).random());
    }

    /**
     * Source hashing ({@code sh}): a static weighted table indexed by the client address (and port with
     * {@code sh-port}); {@code sh-fallback} probes on when the server is unusable.
     */
    public static Scheduler.Factory sourceHashing() {
        return config -> new SourceHashing(orDefault(config));
    }

    /** Destination hashing ({@code dh}): a static table indexed by the packet's destination address. */
    public static Scheduler.Factory destinationHashing() {
        return config -> new DestinationHashing(orDefault(config));
    }

    /**
     * Maglev hashing ({@code mh}): consistent hashing of the client address (and port with
     * {@code mh-port}) over a prime table of {@link SchedulerConfig#mhTableSize()} slots;
     * {@code mh-fallback} rehashes when the server is unusable.
     */
    public static Scheduler.Factory maglevHashing() {
        return config -> new MaglevHashing(orDefault(config));
    }

    /**
     * Locality-based least connection ({@code lblc}): each destination address sticks to one server
     * until it is overloaded.
     */
    public static Scheduler.Factory localityBasedLeastConnection() {
        return config -> new LocalityBasedLeastConnection(System::nanoTime);
    }

    /**
     * Locality-based least connection with replication ({@code lblcr}): each destination address maps
     * to a set of servers that grows when its members are overloaded.
     */
    public static Scheduler.Factory localityBasedLeastConnectionWithReplication() {
        return config -> new LocalityBasedLeastConnectionReplication(System::nanoTime);
    }

    private static SchedulerConfig orDefault(SchedulerConfig config) {
        return config != null ? config : SchedulerConfig.DEFAULT;
    }
}
