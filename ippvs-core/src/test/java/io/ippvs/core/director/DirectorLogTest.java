package io.ippvs.core.director;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.Configuration;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Protocol;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** What the director logs: configuration changes and the table / defence transitions of a sweep. */
class DirectorLogTest {

    private final ServiceKey http = DirectorTest.key(Protocol.TCP, "10.0.0.1", 80);

    @Test
    void oneLinePerChange() {
        Configuration a = Configuration.EMPTY.withService(ServiceConfig.builder(http).scheduler("rr").build())
                .withRealServer(http, DirectorTest.server("192.168.1.10", 8080, ForwardingMethod.MASQUERADE))
                .withRealServer(http, DirectorTest.server("192.168.1.11", 8080, ForwardingMethod.MASQUERADE));
        // servers are listed in the service's list order, newest first (__ip_vs_update_dest's list_add_rcu)
        assertThat(DirectorLog.changes(Configuration.EMPTY, a)).containsExactly(
                "added service TCP 10.0.0.1:80 rr",
                "added real server 192.168.1.11:8080 Masq w1 to TCP 10.0.0.1:80",
                "added real server 192.168.1.10:8080 Masq w1 to TCP 10.0.0.1:80");
        Configuration b = a.withEditedService(ServiceConfig.builder(http).scheduler("wlc").build())
                .withEditedRealServer(http, DirectorTest.server("192.168.1.10", 8080, ForwardingMethod.MASQUERADE)
                        .toBuilder().weight(0).build())
                .withoutRealServer(http, DirectorTest.server("192.168.1.11", 8080, ForwardingMethod.MASQUERADE))
                .withTimeouts(0, 0, 60);
        assertThat(DirectorLog.changes(a, b)).containsExactly(
                "edited service TCP 10.0.0.1:80 wlc",
                "removed real server 192.168.1.11:8080 Masq w1 from TCP 10.0.0.1:80",
                "edited real server 192.168.1.10:8080 Masq w0 of TCP 10.0.0.1:80",
                "timeouts tcp 0 tcpfin 0 udp 60 (0 = the default)");
        assertThat(DirectorLog.changes(b, b.withoutServices())).containsExactly("removed service TCP 10.0.0.1:80");
        assertThat(DirectorLog.changes(b, b)).isEmpty();
    }

    @Test
    void aFullTableAndTheDefencesAreLoggedWhenTheyChangeNotOnEverySweep() {
        List<String> lines = new ArrayList<>();
        DirectorLog log = new DirectorLog(new ListLogger(lines));
        log.swept(10, 100, 0, false, false); // quiet
        log.swept(100, 100, 8, true, false); // full: 8 new connections dropped
        log.swept(100, 100, 8, true, true); // still full, no new drop: only drop_entry is news
        log.swept(100, 100, 20, true, true); // more drops while full: nothing new
        log.swept(100, 100, 20, true, true); // no drop, but no room either
        log.swept(40, 100, 20, false, false); // room again, defences stand down
        log.swept(40, 100, 20, false, false);
        assertThat(lines).containsExactly(
                "WARN connection table full (100 of 100 entries): 8 new connections dropped since the last sweep",
                "WARN defence secure_tcp engaged (100 of 100 entries)",
                "WARN defence drop_entry engaged (100 of 100 entries)",
                "INFO connection table has room again (40 of 100 entries)",
                "INFO defence secure_tcp stood down (40 of 100 entries)",
                "INFO defence drop_entry stood down (40 of 100 entries)");

        lines.clear();
        Configuration a = Configuration.EMPTY.withService(ServiceConfig.builder(http).build());
        log.configured(Configuration.EMPTY, a);
        assertThat(lines).containsExactly("INFO configuration: added service TCP 10.0.0.1:80 wlc");
    }

    /** An slf4j logger that keeps "LEVEL message" lines. */
    private static final class ListLogger extends AbstractLogger {
        private static final long serialVersionUID = 1L;
        private final transient List<String> lines;

        ListLogger(List<String> lines) {
            this.lines = lines;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                Throwable throwable) {
            lines.add(level + " " + MessageFormatter.basicArrayFormat(pattern, arguments));
        }

        @Override
        public boolean isTraceEnabled() {
            return true;
        }

        @Override
        public boolean isTraceEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isDebugEnabled() {
            return true;
        }

        @Override
        public boolean isDebugEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled(Marker marker) {
            return true;
        }
    }
}
