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
import java.util.ArrayList;
import java.util.List;

/** A {@link Director} seen as an {@link IpvsadmTarget}. */
final class DirectorTarget implements IpvsadmTarget {

    private final Director director;

    DirectorTarget(Director director) {
        if (director == null) {
            throw new IllegalArgumentException("director: must not be null");
        }
        this.director = director;
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
