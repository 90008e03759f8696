package io.ippvs.tunnel;

import io.ippvs.api.PacketRewriter;
import io.ippvs.api.RealServer;
import io.ippvs.api.Verdict;
import io.ippvs.testkit.PacketBuilder;
import java.nio.ByteBuffer;
import java.util.function.IntFunction;

/**
 * A golden fixture in Katran's style: a description, the input packet and how it sits in its buffer,
 * the rewriter and real server it meets, the expected verdict and the expected bytes in
 * {@code [position, limit)} afterwards. Expected bytes are built independently of the code under test.
 *
 * @param rewriter makes a fresh rewriter whose first IPv4 identification is the argument (the expected
 *     bytes carry {@link Wire#ID}; a run that sends a packet before the fixture's starts one lower)
 * @param output the expected packet; for a drop, the untouched input
 */
record Fixture(String description, IntFunction<PacketRewriter> rewriter, RealServer server, byte[] input,
               boolean direct, int headroom, int tailroom, Verdict verdict, byte[] output) {

    ByteBuffer inputBuffer() {
        return PacketBuilder.inBuffer(input, direct, headroom, tailroom);
    }

    @Override
    public String toString() {
        return description;
    }
}
