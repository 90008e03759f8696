package io.ippvs.core.admin;

import io.ippvs.api.Configuration;
import io.ippvs.api.DropReason;
import io.ippvs.api.ServiceKey;
import io.ippvs.api.Stats;
import io.ippvs.api.VirtualService;
import io.ippvs.core.director.ConnectionInfo;
import io.ippvs.core.director.Director;
import io.ippvs.core.service.RealServerState;
import io.ippvs.core.service.VirtualServiceState;
import io.ippvs.core.sync.SyncDaemon;
import io.ippvs.core.sync.SyncDaemonConfig;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** A {@link Director} seen as an {@link IpvsadmTarget}. */
final class DirectorTarget implements IpvsadmTarget {

    private final Director director;
    private final Map<SyncDaemon.Role, SyncDaemon> daemons = new EnumMap<>(SyncDaemon.Role.class);

    DirectorTarget(Director director) {
        if (director == null) {
            throw new IllegalArgumentException("director: must not be null");
        }
        this.director = director;
    }

    @Override
    public synchronized SyncDaemon startDaemon(SyncDaemon.Role role, SyncDaemonConfig config) {
        if (daemons.containsKey(role)) {
            throw new IllegalArgumentException("start-daemon: Daemon has already run");
        }
        SyncDaemon d = SyncDaemon.start(role, director, config);
        daemons.put(role, d);
        return d;
    }

    @Override
    public synchronized void stopDaemon(SyncDaemon.Role role) {
        SyncDaemon d = daemons.remove(role);
        if (d == null) {
            throw new IllegalArgumentException("stop-daemon: No daemon is running");
        }
        d.close();
    }

    @Override
    public synchronized List<SyncDaemon> daemons() {
        return List.copyOf(daemons.values());
    }

    @Override
    public Configuration configuration() {
        return director.configuration();
    }

    @Override
    public void configure(Configuration next) {
        director.configure(next);
    }

    @Override
    public List<VirtualService> services() {
        return director.services();
    }

    @Override
    public Stats totals() {
        return director.totals();
    }

    @Override
    public List<ConnectionRow> connections() {
        List<ConnectionInfo> infos = director.connections();
        List<ConnectionRow> rows = new ArrayList<>(infos.size());
        for (ConnectionInfo c : infos) {
            rows.add(new ConnectionRow(c.protocolLabel(), c.state(), c.expiresInMillis(), c.clientAddress(),
                    c.clientPort(), c.virtualAddress(), c.virtualPort(), c.destinationAddress(), c.destinationPort()));
        }
        return rows;
    }

    @Override
    public void zeroCounters() {
        director.zeroCounters();
    }

    @Override
    public void zeroCounters(ServiceKey key) {
        director.zeroCounters(key);
    }

    @Override
    public long drops(DropReason reason) {
        return director.drops(reason);
    }
}
