/**
 * The director and everything on its data path: header flyweights, checksums, the parser, the
 * connection table, protocol state, schedulers, services, statistics and the ipvsadm interpreter.
 *
 * <p>Applications program against the director, the ipvsadm interpreter and the scheduler registry;
 * the packet vocabulary (headers, checksums, the parser, ICMP error generation) is exported only to
 * the rewriter modules, and the rest (connection table, protocol state, services, statistics,
 * fragments) stays inside.
 */
// javac warns that io.ippvs.nat and io.ippvs.tunnel are not found: they are built after this module,
// so a qualified export to them cannot be resolved here; the warning says nothing else.
@SuppressWarnings("module")
module io.ippvs.core {
    requires transitive io.ippvs.api;
    requires com.google.common;
    requires org.slf4j;

    exports io.ippvs.core.admin;
    exports io.ippvs.core.director;
    exports io.ippvs.core.sched;

    exports io.ippvs.core.checksum to io.ippvs.nat, io.ippvs.tunnel;
    exports io.ippvs.core.header to io.ippvs.nat, io.ippvs.tunnel;
    exports io.ippvs.core.icmp to io.ippvs.nat, io.ippvs.tunnel;
    exports io.ippvs.core.packet to io.ippvs.nat, io.ippvs.tunnel;
}
