package io.ippvs.core.director;

import static io.ippvs.core.header.IpProtocol.SCTP;
import static io.ippvs.core.header.IpProtocol.TCP;

import io.ippvs.core.conn.ConnectionTable;
import io.ippvs.core.conn.ConnectionVisitor;
import io.ippvs.core.proto.SctpState;
import io.ippvs.core.proto.TcpState;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The defences against table exhaustion, as IPVS's {@code defense_work_handler} runs them: from the
 * table's fill, secure_tcp's state table and drop_entry, which visits a random 1/32 of the table
 * per sweep and drops half-open and idle entries. Sweep thread only.
 */
final class Defences {

    /** drop_entry spares any entry that has seen more inbound packets than this. */
    static final int DROP_ENTRY_MAX_PACKETS = 8;
    private static final long SECOND = 1_000_000_000L;

    private final ConnectionTable table;
    private final ProtocolState state;
    private final Defence dropEntry;
    private final Defence secureTcp;
    private final double threshold;
    private final int[] dropCounters = new int[DROP_ENTRY_MAX_PACKETS + 1];
    private final ConnectionVisitor visitor = this::visit;
    private long now;

    Defences(ConnectionTable table, ProtocolState state, Defence dropEntry, Defence secureTcp, double threshold) {
        this.table = table;
        this.state = state;
        this.dropEntry = dropEntry;
        this.secureTcp = secureTcp;
        this.threshold = threshold;
        if (secureTcp == Defence.ALWAYS) {
            state.secureTcp(true);
        }
    }

    /** Sets the defence level from the table's fill and runs drop_entry when on; whether it ran. */
    boolean run(long now) {
        boolean tableShort = table.size() > threshold * table.maxConnections();
        state.secureTcp(secureTcp.active(tableShort));
        boolean dropping = dropEntry.active(tableShort);
        if (dropping) {
            randomDropEntry(now);
        }
        return dropping;
    }

    /** IPVS's drop_entry: visit a random 1/32 of the table, dropping half-open and idle entries. */
    private void randomDropEntry(long now) {
        int limit = table.handleLimit();
        if (limit == 0) {
            return;
        }
        int span = Math.max(1, limit >>> 5);
        int from = ThreadLocalRandom.current().nextInt(limit);
        this.now = now;
        table.forEach(from, from + span, visitor);
        if (from + span > limit) {
            table.forEach(0, from + span - limit, visitor);
        }
    }

    private boolean visit(ConnectionTable t, int h) {
        if (t.isTemplate(h)) {
            return true;
        }
        int proto = t.protocol(h);
        int state = t.state(h);
        boolean drop;
        if (proto == TCP) {
            drop = state == TcpState.SYN_RECV.code() || state == TcpState.SYNACK.code()
                    || (state == TcpState.ESTABLISHED.code() && toDrop(t, h));
        } else if (proto == SCTP) {
            drop = state == SctpState.INIT1.code() || state == SctpState.INIT.code()
                    || (state == SctpState.ESTABLISHED.code() && toDrop(t, h));
        } else {
            drop = toDrop(t, h);
        }
        if (drop) {
            int template = t.template(h);
            t.remove(h);
            if (template != ConnectionTable.NO_HANDLE) {
                t.remove(template);
            }
        }
        return true;
    }

    /**
     * IPVS's todrop_entry: an entry idle for at least 60 s with at most 8 inbound packets is dropped
     * on every n-th look for n packets (never with 0 packets).
     */
    private boolean toDrop(ConnectionTable t, int h) {
        long sinceRefresh = now - (t.expiresAtNanos(h) - t.timeoutSeconds(h) * SECOND);
        if (sinceRefresh < 60 * SECOND) {
            return false;
        }
        long packets = t.packets(h);
        if (packets <= 0 || packets > DROP_ENTRY_MAX_PACKETS) {
            return false;
        }
        int i = (int) packets;
        if (--dropCounters[i] > 0) {
            return false;
        }
        dropCounters[i] = i;
        return true;
    }
}
