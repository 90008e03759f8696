package io.ippvs.core.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A million random and mutated datagrams through the decoder: no exception, no read outside the
 * datagram (each is decoded in place inside a larger buffer whose guard bytes differ, and must give
 * the same result), and every datagram either dropped whole for one counted reason or every one of
 * its entries installed or dropped for a counted reason.
 */
class SyncDecoderFuzzTest {

    private static final int DATAGRAMS = 1_000_000;
    private static final int GUARD = 64;

    @Test
    void aMillionHostileDatagramsAreAllAccountedFor() {
        Random r = new Random(0x5EED_15L);
        SyncCounters counters = new SyncCounters();
        SyncDecoder dec = new SyncDecoder(counters);
        SyncCounters shadow = new SyncCounters();
        SyncDecoder guardDec = new SyncDecoder(shadow);
        SyncEncoder enc = new SyncEncoder();
        ByteBuffer good = ByteBuffer.allocate(4096);
        ByteBuffer work = ByteBuffer.allocate(4096 + 2 * GUARD);
        ByteBuffer other = ByteBuffer.allocate(4096 + 2 * GUARD);
        int[] seen = new int[1];
        SyncDecoder.Handler handler = e -> {
            seen[0]++;
            return (e.clientPort & 7) == 0 ? SyncDrop.NOT_INSTALLED : null;
        };
        long messageDrops = 0;
        long delivered = 0;
        for (int i = 0; i < DATAGRAMS; i++) {
            int length;
            if (i % 8 == 0) {
                length = r.nextInt(200);
                for (int j = 0; j < length; j++) {
                    good.put(j, (byte) r.nextInt());
                }
            } else {
                int max = 64 + r.nextInt(1500);
                enc.begin(good, 0, max, r.nextInt(3));
                int n = 1 + r.nextInt(6);
                for (int k = 0; k < n; k++) {
                    enc.add(SyncEntries.random(r));
                }
                length = enc.length();
                length = mutate(good, length, r);
            }
            fill(work, r);
            fill(other, r);
            for (int j = 0; j < length; j++) {
                work.put(GUARD + j, good.get(j));
                other.put(GUARD + j, good.get(j));
            }
            int syncId = r.nextInt(3);
            long entriesBefore = counters.entriesReceived();
            long dropsBefore = counters.droppedTotal();
            long installedBefore = counters.entriesInstalled();
            seen[0] = 0;
            int k = dec.decode(work, GUARD, length, syncId, handler);
            int k2 = guardDec.decode(other, GUARD, length, syncId, e -> (e.clientPort & 7) == 0 ? SyncDrop.NOT_INSTALLED : null);
            assertThat(k2).isEqualTo(k);
            long entries = counters.entriesReceived() - entriesBefore;
            long drops = counters.droppedTotal() - dropsBefore;
            long installed = counters.entriesInstalled() - installedBefore;
            if (k < 0) {
                messageDrops++;
                assertThat(drops).isEqualTo(1);
                assertThat(entries).isZero();
                assertThat(seen[0]).isZero();
            } else {
                delivered += k;
                assertThat(installed).isEqualTo(k);
                assertThat(installed + drops).isEqualTo(entries);
            }
        }
        assertThat(counters.messagesReceived()).isEqualTo(DATAGRAMS);
        long byReason = 0;
        for (SyncDrop d : SyncDrop.values()) {
            if (d.wholeMessage()) {
                byReason += counters.dropped(d);
            }
        }
        assertThat(byReason).isEqualTo(messageDrops);
        // the mutations must reach both outcomes, and most message-level reasons
        assertThat(delivered).isPositive();
        assertThat(messageDrops).isPositive();
        int reasonsHit = 0;
        for (SyncDrop d : SyncDrop.values()) {
            if (counters.dropped(d) > 0) {
                reasonsHit++;
            }
        }
        assertThat(reasonsHit).isGreaterThanOrEqualTo(12);
    }

    private static void fill(ByteBuffer b, Random r) {
        byte v = (byte) r.nextInt();
        for (int j = 0; j < GUARD; j++) {
            b.put(j, v);
            b.put(b.capacity() - 1 - j, v);
        }
    }

    /** Bit flips, byte sets, truncation, extension; the size field fixed up half of the time. */
    private static int mutate(ByteBuffer b, int length, Random r) {
        int kind = r.nextInt(6);
        if (kind == 0) {
            return length; // unchanged
        }
        int flips = 1 + r.nextInt(4);
        for (int f = 0; f < flips; f++) {
            int at = r.nextInt(length);
            if (r.nextBoolean()) {
                b.put(at, (byte) (b.get(at) ^ (1 << r.nextInt(8))));
            } else {
                b.put(at, (byte) r.nextInt());
            }
        }
        if (kind == 2) {
            length = r.nextInt(length + 1);
        } else if (kind == 3) {
            int extra = r.nextInt(16);
            for (int j = 0; j < extra; j++) {
                b.put(length + j, (byte) r.nextInt());
            }
            length += extra;
        }
        if (r.nextBoolean() && length >= 4) {
            b.putShort(2, (short) length);
        }
        return length;
    }
}
