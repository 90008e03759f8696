package io.ippvs.core.director;

import io.ippvs.api.Protocol;
import io.ippvs.core.conn.ConnectionFlags;
import io.ippvs.core.conn.ConnectionSpec;
import io.ippvs.core.conn.ConnectionTable;
import io.ippvs.core.service.RealServerState;

/**
 * The connections an application helper expects to follow the one it is looking at (the FTP
 * helper's data connections, as {@code ip_vs_ftp} creates them with {@code ip_vs_conn_new}): made
 * at once, bound to the same real server, so their first packet finds them instead of a scheduler.
 */
final class Expectations {

    /** How long an expected (FTP data) connection waits for its first packet. */
    static final int TIMEOUT_SECONDS = 60;

    private final ConnectionTable table;

    Expectations(ConnectionTable table) {
        this.table = table;
    }

    /**
     * {@link io.ippvs.api.RewriteContext#expectConnection}: an entry bound to the current connection's
     * server, waiting {@link #TIMEOUT_SECONDS} for its first packet; client port 0 is a wildcard.
     */
    boolean expect(Scratch s, Protocol protocol, int clientPort, int virtualPort, int destinationPort) {
        RealServerState rs = s.realServer;
        if (rs == null || protocol == null || clientPort < 0 || clientPort > 0xFFFF || virtualPort < 0
                || virtualPort > 0xFFFF || destinationPort < 0 || destinationPort > 0xFFFF) {
            return false;
        }
        rs.bind(false, false);
        if (!rs.inService()) {
            rs.unbind(false, false);
            return false;
        }
        ConnectionSpec spec = s.spec.clear()
                .family(s.family)
                .protocol(protocol.number())
                .client(s.clientHigh, s.clientLow, clientPort)
                .virtual(s.virtualHigh, s.virtualLow, virtualPort)
                .destination(s.destinationHigh, s.destinationLow, destinationPort)
                .flags(Scheduling.methodFlags(rs.forwardingMethod()) | (clientPort == 0 ? ConnectionFlags.NO_CPORT : 0))
                .state(0, TIMEOUT_SECONDS)
                .realServer(rs.id());
        int r = table.insert(spec, s.now);
        if (!ConnectionTable.inserted(r)) {
            rs.unbind(false, false);
            return false;
        }
        return true;
    }
}
