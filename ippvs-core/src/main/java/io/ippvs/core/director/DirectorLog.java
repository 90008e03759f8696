package io.ippvs.core.director;

import io.ippvs.api.Configuration;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.ServiceKey;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a director tells its operator through slf4j, never per packet: each configuration change
 * (one line per service or real server added, edited or removed, at INFO), and from the sweep the
 * moments the connection table fills up or drains and the defences engage or stand down.
 */
final class DirectorLog {

    private final Logger log;

    // sweep state, under the director's sweep lock
    private long tableFullDrops;
    private boolean tableFull;
    private boolean secureTcp;
    private boolean dropEntry;

    DirectorLog() {
        this(LoggerFactory.getLogger(Director.class));
    }

    DirectorLog(Logger log) {
        this.log = log;
    }

    /** Logs what {@code after} changes in {@code before}. */
    void configured(Configuration before, Configuration after) {
        if (log.isInfoEnabled()) {
            for (String line : changes(before, after)) {
                log.info("configuration: {}", line);
            }
        }
    }

    /**
     * Logs what changed since the last sweep: the table turned full (new connections dropped for
     * want of room, counted by {@code tableFullDrops}) or has room again (no such drop since the
     * last sweep and a free entry); secure_tcp or drop_entry
     * engaged or stood down.
     */
    void swept(int size, int max, long tableFullDrops, boolean secureTcp, boolean dropEntry) {
        long dropped = tableFullDrops - this.tableFullDrops;
        this.tableFullDrops = tableFullDrops;
        if (dropped > 0 && !tableFull) {
            tableFull = true;
            log.warn("connection table full ({} of {} entries): {} new connections dropped since the last sweep",
                    size, max, dropped);
        } else if (dropped == 0 && tableFull && size < max) {
            tableFull = false;
            log.info("connection table has room again ({} of {} entries)", size, max);
        }
        if (secureTcp != this.secureTcp) {
            this.secureTcp = secureTcp;
            log(secureTcp, "secure_tcp", size, max);
        }
        if (dropEntry != this.dropEntry) {
            this.dropEntry = dropEntry;
            log(dropEntry, "drop_entry", size, max);
        }
    }

    private void log(boolean on, String defence, int size, int max) {
        if (on) {
            log.warn("defence {} engaged ({} of {} entries)", defence, size, max);
        } else {
            log.info("defence {} stood down ({} of {} entries)", defence, size, max);
        }
    }

    /** One line per service or real server added, edited or removed, and for changed timeouts. */
    static List<String> changes(Configuration before, Configuration after) {
        List<String> lines = new ArrayList<>();
        for (Configuration.Service s : before.services()) {
            if (after.service(s.config().key()) == null) {
                lines.add("removed service " + s.config().key());
            }
        }
        for (Configuration.Service s : after.services()) {
            ServiceKey key = s.config().key();
            Configuration.Service old = before.service(key);
            if (old == null) {
                lines.add("added service " + s.config());
            } else if (!old.config().equals(s.config())) {
                lines.add("edited service " + s.config());
            }
            List<RealServerConfig> was = old == null ? List.of() : old.realServers();
            for (RealServerConfig r : was) {
                if (find(s.realServers(), r) == null) {
                    lines.add("removed real server " + r + " from " + key);
                }
            }
            for (RealServerConfig r : s.realServers()) {
                RealServerConfig o = find(was, r);
                if (o == null) {
                    lines.add("added real server " + r + " to " + key);
                } else if (!o.equals(r)) {
                    lines.add("edited real server " + r + " of " + key);
                }
            }
        }
        if (before.tcpTimeout() != after.tcpTimeout() || before.tcpFinTimeout() != after.tcpFinTimeout()
                || before.udpTimeout() != after.udpTimeout()) {
            lines.add("timeouts tcp " + after.tcpTimeout() + " tcpfin " + after.tcpFinTimeout() + " udp "
                    + after.udpTimeout() + " (0 = the default)");
        }
        return lines;
    }

    private static RealServerConfig find(List<RealServerConfig> list, RealServerConfig server) {
        for (RealServerConfig r : list) {
            if (r.sameServer(server)) {
                return r;
            }
        }
        return null;
    }
}
