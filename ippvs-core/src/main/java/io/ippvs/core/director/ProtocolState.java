package io.ippvs.core.director;

import static io.ippvs.core.header.IpProtocol.SCTP;
import static io.ippvs.core.header.IpProtocol.TCP;

import io.ippvs.core.conn.ConnectionFlags;
import io.ippvs.core.conn.ConnectionTable;
import io.ippvs.core.packet.PacketInfo;
import io.ippvs.core.proto.ProtocolTimeouts;
import io.ippvs.core.proto.SctpState;
import io.ippvs.core.proto.SctpStateMachine;
import io.ippvs.core.proto.TcpState;
import io.ippvs.core.proto.TcpStateMachine;
import io.ippvs.core.service.RealServerState;

/**
 * Connections' protocol state: the state-machine input of a packet, the move of an entry's state
 * with its timer (IPVS's {@code set_tcp_state} / {@code set_sctp_state}), the active/inactive
 * counts that follow it, and conn_reuse_mode's judgement of a finished entry. The TCP table in
 * force (normal or secure_tcp's) is set by the sweep.
 */
final class ProtocolState {

    /** The state a removed entry is frozen in, so no packet thread moves its counts afterwards. */
    static final int GONE = 0xFF;

    private final ConnectionTable table;
    private final int connReuseMode;
    private volatile TcpStateMachine tcpMachine = TcpStateMachine.normal();

    ProtocolState(ConnectionTable table, int connReuseMode) {
        this.table = table;
        this.connReuseMode = connReuseMode;
    }

    /** Puts secure_tcp's state table in force, or the normal one. */
    void secureTcp(boolean on) {
        tcpMachine = on ? TcpStateMachine.secure() : TcpStateMachine.normal();
    }

    boolean secureTcpActive() {
        return tcpMachine == TcpStateMachine.secure();
    }

    /** Moves entry {@code h}'s state for a packet and restarts its timer; counts follow the change. */
    void advance(int h, RealServerState rs, int proto, int direction, int event, long now,
            ProtocolTimeouts timeouts) {
        if (event < 0) {
            return; // set_sctp_state: no chunk header, no state change and no new timeout
        }
        int state = table.state(h);
        TcpStateMachine tcp = tcpMachine;
        for (;;) {
            if (state == GONE) {
                return;
            }
            int next;
            if (proto == TCP) {
                next = tcp.next(state, direction, event);
            } else if (proto == SCTP) {
                next = SctpStateMachine.next(state, direction, event);
            } else {
                next = state;
            }
            int timeout = timeouts.timeout(proto, next);
            if (next == state) {
                // IPVS re-reads the state's timeout on every packet, so --set applies at once
                table.touch(h, timeout, now);
                return;
            }
            if (table.compareAndSetState(h, state, next, timeout, now)) {
                boolean was = active(proto, state);
                boolean is = active(proto, next);
                if (was != is) {
                    rs.activity(is);
                }
                return;
            }
            state = table.state(h);
        }
    }

    /** Whether {@code state} counts as active (ESTABLISHED and the like) for the server's counts. */
    static boolean active(int proto, int state) {
        if (proto == TCP) {
            return TcpState.isActive(state);
        }
        return proto == SCTP && SctpState.isActive(state);
    }

    /** conn_reuse_mode: whether a new connection may replace this finished one. */
    boolean reusable(int h, int proto) {
        if (table.template(h) != ConnectionTable.NO_HANDLE) {
            return false; // controlled by persistence: the client stays on its server
        }
        int state = table.state(h);
        if (proto == TCP) {
            return state == TcpState.TIME_WAIT.code() || state == TcpState.CLOSE.code()
                    || ((connReuseMode & 2) != 0 && state == TcpState.FIN_WAIT.code()
                            && (table.flags(h) & ConnectionFlags.NO_OUTPUT) != 0);
        }
        return proto == SCTP && state == SctpState.CLOSED.code();
    }

    /** Whether conn_reuse_mode is on at all (it also gates expire_nodest_conn's weight-0 rule). */
    boolean reuse() {
        return connReuseMode != 0;
    }

    static boolean startsConnection(int proto, int event) {
        if (proto == TCP) {
            return TcpStateMachine.startsConnection(event);
        }
        if (proto == SCTP) {
            return SctpStateMachine.startsConnection(event);
        }
        return true;
    }

    /** The state-machine input of a packet: TCP flags, the SCTP chunk event, 0 for UDP. */
    static int event(int proto, PacketInfo info) {
        if (proto == TCP) {
            return info.tcpFlags();
        }
        if (proto != SCTP) {
            return 0;
        }
        // the parser read the chunk types; a packet without a chunk header (-1) changes nothing
        int first = info.sctpFirstChunk();
        return first < 0 ? SctpStateMachine.NO_CHUNK : SctpStateMachine.event(first, info.sctpSecondChunk());
    }

    /** The name ipvsadm -c lists for {@code state}. */
    static String name(int proto, int state) {
        if (proto == TCP) {
            return TcpState.ofCode(state).ipvsName();
        }
        if (proto == SCTP) {
            return SctpState.ofCode(state).ipvsName();
        }
        if (proto == io.ippvs.core.header.IpProtocol.UDP) {
            return "UDP";
        }
        return "NONE";
    }
}
