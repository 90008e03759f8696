package io.ippvs.core.director;

import io.ippvs.core.conn.ConnectionTable;
import io.ippvs.core.service.RealServerState;
import java.util.ArrayList;
import java.util.List;

/** The connection listing ({@code ipvsadm -c}): a snapshot of the table's entries. Allocates. */
final class Listing {

    private Listing() {}

    /** Every live entry at {@code now}, with those expired but not yet reclaimed when {@code expiredToo}. */
    static List<ConnectionInfo> snapshot(ConnectionTable table, ServerRegistry servers, long now, boolean expiredToo) {
        List<ConnectionInfo> list = new ArrayList<>();
        table.forEach((t, h) -> {
            int state = t.state(h);
            long left = t.expiresAtNanos(h) - now;
            if (state == ProtocolState.GONE || (left < 0 && !expiredToo)) {
                return true;
            }
            RealServerState rs = servers.get(t.realServer(h));
            int proto = t.protocol(h);
            int family = t.family(h);
            list.add(new ConnectionInfo(proto, ProtocolState.name(proto, state), left / 1_000_000, t.isTemplate(h),
                    family, t.clientHigh(h), t.clientLow(h), t.clientPort(h), t.virtualHigh(h), t.virtualLow(h),
                    t.virtualPort(h), rs == null ? family : rs.addressFamily(), t.destinationHigh(h),
                    t.destinationLow(h), t.destinationPort(h), rs));
            return true;
        });
        return list;
    }
}
