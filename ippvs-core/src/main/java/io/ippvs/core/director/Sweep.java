package io.ippvs.core.director;

import io.ippvs.api.DropReason;
import io.ippvs.core.conn.ConnectionTable;
import io.ippvs.core.service.RealServerState;
import io.ippvs.core.service.VirtualServiceState;
import io.ippvs.core.stats.TrafficStats;
import java.util.function.LongSupplier;

/**
 * The director's periodic work ({@link Director#sweep()}): expired entries reclaimed, the defences
 * set from the table's fill, the rate estimators run for every 2 s of clock time passed, the ids of
 * removed real servers recycled. One sweep at a time.
 */
final class Sweep {

    private final LongSupplier clock;
    private final ConnectionTable table;
    private final Defences defences;
    private final ProtocolState state;
    private final Publication publication;
    private final ServerRegistry servers;
    private final TrafficStats totals;
    private final Outcomes outcomes;
    private final DirectorLog log;
    private long lastEstimate;

    Sweep(LongSupplier clock, ConnectionTable table, Defences defences, ProtocolState state, Publication publication,
            ServerRegistry servers, TrafficStats totals, Outcomes outcomes, DirectorLog log) {
        this.clock = clock;
        this.table = table;
        this.defences = defences;
        this.state = state;
        this.publication = publication;
        this.servers = servers;
        this.totals = totals;
        this.outcomes = outcomes;
        this.log = log;
        this.lastEstimate = clock.getAsLong();
    }

    synchronized void run() {
        long now = clock.getAsLong();
        table.sweep(now);
        boolean dropping = defences.run(now);
        log.swept(table.size(), table.maxConnections(), outcomes.drops(DropReason.TABLE_FULL), state.secureTcpActive(),
                dropping);
        long periods = (now - lastEstimate) / TrafficStats.ESTIMATOR_PERIOD_NANOS;
        if (periods > 0) {
            lastEstimate += periods * TrafficStats.ESTIMATOR_PERIOD_NANOS;
            int n = (int) Math.min(periods, 64);
            totals.estimate(n);
            for (VirtualServiceState svc : publication.current().services) {
                svc.stats().estimate(n);
                for (RealServerState rs : svc.servers()) {
                    rs.stats().estimate(n);
                }
            }
        }
        servers.releaseIdle();
    }
}
