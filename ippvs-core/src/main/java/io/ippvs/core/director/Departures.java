package io.ippvs.core.director;

import io.ippvs.core.conn.ConnectionTable;
import io.ippvs.core.conn.RemovalListener;
import io.ippvs.core.service.RealServerState;
import io.ippvs.core.sync.table.ConnectionFeed;

/**
 * Every entry leaving the table, by expiry or removal: its state is frozen ({@link ProtocolState#GONE}),
 * then it gives back what it held: its server's counts, its attachment, its place in the sync master.
 */
final class Departures implements RemovalListener {

    private final ServerRegistry servers;
    private final Attachments attachments;
    private final SyncHooks sync;

    Departures(ServerRegistry servers, Attachments attachments, SyncHooks sync) {
        this.servers = servers;
        this.attachments = attachments;
        this.sync = sync;
    }

    @Override
    public void removed(ConnectionTable t, int h, boolean expired) {
        int state = t.state(h);
        while (state != ProtocolState.GONE && !t.compareAndSetState(h, state, ProtocolState.GONE, 0, 0)) {
            state = t.state(h);
        }
        boolean template = t.isTemplate(h);
        RealServerState rs = servers.get(t.realServer(h));
        if (rs != null && state != ProtocolState.GONE) {
            rs.unbind(template, !template && ProtocolState.active(t.protocol(h), state));
        }
        attachments.clear(h);
        ConnectionFeed feed = sync.feed();
        if (feed != null) {
            feed.forget(h);
        }
    }
}
