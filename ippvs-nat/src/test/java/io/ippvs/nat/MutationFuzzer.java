package io.ippvs.nat;

import io.ippvs.api.Verdict;
import io.ippvs.core.packet.PacketInfo;
import io.ippvs.core.packet.PacketParser;
import io.ippvs.core.packet.ParseStatus;
import io.ippvs.testkit.ChecksumVerifier;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Mutates good packets (bit flips, truncations, length fields that lie, overwritten header bytes,
 * trailing garbage) and feeds them to a target, checking after each one that: nothing was thrown;
 * the verdict is one the caller allows; nothing was written outside the buffer (guard bytes after
 * its capacity and before its start) nor into the headroom before the packet; a PASS left the packet
 * as it was; and a FORWARD or REPLY of a packet whose checksums were all valid is valid too.
 *
 * <p>The buffers are allocated once and refilled: a million packets take seconds. The count comes from
 * the system property {@code ippvs.fuzz.packets} when set (the nightly profile raises it).
 */
final class MutationFuzzer {

    static final int HEADROOM = 16;
    static final int TAILROOM = 64;
    private static final byte PATTERN = 0x5A;

    private final List<byte[]> seeds;
    private final int capacity;
    private final ByteBuffer[] wholes = new ByteBuffer[2];
    private final ByteBuffer[] buffers = new ByteBuffer[2];
    private final byte[] scratch;
    private final PacketParser verifyingParser = new PacketParser(true);
    private final PacketInfo verifyInfo = new PacketInfo();

    /** What a run found. */
    static final class Report {
        long packets;
        long checksumVerified;
        final long[] byAction = new long[Verdict.Action.values().length];
        final List<String> failures = new ArrayList<>();

        @Override
        public String toString() {
            return packets + " packets " + Arrays.toString(Verdict.Action.values()) + "=" + Arrays.toString(byAction)
                    + ", " + checksumVerified + " outputs verified, " + failures.size() + " failures";
        }
    }

    MutationFuzzer(List<byte[]> seeds) {
        this.seeds = seeds;
        int max = 0;
        for (byte[] s : seeds) {
            max = Math.max(max, s.length);
        }
        this.capacity = HEADROOM + max + TAILROOM;
        this.scratch = new byte[capacity];
        for (int d = 0; d < 2; d++) {
            int size = capacity + 2 * Guarded.GUARD;
            wholes[d] = d == 0 ? ByteBuffer.allocate(size) : ByteBuffer.allocateDirect(size);
            for (int i = 0; i < size; i++) {
                wholes[d].put(i, Guarded.GUARD_BYTE);
            }
            buffers[d] = wholes[d].duplicate().position(Guarded.GUARD).limit(Guarded.GUARD + capacity).slice();
        }
    }

    /** The number of packets to try: {@code ippvs.fuzz.packets} or {@code defaultCount}. */
    static int count(int defaultCount) {
        return Integer.getInteger("ippvs.fuzz.packets", defaultCount);
    }

    Report run(long seed, int count, Function<ByteBuffer, Verdict> target, Predicate<Verdict> allowed) {
        SplittableRandom random = new SplittableRandom(seed);
        Report report = new Report();
        for (int n = 0; n < count && report.failures.size() < 5; n++) {
            byte[] original = seeds.get(random.nextInt(seeds.size()));
            ByteBuffer b = buffers[n & 1];
            b.clear();
            for (int i = 0; i < capacity; i++) {
                b.put(i, PATTERN);
            }
            for (int i = 0; i < original.length; i++) {
                b.put(HEADROOM + i, original[i]);
            }
            int length = mutate(b, original.length, random);
            b.limit(HEADROOM + length).position(HEADROOM);
            for (int i = 0; i < length; i++) {
                scratch[i] = b.get(HEADROOM + i);
            }
            boolean checksumsValid = verifyingParser.parse(b, verifyInfo) == ParseStatus.OK && ChecksumVerifier.valid(b);
            Verdict v;
            try {
                v = target.apply(b);
            } catch (RuntimeException | AssertionError e) {
                fail(report, "threw " + e, scratch, length, null);
                continue;
            }
            report.packets++;
            if (v == null || !allowed.test(v)) {
                fail(report, "verdict " + v, scratch, length, null);
                continue;
            }
            report.byAction[v.action().ordinal()]++;
            if (!guardsIntact(n & 1)) {
                fail(report, "wrote outside the buffer (" + v + ")", scratch, length, null);
                continue;
            }
            if (b.position() != HEADROOM || b.limit() < b.position() || b.limit() > capacity) {
                fail(report, "position/limit " + b.position() + "/" + b.limit(), scratch, length, null);
                continue;
            }
            for (int i = 0; i < HEADROOM; i++) {
                if (b.get(i) != PATTERN) {
                    fail(report, "wrote before the packet (" + v + ")", scratch, length, null);
                    break;
                }
            }
            if (v.isPass() && !samePacket(b, length)) {
                fail(report, "PASS changed the packet", scratch, length, ChecksumVerifier.toBytes(b));
            }
            if (checksumsValid && (v.isForward() || v.isReply())) {
                report.checksumVerified++;
                if (!ChecksumVerifier.valid(b)) {
                    fail(report, v + " of a valid packet has bad checksums " + ChecksumVerifier.problems(b), scratch, length,
                            ChecksumVerifier.toBytes(b));
                }
            }
        }
        return report;
    }

    private boolean samePacket(ByteBuffer b, int length) {
        if (b.remaining() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (b.get(HEADROOM + i) != scratch[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean guardsIntact(int d) {
        ByteBuffer w = wholes[d];
        for (int i = 0; i < Guarded.GUARD; i++) {
            if (w.get(i) != Guarded.GUARD_BYTE || w.get(Guarded.GUARD + capacity + i) != Guarded.GUARD_BYTE) {
                return false;
            }
        }
        return true;
    }

    private static void fail(Report report, String what, byte[] input, int length, byte[] output) {
        byte[] in = Arrays.copyOf(input, length);
        report.failures.add(what + "\n  input  " + Guarded.hex(in) + (output == null ? "" : "\n  output " + Guarded.hex(output))
                + "\n  pcap   " + Guarded.dump("fuzz-" + report.failures.size(), output == null ? List.of(in) : List.of(in, output)));
    }

    /** Mutates the packet at HEADROOM in place; returns its new length. */
    private int mutate(ByteBuffer b, int length, SplittableRandom r) {
        int l3 = HEADROOM;
        boolean v4 = (b.get(l3) & 0xF0) == 0x40;
        int l4 = l3 + (v4 ? (b.get(l3) & 0x0F) * 4 : 40);
        int ops = 1 + (r.nextInt(4) == 0 ? 1 : 0);
        for (int op = 0; op < ops; op++) {
            switch (r.nextInt(6)) {
                case 0: { // bit flips
                    int flips = 1 + r.nextInt(4);
                    for (int i = 0; i < flips; i++) {
                        int at = l3 + r.nextInt(length);
                        b.put(at, (byte) (b.get(at) ^ (1 << r.nextInt(8))));
                    }
                    break;
                }
                case 1: // truncation
                    length = r.nextInt(length);
                    if (length == 0) {
                        length = 1;
                    }
                    break;
                case 2: { // a length field that lies
                    int[] fields = v4 ? new int[] {l3 + 2, l4 + 4, l4 + 12, l4 + 14, l4 + 8 + 2} : new int[] {l3 + 4, l4 + 4, l4 + 12,
                            l4 + 14, l4 + 8 + 4};
                    int at = fields[r.nextInt(fields.length)];
                    if (at + 2 <= l3 + length) {
                        int old = b.getShort(at) & 0xFFFF;
                        int lie = r.nextBoolean() ? r.nextInt(0x10000) : old + r.nextInt(33) - 16;
                        b.putShort(at, (short) lie);
                    }
                    if (v4 && r.nextInt(4) == 0) {
                        b.put(l3, (byte) (0x40 | r.nextInt(16))); // IHL lie
                    }
                    break;
                }
                case 3: { // overwrite header bytes
                    int n = 1 + r.nextInt(3);
                    for (int i = 0; i < n; i++) {
                        int at = l3 + r.nextInt(Math.min(length, 96));
                        b.put(at, (byte) r.nextInt(256));
                    }
                    break;
                }
                case 4: { // trailing garbage inside the buffer
                    int extra = 1 + r.nextInt(TAILROOM / 2);
                    for (int i = 0; i < extra; i++) {
                        b.put(l3 + length + i, (byte) r.nextInt(256));
                    }
                    length += extra;
                    break;
                }
                default: { // shift the TTL / hop limit to the edges
                    b.put(l3 + (v4 ? 8 : 7), (byte) r.nextInt(3));
                    break;
                }
            }
        }
        return length;
    }
}
