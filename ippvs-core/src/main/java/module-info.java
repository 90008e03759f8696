/**
 * The director and everything on its data path: header flyweights, checksums, the parser, the
 * connection table, protocol state, schedulers, services, statistics and the ipvsadm interpreter.
 *
 * <p>Exported to everyone: what an appliance programs against - the director and its worker
 * ({@code director}), the ipvsadm interpreter and listings ({@code admin}), the scheduler registry
 * ({@code sched}), the sync daemon, its codec and configuration ({@code sync}). Only the rewriter
 * modules see the connection table ({@code conn}), the parsed-packet description ({@code packet}),
 * the header flyweights, checksums and ICMP reply building. Protocol state machines, services,
 * statistics, the fragment cache and the sync master's view of the connection table
 * ({@code sync.table}) are the director's own.
 */
module io.ippvs.core {
    requires transitive io.ippvs.api;
    requires com.google.common;
    requires org.slf4j;

    exports io.ippvs.core.admin;
    exports io.ippvs.core.director;
    exports io.ippvs.core.sched;
    exports io.ippvs.core.sync;

    exports io.ippvs.core.conn to io.ippvs.nat, io.ippvs.tunnel;
    exports io.ippvs.core.packet to io.ippvs.nat, io.ippvs.tunnel;
    exports io.ippvs.core.checksum to io.ippvs.nat, io.ippvs.tunnel;
    exports io.ippvs.core.header to io.ippvs.nat, io.ippvs.tunnel;
    exports io.ippvs.core.icmp to io.ippvs.nat, io.ippvs.tunnel;
}
