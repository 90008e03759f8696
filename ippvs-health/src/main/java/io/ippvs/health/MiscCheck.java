package io.ippvs.health;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * keepalived's {@code MISC_CHECK} ({@code check_misc.c misc_check_child_thread}): runs a program and
 * reads its exit code. 0 is up; with {@code misc_dynamic}, 2..255 are up too, with weight
 * {@code code - 2}; anything else (1 in particular) is down. A program still running after
 * {@code misc_timeout} (default: the check's {@code delay_loop}, as keepalived) gets SIGTERM, then
 * SIGKILL two seconds later with its descendants, and counts as a failure. Its default
 * {@code retry} is keepalived's 0.
 */
public final class MiscCheck implements HealthChecker {

    /** How long a terminated program has to exit before it is killed (keepalived's 2 s). */
    private static final long KILL_AFTER_MILLIS = 2000;

    private final List<String> command;
    private final Duration timeout;
    private final boolean dynamic;

    private MiscCheck(List<String> command, Duration timeout, boolean dynamic) {
        this.command = command;
        this.timeout = timeout;
        this.dynamic = dynamic;
    }

    /**
     * @param command the program and its arguments ({@code misc_path})
     * @param timeout {@code misc_timeout}; {@code null} = the check's {@code delay_loop}
     * @param dynamic {@code misc_dynamic}
     * @throws IllegalArgumentException naming {@code misc_path} or {@code misc_timeout}
     */
    public static MiscCheck of(List<String> command, Duration timeout, boolean dynamic) {
        if (command == null || command.isEmpty() || command.get(0).isBlank()) {
            throw new IllegalArgumentException("misc_path: a program to run is needed");
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("misc_timeout: " + timeout + " must be a positive duration");
        }
        return new MiscCheck(List.copyOf(command), timeout, dynamic);
    }

    public List<String> command() {
        return command;
    }

    /** {@code misc_timeout}, or {@code null} for the check's delay_loop. */
    public Duration miscTimeout() {
        return timeout;
    }

    public boolean dynamic() {
        return dynamic;
    }

    @Override
    public String name() {
        return "MISC_CHECK";
    }

    @Override
    public CheckResult check(CheckTarget target) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!p.waitFor(target.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroy();
                if (!p.waitFor(KILL_AFTER_MILLIS, TimeUnit.MILLISECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
                return CheckResult.down("timed out after " + target.timeout());
            }
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw e;
        }
        return result(p.exitValue(), dynamic);
    }

    /** The meaning of an exit code. */
    static CheckResult result(int code, boolean dynamic) {
        if (code == 0) {
            return CheckResult.up();
        }
        if (dynamic && code >= 2 && code <= 255) {
            return CheckResult.up(code - 2);
        }
        return CheckResult.down("exited with status " + code);
    }

    @Override
    public int defaultRetry() {
        return 0;
    }

    @Override
    public Duration timeout(CheckConfig check) {
        return timeout != null ? timeout : check.delayLoop();
    }

    @Override
    public boolean needsPort() {
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MiscCheck m && command.equals(m.command) && Objects.equals(timeout, m.timeout) && dynamic == m.dynamic;
    }

    @Override
    public int hashCode() {
        return Objects.hash(command, timeout, dynamic);
    }

    @Override
    public String toString() {
        return name() + " " + command + (timeout == null ? "" : " misc_timeout " + timeout) + (dynamic ? " misc_dynamic" : "");
    }
}
