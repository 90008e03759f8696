package io.ippvs.api;

import java.util.Locale;

/**
 * The three scheduler flag bits of a service (ipvsadm {@code -b}). Their meaning depends on the
 * scheduler: for {@code sh} flag 1 is {@code sh-fallback} and flag 2 {@code sh-port}; for {@code mh}
 * they are {@code mh-fallback} and {@code mh-port}; other schedulers ignore them.
 */
public enum SchedulerFlag {
    FLAG_1("flag-1", "sh-fallback", "mh-fallback"),
    FLAG_2("flag-2", "sh-port", "mh-port"),
    FLAG_3("flag-3", "flag-3", "flag-3");

    private final String generic;
    private final String sh;
    private final String mh;

    SchedulerFlag(String generic, String sh, String mh) {
        this.generic = generic;
        this.sh = sh;
        this.mh = mh;
    }

    /** The name ipvsadm prints for this flag under {@code scheduler}. */
    public String nameFor(String scheduler) {
        if ("sh".equals(scheduler)) {
            return sh;
        }
        if ("mh".equals(scheduler)) {
            return mh;
        }
        return generic;
    }

    /**
     * The flag an ipvsadm {@code -b} word names ({@code flag-1}, {@code sh-port}, ...).
     *
     * @throws IllegalArgumentException naming the flag when it is unknown
     */
    public static SchedulerFlag parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (SchedulerFlag f : values()) {
            if (n.equals(f.generic) || n.equals(f.sh) || n.equals(f.mh)) {
                return f;
            }
        }
        throw new IllegalArgumentException("scheduler flag: unknown flag '" + name + "'");
    }
}
