/**
 * Health checks for the director's real servers with keepalived's checkers (TCP_CHECK, HTTP_GET,
 * SSL_GET, UDP_CHECK, PING_CHECK, MISC_CHECK), knobs, quorum and sorry server, configured from code
 * or from a keepalived.conf.
 */
module io.ippvs.health {
    requires transitive io.ippvs.core;
    requires org.slf4j;

    exports io.ippvs.health;
}
