/**
 * Test support for appliances built on ippvs, the kit ippvs tests itself with: a packet builder,
 * a checksum verifier that recomputes every checksum from scratch, a segmenter for offloaded
 * super-packets, and a pcap writer. Depends on the
 * JDK only, so it shares no code with what it checks.
 */
module io.ippvs.testkit {
    exports io.ippvs.testkit;
}
