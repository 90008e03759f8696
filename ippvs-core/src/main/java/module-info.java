/**
 * The director and everything on its data path: header flyweights, checksums, the parser, the
 * connection table, protocol state, schedulers, services, statistics and the ipvsadm interpreter.
 */
module io.ippvs.core {
    requires transitive io.ippvs.api;
    requires com.google.common;
    requires org.slf4j;

    exports io.ippvs.core.admin;
    // exports io.ippvs.core.checksum;  (uncomment when the package has its first class)
    // exports io.ippvs.core.conn;  (uncomment when the package has its first class)
    // exports io.ippvs.core.director;  (uncomment when the package has its first class)
    // exports io.ippvs.core.header;  (uncomment when the package has its first class)
    exports io.ippvs.core.packet;
    // exports io.ippvs.core.proto;  (uncomment when the package has its first class)
    // exports io.ippvs.core.sched;  (uncomment when the package has its first class)
    // exports io.ippvs.core.service;  (uncomment when the package has its first class)
    // exports io.ippvs.core.stats;  (uncomment when the package has its first class)
}
