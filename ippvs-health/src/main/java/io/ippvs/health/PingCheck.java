package io.ippvs.health;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * keepalived's {@code PING_CHECK} ({@code check_ping.c}): up when the server answers an ICMP echo
 * within the timeout. The JDK sends ICMP echoes only where the process may open raw ICMP sockets
 * (CAP_NET_RAW); elsewhere {@link java.net.InetAddress#isReachable} silently falls back to a TCP
 * connection to port 7, which is not a ping, so {@link HealthMonitor#start()} refuses a PING_CHECK
 * where {@link #icmpAvailable()} is false.
 */
final class PingCheck implements HealthChecker {

    static final PingCheck INSTANCE = new PingCheck();
    /** CAP_NET_RAW's bit in the capability sets of /proc/self/status. */
    private static final int CAP_NET_RAW = 13;

    private PingCheck() {}

    @Override
    public String name() {
        return "PING_CHECK";
    }

    @Override
    public CheckResult check(CheckTarget target) throws Exception {
        return target.address().getAddress().isReachable(target.timeoutMillis())
                ? CheckResult.up() : CheckResult.down("no ICMP echo reply");
    }

    @Override
    public boolean needsPort() {
        return false;
    }

    /** Whether this process holds CAP_NET_RAW (Linux), so the JDK's isReachable sends real ICMP echoes. */
    static boolean icmpAvailable() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    return (caps & (1L << CAP_NET_RAW)) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }

    @Override
    public String toString() {
        return name();
    }
}
