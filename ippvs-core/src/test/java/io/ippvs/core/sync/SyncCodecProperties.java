package io.ippvs.core.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** jqwik: random IPv4/IPv6 connections and templates with options survive encode then decode. */
class SyncCodecProperties {

    @Property(tries = 2000)
    void encodeThenDecodeGivesEveryEntryBack(@ForAll long seed, @ForAll @IntRange(min = 1, max = 60) int n,
            @ForAll @IntRange(min = 0, max = 255) int syncId, @ForAll @IntRange(min = 400, max = 9000) int maxLen) {
        Random r = new Random(seed);
        List<SyncEntry> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sent.add(SyncEntries.random(r));
        }
        ByteBuffer buf = ByteBuffer.allocate(maxLen);
        SyncEncoder enc = new SyncEncoder();
        SyncCounters counters = new SyncCounters();
        SyncDecoder dec = new SyncDecoder(counters);
        List<SyncEntry> got = new ArrayList<>();
        int i = 0;
        int messages = 0;
        while (i < sent.size()) {
            enc.begin(buf, 0, maxLen, syncId);
            while (i < sent.size() && enc.add(sent.get(i))) {
                i++;
            }
            assertThat(enc.count()).isPositive();
            assertThat(enc.length()).isLessThanOrEqualTo(maxLen);
            messages++;
            int k = dec.decode(buf, 0, enc.length(), syncId, e -> {
                got.add(new SyncEntry().copyFrom(e));
                return null;
            });
            assertThat(k).isEqualTo(enc.count());
        }
        assertThat(counters.messagesReceived()).isEqualTo(messages);
        assertThat(counters.droppedTotal()).isZero();
        assertThat(got).hasSize(sent.size());
        for (int j = 0; j < sent.size(); j++) {
            SyncEntry want = new SyncEntry().copyFrom(sent.get(j));
            want.flags = (want.flags & SyncProtocol.F_BACKUP_MASK) | SyncProtocol.F_SYNC;
            assertThat(got.get(j).toString()).isEqualTo(want.toString());
            assertSame(got.get(j), want);
        }
    }

    private static void assertSame(SyncEntry a, SyncEntry b) {
        assertThat(new long[] {a.family, a.protocol, a.flags, a.state, a.clientPort, a.virtualPort,
                a.destinationPort, a.fwmark, a.timeout, a.clientHigh, a.clientLow, a.virtualHigh, a.virtualLow,
                a.destinationHigh, a.destinationLow, a.hasSequence ? 1 : 0, a.inInitSeq, a.inDelta,
                a.inPreviousDelta, a.outInitSeq, a.outDelta, a.outPreviousDelta, a.peDataLength, a.peNameLength})
                .containsExactly(b.family, b.protocol, b.flags, b.state, b.clientPort, b.virtualPort,
                        b.destinationPort, b.fwmark, b.timeout, b.clientHigh, b.clientLow, b.virtualHigh,
                        b.virtualLow, b.destinationHigh, b.destinationLow, b.hasSequence ? 1 : 0, b.inInitSeq,
                        b.inDelta, b.inPreviousDelta, b.outInitSeq, b.outDelta, b.outPreviousDelta,
                        b.peDataLength, b.peNameLength);
        assertThat(java.util.Arrays.copyOf(a.peData, a.peDataLength))
                .isEqualTo(java.util.Arrays.copyOf(b.peData, b.peDataLength));
        assertThat(java.util.Arrays.copyOf(a.peName, a.peNameLength))
                .isEqualTo(java.util.Arrays.copyOf(b.peName, b.peNameLength));
    }
}
