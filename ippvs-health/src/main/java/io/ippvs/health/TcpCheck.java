package io.ippvs.health;

import java.net.Socket;

/**
 * keepalived's {@code TCP_CHECK} ({@code check_tcp.c}): up when a TCP connection to the target
 * completes within the timeout; the connection is closed at once. {@link HealthMonitor} runs it as
 * a non-blocking connect on its event loop ({@link EventLoop#connect}); {@link #check} is the same
 * probe, blocking, for direct use.
 */
final class TcpCheck implements HealthChecker {

    static final TcpCheck INSTANCE = new TcpCheck();

    private TcpCheck() {}

    @Override
    public String name() {
        return "TCP_CHECK";
    }

    @Override
    public CheckResult check(CheckTarget target) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(target.address(), target.timeoutMillis());
        }
        return CheckResult.up();
    }

    @Override
    public String toString() {
        return name();
    }
}
