package io.ippvs.core.admin;

import io.ippvs.api.Configuration;
import io.ippvs.api.VirtualService;
import io.ippvs.core.director.Director;
import io.ippvs.core.sched.Schedulers;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * ipvsadm inside the JVM: runs ipvsadm command lines against an {@link IpvsadmTarget} (a director) and
 * returns what ipvsadm 1.31 would print.
 *
 * <pre>{@code
 * Ipvsadm ipvsadm = Ipvsadm.builder(target).build();
 * ipvsadm.execute("-A -t 10.0.0.1:80 -s rr");
 * ipvsadm.execute("-a -t 10.0.0.1:80 -r 192.168.1.10:80 -m -w 2");
 * String listing = ipvsadm.execute("-L -n");
 * }</pre>
 *
 * <p>Commands: {@code -A -E -D -C -a -e -d -R -S -L/-l -Z --set} with ipvsadm's options and long
 * aliases. Two extensions of our own, which ipvsadm 1.31 rejects: the 1998 ippfvsadm 0.5 form
 * {@code -A -t VIP:PORT -R RIP:PORT} (add a masqueraded server, creating the service on first use;
 * {@code -D ... -R RIP:PORT} removes it), kept so old scripts run; and {@code -S --ippvs-full}, which
 * adds the {@code --set} line and thresholds ipvsadm's {@code -S} does not write. A configuration command is applied to
 * a copy of the configuration and installed in one {@link IpvsadmTarget#configure} call, so it applies
 * whole or not at all; {@code -R} and {@link #restore} do the same for a whole rules text. Every error of
 * {@link #execute} is an {@link IpvsadmException} whose message starts with the option or field at fault
 * and which carries ipvsadm's own text and exit status; a rules text fails with a
 * {@link RulesFileException} naming the line.
 *
 * <p>Thread-safe: commands are serialised so two concurrent edits never lose one another.
 */
public final class Ipvsadm {

    /** The schedulers Linux IPVS ships; the default set of names {@code -s} accepts. */
    public static final Set<String> IPVS_SCHEDULERS =
            Set.of("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos");

    private static final String USAGE = String.join("\n",
            "Commands (ipvsadm 1.31):",
            "  -A|-E -t|-u|--sctp-service addr:port | -f mark [-6] [-s sched] [-b flags] [-p [secs]] [-M mask] [-o]",
            "  -D -t|-u|--sctp-service addr:port | -f mark [-6]",
            "  -C                                   remove every service",
            "  -a|-e service -r server[:port] [-g|-i|-m] [-w weight] [-x upper] [-y lower]",
            "        [--tun-type ipip|gue|gre] [--tun-port port] [--tun-nocsum|--tun-csum|--tun-remcsum]",
            "  -d service -r server[:port]",
            "  -R                                   apply the rules on the input, all or none",
            "  -S [-n] [--ippvs-full]               print the rules -R reads back; --ippvs-full (ours) adds --set",
            "                                       and thresholds, which ipvsadm 1.31 does not write",
            "  -L|-l [-n] [service | -c | --timeout | --daemon]",
            "        [--stats|--rate|--thresholds|--persistent-conn|--tun-info] [--exact] [--nosort]",
            "  -Z [service]                         zero the counters",
            "  --set tcp tcpfin udp                 connection timeouts in seconds, 0 keeps one",
            "  -A|-D -t vip:port -R rip:port        the 1998 ippfvsadm 0.5 form: add (remove) a masqueraded server;",
            "                                       an ippvs extension, ipvsadm 1.31 rejects it",
            "Long names: --add-service --edit-service --delete-service --clear --add-server --edit-server",
            "  --delete-server --restore --save --list --zero --tcp-service --udp-service --fwmark-service",
            "  --ipv6 --scheduler --sched-flags --persistent --netmask --ops --real-server --gatewaying --ipip",
            "  --masquerading --weight --u-threshold --l-threshold --numeric --connection",
            "");

    private final IpvsadmTarget target;
    private final HostResolver resolver;
    private final int tableSize;
    private final CommandParser parser;

    private Ipvsadm(Builder b) {
        this.target = b.target;
        this.resolver = b.resolver;
        this.tableSize = b.tableSize;
        this.parser = new CommandParser(b.resolver, b.schedulers);
    }

    /**
     * An interpreter over {@code director}: numeric addresses only, {@code -s} names known to
     * {@link Schedulers}. For schedulers registered only on the director's builder, use
     * {@code builder(target(director)).schedulers(...)}.
     */
    public static Ipvsadm forDirector(Director director) {
        return builder(target(director)).schedulers(Schedulers::exists).build();
    }

    /** {@code director} as an {@link IpvsadmTarget}. */
    public static IpvsadmTarget target(Director director) {
        return new DirectorTarget(director);
    }

    /** A builder for an interpreter over {@code target}: numeric addresses only, IPVS's schedulers. */
    public static Builder builder(IpvsadmTarget target) {
        return new Builder(target);
    }

    /**
     * Runs one command line (ipvsadm's arguments, optionally after the word {@code ipvsadm}).
     *
     * @return what ipvsadm prints: a listing, the saved rules, or the empty string
     * @throws IllegalArgumentException naming what is wrong; the configuration is then unchanged
     */
    public String execute(String commandLine) {
        return execute(commandLine, "");
    }

    /**
     * Runs one command line; {@code input} is what {@code -R} reads (ipvsadm's standard input).
     *
     * @throws IllegalArgumentException naming what is wrong; the configuration is then unchanged
     */
    public String execute(String commandLine, String input) {
        if (commandLine == null) {
            throw new IllegalArgumentException("command line: must not be null");
        }
        return run(parse(() -> parser.parse(commandLine)), input == null ? "" : input);
    }

    /** Runs one command given as words, as a shell would pass them. */
    public String execute(List<String> words) {
        if (words == null || words.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("command line: words must not be null");
        }
        return run(parse(() -> parser.parse(words)), "");
    }

    /** Parse errors carry ipvsadm's exit status 2, and its text where one fits the field at fault. */
    private static Command parse(java.util.function.Supplier<Command> parse) {
        try {
            return parse.get();
        } catch (IpvsadmException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new IpvsadmException(e, IpvsadmTexts.forParseError(e.getMessage()));
        }
    }

    /**
     * Applies a whole rules text on top of the current configuration, or nothing of it.
     *
     * @param name the file name errors report
     * @throws RulesFileException naming the file, line and problem
     */
    public synchronized void restore(String name, String rules) {
        if (rules == null) {
            throw new IllegalArgumentException("rules: must not be null");
        }
        Configuration next = RulesFile.parse(name, rules, parser).applyTo(target.configuration());
        target.configure(next);
    }

    /**
     * {@code ipvsadm -S -n}: ipvsadm 1.31's rules, which leave out thresholds and timeouts; use
     * {@code execute("-S -n --ippvs-full")} for a text that restores everything.
     */
    public String save() {
        return execute("-S -n");
    }

    /** The counters as Prometheus text; see {@link PrometheusText}. */
    public String metrics() {
        return PrometheusText.format(target.services(), target.totals(), target::drops);
    }

    private synchronized String run(Command c, String input) {
        if (c.kind.changesConfiguration()) {
            target.configure(c.applyTo(target.configuration()));
            return "";
        }
        switch (c.kind) {
            case RESTORE:
                restore("<stdin>", input);
                return "";
            case SAVE:
                return Listing.save(target.configuration(), c.list.numeric(), c.list.full(), resolver);
            case HELP:
                return USAGE;
            case VERSION:
                return "ipvsadm 1.31 commands and listings, by ippvs (IPVS " + Listing.IPVS_VERSION + ")\n";
            case ZERO:
                if (c.key == null) {
                    target.zeroCounters();
                } else {
                    existing(c, IpvsadmException.REJECTED);
                    target.zeroCounters(c.key);
                }
                return "";
            default:
                return list(c);
        }
    }

    private String list(Command c) {
        ListOptions o = c.list;
        if (o.timeout()) {
            return Listing.timeouts(target.configuration());
        }
        if (o.daemon()) {
            return ""; // no sync daemon runs inside the library
        }
        if (o.connections()) {
            return Listing.connections(target.connections(), o, resolver);
        }
        if (c.key != null) {
            return Listing.one(existing(c, IpvsadmException.LIST_FAILED), o, resolver);
        }
        return Listing.all(target.services(), o, resolver, tableSize);
    }

    /** The service {@code -Z}/{@code -L} names; libipvs says "No such service" (ESRCH) otherwise. */
    private VirtualService existing(Command c, int exitStatus) {
        for (VirtualService s : target.services()) {
            if (s.key().equals(c.key)) {
                return s;
            }
        }
        throw new IpvsadmException("service", "No such service", c.key.toString(), exitStatus);
    }

    /** Builds an {@link Ipvsadm}. */
    public static final class Builder {
        private final IpvsadmTarget target;
        private HostResolver resolver = HostResolver.NUMERIC_ONLY;
        private Predicate<String> schedulers = IPVS_SCHEDULERS::contains;
        private int tableSize = 4096;

        private Builder(IpvsadmTarget target) {
            if (target == null) {
                throw new IllegalArgumentException("target: must not be null");
            }
            this.target = target;
        }

        /**
         * How host and service names are treated; {@link HostResolver#NUMERIC_ONLY} (the default) rejects
         * names in commands and prints numbers in listings.
         */
        public Builder hostResolver(HostResolver resolver) {
            if (resolver == null) {
                throw new IllegalArgumentException("hostResolver: must not be null");
            }
            this.resolver = resolver;
            return this;
        }

        /** Which {@code -s} names are accepted (e.g. to add application schedulers); IPVS's by default. */
        public Builder schedulers(Predicate<String> known) {
            if (known == null) {
                throw new IllegalArgumentException("schedulers: must not be null");
            }
            this.schedulers = known;
            return this;
        }

        /** The {@code size=} ipvsadm shows in its first line (the kernel's connection hash size, 4096). */
        public Builder tableSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("tableSize: " + size + " must be positive");
            }
            this.tableSize = size;
            return this;
        }

        /** The interpreter. */
        public Ipvsadm build() {
            return new Ipvsadm(this);
        }
    }
}
