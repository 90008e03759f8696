/**
 * The director and everything on its data path: header flyweights, checksums, the parser, the
 * connection table, protocol state, schedulers, services, statistics and the ipvsadm interpreter.
 */
module io.ippvs.core {
    requires transitive io.ippvs.api;
    requires com.google.common;
    requires org.slf4j;

    exports io.ippvs.core.admin;
    exports io.ippvs.core.checksum;
    exports io.ippvs.core.conn;
    exports io.ippvs.core.director;
    exports io.ippvs.core.header;
    exports io.ippvs.core.icmp;
    exports io.ippvs.core.packet;
    exports io.ippvs.core.proto;
    exports io.ippvs.core.sched;
    exports io.ippvs.core.service;
    exports io.ippvs.core.stats;
    exports io.ippvs.core.sync;
}
